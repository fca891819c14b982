#include "solvers/md/md_memory.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "decomposition/cartesian_layout.hpp"
#include "io/lammps_data.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "solvers/md/box_fit.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::md {

MemoryEstimate md_memory(const deck::Deck& d, int ranks, Backend) {
  double atoms = 0, molecule_words = 0;
  std::array<double, 3> box{};
  if (d.has("box.data_file")) {
    const io::LammpsData data = io::read_lammps_data(d.string("box.data_file"));
    if (!data.molecule.empty()) molecule_words = 1;
    atoms = static_cast<double>(data.x.size());
    for (int a = 0; a < 3; ++a) box[a] = data.upper[a] - data.lower[a];
  } else {
    const std::string kind = d.string("box.lattice");
    const double a = deck_lattice_constant(d);
    const auto cells = d.integers("box.cells");
    atoms = lattice_basis(kind);
    for (int k = 0; k < 3; ++k) {
      box[k] = a * static_cast<double>(cells[k]);
      atoms *= static_cast<double>(cells[k]);
    }
  }
  const double range = deck_interaction_range(d) + d.real("neighbor.skin");
  const double density = atoms / (box[0] * box[1] * box[2]);
  // The layout setup uses: cells at least one list range wide.
  LayoutSpec spec;
  for (int a = 0; a < 3; ++a) {
    spec.cells[a] = std::max(1, static_cast<int>(std::floor(box[a] / range)));
    spec.periodic[a] = true;
    spec.upper[a] = box[a];
  }
  spec.ghosts = 1;
  spec.ranks = process_grid_request(d);
  // A box too small for this many ranks is refused by setup, in md.lj's own
  // words; until then count it as one rank's atoms spread over all ranks.
  std::array<int, 3> grid{1, 1, 1};
  int layout_ranks = ranks;
  try {
    grid = CartesianLayout::choose_process_grid(ranks, spec);
  } catch (const InputError&) {
    layout_ranks = 1;
  }

  // position 3, id 1, velocity 3, force 3, type 1, charge in a charged run,
  // molecule from an atom_style full file
  const double kWords = 11 + (md_deck_is_charged(d) ? 1 : 0) + molecule_words;
  // One rank's bytes from its box (atoms spread evenly over the box).
  auto rank_bytes = [&](const std::array<double, 3>& len) {
    double own_volume = 1, halo_volume = 1;
    for (int a = 0; a < 3; ++a) {
      own_volume *= len[a];
      halo_volume *= len[a] + 2 * range;  // every axis is periodic: ghosts on all six faces
    }
    const double owned = density * own_volume;
    const double ghosts = density * (halo_volume - own_volume);
    const double all = owned + ghosts;
    // Particles: data and alternate storage, capacity grown by 1.5 from the
    // owned atoms to hold the ghosts.
    const double capacity = std::max({all, 1.5 * owned, 64.0});
    double bytes = 2 * kWords * 8 * capacity;
    // Verlet list: capacity per atom = 1.25 * most + 8 (at least 64), most
    // estimated from the density within the range (lattice shells and liquid
    // fluctuations put the fullest atom ~10 % above the mean); the list array
    // grows by 1.25 + 16 entries, as counts do; keys and order per atom and
    // ghost; bin starts.
    const double mean = density * 4.0 / 3.0 * M_PI * range * range * range;
    const double per_atom = std::max(64.0, 1.25 * 1.1 * mean + 8);
    bytes += 4 * (1.25 * owned * per_atom + 16) + 4 * (1.25 * owned + 16) + 8 * all;
    double bins = 1;
    for (int a = 0; a < 3; ++a) bins *= std::max(1.0, std::floor((len[a] + 2 * range) / range));
    bytes += 4 * 1.25 * (bins + 1);
    // Per-atom energy, virial and reference positions (1.25 n + 16 each).
    bytes += 5 * 8 * (1.25 * owned + 16);
    // Exchange scratch (class, code, offset per atom and ghost), the ghost
    // routes' indices, and message records (the largest sweep, both ways,
    // grown by 1.5).
    bytes += 17 * 1.5 * all + 4 * ghosts;
    double sweep = 0;
    for (int a = 0; a < 3; ++a) {
      double face = density * range;
      for (int e = 0; e < 3; ++e)
        if (e != a) face *= len[e] + (e < a ? 2 * range : 0);
      sweep = std::max(sweep, face);
    }
    return bytes + 2 * 2 * 1.5 * kWords * 8 * sweep;
  };

  MemoryEstimate e;
  spec.ranks = grid;
  const CartesianLayout layout(spec, layout_ranks, 0);
  for (int r = 0; r < layout_ranks; ++r) {
    const Range3 o = layout.owned_of(r);
    std::array<double, 3> len{};
    for (int a = 0; a < 3; ++a) len[a] = box[a] * o.extent(a) / spec.cells[a];
    const double b = rank_bytes(len);
    e.total_bytes += b;
    e.per_rank_bytes = std::max(e.per_rank_bytes, b);
  }
  if (layout_ranks != ranks) e.per_rank_bytes = e.total_bytes / ranks;
  e.what = strfmt("%.0f atoms", atoms);
  return e;
}

}  // namespace tessera::md
