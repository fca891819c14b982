// Grid fields written by every rank (uneven splits, any rank count) read back
// on one process equal the global array; read back decomposed, each rank gets
// exactly its cells.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::test_device;

namespace {

double f(int i, int j, int k, int c) { return 0.5 + i + 100.0 * j + 1e4 * k + 1e6 * c; }

void roundtrip(std::array<int, 3> cells, int ghosts) {
  LayoutSpec spec;
  spec.cells = cells;
  spec.periodic = {true, true, true};
  spec.ghosts = ghosts;
  spec.lower = {-1, 0, 2};
  spec.upper = {1, 3, 5};
  CartesianLayout layout = CartesianLayout::for_this_process(spec);
  const Range3 box = HaloExchange<double>::storage_box(layout, ghosts);
  const Range3 own = layout.owned();
  std::vector<double> host(static_cast<std::size_t>(box.size()), -1.0);
  for (int k = 0; k < own.extent(2); ++k)
    for (int j = 0; j < own.extent(1); ++j)
      for (int i = 0; i < own.extent(0); ++i)
        host[static_cast<std::size_t>((i - box.lo[0]) + box.extent(0) * ((j - box.lo[1]) + box.extent(1) * (k - box.lo[2])))] =
            f(own.lo[0] + i, own.lo[1] + j, own.lo[2] + k, 0);
  Buffer<double> field(test_device(), host.size());
  field.copy_from_host(host);

  const fs::path path = fs::temp_directory_path() / ("tessera_grid_io_" + std::to_string(collectives::size()) + ".h5");
  io::GridIO<double> io(layout, box, test_device());
  io::XdmfGridDesc desc = io.write_snapshot(path, "x.h5", {1.25, 7, "[run]\n", "test"}, {{"density", field.data()}});
  EXPECT_EQ(desc.cells, (std::array<std::int64_t, 3>{cells[0], cells[1], cells[2]}));

  if (collectives::rank() == 0) {
    // One process reads what all ranks wrote.
    auto global = io::read_global_field(path, "density");
    ASSERT_EQ(global.size(), static_cast<std::size_t>(cells[0]) * cells[1] * cells[2]);
    std::size_t bad = 0;
    for (int k = 0; k < cells[2]; ++k)
      for (int j = 0; j < cells[1]; ++j)
        for (int i = 0; i < cells[0]; ++i)
          bad += global[static_cast<std::size_t>(i + cells[0] * (j + cells[1] * k))] != f(i, j, k, 0);
    EXPECT_EQ(bad, 0u);
    h5::File file(path.string(), h5::File::Mode::ReadOnly, false);
    EXPECT_EQ(file.attribute_double("time"), 1.25);
    EXPECT_EQ(file.attribute_int("step"), 7);
    EXPECT_EQ(file.open_group("grid").attribute_ints("cells"), (std::vector<std::int64_t>{cells[0], cells[1], cells[2]}));
    EXPECT_EQ(file.open_group("grid").attribute_doubles("lower"), (std::vector<double>{-1, 0, 2}));
    EXPECT_EQ(file.open_group("fields").open_dataset("density").dims(),
              (std::vector<std::uint64_t>{static_cast<std::uint64_t>(cells[2]), static_cast<std::uint64_t>(cells[1]),
                                          static_cast<std::uint64_t>(cells[0])}));
  }
  collectives::barrier();

  // Decomposed read: every rank gets its own cells back, ghosts untouched.
  Buffer<double> back(test_device(), host.size());
  std::vector<double> minus(host.size(), -7.0);
  back.copy_from_host(minus);
  {
    h5::File file(path.string(), h5::File::Mode::ReadOnly, true);
    io.read(file.open_group("fields"), "density", back.data());
  }
  auto got = back.to_host();
  for (std::size_t n = 0; n < got.size(); ++n) EXPECT_EQ(got[n], host[n] == -1.0 ? -7.0 : host[n]);
  collectives::barrier();
  if (collectives::rank() == 0) fs::remove(path);
}

}  // namespace

TEST(GridIO, ThreeDimensionalUnevenSplit) { roundtrip({13, 11, 9}, 2); }
TEST(GridIO, TwoDimensional) { roundtrip({23, 17, 1}, 1); }
TEST(GridIO, OneDimensional) { roundtrip({41, 1, 1}, 3); }
