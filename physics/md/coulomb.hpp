#pragma once
// Coulomb between point charges, with prefactor qqrd2e q_i q_j (LAMMPS's
// qqrd2e converts q^2 / length into the run's energy units):
//  - cut (LAMMPS coul/cut, the Coulomb part of lj/cut/coul/cut): E = k qq / r,
//    neither shifted nor smoothed at its cutoff, as LAMMPS;
//  - long (coul/long, real-space part of Ewald/PPPM): E = k qq erfc(g r) / r,
//    F = k qq (erfc(g r) / r + 2 g / sqrt(pi) exp(-g^2 r^2)) / r. LAMMPS
//    tabulates erfc (pair_modify table 12) or uses a polynomial fit good to
//    ~1e-7 (table 0); this uses the library erfc, accurate to round-off,
//    or ([physics] coulomb_erfc = "polynomial") the same fit as table 0:
//    Abramowitz & Stegun 7.1.26, erfc(x) ~ t (a1 + t (a2 + .. t a5)) e^(-x^2)
//    with t = 1 / (1 + p x), absolute error below 1.5e-7, one exp per pair
//    instead of erfc's and exp's.
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

template <class Real>
TESSERA_HD TESSERA_INLINE void coul_long_polynomial_evaluate(Real kqq, Real g_ewald, Real r2, Real& force_over_r,
                                                          Real& energy) {
  const Real two_over_sqrt_pi = Real(1.1283791670955126);
  const Real p = Real(0.3275911), a1 = Real(0.254829592), a2 = Real(-0.284496736), a3 = Real(1.421413741),
             a4 = Real(-1.453152027), a5 = Real(1.061405429);
  const Real r = detail::pair_sqrt(r2), gr = g_ewald * r;
  const Real prefactor = kqq / r;
  const Real expm2 = detail::pair_exp(-gr * gr);
  const Real t = Real(1) / (Real(1) + p * gr);
  const Real erfc_gr = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5)))) * expm2;
  energy = prefactor * erfc_gr;
  force_over_r = prefactor * (erfc_gr + two_over_sqrt_pi * gr * expm2) / r2;
}

}  // namespace tessera::md
