#pragma once
// HLLC approximate Riemann solver (Toro, Spruce & Speares 1994; Toro 2009,
// sect. 10.4): the HLL fan with the contact restored, so contacts and shear
// waves are resolved exactly (a stationary contact gives zero mass flux, and
// transverse momentum is upwinded by the sign of the contact speed).
//
// Wave speeds: Einfeldt's bounds from Roe averages (Batten, Clarke, Lambert &
// Causon 1997), physics/riemann/wave_speeds.hpp. Contact speed (Toro eq. 10.37)
//   S* = (p_R - p_L + rho_L u_L (S_L - u_L) - rho_R u_R (S_R - u_R))
//        / (rho_L (S_L - u_L) - rho_R (S_R - u_R)),
// star pressure the mean of its two (algebraically equal) expressions
//   p* = (p_L + rho_L (S_L - u_L)(S* - u_L) + p_R + rho_R (S_R - u_R)(S* - u_R)) / 2,
// and the star fluxes in the form of Toro eq. 10.44 (variant of Batten et al.)
//   F*_K = (S* (S_K U_K - F_K) + S_K p* D*) / (S_K - S*),  D* = (0, 1, 0, 0, S*),
// which keeps transverse velocities and a stationary contact exact.
#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "physics/riemann/wave_speeds.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

TESSERA_HD inline void hllc(const double* wl, const double* wr, double gamma, double* flux) {
  const IdealGas eos{gamma};
  double s_l, s_r;
  einfeldt_speeds(wl, wr, gamma, s_l, s_r);
  if (s_l >= 0.0) {
    eos.flux_x(wl, flux);
    return;
  }
  if (s_r <= 0.0) {
    eos.flux_x(wr, flux);
    return;
  }
  const double dl = wl[IDN] * (s_l - wl[IVX]);  // < 0
  const double dr = wr[IDN] * (s_r - wr[IVX]);  // > 0
  const double s_m = ((wr[IPR] - wl[IPR]) + (dl * wl[IVX] - dr * wr[IVX])) / (dl - dr);
  const double p_star = 0.5 * ((wl[IPR] + dl * (s_m - wl[IVX])) + (wr[IPR] + dr * (s_m - wr[IVX])));

  // The star state on the side of the face (x = 0) the contact leaves behind.
  // Selected by value: a pointer to either side would put both states in
  // local memory on GPUs.
  double w[NHYDRO];
  for (int n = 0; n < NHYDRO; ++n) w[n] = s_m >= 0.0 ? wl[n] : wr[n];
  const double s_k = s_m >= 0.0 ? s_l : s_r;
  double f[NHYDRO], u[NHYDRO];
  eos.flux_x(w, f);
  eos.prim_to_cons(w, u);
  // Divisions rather than a reciprocal: s_k / (s_k - s_m) is then exactly 1
  // when s_m == 0, so a stationary contact gets exactly (0, p, 0, 0, 0).
  const double a = s_m / (s_k - s_m);
  const double b = s_k / (s_k - s_m) * p_star;
  for (int n = 0; n < NHYDRO; ++n) flux[n] = a * (s_k * u[n] - f[n]);
  flux[IM1] += b;
  flux[IEN] += b * s_m;
}

}  // namespace tessera::hydro
