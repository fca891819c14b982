#pragma once
// Lennard-Jones 12-6 (LAMMPS lj/cut): E = 4 eps ((s/r)^12 - (s/r)^6) - offset,
// with the coefficients 48 eps s^12, 24 eps s^6 (force) and 4 eps s^12,
// 4 eps s^6 (energy) precomputed. WCA is this cut at 2^(1/6) s and shifted.
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::md {

template <class Real>
struct LjCutCoeffs {
  Real f12 = 0, f6 = 0, e12 = 0, e6 = 0;
};

inline LjCutCoeffs<double> lj_cut_coeffs(double epsilon, double sigma) {
  const double s6 = std::pow(sigma, 6), s12 = s6 * s6;
  return {48 * epsilon * s12, 24 * epsilon * s6, 4 * epsilon * s12, 4 * epsilon * s6};
}

// force_over_r = -(dE/dr) / r and the unshifted energy at r^2 (r2i = 1 / r^2).
template <class Real>
TESSERA_HD TESSERA_INLINE void lj_cut_evaluate(Real f12, Real f6, Real e12, Real e6, Real r2i, Real& force_over_r,
                                               Real& energy) {
  const Real r6i = r2i * r2i * r2i;
  force_over_r = r6i * (f12 * r6i - f6) * r2i;
  energy = r6i * (e12 * r6i - e6);
}

}  // namespace tessera::md
