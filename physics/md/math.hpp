#pragma once
// Float and double overloads of the functions the pair evaluators call:
// unqualified sqrt/exp/erfc of a float would go through the double C
// functions on the host.
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::md::detail {

TESSERA_HD TESSERA_INLINE float pair_sqrt(float x) { return sqrtf(x); }
TESSERA_HD TESSERA_INLINE double pair_sqrt(double x) { return sqrt(x); }
TESSERA_HD TESSERA_INLINE float pair_exp(float x) { return expf(x); }
TESSERA_HD TESSERA_INLINE double pair_exp(double x) { return exp(x); }
TESSERA_HD TESSERA_INLINE float pair_erfc(float x) { return erfcf(x); }
TESSERA_HD TESSERA_INLINE double pair_erfc(double x) { return erfc(x); }

}  // namespace tessera::md::detail
