#pragma once
// HLLE approximate Riemann solver: the two-wave HLL flux of Harten, Lax & van
// Leer (1983, SIAM Rev. 25, 35) with Einfeldt's (1988) wave-speed bounds from
// Roe averages (physics/riemann/wave_speeds.hpp); Toro (2009), sect. 10.3.
//
//   b- = min(S_L, 0),  b+ = max(S_R, 0),
//   F = (b+ F_L - b- F_R + b+ b- (U_R - U_L)) / (b+ - b-).
//
// Positively conservative and entropy satisfying, but it smears contacts and
// shear waves (a stationary contact diffuses). Also the fallback of roe().
#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "physics/riemann/wave_speeds.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

// wl, wr: primitive states left/right of a face with normal x; flux: the 5
// conserved components in the same frame.
TESSERA_HD inline void hlle(const double* wl, const double* wr, double gamma, double* flux) {
  const IdealGas eos{gamma};
  double s_l, s_r;
  einfeldt_speeds(wl, wr, gamma, s_l, s_r);
  if (s_l >= 0.0) {  // everything moves right: upwind from the left
    eos.flux_x(wl, flux);
    return;
  }
  if (s_r <= 0.0) {
    eos.flux_x(wr, flux);
    return;
  }
  double fl[NHYDRO], fr[NHYDRO], ul[NHYDRO], ur[NHYDRO];
  eos.flux_x(wl, fl);
  eos.flux_x(wr, fr);
  eos.prim_to_cons(wl, ul);
  eos.prim_to_cons(wr, ur);
  // Here s_l < 0 < s_r: b- = s_l, b+ = s_r.
  const double inv = 1.0 / (s_r - s_l);
  const double bb = s_r * s_l;
  for (int n = 0; n < NHYDRO; ++n) flux[n] = (s_r * fl[n] - s_l * fr[n] + bb * (ur[n] - ul[n])) * inv;
}

}  // namespace tessera::hydro
