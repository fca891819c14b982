#pragma once
// Coulomb between point charges, with prefactor qqrd2e q_i q_j (LAMMPS's
// qqrd2e converts q^2 / length into the run's energy units):
//  - cut (LAMMPS coul/cut, the Coulomb part of lj/cut/coul/cut): E = k qq / r,
//    neither shifted nor smoothed at its cutoff, as LAMMPS;
//  - long (coul/long, real-space part of Ewald/PPPM): E = k qq erfc(g r) / r,
//    F = k qq (erfc(g r) / r + 2 g / sqrt(pi) exp(-g^2 r^2)) / r. LAMMPS
//    tabulates erfc (pair_modify table 12) or uses a polynomial fit good to
//    ~1e-7 (table 0); this uses the library erfc, accurate to round-off.
#include "physics/md/math.hpp"

namespace tessera::md {

template <class Real>
TESSERA_HD TESSERA_INLINE void coul_cut_evaluate(Real kqq, Real r2, Real& force_over_r, Real& energy) {
  const Real rinv = Real(1) / detail::pair_sqrt(r2);
  energy = kqq * rinv;
  force_over_r = energy * rinv * rinv;
}

template <class Real>
TESSERA_HD TESSERA_INLINE void coul_long_evaluate(Real kqq, Real g_ewald, Real r2, Real& force_over_r, Real& energy) {
  const Real two_over_sqrt_pi = Real(1.1283791670955126);
  const Real r = detail::pair_sqrt(r2), gr = g_ewald * r;
  const Real prefactor = kqq / r;
  const Real erfc_gr = detail::pair_erfc(gr);
  energy = prefactor * erfc_gr;
  force_over_r = prefactor * (erfc_gr + two_over_sqrt_pi * gr * detail::pair_exp(-gr * gr)) / r2;
}

}  // namespace tessera::md
