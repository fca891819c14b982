// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/incompressible_projection.hpp"

#include "runtime/for_each.hpp"
#include "solvers/cfd/incompressible_boundary.hpp"

namespace tessera::cfd {

namespace {
spectral::PoissonSpec poisson_spec(const IncompConfig& cfg) {
  spectral::PoissonSpec s;
  for (int a = 0; a < 3; ++a) {
    s.boundary[a] = cfg.wall(a, 0) && cfg.active(a) ? spectral::Boundary::Neumann : spectral::Boundary::Periodic;
    s.length[a] = cfg.upper[a] - cfg.lower[a];
  }
  return s;
}
}  // namespace

Projection::Projection(const CartesianLayout& layout, Transport& transport, const IncompConfig& cfg, const Range3& box)
    : dev_(transport.device()),
      box_(box),
      pencils_(PencilLayout::for_this_process(cfg.cells)),
      redist_(layout, pencils_, transport, sizeof(double), 1),
      poisson_(pencils_, transport, poisson_spec(cfg)),
      halo_(layout, transport, 1, 1),
      rhs_(dev_, static_cast<std::size_t>(box.size())),
      pencil_(dev_, static_cast<std::size_t>(pencils_.local_size(Pencil::X))) {
  fill(rhs_, 0.0);
  fill(pencil_, 0.0);
}

void Projection::project(const IncompParams& p, FieldView<double> u, double* phi, double factor) {
  divergence(dev_, p, FieldView<const double>(u.ptr, box_), Span3<double>(rhs_.data(), box_), 1.0 / factor);
  redist_.to_pencils(rhs_.data(), pencil_.data());
  poisson_.solve(pencil_.data(), pencil_.data());
  redist_.from_pencils(pencil_.data(), phi);
  halo_.exchange(phi);
  fill_pressure_walls(dev_, p, box_, Span3<double>(phi, box_));
  correct_velocity(dev_, p, u, Span3<const double>(phi, box_), factor);
}

std::size_t Projection::memory_bytes() const {
  return poisson_.memory_bytes() + redist_.buffer_bytes() + (rhs_.size() + pencil_.size()) * sizeof(double);
}

}  // namespace tessera::cfd
