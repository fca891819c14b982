#pragma once
// Piecewise-linear reconstruction (van Leer 1979, MUSCL) with a slope limiter
// (physics/reconstruct/limiters.hpp): q(x) = q_i + dq (x - x_i) / dx inside the
// cell, dq limited from the two one-sided differences. Second order in smooth
// monotone regions, first order at extrema; needs two ghost layers.
#include "physics/reconstruct/limiters.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

// Cells i-1, i, i+1 -> the values at faces i-1/2 (q_minus) and i+1/2 (q_plus).
TESSERA_HD inline void plm(double qm1, double q0, double qp1, Limiter lim, double& q_minus, double& q_plus) {
  const double dq = limited_slope(lim, q0 - qm1, qp1 - q0);
  q_minus = q0 - 0.5 * dq;
  q_plus = q0 + 0.5 * dq;
}

}  // namespace tessera::hydro
