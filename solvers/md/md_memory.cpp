#include "solvers/md/md_memory.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "decomposition/cartesian_layout.hpp"
#include "io/lammps_data.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "physics/md/units.hpp"
#include "solvers/md/long_range.hpp"
#include "solvers/md/box_fit.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::md {

namespace {

// PPPM's mesh in bytes over all ranks: the mesh the deck gives or the one
// chosen from the accuracy (as setup chooses it, from g_ewald before the
// balancing Newton step). Per mesh point: the x-pencil input, three
// gradient pencils, spectrum, ik work array and influence function (with the
// FFT's buffers about 56 bytes, fitted to the heap on the host at 48^3, 90^3
// and 108^3, tests/memory_estimate_test.cpp). Per brick point (the mesh plus
// the bricks' ghost planes, about 1.7 order points per axis per rank's
// brick): the charge brick; with several ranks also the three field bricks
// and the brick <-> pencil messages (one rank folds and interpolates in
// place: spectral/particle_mesh).
double pppm_mesh_bytes(const deck::Deck& d, const std::array<double, 3>& box, double atoms, double sum_q2,
                       int ranks) {
  std::array<int, 3> mesh{0, 0, 0};
  const int order = static_cast<int>(d.integer("kspace.order"));
  if (d.has("kspace.mesh")) {
    const auto m = d.integers("kspace.mesh");
    for (int a = 0; a < 3; ++a) mesh[a] = static_cast<int>(m[a]);
  } else {
    kspace::System s;
    s.length = box;
    s.natoms = static_cast<std::int64_t>(atoms);
    s.sum_q2 = sum_q2;
    s.qqrd2e = unit_system(d.string("physics.units")).qqr2e;
    const double accuracy = d.real("kspace.accuracy") * s.qqrd2e;
    const double g = d.has("kspace.g_ewald") ? d.real("kspace.g_ewald")
                                             : kspace::initial_g_ewald(accuracy, deck_coulomb_cutoff(d), s);
    mesh = kspace::pppm_mesh(accuracy, order, g, s);
  }
  double points = 1, ghost_growth = 1;
  const double per_axis = std::cbrt(static_cast<double>(ranks));
  for (int a = 0; a < 3; ++a) {
    points *= mesh[a];
    ghost_growth *= 1 + std::min(1.0, 1.7 * order * per_axis / mesh[a]);
  }
  const double brick_points = points * ghost_growth;
  return ranks == 1 ? 56.0 * points + 8.0 * brick_points : 80.0 * points + 56.0 * brick_points;
}

}  // namespace

MemoryEstimate md_memory(const deck::Deck& d, int ranks, Backend backend) {
  double atoms = 0, molecule_words = 0, sum_q2 = 0;
  std::array<double, 3> box{};
  if (d.has("box.data_file")) {
    const io::LammpsData data = io::read_lammps_data(d.string("box.data_file"));
    if (!data.molecule.empty()) molecule_words = 1;
    for (double q : data.q) sum_q2 += q * q;
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
  if (d.has("physics.type_charge") && !d.has("box.data_file")) {
    // Lattice starts give the types equal shares of the sites.
    const auto q = d.reals("physics.type_charge");
    double mean = 0;
    for (double v : q) mean += v * v / static_cast<double>(q.size());
    sum_q2 = atoms * mean;
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
    bytes += 4 * 1.25 * (2 * bins + 1);  // bin starts and owned ends
    // The atom sort's 8-byte key and 4-byte order per owned atom; the host's
    // half list adds sorted position copies per atom and ghost (its
    // capacity is the full list's: an atom at the rank's edge keeps all its
    // ghost partners).
    bytes += 12 * owned;
    if (backend == Backend::Host) bytes += 3 * 8 * 1.25 * (all + 16);
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
  if (d.string("kspace.style") == "pppm" && sum_q2 > 0) {
    const double mesh = pppm_mesh_bytes(d, box, atoms, sum_q2, ranks);
    e.total_bytes += mesh;
    e.per_rank_bytes += mesh / ranks;
  }
  e.what = strfmt("%.0f atoms", atoms);
  return e;
}

}  // namespace tessera::md
