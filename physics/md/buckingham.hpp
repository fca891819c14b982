#pragma once
// Buckingham exp-6 (LAMMPS buck, the short-range part of buck/coul/long):
// E = A exp(-r / rho) - C / r^6; the Born-Mayer-Huggins / Tosi-Fumi family of
// ionic-salt models without its r^-8 term. Evaluated from A, 1/rho and C.
#include "physics/md/math.hpp"

namespace tessera::md {

// force_over_r = -(dE/dr) / r and the unshifted energy at r^2.
template <class Real>
TESSERA_HD TESSERA_INLINE void buckingham_evaluate(Real a, Real rho_inv, Real c, Real r2, Real& force_over_r,
                                                   Real& energy) {
  const Real r = detail::pair_sqrt(r2), r2i = Real(1) / r2, r6i = r2i * r2i * r2i;
  const Real rexp = a * detail::pair_exp(-r * rho_inv);
  force_over_r = (rexp * rho_inv * r - Real(6) * c * r6i) * r2i;
  energy = rexp - c * r6i;
}

}  // namespace tessera::md
