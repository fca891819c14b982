#include "solvers/cfd/euler_memory.hpp"

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "decomposition/cartesian_layout.hpp"
#include "runtime/format.hpp"
#include "runtime/launch.hpp"
#include "solvers/cfd/euler_kernels.hpp"
#include "solvers/cfd/euler_config.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::cfd {

namespace {

int host_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace

MemoryEstimate euler_memory(const deck::Deck& d, int ranks, Backend backend) {
  const EulerConfig cfg = EulerConfig::from_deck(d);
  LayoutSpec spec;
  spec.cells = cfg.cells;
  spec.ghosts = cfg.ghosts();
  spec.ranks = process_grid_request(d);
  for (int a = 0; a < 3; ++a) spec.periodic[a] = cfg.boundary[a][0] == Boundary::Periodic;
  const auto grid = CartesianLayout::choose_process_grid(ranks, spec);
  spec.ranks = grid;
  // As setup decides: the fused stage (no flux arrays) is the GPU default.
  const bool fused =
      cfg.scheme == Scheme::FiniteVolume &&
      (cfg.kernel == StageKernel::Fused || (cfg.kernel == StageKernel::Auto && backend == Backend::Cuda));
  const double nvar = cfg.variables(), g = cfg.ghosts();
  const bool host = backend == Backend::Host;
  // Flux arrays: the split stage on GPUs and finite differences; the host's
  // finite-volume split stage keeps its fluxes in row buffers.
  const bool flux_arrays = !fused && (!host || cfg.scheme == Scheme::FiniteDifference);

  // One rank's bytes: its local cells along each axis and whether it has
  // neighbours below and above (which own halo message buffers).
  auto rank_bytes = [&](const std::array<int, 3>& n, const std::array<int, 3>& coords) {
    double box = 1, own = 1;
    for (int a = 0; a < 3; ++a) {
      box *= n[a] + (spec.cells[a] > 1 ? 2 * g : 0);
      own *= n[a];
    }
    double bytes = 3 * box * nvar * 8 + box;  // u, u0 (RK stages), w (primitives); status bytes
    for (int a = 0; a < 3; ++a) {
      if (spec.cells[a] <= 1) continue;
      if (flux_arrays) bytes += own / n[a] * (n[a] + 1) * nvar * 8;  // face fluxes per axis (split kernel)
      // Halo slabs, x then y (with x ghosts) then z (with x, y ghosts): out
      // and in buffers per neighbour; a periodic axis on one rank copies in place.
      if (grid[a] == 1) continue;
      double slab = g * nvar * 8;
      for (int e = 0; e < 3; ++e)
        if (e != a) slab *= n[e] + (e < a && spec.cells[e] > 1 ? 2 * g : 0);
      const int sides = spec.periodic[a] ? 2 : (coords[a] > 0) + (coords[a] < grid[a] - 1);
      bytes += 2 * sides * slab;
    }
    // Snapshot and checkpoint packing: one component on the device, and its
    // host copy (device memory too on the host backend).
    bytes += own * 8 * (host ? 2 : 1);
    // The host's row stage keeps its row buffers from step to step: one
    // workspace per OpenMP thread it runs on (euler_host_stage.cpp).
    if (host && !fused && !flux_arrays) {
      EulerParams p;
      for (int a = 0; a < 3; ++a) {
        p.n[a] = n[a];
        p.active[a] = spec.cells[a] > 1;
      }
      p.nvar = cfg.variables();
      const bool threaded = own > detail::kHostParallelMin;
      bytes += static_cast<double>(
          host_stage_scratch_bytes(p, n[0] + (p.active[0] ? 2 * cfg.ghosts() : 0), threaded ? host_threads() : 1));
    }
    return bytes;
  };

  MemoryEstimate e;
  const CartesianLayout layout(spec, ranks, 0);
  for (int r = 0; r < ranks; ++r) {
    const Range3 o = layout.owned_of(r);
    const std::array<int, 3> n{o.extent(0), o.extent(1), o.extent(2)};
    const double b = rank_bytes(n, layout.coords_of(r));
    e.total_bytes += b;
    e.per_rank_bytes = std::max(e.per_rank_bytes, b);
  }
  const auto& c = cfg.cells;
  const int dims = (c[0] > 1) + (c[1] > 1) + (c[2] > 1);
  if (dims == 3 && c[0] == c[1] && c[1] == c[2])
    e.what = strfmt("%d^3 cells", c[0]);
  else if (dims <= 1)
    e.what = strfmt("%d cells", std::max({c[0], c[1], c[2]}));
  else if (c[2] == 1)
    e.what = strfmt("%d x %d cells", c[0], c[1]);
  else
    e.what = strfmt("%d x %d x %d cells", c[0], c[1], c[2]);
  return e;
}

}  // namespace tessera::cfd
