#pragma once
// Component indices of the compressible Euler state vectors, shared by the
// equation of state, the Riemann solvers and cfd.euler.
//
// Primitive W = (rho, vx, vy, vz, p); conserved U = (rho, rho vx, rho vy,
// rho vz, E) with E = p / (gamma - 1) + rho |v|^2 / 2 for an ideal gas.
// A Riemann solver sees states rotated so that its face normal is x: IVX/IM1
// are then the normal components and IVY, IVZ / IM2, IM3 the transverse ones.
#include "runtime/macros.hpp"

namespace tessera::hydro {

constexpr int IDN = 0, IVX = 1, IVY = 2, IVZ = 3, IPR = 4;  // primitive
constexpr int IM1 = 1, IM2 = 2, IM3 = 3, IEN = 4;            // conserved (IDN shared)
constexpr int NHYDRO = 5;

}  // namespace tessera::hydro
