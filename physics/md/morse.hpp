#pragma once
// Morse (LAMMPS morse): E = D0 (exp(-2 alpha (r - r0)) - 2 exp(-alpha (r - r0))).
#include "physics/md/math.hpp"

namespace tessera::md {

template <class Real>
TESSERA_HD TESSERA_INLINE void morse_evaluate(Real d0, Real alpha, Real r0, Real r2, Real& force_over_r, Real& energy) {
  const Real r = detail::pair_sqrt(r2), e1 = detail::pair_exp(-alpha * (r - r0));
  force_over_r = Real(2) * alpha * d0 * (e1 * e1 - e1) / r;
  energy = d0 * (e1 * e1 - Real(2) * e1);
}

}  // namespace tessera::md
