#pragma once
// Initial conditions of cfd.euler ([problem] type): primitive variables
// (and passive scalars) on the owned cells, from cell-centre or, where the
// order of accuracy is measured, cell-averaged values (finite volumes) or
// exact point values (finite differences).
#include "decomposition/cartesian_layout.hpp"
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/euler_config.hpp"

namespace tessera::cfd {

// Fills W (primitive, owned cells) for the deck's problem. May adjust `cfg`
// (taylor_green sets the viscosity from its Reynolds number). Collective
// (sedov counts its deposition cells over all ranks).
void initialize_problem(const deck::Deck& d, EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
                        FieldView<double> w);

// The isentropic vortex (Shu 1998) at time t, cell averages by 3x3 Gauss
// quadrature: density, vx, vy, pressure at (x, y) cell (tests, validation).
struct VortexSetup {
  double gamma = 1.4, beta = 5, xc = 5, yc = 5, ux = 1, uy = 1, lx = 10, ly = 10;
};
TESSERA_HD void vortex_point(const VortexSetup& v, double t, double x, double y, double w[5]);

}  // namespace tessera::cfd
