#include "solvers/cfd/incompressible_memory.hpp"

#include <algorithm>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/pencil_layout.hpp"
#include "runtime/format.hpp"
#include "solvers/cfd/incompressible_config.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::cfd {

MemoryEstimate incompressible_memory(const deck::Deck& d, int ranks, Backend backend) {
  const IncompConfig cfg = IncompConfig::from_deck(d);
  LayoutSpec spec;
  spec.cells = cfg.cells;
  spec.ghosts = 1;
  spec.ranks = process_grid_request(d);
  for (int a = 0; a < 3; ++a) spec.periodic[a] = !cfg.wall(a, 0);
  spec.ranks = CartesianLayout::choose_process_grid(ranks, spec);
  const bool host = backend == Backend::Host;
  const CartesianLayout layout(spec, ranks, 0);
  const auto pgrid = PencilLayout::choose_grid(cfg.cells, ranks);
  // The real-to-complex spectrum along the first periodic axis has n/2 + 1
  // complex entries; all walls (DCTs) keep the spectrum real.
  int r2c = -1;
  for (int a = 0; a < 3 && r2c < 0; ++a)
    if (!cfg.wall(a, 0) && cfg.active(a)) r2c = a;

  MemoryEstimate e;
  for (int r = 0; r < ranks; ++r) {
    const Range3 o = layout.owned_of(r);
    double box = 1, own = 1;
    for (int a = 0; a < 3; ++a) {
      box *= o.extent(a) + (cfg.active(a) ? 2 : 0);
      own *= o.extent(a);
    }
    // Three velocity buffers (u^n and two stage buffers), R_old, pressure;
    // the projection's divergence field; snapshot and checkpoint packing.
    // Passive scalars: three rotating buffers and R_old per scalar.
    double bytes = (3 * 3 + 3 + 1 + 1 + 4 * cfg.scalars) * box * 8 + own * 8 * (host ? 2 : 1);
    // Halo slabs of the velocity (3 components) and the potential (1): out
    // and in per neighbour.
    for (int a = 0; a < 3; ++a) {
      if (!cfg.active(a) || spec.ranks[a] == 1) continue;
      double slab = 8;
      for (int e2 = 0; e2 < 3; ++e2)
        if (e2 != a) slab *= o.extent(e2) + (e2 < a && cfg.active(e2) ? 2 : 0);
      bytes += 2 * 2 * (3 + 1 + cfg.scalars) * slab;
    }
    // The pencil of the right-hand side, the spectrum and the FFT's two work
    // arrays (complex where a periodic axis is halved), the redistribution's
    // send and receive buffers when there is more than one rank.
    const PencilLayout pl(cfg.cells, ranks, r, pgrid);
    const double pencil = static_cast<double>(pl.local_size(Pencil::X));
    const double spectral = r2c >= 0 ? pencil * (cfg.cells[r2c] / 2 + 1) / cfg.cells[r2c] * 2 : pencil;
    bytes += 8 * (pencil + 3 * spectral);
    if (ranks > 1) bytes += 2 * 8 * own;
    e.total_bytes += bytes;
    e.per_rank_bytes = std::max(e.per_rank_bytes, bytes);
  }
  const auto& c = cfg.cells;
  if (c[2] > 1 && c[0] == c[1] && c[1] == c[2])
    e.what = strfmt("%d^3 cells", c[0]);
  else if (c[2] == 1)
    e.what = strfmt("%d x %d cells", c[0], c[1]);
  else
    e.what = strfmt("%d x %d x %d cells", c[0], c[1], c[2]);
  return e;
}

}  // namespace tessera::cfd
