#pragma once
// Piecewise-parabolic reconstruction (Colella & Woodward 1984, J. Comput.
// Phys. 54, 174, sect. 1) with the face-value limiter of Colella & Sekora
// (2008, J. Comput. Phys. 227, 7069) in place of CW84's
// MC-limited face interpolation, and CW84's monotonicity limiter for the
// parabola (eq. 1.10: flattened to a constant at a local extremum).
//
//  1. Face values: the fourth-order interpolant
//     q_{i+1/2} = 7/12 (q_i + q_{i+1}) - 1/12 (q_{i-1} + q_{i+2}),
//     kept when it lies between q_i and q_{i+1}; otherwise its second
//     difference is limited by those of the neighbouring cells (CS08): kept
//     at a smooth extremum centred on the face, (q_i + q_{i+1})/2 where the
//     second differences disagree in sign (a jump). On strictly monotone data
//     the face stays between its two cells.
//  2. Monotonicity (CW84 eq. 1.10): where the two faces of a cell straddle
//     its value on the same side (local extremum) both take the cell value;
//     where the parabola would overshoot inside the cell, the face farther
//     from the cell value is reset so the parabola's extremum lies on the
//     other face.
//
// Why not CW84's face values (MC-limited slopes, eq. 1.6-1.8): at a smooth
// extremum centred on a face, e.g. any field even about a mirror plane that
// is a cell face, the two cells there are equal and CW84's face value is
// exactly the cell value, so the extremum test of step 2 is exactly zero:
// the reconstruction sits on the kink between "flatten" and "reset the
// other face". Both cells are flattened; a change e of their difference
// moves the outer face of one of them by 13/6 e, which one depending on the
// sign of e (not differentiable), and in a 3-D Taylor-Green vortex the
// round-off asymmetry of the initial cell centres (2e-16) grew about tenfold
// every 0.05 time units (3.5e-4 at t = 0.8 on 32^3). With the fourth-order
// face value that face lies O(h^2) beyond the cells and no test is at its
// threshold, so the asymmetry stays at round-off. (CS08's
// extremum-preserving parabola limiter is not used: its test on the cell
// averages, (q_{i-1} - q_i)(q_i - q_{i+1}) <= 0, is exactly zero there and
// switches between two different parabolas; with it (a trial), the 16^3
// vortex lost its symmetry at the 4e-2 level by t = 0.1. Hence CW84's step 2.)
//
// Every expression is written so that a mirrored stencil gives the
// bitwise-mirrored faces (sums of the mirrored pair, never a - 2b + c in one
// order), and both cells sharing a face compute the same face value.
// Needs cells i-2..i+2, hence three ghost layers for a face flux (the face
// i+1/2 of the last owned cell needs cell i+3 through its right neighbour).
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::hydro {

// CS08's bound on the ratio of a face's second difference to its neighbours'.
constexpr double kPpmCurvatureRatio = 1.25;

// Value at the face between cells a and b (neighbours outside: am, bp).
TESSERA_HD inline double ppm_face_value(double am, double a, double b, double bp) {
  const double f = (7.0 * (a + b) - (am + bp)) / 12.0;
  if ((f - a) * (b - f) >= 0.0) return f;
  // Outside [a, b]: a smooth extremum on the face or a jump. Second
  // differences (times h^2) at the face and at cells a and b.
  const double d2 = 3.0 * ((a + b) - 2.0 * f);
  const double d2a = (am + b) - 2.0 * a, d2b = (a + bp) - 2.0 * b;
  double lim = 0.0;
  if (d2 > 0.0 && d2a > 0.0 && d2b > 0.0)
    lim = fmin(kPpmCurvatureRatio * fmin(d2a, d2b), d2);
  else if (d2 < 0.0 && d2a < 0.0 && d2b < 0.0)
    lim = fmax(kPpmCurvatureRatio * fmax(d2a, d2b), d2);
  return 0.5 * (a + b) - lim / 6.0;
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
