#pragma once
// Pair potentials of md.lj, each as precomputed coefficients and one
// evaluation from r^2 giving force/r and energy (the HOOMD-blue evaluator
// idea): Lennard-Jones 12-6 (WCA is LJ cut at 2^(1/6) sigma and shifted) and
// Morse. A new potential is one `kind`, one branch here and one line in the
// md schema.
//
// The evaluation is written once for any real type: double, and float for
// precision = "mixed" (single-precision pair arithmetic from coefficients
// rounded once with `in_precision`).
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::md {

enum class PairKind { LennardJones = 0, Morse = 1 };

template <class Real>
struct PairCoeffT {
  int kind = 0;
  Real a = 0, b = 0, c = 0, d = 0;  // LJ: 48 e s^12, 24 e s^6, 4 e s^12, 4 e s^6; Morse: D0, alpha, r0, -
  Real offset = 0;                  // energy shift making E(rc) = 0 when requested
  Real rc2 = 0;                     // cutoff squared; 0 = no interaction
};
using PairCoeff = PairCoeffT<double>;

// The coefficients rounded to Real once, so the force loop converts nothing.
template <class Real>
PairCoeffT<Real> in_precision(const PairCoeff& p) {
  PairCoeffT<Real> q;
  q.kind = p.kind;
  q.a = static_cast<Real>(p.a), q.b = static_cast<Real>(p.b), q.c = static_cast<Real>(p.c);
  q.d = static_cast<Real>(p.d), q.offset = static_cast<Real>(p.offset), q.rc2 = static_cast<Real>(p.rc2);
  return q;
}

namespace detail {
// Explicit float versions: unqualified sqrt/exp of a float would go through
// the double C functions on the host.
TESSERA_HD TESSERA_INLINE float pair_sqrt(float x) { return sqrtf(x); }
TESSERA_HD TESSERA_INLINE double pair_sqrt(double x) { return sqrt(x); }
TESSERA_HD TESSERA_INLINE float pair_exp(float x) { return expf(x); }
TESSERA_HD TESSERA_INLINE double pair_exp(double x) { return exp(x); }
}  // namespace detail

// force_over_r = -(dE/dr) / r and the pair energy at separation^2 r2 < rc2.
template <class Real>
TESSERA_HD TESSERA_INLINE void pair_evaluate(const PairCoeffT<Real>& p, Real r2, Real& force_over_r, Real& energy) {
  if (p.kind == static_cast<int>(PairKind::LennardJones)) {
    const Real r2i = Real(1) / r2, r6i = r2i * r2i * r2i;
    force_over_r = r6i * (p.a * r6i - p.b) * r2i;
    energy = r6i * (p.c * r6i - p.d) - p.offset;
  } else {
    // E = D0 (exp(-2 alpha (r - r0)) - 2 exp(-alpha (r - r0)))
    const Real r = detail::pair_sqrt(r2), e1 = detail::pair_exp(-p.b * (r - p.c));
    force_over_r = Real(2) * p.b * p.a * (e1 * e1 - e1) / r;
    energy = p.a * (e1 * e1 - Real(2) * e1) - p.offset;
  }
}

inline PairCoeff lennard_jones(double epsilon, double sigma, double rc, bool shift) {
  PairCoeff p;
  p.kind = static_cast<int>(PairKind::LennardJones);
  const double s6 = std::pow(sigma, 6), s12 = s6 * s6;
  p.a = 48 * epsilon * s12, p.b = 24 * epsilon * s6, p.c = 4 * epsilon * s12, p.d = 4 * epsilon * s6;
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
