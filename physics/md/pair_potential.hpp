#pragma once
// The pair table entry of the md solver and its one evaluation: a short-range
// part (Lennard-Jones, Morse or Buckingham; each a pure evaluator in its own
// file here) plus, for charged styles, a Coulomb part (cut or the real-space
// erfc of Ewald/PPPM, coulomb.hpp), each with its own cutoff, as LAMMPS's
// lj/cut/coul/cut, lj/cut/coul/long, coul/long and buck/coul/long are. The
// per-pair charge product enters at evaluation; the table holds per type
// pair coefficients (the HOOMD-blue evaluator idea). A new potential is one
// evaluator file, one `kind`, one branch below and one name in the schema.
//
// The evaluation is written once for any real type: double, and float for
// precision = "mixed" (single-precision pair arithmetic from coefficients
// rounded once with `in_precision`).
#include <cmath>

#include "physics/md/buckingham.hpp"
#include "physics/md/coulomb.hpp"
#include "physics/md/lj_cut.hpp"
#include "physics/md/math.hpp"
#include "physics/md/morse.hpp"
#include "runtime/macros.hpp"

namespace tessera::md {

enum class PairKind { LennardJones = 0, Morse = 1, Buckingham = 2, None = 3 };
// LongPolynomial: Long with the polynomial erfc (coulomb.hpp), a table
// entry's choice only; styles and the solver speak of Long.
enum class CoulKind { None = 0, Cut = 1, Long = 2, LongPolynomial = 3 };

template <class Real>
struct PairCoeffT {
  int kind = 0;
  // LJ: 48 e s^12, 24 e s^6, 4 e s^12, 4 e s^6; Morse: D0, alpha, r0, -;
  // Buckingham: A, 1/rho, C, -.
  Real a = 0, b = 0, c = 0, d = 0;
  Real offset = 0;  // short-range energy shift making E(rc) = 0 when requested
  Real rc2 = 0;     // short-range cutoff squared; 0 = no short-range term
  int coul = 0;     // CoulKind
  Real qqrd2e = 0;  // Coulomb's constant in the run's units
  Real g_ewald = 0; // coul/long splitting parameter
  Real rc_coul2 = 0;  // Coulomb cutoff squared
};
using PairCoeff = PairCoeffT<double>;

// The coefficients rounded to Real once, so the force loop converts nothing.
template <class Real>
PairCoeffT<Real> in_precision(const PairCoeff& p) {
  PairCoeffT<Real> q;
  q.kind = p.kind;
  q.a = static_cast<Real>(p.a), q.b = static_cast<Real>(p.b), q.c = static_cast<Real>(p.c);
  q.d = static_cast<Real>(p.d), q.offset = static_cast<Real>(p.offset), q.rc2 = static_cast<Real>(p.rc2);
  q.coul = p.coul, q.qqrd2e = static_cast<Real>(p.qqrd2e), q.g_ewald = static_cast<Real>(p.g_ewald);
  q.rc_coul2 = static_cast<Real>(p.rc_coul2);
  return q;
}

// The list cutoff squared of a pair: the larger of its two cutoffs.
template <class Real>
TESSERA_HD TESSERA_INLINE Real pair_range2(const PairCoeffT<Real>& p) {
  return p.coul != 0 && p.rc_coul2 > p.rc2 ? p.rc_coul2 : p.rc2;
}

// force_over_r = -(dE/dr) / r and the short-range (e_vdw) and Coulomb
// (e_coul) energies at separation^2 r2 for charges with product qq; each
// part is zero beyond its own cutoff.
template <class Real>
TESSERA_HD TESSERA_INLINE void pair_evaluate(const PairCoeffT<Real>& p, Real r2, Real qq, Real& force_over_r,
                                             Real& e_vdw, Real& e_coul) {
  force_over_r = 0, e_vdw = 0, e_coul = 0;
  if (r2 < p.rc2) {
    Real fr, e;
    if (p.kind == static_cast<int>(PairKind::LennardJones))
      lj_cut_evaluate(p.a, p.b, p.c, p.d, Real(1) / r2, fr, e);
    else if (p.kind == static_cast<int>(PairKind::Morse))
      morse_evaluate(p.a, p.b, p.c, r2, fr, e);
    else
      buckingham_evaluate(p.a, p.b, p.c, r2, fr, e);
    force_over_r = fr;
    e_vdw = e - p.offset;
  }
  if (p.coul != 0 && r2 < p.rc_coul2 && qq != Real(0)) {
    Real fr, e;
    if (p.coul == static_cast<int>(CoulKind::Long))
      coul_long_evaluate(p.qqrd2e * qq, p.g_ewald, r2, fr, e);
    else if (p.coul == static_cast<int>(CoulKind::LongPolynomial))
      coul_long_polynomial_evaluate(p.qqrd2e * qq, p.g_ewald, r2, fr, e);
    else
      coul_cut_evaluate(p.qqrd2e * qq, r2, fr, e);
    force_over_r += fr;
    e_coul = e;
  }
}

// The short-range part alone, r2 < rc2 (neutral styles: lj, wca, morse).
template <class Real>
TESSERA_HD TESSERA_INLINE void pair_evaluate(const PairCoeffT<Real>& p, Real r2, Real& force_over_r, Real& energy) {
  if (p.kind == static_cast<int>(PairKind::LennardJones))
    lj_cut_evaluate(p.a, p.b, p.c, p.d, Real(1) / r2, force_over_r, energy);
  else if (p.kind == static_cast<int>(PairKind::Morse))
    morse_evaluate(p.a, p.b, p.c, r2, force_over_r, energy);
  else
    buckingham_evaluate(p.a, p.b, p.c, r2, force_over_r, energy);
  energy -= p.offset;
}

inline PairCoeff lennard_jones(double epsilon, double sigma, double rc, bool shift) {
  PairCoeff p;
  p.kind = static_cast<int>(PairKind::LennardJones);
  const LjCutCoeffs<double> k = lj_cut_coeffs(epsilon, sigma);
  p.a = k.f12, p.b = k.f6, p.c = k.e12, p.d = k.e6;
  p.rc2 = rc * rc;
  if (shift) {
    const double r6i = 1.0 / std::pow(rc, 6);
    p.offset = r6i * (p.c * r6i - p.d);
  }
  return p;
}

inline PairCoeff morse(double d0, double alpha, double r0, double rc, bool shift) {
  PairCoeff p;
  p.kind = static_cast<int>(PairKind::Morse);
  p.a = d0, p.b = alpha, p.c = r0;
  p.rc2 = rc * rc;
  if (shift) {
    const double e1 = std::exp(-alpha * (rc - r0));
    p.offset = d0 * (e1 * e1 - 2 * e1);
  }
  return p;
}

// E = A exp(-r / rho) - C / r^6 (LAMMPS `pair_coeff i j A rho C`).
inline PairCoeff buckingham(double a, double rho, double c, double rc, bool shift) {
  PairCoeff p;
  p.kind = static_cast<int>(PairKind::Buckingham);
  p.a = a, p.b = 1.0 / rho, p.c = c;
  p.rc2 = rc * rc;
  if (shift) p.offset = a * std::exp(-rc / rho) - c / std::pow(rc, 6);
  return p;
}

// No short-range term (coul/long, coul/cut).
inline PairCoeff no_short_range() {
  PairCoeff p;
  p.kind = static_cast<int>(PairKind::None);
  return p;
}

// Adds a Coulomb part to `p`: cut (g_ewald ignored) or long.
inline PairCoeff with_coulomb(PairCoeff p, CoulKind kind, double qqrd2e, double rc_coul, double g_ewald = 0) {
  p.coul = static_cast<int>(kind);
  p.qqrd2e = qqrd2e;
  p.rc_coul2 = rc_coul * rc_coul;
  p.g_ewald = g_ewald;
  return p;
}

// Long-range corrections for a truncated, unshifted LJ fluid of number
// density rho (Allen & Tildesley): energy per atom and pressure.
inline double lj_tail_energy_per_atom(double rho, double epsilon, double sigma, double rc) {
  const double sr3 = std::pow(sigma / rc, 3), pi = 3.14159265358979323846;
  return 8.0 / 3.0 * pi * rho * epsilon * std::pow(sigma, 3) * (sr3 * sr3 * sr3 / 3.0 - sr3);
}
inline double lj_tail_pressure(double rho, double epsilon, double sigma, double rc) {
  const double sr3 = std::pow(sigma / rc, 3), pi = 3.14159265358979323846;
  return 16.0 / 3.0 * pi * rho * rho * epsilon * std::pow(sigma, 3) * (2.0 / 3.0 * sr3 * sr3 * sr3 - sr3);
}

}  // namespace tessera::md
