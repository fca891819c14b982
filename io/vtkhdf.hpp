#pragma once
// VTKHDF snapshots (VTK's HDF5 file format, version 1.0): files that VTK's
// own vtkHDFReader, ParaView, PyVista and other VTK-based tools open without
// a descriptor. Everything lives under /VTKHDF (attributes Version = [1, 0]
// and Type); Tessera's usual root attributes (time, step, deck, version) are
// written too, VTK ignores them.
//
// Grids are ImageData, particles an UnstructuredGrid of vertex cells. Both
// are written collectively, every rank its own part. What VTK 9.2 (Debian's
// python3-vtk9) and ParaView 5.11 read decides two details, see vtkhdf.cpp:
// grid values are PointData on the cell centres, and a collapsed direction
// (one cell) is a slab two points thick carrying the same values on both.
//
// Files are named like the HDF5 snapshot with ".hdf" (ParaView 5.11 opens
// VTKHDF by the extensions .hdf and .hdf.series only); the time series is the
// JSON file `<name>.hdf.series` ParaView reads as one animated dataset.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/snapshot_meta.hpp"

namespace tessera::io {

// "snapshots/x_00003.h5" -> "snapshots/x_00003.hdf".
std::string vtkhdf_path(const std::string& h5_path);

// A VTKHDF ImageData of a Cartesian grid. Collective: every rank constructs
// it and writes every field.
class VtkImageWriter {
 public:
  VtkImageWriter(const std::filesystem::path& path, const SnapshotMeta& meta, const std::array<int, 3>& cells,
                 const std::array<double, 3>& lower, const std::array<double, 3>& upper);
  // This rank's owned cells of one field: `count` cells (x fastest) starting
  // at global cell `lo`, dense on the host. A rank may own none (count 0).
  void write_field(const std::string& name, h5::Type type, const void* owned, const std::array<int, 3>& lo,
                   const std::array<int, 3>& count);
  void close() { file_.close(); }

 private:
  h5::File file_;
  std::optional<h5::Location> point_data_;
  std::array<int, 3> cells_;
};

// One per-particle array of an UnstructuredGrid: n rows of `components`
// values on the host (this rank's particles).
struct VtkPointArray {
  std::string name;
  int components = 1;
  h5::Type type = h5::Type::Float64;
  const void* data = nullptr;
};

// Collective: a VTKHDF UnstructuredGrid of one vertex cell per particle,
// a single piece: this rank's `count` particles (positions xyz, count x 3)
// at its offset from an exclusive scan of the counts, as particle_io does.
void write_vtkhdf_points(const std::filesystem::path& path, const SnapshotMeta& meta, std::int64_t count,
                         const double* xyz, const std::vector<VtkPointArray>& arrays);

// The JSON time series ParaView opens as one dataset ({"file-series-version":
// "1.0", "files": [{"name", "time"}...]}), names relative to the series file,
// written atomically (readers never see a torn one).
void write_vtkhdf_series(const std::filesystem::path& path,
                         const std::vector<std::pair<std::string, double>>& files);

}  // namespace tessera::io
