#include "io/vtkhdf.hpp"

#include <algorithm>

#include "io/atomic_file.hpp"
#include "io/json_writer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"

namespace tessera::io {

namespace {

using Dims = std::vector<std::uint64_t>;

h5::Location vtkhdf_root(const h5::File& file, const char* type) {
  h5::Location root = file.create_group("VTKHDF");
  root.set_attribute("Version", std::vector<std::int64_t>{1, 0});
  root.set_exact_attribute("Type", type);
  return root;
}

// One scalar per piece: a single piece, written by rank 0.
void write_piece_count(const h5::Location& loc, const std::string& name, std::int64_t value) {
  h5::Dataset ds = loc.create_dataset(name, h5::Type::Int64, {1});
  const bool mine = collectives::rank() == 0;
  ds.write(&value, Dims{0}, Dims{mine ? 1u : 0u});
}

}  // namespace

std::string vtkhdf_path(const std::string& h5_path) {
  return std::filesystem::path(h5_path).replace_extension(".hdf").string();
}

// Why point data on cell centres: VTK 9.2's vtkHDFReader (Debian 12's VTK and
// ParaView 5.11) reads an ImageData's CellData with the point dimensions,
// past the end of every cell dataset (fixed in VTK 9.2.7), so cell data is
// unreadable there. Point data on an image whose points are the cell centres
// carries the same values, which both old and new readers place correctly;
// contours and slices interpolate between them as they would after
// Cell Data to Point Data.
// Why two points across a collapsed direction: the same reader mishandles a
// degenerate extent (min == max) and corrupts memory reading it. A 2-D grid
// is therefore a slab one cell thick (from lower to upper in the collapsed
// direction, as the XDMF descriptor has it) with equal values on both faces;
// it lies in its own plane, and a 1-D grid along its own axis.
VtkImageWriter::VtkImageWriter(const std::filesystem::path& path, const SnapshotMeta& meta,
                               const std::array<int, 3>& cells, const std::array<double, 3>& lower,
                               const std::array<double, 3>& upper)
    : file_(path.string(), h5::File::Mode::Create, true), cells_(cells) {
  write_meta(file_, meta);
  h5::Location root = vtkhdf_root(file_, "ImageData");
  std::array<double, 3> h{};
  double widest = 0;
  for (int a = 0; a < 3; ++a) {
    TESSERA_REQUIRE(cells[a] >= 1, "VTKHDF image: cell counts must be positive");
    h[a] = (upper[a] - lower[a]) / cells[a];
    widest = std::max(widest, h[a]);
  }
  std::vector<std::int64_t> extent;
  std::vector<double> origin, spacing;
  for (int a = 0; a < 3; ++a) {
    // A collapsed direction of zero width would give zero-thickness cells,
    // which filters that invert the spacing choke on (as in xdmf.cpp).
    const double step = h[a] > 0 ? h[a] : (widest > 0 ? widest : 1.0);
    extent.insert(extent.end(), {0, cells[a] > 1 ? cells[a] - 1 : 1});
    origin.push_back(cells[a] > 1 ? lower[a] + 0.5 * step : lower[a]);
    spacing.push_back(step);
  }
  root.set_attribute("WholeExtent", extent);
  root.set_attribute("Origin", origin);
  root.set_attribute("Spacing", spacing);
  root.set_attribute("Direction", std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1});
  point_data_.emplace(root.create_group("PointData"));
}

void VtkImageWriter::write_field(const std::string& name, h5::Type type, const void* owned,
                                 const std::array<int, 3>& lo, const std::array<int, 3>& count) {
  // Dimensions slowest first (z, y, x): points per direction.
  Dims dims;
  for (int a = 2; a >= 0; --a) dims.push_back(static_cast<std::uint64_t>(cells_[a] > 1 ? cells_[a] : 2));
  h5::Dataset ds = point_data_->create_dataset(name, type, dims);
  // Each collapsed direction doubles the writes (both of its point layers);
  // the number depends on the global grid only, so every rank makes each call.
  int collapsed = 0;
  for (int a = 0; a < 3; ++a) collapsed += cells_[a] == 1;
  for (int copy = 0; copy < (1 << collapsed); ++copy) {
    Dims offset(3), n(3);
    int bit = 0;
    for (int a = 0; a < 3; ++a) {
      const bool single = cells_[a] == 1;
      offset[2 - a] = static_cast<std::uint64_t>(single ? (copy >> bit++) & 1 : lo[a]);
      n[2 - a] = static_cast<std::uint64_t>(count[a]);
    }
    ds.write(owned, type, offset, n);
  }
}

void write_vtkhdf_points(const std::filesystem::path& path, const SnapshotMeta& meta, std::int64_t count,
                         const double* xyz, const std::vector<VtkPointArray>& arrays) {
  const std::int64_t offset = collectives::exclusive_prefix_sum(count);
  const std::int64_t total = collectives::sum(count);
  const auto off = static_cast<std::uint64_t>(offset), n = static_cast<std::uint64_t>(count);
  const auto all = static_cast<std::uint64_t>(total);

  h5::File file(path.string(), h5::File::Mode::Create, true);
  write_meta(file, meta);
  h5::Location root = vtkhdf_root(file, "UnstructuredGrid");
  write_piece_count(root, "NumberOfPoints", total);
  write_piece_count(root, "NumberOfCells", total);
  write_piece_count(root, "NumberOfConnectivityIds", total);

  root.create_dataset("Points", h5::Type::Float64, {all, 3}).write(xyz, h5::Type::Float64, {off, 0}, {n, 3});
  // One vertex cell per point, in the piece's point numbering: cell i holds
  // point i. Offsets has one entry more than there are cells: the last rank
  // holding particles (rank 0 when none do) closes it with the total.
  std::vector<std::int64_t> ids(n + 1);
  for (std::uint64_t i = 0; i <= n; ++i) ids[i] = offset + static_cast<std::int64_t>(i);
  const std::int64_t closer = collectives::max(static_cast<std::int64_t>(count > 0 ? collectives::rank() : 0));
  const bool closes = collectives::rank() == closer;
  root.create_dataset("Offsets", h5::Type::Int64, {all + 1})
      .write(ids.data(), h5::Type::Int64, {off}, {n + (closes ? 1u : 0u)});
  root.create_dataset("Connectivity", h5::Type::Int64, {all}).write(ids.data(), h5::Type::Int64, {off}, {n});
  const std::vector<std::uint8_t> types(n, 1);  // VTK_VERTEX
  root.create_dataset("Types", h5::Type::UInt8, {all}).write(types.data(), h5::Type::UInt8, {off}, {n});

  h5::Location point_data = root.create_group("PointData");
  for (const auto& a : arrays) {
    const auto c = static_cast<std::uint64_t>(a.components);
    const Dims dims = c == 1 ? Dims{all} : Dims{all, c};
    const Dims at = c == 1 ? Dims{off} : Dims{off, 0};
    const Dims rows = c == 1 ? Dims{n} : Dims{n, c};
    point_data.create_dataset(a.name, a.type, dims).write(a.data, a.type, at, rows);
  }
  root.create_group("CellData");
  file.close();
}

void write_vtkhdf_series(const std::filesystem::path& path, const std::vector<std::pair<std::string, double>>& files) {
  JsonWriter w;
  w.begin_object();
  w.key("file-series-version").value("1.0");
  w.key("files").begin_array();
  for (const auto& [name, time] : files) {
    w.begin_object();
    w.key("name").value(name).key("time").value(time);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  write_file_atomically(path, w.str() + "\n");
}

}  // namespace tessera::io
