#pragma once
// XDMF descriptors that ParaView (5.11+) and VisIt open. Each snapshot file
// contributes one <Grid> element; a series file `<name>.xmf` holds a temporal
// collection of every snapshot so far and is rewritten atomically after each
// one, so a crashed run still leaves a readable series. Paths to the heavy
// data are relative to the .xmf, so an output directory can be moved.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::io {

// A grid snapshot as DESIGN.md lays it out: /fields/<name>, shape (nz, ny, nx).
struct XdmfGridDesc {
  std::string h5_path;  // relative to the .xmf, e.g. "snapshots/snapshot_00003.h5"; empty: none written
  std::string vtkhdf_path;  // the same snapshot as VTKHDF (io/vtkhdf.hpp), if written
  double time = 0;
  std::array<std::int64_t, 3> cells{1, 1, 1};  // x, y, z
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  std::vector<std::string> fields;  // scalar cell fields under /fields
  bool single_precision = false;
};

// A particle snapshot: /particles/position (N x 3) and per-particle arrays.
struct XdmfParticleArray {
  std::string name;      // dataset under /particles
  int components = 1;    // 1 (scalar) or 3 (vector)
  bool integer = false;  // i64 (id) / i32 (type) vs f64
  int bytes = 8;         // 8 or 4
};
struct XdmfParticleDesc {
  std::string h5_path;      // empty: none written
  std::string vtkhdf_path;  // the same snapshot as VTKHDF (io/vtkhdf.hpp), if written
  std::string group = "particles";    // HDF5 group holding the arrays
  std::string position = "position";  // its N x 3 coordinates dataset
  double time = 0;
  std::int64_t count = 0;
  std::vector<XdmfParticleArray> arrays;  // position excluded; connectivity is /particles/connectivity
};

// The <Grid> element of one snapshot (a 3DCoRectMesh, Center="Cell"
// attributes; a 2-D or 1-D grid is a slab one cell thick in each collapsed
// direction, see xdmf.cpp for why; Polyvertex for particles), indented for
// inclusion in a series.
std::string xdmf_grid(const XdmfGridDesc& g);
std::string xdmf_particles(const XdmfParticleDesc& p);

// A complete XDMF document holding `grids` (each from xdmf_grid/_particles) as
// a temporal collection, written to `path` via a temporary file and rename.
void write_xdmf_series(const std::filesystem::path& path, const std::vector<std::string>& grids);

}  // namespace tessera::io
