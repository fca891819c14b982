// VTKHDF files written by every rank (any rank count, uneven splits, ranks
// with nothing to write) hold, read back on one process, exactly the layout
// VTK's reader expects: ImageData extents, origin, spacing and point arrays
// (both point layers of a collapsed direction), and one UnstructuredGrid piece
// of vertex cells whose Offsets close at the total. (VTK and ParaView
// themselves open the files in tests/vtkhdf/.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "io/hdf5_file.hpp"
#include "io/vtkhdf.hpp"
#include "runtime/collectives.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::test_device;

namespace {

double f(int i, int j, int k) { return 0.25 + i + 100.0 * j + 1e4 * k; }

fs::path scratch(const std::string& stem) {
  return fs::temp_directory_path() / (stem + "_" + std::to_string(collectives::size()));
}

void image_of(std::array<int, 3> cells) {
  LayoutSpec spec;
  spec.cells = cells;
  spec.periodic = {false, false, false};
  spec.ghosts = 2;
  spec.lower = {-1, 0, 2};
  spec.upper = {1, 3, 5};
  CartesianLayout layout = CartesianLayout::for_this_process(spec);
  const Range3 box = HaloExchange<double>::storage_box(layout, spec.ghosts);
  const Range3 own = layout.owned();
  std::vector<double> host(static_cast<std::size_t>(box.size()), -1.0);
  for (int k = 0; k < own.extent(2); ++k)
    for (int j = 0; j < own.extent(1); ++j)
      for (int i = 0; i < own.extent(0); ++i)
        host[static_cast<std::size_t>((i - box.lo[0]) + box.extent(0) * ((j - box.lo[1]) + box.extent(1) * (k - box.lo[2])))] =
            f(own.lo[0] + i, own.lo[1] + j, own.lo[2] + k);
  Buffer<double> field(test_device(), host.size());
  field.copy_from_host(host);

  const fs::path path = scratch("tessera_vtkhdf_image").replace_extension(".h5");
  io::SnapshotMeta meta{0.5, 3, "[run]\n", "test"};
  meta.formats = {false, true};  // VTKHDF alone
  io::GridIO<double> io(layout, box, test_device());
  const io::XdmfGridDesc desc = io.write_snapshot(path, "s/x.h5", meta, {{"density", field.data()}});
  EXPECT_TRUE(desc.h5_path.empty());
  EXPECT_EQ(desc.vtkhdf_path, "s/x.hdf");
  collectives::barrier();

  if (collectives::rank() == 0) {
    EXPECT_FALSE(fs::exists(path));
    const fs::path vtk = fs::path(path).replace_extension(".hdf");
    h5::File file(vtk.string(), h5::File::Mode::ReadOnly, false);
    EXPECT_EQ(file.attribute_double("time"), 0.5);
    const h5::Location root = file.open_group("VTKHDF");
    EXPECT_EQ(root.attribute_ints("Version"), (std::vector<std::int64_t>{1, 0}));
    EXPECT_EQ(root.attribute_string("Type"), "ImageData");
    std::vector<std::int64_t> extent;
    std::vector<double> origin, spacing;
    const double lower[3] = {-1, 0, 2}, upper[3] = {1, 3, 5};
    for (int a = 0; a < 3; ++a) {
      const double h = (upper[a] - lower[a]) / cells[a];
      // Points on the cell centres; a collapsed direction spans its slab with two.
      extent.insert(extent.end(), {0, cells[a] > 1 ? cells[a] - 1 : 1});
      origin.push_back(cells[a] > 1 ? lower[a] + 0.5 * h : lower[a]);
      spacing.push_back(h);
    }
    EXPECT_EQ(root.attribute_ints("WholeExtent"), extent);
    EXPECT_EQ(root.attribute_doubles("Origin"), origin);
    EXPECT_EQ(root.attribute_doubles("Spacing"), spacing);
    EXPECT_EQ(root.attribute_doubles("Direction"), (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1}));
    const h5::Dataset ds = root.open_group("PointData").open_dataset("density");
    int p[3];
    for (int a = 0; a < 3; ++a) p[a] = cells[a] > 1 ? cells[a] : 2;
    ASSERT_EQ(ds.dims(), (std::vector<std::uint64_t>{std::uint64_t(p[2]), std::uint64_t(p[1]), std::uint64_t(p[0])}));
    const auto values = ds.read_all<double>();
    std::size_t bad = 0;
    for (int k = 0; k < p[2]; ++k)
      for (int j = 0; j < p[1]; ++j)
        for (int i = 0; i < p[0]; ++i)
          bad += values[static_cast<std::size_t>(i + p[0] * (j + p[1] * k))] !=
                 f(cells[0] > 1 ? i : 0, cells[1] > 1 ? j : 0, cells[2] > 1 ? k : 0);
    EXPECT_EQ(bad, 0u);
    fs::remove(vtk);
  }
  collectives::barrier();
}

}  // namespace

TEST(VtkHdf, ImageOfA3DGridIsPointDataOnTheCellCentres) { image_of({7, 5, 4}); }
TEST(VtkHdf, ImageOfA2DGridIsASlabWithBothLayers) { image_of({9, 6, 1}); }
TEST(VtkHdf, ImageOfA1DGridLiesAlongItsAxis) { image_of({17, 1, 1}); }  // 17: two cells a rank at 8 ranks

// Rank r holds 2 r + 1 particles, the last rank none (when there are several):
// the piece is still one, numbered by the exclusive scan, closed by the last
// rank that holds any.
TEST(VtkHdf, PointsOfEveryRankFormOneVertexPiece) {
  const int rank = collectives::rank(), size = collectives::size();
  const std::int64_t mine = (size > 1 && rank == size - 1) ? 0 : 2 * rank + 1;
  const std::int64_t first = collectives::exclusive_prefix_sum(mine);
  const std::int64_t total = collectives::sum(mine);
  std::vector<double> xyz, mass;
  std::vector<std::int64_t> id;
  for (std::int64_t n = 0; n < mine; ++n) {
    const std::int64_t g = first + n;
    xyz.insert(xyz.end(), {0.5 * g, -1.0 * g, 2.0 + g});
    mass.push_back(10.0 + g);
    id.push_back(1000 + g);
  }
  const fs::path path = scratch("tessera_vtkhdf_points").replace_extension(".hdf");
  io::write_vtkhdf_points(path, {0.25, 9, "", "test"}, mine, xyz.data(),
                          {{"mass", 1, h5::Type::Float64, mass.data()}, {"id", 1, h5::Type::Int64, id.data()}});
  if (rank == 0) {
    h5::File file(path.string(), h5::File::Mode::ReadOnly, false);
    const h5::Location root = file.open_group("VTKHDF");
    EXPECT_EQ(root.attribute_string("Type"), "UnstructuredGrid");
    for (const char* count : {"NumberOfPoints", "NumberOfCells", "NumberOfConnectivityIds"})
      EXPECT_EQ(root.open_dataset(count).read_all<std::int64_t>(), (std::vector<std::int64_t>{total})) << count;
    std::vector<std::int64_t> offsets(total + 1), conn(total);
    for (std::int64_t n = 0; n <= total; ++n) offsets[n] = n;
    for (std::int64_t n = 0; n < total; ++n) conn[n] = n;
    EXPECT_EQ(root.open_dataset("Offsets").read_all<std::int64_t>(), offsets);
    EXPECT_EQ(root.open_dataset("Connectivity").read_all<std::int64_t>(), conn);
    EXPECT_EQ(root.open_dataset("Types").read_all<std::uint8_t>(), std::vector<std::uint8_t>(total, 1));
    const auto points = root.open_dataset("Points").read_all<double>();
    const auto m = root.open_group("PointData").open_dataset("mass").read_all<double>();
    const auto ids = root.open_group("PointData").open_dataset("id").read_all<std::int64_t>();
    ASSERT_EQ(points.size(), static_cast<std::size_t>(3 * total));
    for (std::int64_t g = 0; g < total; ++g) {
      EXPECT_EQ(points[3 * g], 0.5 * g);
      EXPECT_EQ(points[3 * g + 1], -1.0 * g);
      EXPECT_EQ(points[3 * g + 2], 2.0 + g);
      EXPECT_EQ(m[g], 10.0 + g);
      EXPECT_EQ(ids[g], 1000 + g);
    }
    fs::remove(path);
  }
  collectives::barrier();
}

TEST(VtkHdf, SeriesListsFilesAndTimesInOrder) {
  if (collectives::rank() != 0) return;
  const fs::path path = scratch("tessera_vtkhdf").replace_extension(".hdf.series");
  io::write_vtkhdf_series(path, {{"snapshots/a_00000.hdf", 0.0}, {"snapshots/a_00001.hdf", 0.1}});
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text,
            "{\n  \"file-series-version\": \"1.0\",\n  \"files\": [\n    {\n      \"name\": \"snapshots/a_00000.hdf\",\n"
            "      \"time\": 0\n    },\n    {\n      \"name\": \"snapshots/a_00001.hdf\",\n"
            "      \"time\": 0.10000000000000001\n    }\n  ]\n}\n");
  fs::remove(path);
}
