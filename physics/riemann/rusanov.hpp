#pragma once
// Rusanov (1961) / local Lax-Friedrichs flux (Toro 2009, sect. 10.5.1):
//   F = (F_L + F_R)/2 - S (U_R - U_L)/2,  S = max(|u_L| + c_L, |u_R| + c_R).
// The most dissipative of the set; robust, positivity preserving.
#include <cmath>

#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

TESSERA_HD inline void rusanov(const double* wl, const double* wr, double gamma, double* flux) {
  const IdealGas eos{gamma};
  const double s = fmax(fabs(wl[IVX]) + eos.sound_speed(wl[IDN], wl[IPR]),
                        fabs(wr[IVX]) + eos.sound_speed(wr[IDN], wr[IPR]));
  double fl[NHYDRO], fr[NHYDRO], ul[NHYDRO], ur[NHYDRO];
  eos.flux_x(wl, fl);
  eos.flux_x(wr, fr);
  eos.prim_to_cons(wl, ul);
  eos.prim_to_cons(wr, ur);
  for (int n = 0; n < NHYDRO; ++n) flux[n] = 0.5 * (fl[n] + fr[n]) - 0.5 * s * (ur[n] - ul[n]);
}

}  // namespace tessera::hydro
