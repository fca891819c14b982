#pragma once
// Roe averages and the Einfeldt wave-speed bounds shared by the HLL-family
// and Roe solvers. States are primitive, rotated so that the face normal is x.
//
// Roe (1981, J. Comput. Phys. 43, 357) averages with weights sqrt(rho):
//   u~ = (sqrt(rho_L) u_L + sqrt(rho_R) u_R) / (sqrt(rho_L) + sqrt(rho_R)),
// the same for v, w and the total specific enthalpy H = (E + p) / rho, and
//   c~^2 = (gamma - 1) (H~ - |v~|^2 / 2)   (Toro 2009, eq. 11.60),
// which for an ideal gas is a convex average of c_L^2, c_R^2 plus a
// non-negative term, hence positive for physical states.
//
// Einfeldt (1988, SIAM J. Numer. Anal. 25, 294) bounds, as used for HLLE and
// by Batten et al. (1997, SIAM J. Sci. Comput. 18, 1553) for HLLC:
//   S_L = min(u_L - c_L, u~ - c~),  S_R = max(u_R + c_R, u~ + c~).
#include <cmath>

#include "physics/hydro/state.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

struct RoeAverage {
  double rho, u, v, w, h, c;
};

TESSERA_HD inline RoeAverage roe_average(const double* wl, const double* wr, double gamma) {
  const double sl = sqrt(wl[IDN]), sr = sqrt(wr[IDN]);
  const double inv = 1.0 / (sl + sr);
  const double gm1 = gamma - 1.0;
  const double v2l = wl[IVX] * wl[IVX] + wl[IVY] * wl[IVY] + wl[IVZ] * wl[IVZ];
  const double v2r = wr[IVX] * wr[IVX] + wr[IVY] * wr[IVY] + wr[IVZ] * wr[IVZ];
  // H = gamma p / ((gamma - 1) rho) + |v|^2 / 2
  const double hl = gamma * wl[IPR] / (gm1 * wl[IDN]) + 0.5 * v2l;
  const double hr = gamma * wr[IPR] / (gm1 * wr[IDN]) + 0.5 * v2r;
  RoeAverage a;
  a.rho = sl * sr;
  a.u = (sl * wl[IVX] + sr * wr[IVX]) * inv;
  a.v = (sl * wl[IVY] + sr * wr[IVY]) * inv;
  a.w = (sl * wl[IVZ] + sr * wr[IVZ]) * inv;
  a.h = (sl * hl + sr * hr) * inv;
  const double c2 = gm1 * (a.h - 0.5 * (a.u * a.u + a.v * a.v + a.w * a.w));
  a.c = sqrt(fmax(c2, 0.0));
  return a;
}

// Einfeldt's bounds S_L <= S_R on the fastest left- and right-going signals.
TESSERA_HD inline void einfeldt_speeds(const double* wl, const double* wr, double gamma, double& s_l, double& s_r) {
  const RoeAverage a = roe_average(wl, wr, gamma);
  const double cl = sqrt(gamma * wl[IPR] / wl[IDN]);
  const double cr = sqrt(gamma * wr[IPR] / wr[IDN]);
  s_l = fmin(wl[IVX] - cl, a.u - a.c);
  s_r = fmax(wr[IVX] + cr, a.u + a.c);
}

}  // namespace tessera::hydro
