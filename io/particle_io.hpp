#pragma once
// Particles to and from HDF5. Each rank writes its owned particles at its
// offset from an exclusive scan of the counts, collectively; ids make the
// order irrelevant. Snapshots follow DESIGN.md's particle layout:
//   /particles/id (i64, N), position (f64, N x 3), connectivity (i64, N, for
//   XDMF's Polyvertex), one dataset per extra column named after it (f64, N or
//   N x components; the column "type" as i32, other integer columns as i64),
//   /box attributes lower, upper, periodic.
// Checkpoints store every column exactly (integers as i64) and read back a
// contiguous share per rank at any rank count; the solver then migrates.
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/hdf5_file.hpp"
#include "io/snapshot_meta.hpp"
#include "io/xdmf.hpp"

namespace tessera::io {

struct ParticleBox {
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  std::array<bool, 3> periodic{true, true, true};
};

// Collective. Returns the snapshot's XDMF description (h5_path = relative_path).
// `columns` names the extra columns to write (empty: all).
XdmfParticleDesc write_particle_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                                         const SnapshotMeta& meta, const Particles& p, const ParticleBox& box,
                                         const std::vector<std::string>& columns = {});

// The same particles in the GADGET-4 HDF5 layout, as dark matter (type 1), so
// GADGET's own tools and yt/pynbody read it: /Header (NumPart_ThisFile,
// NumPart_Total, NumPart_Total_HighWord, MassTable, Time, Redshift, BoxSize,
// NumFilesPerSnapshot) and /PartType1/Coordinates, Velocities, ParticleIDs,
// Masses (from the columns "velocity" and "mass"), plus the connectivity XDMF
// needs. Collective.
XdmfParticleDesc write_gadget_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                                       const SnapshotMeta& meta, const Particles& p, double box_size);

// Collective: every column of the owned particles into group `loc`.
void write_particles(const h5::Location& loc, const Particles& p);
// Collective: this rank's share of the particles in `loc`; `p` must declare
// the same columns. Ghosts are dropped; positions may lie on other ranks.
void read_particles(const h5::Location& loc, Particles& p);

}  // namespace tessera::io
