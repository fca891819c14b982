#pragma once
// The pressure projection of cfd.incompressible: solve lap(phi) = div(u*) /
// factor with the FFT Poisson solver (periodic axes by FFT, walls by DCT:
// zero normal gradient) and subtract factor grad(phi) from u*. The solver's
// finite-difference eigenvalues invert exactly the Laplacian that div(grad)
// of the MAC grid makes, so the corrected velocity's divergence is round-off.
// Everything is allocated at construction.
#include <memory>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "decomposition/pencil_layout.hpp"
#include "decomposition/pencil_redistribution.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "solvers/cfd/incompressible_config.hpp"
#include "solvers/cfd/incompressible_kernels.hpp"
#include "solvers/spectral/poisson_solver.hpp"

namespace tessera::cfd {

class Projection {
 public:
  // `box`: the velocity's local storage box (one ghost layer on active axes).
  Projection(const CartesianLayout& layout, Transport& transport, const IncompConfig& cfg, const Range3& box);

  // u's ghosts must be current. Leaves phi (over `box`, ghosts filled).
  void project(const IncompParams& p, FieldView<double> u, double* phi, double factor);

  std::size_t memory_bytes() const;

 private:
  Device dev_;
  Range3 box_;
  PencilLayout pencils_;
  PencilRedistribution redist_;
  spectral::PoissonSolver<double> poisson_;
  HaloExchange<double> halo_;
  Buffer<double> rhs_, pencil_;
};

}  // namespace tessera::cfd
