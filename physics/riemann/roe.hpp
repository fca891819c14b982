#pragma once
// Roe (1981, J. Comput. Phys. 43, 357) approximate Riemann solver for the ideal
// gas: the exact solution of the problem linearised about the Roe average
// (physics/riemann/wave_speeds.hpp),
//   F = (F_L + F_R)/2 - 1/2 sum_k |lambda_k| alpha_k K_k,
// eigenvalues u~ - c~, u~ (x3), u~ + c~ and eigenvectors K_k of Toro (2009)
// eq. 11.59; wave strengths from the primitive jumps (Roe 1981; Toro sect. 11.3)
//   alpha_1 = (dp - rho~ c~ du) / (2 c~^2),   alpha_5 = (dp + rho~ c~ du) / (2 c~^2),
//   alpha_2 = drho - dp / c~^2,  alpha_3 = rho~ dv,  alpha_4 = rho~ dw,
// rho~ = sqrt(rho_L rho_R). These satisfy U_R - U_L = sum_k alpha_k K_k exactly.
//
// Entropy fix: Harten & Hyman (1983, J. Comput. Phys. 50, 235), as described
// by LeVeque (2002, sect. 15.3.5). For the acoustic waves k = 1, 5 the
// characteristic speeds on either side of the wave, lambda_l and lambda_r, are
// taken from the states the linearised solution puts there
// (U_L | U_L + alpha_1 K_1 for k = 1, U_R - alpha_5 K_5 | U_R for k = 5). If
// lambda_l < 0 < lambda_r (transonic rarefaction) the wave is split into two
// with speeds lambda_l and lambda_r and the same total strength, which replaces
// |lambda~| by
//   (lambda~ (lambda_l + lambda_r) - 2 lambda_l lambda_r) / (lambda_r - lambda_l)
// (bounded below by |lambda~|, so the fix only adds dissipation).
//
// Positivity: the Roe flux is not positively conservative (Einfeldt, Munz, Roe
// & Sjogreen 1991). When either intermediate state of the linearised solution
// has non-positive density or pressure (e.g. strong rarefactions), or the Roe
// sound speed is not positive, the flux falls back to HLLE.
#include <cmath>

#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "physics/riemann/hlle.hpp"
#include "physics/riemann/wave_speeds.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

// |lambda~| with the Harten-Hyman fix given the speeds lambda_l, lambda_r on
// either side of the wave.
TESSERA_HD inline double harten_hyman_speed(double lambda, double lambda_l, double lambda_r) {
  const double a = fabs(lambda);
  if (!(lambda_l < 0.0 && lambda_r > 0.0)) return a;
  const double fixed = (lambda * (lambda_l + lambda_r) - 2.0 * lambda_l * lambda_r) / (lambda_r - lambda_l);
  return fmax(fixed, a);
}

TESSERA_HD inline void roe(const double* wl, const double* wr, double gamma, double* flux) {
  const IdealGas eos{gamma};
  const RoeAverage a = roe_average(wl, wr, gamma);
  if (!(a.c > 0.0)) {
    hlle(wl, wr, gamma, flux);
    return;
  }
  const double c2 = a.c * a.c;
  const double drho = wr[IDN] - wl[IDN];
  const double du = wr[IVX] - wl[IVX];
  const double dv = wr[IVY] - wl[IVY];
  const double dw = wr[IVZ] - wl[IVZ];
  const double dp = wr[IPR] - wl[IPR];
  const double alpha1 = (dp - a.rho * a.c * du) / (2.0 * c2);
  const double alpha5 = (dp + a.rho * a.c * du) / (2.0 * c2);
  const double alpha2 = drho - dp / c2;
  const double alpha3 = a.rho * dv;
  const double alpha4 = a.rho * dw;
  const double ke = 0.5 * (a.u * a.u + a.v * a.v + a.w * a.w);

  // Eigenvectors K_1, K_5 (K_2 = (1, u, v, w, ke), K_3 = (0,0,1,0,v), K_4 = (0,0,0,1,w)).
  const double k1[NHYDRO] = {1.0, a.u - a.c, a.v, a.w, a.h - a.u * a.c};
  const double k5[NHYDRO] = {1.0, a.u + a.c, a.v, a.w, a.h + a.u * a.c};

  double ul[NHYDRO], ur[NHYDRO], u1[NHYDRO], u2[NHYDRO];
  eos.prim_to_cons(wl, ul);
  eos.prim_to_cons(wr, ur);
  for (int n = 0; n < NHYDRO; ++n) {
    u1[n] = ul[n] + alpha1 * k1[n];  // between the 1-wave and the contact
    u2[n] = ur[n] - alpha5 * k5[n];  // between the contact and the 5-wave
  }
  double w1[NHYDRO], w2[NHYDRO];
  eos.cons_to_prim(u1, w1);
  eos.cons_to_prim(u2, w2);
  if (!(u1[IDN] > 0.0 && u2[IDN] > 0.0 && w1[IPR] > 0.0 && w2[IPR] > 0.0)) {
    hlle(wl, wr, gamma, flux);
    return;
  }

  const double cl = eos.sound_speed(wl[IDN], wl[IPR]);
  const double cr = eos.sound_speed(wr[IDN], wr[IPR]);
  const double c1 = eos.sound_speed(w1[IDN], w1[IPR]);
  const double c5 = eos.sound_speed(w2[IDN], w2[IPR]);
  const double l1 = harten_hyman_speed(a.u - a.c, wl[IVX] - cl, w1[IVX] - c1);
  const double l5 = harten_hyman_speed(a.u + a.c, w2[IVX] + c5, wr[IVX] + cr);
  const double l2 = fabs(a.u);

  const double a1 = l1 * alpha1, a5 = l5 * alpha5;
  const double a2 = l2 * alpha2, a3 = l2 * alpha3, a4 = l2 * alpha4;
  // The two acoustic waves are summed first so that the mirrored problem (the
  // waves swap) rounds identically.
  double d[NHYDRO];
  d[IDN] = (a1 + a5) + a2;
  d[IM1] = (a1 * k1[IM1] + a5 * k5[IM1]) + a2 * a.u;
  d[IM2] = d[IDN] * a.v + a3;
  d[IM3] = d[IDN] * a.w + a4;
  d[IEN] = (a1 * k1[IEN] + a5 * k5[IEN]) + (a2 * ke + a3 * a.v + a4 * a.w);

  double fl[NHYDRO], fr[NHYDRO];
  eos.flux_x(wl, fl);
  eos.flux_x(wr, fr);
  for (int n = 0; n < NHYDRO; ++n) flux[n] = 0.5 * (fl[n] + fr[n]) - 0.5 * d[n];
}

}  // namespace tessera::hydro
