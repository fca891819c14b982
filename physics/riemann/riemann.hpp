#pragma once
// Riemann solver chosen at run time (deck key): one switch over the solvers,
// each in its own file. All take primitive states rotated so that the face
// normal is x and return the 5 conserved flux components in that frame.
#include "physics/riemann/hllc.hpp"
#include "physics/riemann/hlle.hpp"
#include "physics/riemann/roe.hpp"
#include "physics/riemann/rusanov.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

enum class RiemannSolver { HLLC, HLLE, Rusanov, Roe };

TESSERA_HD inline void riemann_flux(RiemannSolver s, const double* wl, const double* wr, double gamma, double* flux) {
  switch (s) {
    case RiemannSolver::HLLC: hllc(wl, wr, gamma, flux); return;
    case RiemannSolver::HLLE: hlle(wl, wr, gamma, flux); return;
    case RiemannSolver::Rusanov: rusanov(wl, wr, gamma, flux); return;
    case RiemannSolver::Roe: roe(wl, wr, gamma, flux); return;
  }
  hlle(wl, wr, gamma, flux);  // not reached; keeps the flux defined for any enumerator value
}

// The same with the solver fixed at compile time (for per-scheme hot loops).
template <RiemannSolver S>
TESSERA_HD inline void riemann_flux(const double* wl, const double* wr, double gamma, double* flux) {
  if constexpr (S == RiemannSolver::HLLC) {
    hllc(wl, wr, gamma, flux);
  } else if constexpr (S == RiemannSolver::HLLE) {
    hlle(wl, wr, gamma, flux);
  } else if constexpr (S == RiemannSolver::Rusanov) {
    rusanov(wl, wr, gamma, flux);
  } else {
    roe(wl, wr, gamma, flux);
  }
}

}  // namespace tessera::hydro
