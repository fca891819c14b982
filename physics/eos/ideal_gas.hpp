#pragma once
// Ideal-gas (gamma-law) equation of state, p = (gamma - 1) rho e, with the
// conversions between primitive and conserved hydro states and the physical
// flux along x (Toro 2009, "Riemann Solvers and Numerical Methods for Fluid
// Dynamics", 3rd ed., sect. 3.1).
#include <cmath>

#include "physics/hydro/state.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

struct IdealGas {
  double gamma;

  // U from W: E = p / (gamma - 1) + rho |v|^2 / 2.
  TESSERA_HD void prim_to_cons(const double* w, double* u) const {
    const double rho = w[IDN];
    u[IDN] = rho;
    u[IM1] = rho * w[IVX];
    u[IM2] = rho * w[IVY];
    u[IM3] = rho * w[IVZ];
    u[IEN] = total_energy(w);
  }

  // W from U. No floors: a non-positive density or pressure passes through
  // unchanged (the solver detects and floors it).
  TESSERA_HD void cons_to_prim(const double* u, double* w) const {
    const double rho = u[IDN];
    const double inv_rho = 1.0 / rho;
    w[IDN] = rho;
    w[IVX] = u[IM1] * inv_rho;
    w[IVY] = u[IM2] * inv_rho;
    w[IVZ] = u[IM3] * inv_rho;
    const double m2 = u[IM1] * u[IM1] + u[IM2] * u[IM2] + u[IM3] * u[IM3];
    w[IPR] = (gamma - 1.0) * (u[IEN] - 0.5 * m2 * inv_rho);
  }

  // Adiabatic sound speed c = sqrt(gamma p / rho).
  TESSERA_HD double sound_speed(double rho, double p) const { return sqrt(gamma * p / rho); }

  // Total energy per volume of a primitive state.
  TESSERA_HD double total_energy(const double* w) const {
    return w[IPR] / (gamma - 1.0) + 0.5 * w[IDN] * (w[IVX] * w[IVX] + w[IVY] * w[IVY] + w[IVZ] * w[IVZ]);
  }

  // Physical flux along x of the primitive state w:
  // F = (rho vx, rho vx^2 + p, rho vx vy, rho vx vz, (E + p) vx).
  TESSERA_HD void flux_x(const double* w, double* f) const {
    const double mx = w[IDN] * w[IVX];
    f[IDN] = mx;
    f[IM1] = mx * w[IVX] + w[IPR];
    f[IM2] = mx * w[IVY];
    f[IM3] = mx * w[IVZ];
    f[IEN] = (total_energy(w) + w[IPR]) * w[IVX];
  }
};

}  // namespace tessera::hydro
