#pragma once
// Slope limiters for piecewise-linear reconstruction (Toro 2009, sect. 13.8;
// LeVeque 2002, "Finite Volume Methods for Hyperbolic Problems", sect. 6.12).
//
// limited_slope(lim, dql, dqr) takes the one-sided undivided differences of a
// cell, dql = q_i - q_{i-1} and dqr = q_{i+1} - q_i, and returns the limited
// undivided slope dq (the change of q across the cell). Every limiter returns 0
// when dql and dqr differ in sign or one vanishes (a local extremum), returns
// dql when dql == dqr (linear data), and satisfies |dq| <= 2 min(|dql|, |dqr|),
// so the face values q_i -+ dq/2 stay within the neighbours' range (TVD).
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::hydro {

enum class Limiter { Minmod, VanLeer, MC };

// minmod: the smaller one-sided slope (Roe 1986).
TESSERA_HD inline double minmod_slope(double dql, double dqr) {
  if (dql * dqr <= 0.0) return 0.0;
  return dql > 0.0 ? fmin(dql, dqr) : fmax(dql, dqr);
}

// van Leer (1974): the harmonic mean 2 dql dqr / (dql + dqr).
TESSERA_HD inline double van_leer_slope(double dql, double dqr) {
  const double prod = dql * dqr;
  if (prod <= 0.0) return 0.0;
  return 2.0 * prod / (dql + dqr);
}

// Monotonized central (van Leer 1977): minmod(2 dql, (dql + dqr)/2, 2 dqr).
TESSERA_HD inline double mc_slope(double dql, double dqr) {
  if (dql * dqr <= 0.0) return 0.0;
  const double central = 0.5 * (dql + dqr);
  const double bound = 2.0 * fmin(fabs(dql), fabs(dqr));
  return copysign(fmin(fabs(central), bound), central);
}

TESSERA_HD inline double limited_slope(Limiter lim, double dql, double dqr) {
  switch (lim) {
    case Limiter::Minmod: return minmod_slope(dql, dqr);
    case Limiter::VanLeer: return van_leer_slope(dql, dqr);
    case Limiter::MC: return mc_slope(dql, dqr);
  }
  return minmod_slope(dql, dqr);  // not reached
}

}  // namespace tessera::hydro
