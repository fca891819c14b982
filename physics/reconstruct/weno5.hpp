#pragma once
// Fifth-order WENO reconstruction of Jiang & Shu (1996, J. Comput. Phys. 126,
// 202): the convex combination of the three third-order candidate parabolas
// on the stencils {i-2..i}, {i-1..i+1}, {i..i+2}, with the linear weights
// d = (1, 6, 3)/10, the smoothness indicators beta_k of JS96 eq. 3.2-3.4 and
// the nonlinear weights alpha_k = d_k / (eps + beta_k)^2, eps = 1e-6 (JS96's
// value; absolute, so the weights depend on the scale of q: state variables of
// order one are assumed). Fifth order on smooth data away from critical points
// (where it may drop towards third order, Henrick et al. 2005); essentially
// non-oscillatory at discontinuities. Needs three ghost layers.
//
// Candidates are written as q_i + (increment) so that constants are
// reproduced exactly and large offsets do not cost precision.
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::hydro {

constexpr double kWeno5Epsilon = 1e-6;

// Value at the face between cells c and d, upwinded from c: the stencil is
// a, b, c, d, e = cells i-2..i+2 for the face i+1/2.
TESSERA_HD inline double weno5_face_value(double a, double b, double c, double d, double e) {
  // Candidate increments p_k - c (JS96 eq. 2.11 with r = 0, 1, 2).
  const double p0 = (2.0 * (a - b) - 5.0 * (b - c)) / 6.0;  // (2a - 7b + 11c)/6 - c
  const double p1 = (2.0 * (d - c) - (b - c)) / 6.0;        // (-b + 5c + 2d)/6 - c
  const double p2 = (5.0 * (d - c) - (e - c)) / 6.0;        // (2c + 5d - e)/6 - c

  // Smoothness indicators (JS96 eq. 3.2-3.4).
  const double s0 = a - 2.0 * b + c, t0 = a - 4.0 * b + 3.0 * c;
  const double s1 = b - 2.0 * c + d, t1 = b - d;
  const double s2 = c - 2.0 * d + e, t2 = 3.0 * c - 4.0 * d + e;
  const double beta0 = (13.0 / 12.0) * s0 * s0 + 0.25 * t0 * t0;
  const double beta1 = (13.0 / 12.0) * s1 * s1 + 0.25 * t1 * t1;
  const double beta2 = (13.0 / 12.0) * s2 * s2 + 0.25 * t2 * t2;

  const double g0 = kWeno5Epsilon + beta0, g1 = kWeno5Epsilon + beta1, g2 = kWeno5Epsilon + beta2;
  const double alpha0 = 0.1 / (g0 * g0);
  const double alpha1 = 0.6 / (g1 * g1);
  const double alpha2 = 0.3 / (g2 * g2);
  return c + (alpha0 * p0 + alpha1 * p1 + alpha2 * p2) / (alpha0 + alpha1 + alpha2);
}

// Cells i-2..i+2 -> the values at faces i-1/2 (q_minus) and i+1/2 (q_plus);
// the lower face uses the mirrored stencil.
TESSERA_HD inline void weno5(double qm2, double qm1, double q0, double qp1, double qp2, double& q_minus,
                             double& q_plus) {
  q_plus = weno5_face_value(qm2, qm1, q0, qp1, qp2);
  q_minus = weno5_face_value(qp2, qp1, q0, qm1, qm2);
}

}  // namespace tessera::hydro
