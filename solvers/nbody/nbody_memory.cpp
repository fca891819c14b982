#include "solvers/nbody/nbody_memory.hpp"

#include <algorithm>
#include <cmath>

#include "io/hdf5_file.hpp"
#include "runtime/format.hpp"
#include "runtime/launch.hpp"

namespace tessera::nbody {

namespace {
double body_count(const deck::Deck& d) {
  const std::string type = d.string("problem.type");
  double bodies = 0;
  if (type == "kepler") {
    bodies = 2;
  } else if (type == "file") {
    // The snapshot's mass dataset says how many (setup reads it all).
    const std::string path = d.string("problem.path");
    if (!h5::is_hdf5(path)) throw d.error_at("problem.path", "'" + path + "' is not a readable HDF5 file");
    h5::File f(path, h5::File::Mode::ReadOnly, false);
    const bool gadget = f.exists("PartType1");
    const auto dims = f.open_group(gadget ? "PartType1" : "particles").open_dataset(gadget ? "Masses" : "mass").dims();
    bodies = dims.empty() ? 0 : static_cast<double>(dims[0]);
  } else {
    bodies = static_cast<double>(d.integer("problem.n"));
  }
  return bodies;
}
}  // namespace

MemoryEstimate nbody_memory(const deck::Deck& d, int ranks, Backend backend) {
  const double bodies = body_count(d);
  const bool hermite = d.string("physics.integrator") == "hermite";
  const double share = std::ceil(bodies / ranks);  // the largest rank's bodies, and the ring block
  // Columns: position 3, id, velocity 3, mass, acceleration 3, potential
  // (+ jerk 3), each with its alternate storage, at least 64 slots.
  const double words = hermite ? 15 : 12;
  double bytes = 2 * words * 8 * std::max(share, 64.0);
  // Two ring blocks of (x, y, z, m) or, for Hermite, velocities too.
  bytes += 2 * (hermite ? 7 : 4) * 8 * share;
  // Hermite: predicted positions and velocities, old a and j.
  if (hermite) bytes += 12 * 8 * share;
  // The host's leapfrog force pass splits the sources of few target blocks
  // over threads, partial sums (4 doubles per target and split) in the
  // device's scratch (gravity_forces.cu: 16 targets a block, 256-source
  // tiles, splits to reach kHostParallelMin items).
  if (backend == Backend::Host && !hermite) {
    const double blocks = std::ceil(share / 16);
    if (blocks <= detail::kHostParallelMin) {
      const double tiles = std::ceil(share / 256);
      double splits =
          std::min(std::floor(detail::kHostParallelMin / blocks) + 1, std::max(1.0, std::floor(share / 256)));
      splits = std::ceil(tiles / std::ceil(tiles / splits));
      if (splits > 1) bytes += 32 * splits * share;
    }
  }
  MemoryEstimate e;
  e.per_rank_bytes = bytes;
  e.total_bytes = bytes * ranks;
  e.what = strfmt("%.0f bodies", bodies);
  return e;
}

MemoryEstimate nbody_tree_memory(const deck::Deck& d, int ranks, Backend) {
  const double bodies = body_count(d);
  const double share = std::ceil(bodies / ranks);
  const double leaf = static_cast<double>(d.integer("physics.leaf_size"));
  const double group = static_cast<double>(d.integer("physics.group_size"));
  // The bodies' columns as nbody.direct's plus the work column, with their
  // alternate storage; |a_old|.
  double bytes = 2 * 13 * 8 * std::max(share, 64.0) + 8 * share;
  // The tree holds only this rank's bodies (after migration, about a share).
  const double sources = share;
  if (ranks > 1) {
    // Own keys and order, records out and in (6 doubles), the owned planes
    // (5), results as planes, out and in (5 each).
    bytes += (12 + 48 + 48 + 40 + 3 * 40) * share;
    // The essential trees exported (about what a rank receives) and received,
    // with room to grow by half: a
    // fit to Plummer spheres (the busiest rank's imports, node records of
    // 152 bytes and bodies of 32: about 7.5 N^0.85 times 32 bytes at 4 and 8
    // ranks, 6000 to 65536 bodies; at most every other rank's body with
    // its share of nodes).
    const double imported = std::min(2.5 * 32 * (bodies - share), 7.5 * 32 * std::pow(bodies, 0.85));
    bytes += 3 * imported;
    // The received trees as one tree to walk (the same records in the tree's
    // arrays), and its walk by the share (target keys and order, work,
    // results).
    bytes += imported + (12 + 8 + 32) * share;
    // The export: a state, a record slot and a body slot per (rank, own
    // node), about 2.5 nodes per leaf of bodies.
    bytes += ranks * (4 + 8 + 8) * 2.5 * sources / leaf;
  }
  // Keys, permutation and its inverse, sorted x, y, z, m.
  bytes += (8 + 4 + 4 + 32) * sources;
  // Nodes: 5 int32 + 15 doubles each (and the cut's slot on several ranks),
  // first sized 4 n / leaf_size (grown by half when a deep tree needs more).
  bytes += (ranks > 1 ? 148 : 140) * std::max(64.0, 4 * sources / leaf);
  // Walk: target order, group boxes, work counts.
  bytes += 4 * share + 56 * std::ceil(share / group) + 8 * share;
  MemoryEstimate e;
  e.per_rank_bytes = bytes;
  e.total_bytes = bytes * ranks;
  e.what = strfmt("%.0f bodies", bodies);
  return e;
}

}  // namespace tessera::nbody
