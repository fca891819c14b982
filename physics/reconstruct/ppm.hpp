#pragma once
// Piecewise-parabolic reconstruction, the original scheme of Colella &
// Woodward (1984, J. Comput. Phys. 54, 174), sect. 1, with its classic
// monotonicity limiter (no extremum-preserving extension: the parabola is
// flattened to a constant at a local extremum, as in CW84 eq. 1.10).
//
//  1. Face values by fourth-order interpolation of the cell averages, with
//     the MC-limited slopes dm of CW84 eq. 1.8 in place of the central ones
//     (eq. 1.6-1.7):  q_{i+1/2} = (q_i + q_{i+1})/2 - (dm_{i+1} - dm_i)/6.
//     On smooth monotone data the limiter keeps the central slope and the
//     face value is fourth-order accurate.
//  2. Monotonicity (eq. 1.10): at a local extremum both faces take the cell
//     value; where the parabola would overshoot inside the cell, the face
//     farther from the cell value is reset so the parabola's extremum lies on
//     the other face.
//
// Needs cells i-2..i+2, hence three ghost layers for a face flux (the face
// i+1/2 of the last owned cell needs cell i+3 through its right neighbour).
#include <cmath>

#include "physics/reconstruct/limiters.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

// Value at the face between cells a and b (neighbours outside: am, bp),
// CW84 eq. 1.6-1.8. Written symmetrically so a mirrored stencil gives the
// bitwise-identical value, and so both cells sharing the face agree.
TESSERA_HD inline double ppm_face_value(double am, double a, double b, double bp) {
  const double dm_a = mc_slope(a - am, b - a);
  const double dm_b = mc_slope(b - a, bp - b);
  return 0.5 * (a + b) - (dm_b - dm_a) / 6.0;
}

// Cells i-2..i+2 -> the values at faces i-1/2 (q_minus) and i+1/2 (q_plus).
TESSERA_HD inline void ppm(double qm2, double qm1, double q0, double qp1, double qp2, double& q_minus,
                           double& q_plus) {
  double ql = ppm_face_value(qm2, qm1, q0, qp1);
  double qr = ppm_face_value(qm1, q0, qp1, qp2);

  // CW84 eq. 1.10.
  if ((qr - q0) * (q0 - ql) <= 0.0) {
    ql = q0;  // local extremum: constant
    qr = q0;
  } else {
    const double dq = qr - ql;
    const double q6 = 6.0 * (q0 - 0.5 * (ql + qr));
    if (dq * q6 > dq * dq) {
      ql = 3.0 * q0 - 2.0 * qr;
    } else if (-dq * dq > dq * q6) {
      qr = 3.0 * q0 - 2.0 * ql;
    }
  }
  q_minus = ql;
  q_plus = qr;
}

}  // namespace tessera::hydro
