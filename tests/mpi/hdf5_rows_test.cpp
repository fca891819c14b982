// The HDF5 layer's time-series pieces: extendible (chunked) datasets that
// grow by a frame at a time, rows written by index from every rank (some with
// none), string-array attributes and hard links.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

double value(std::uint64_t frame, std::uint64_t row, std::uint64_t c) { return 1000.0 * frame + 10.0 * row + c; }

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("tessera_" + name + "_" + std::to_string(collectives::size()) + ".h5");
}

}  // namespace

TEST(Hdf5Rows, ExtendibleDatasetGrowsAndTakesRowsFromEveryRank) {
  const int r = collectives::rank(), size = collectives::size();
  constexpr std::uint64_t rows_total = 11, frames = 3;
  const fs::path path = temp("hdf5_rows");
  {
    h5::File f(path.string(), h5::File::Mode::Create, true);
    h5::Dataset ds = f.create_extendible_dataset("series", h5::Type::Float64, {0, rows_total, 2});
    h5::Dataset ids = f.create_dataset("ids", h5::Type::Int32, {rows_total});
    EXPECT_EQ(ds.dims(), (std::vector<std::uint64_t>{0, rows_total, 2}));
    // Rank q owns the rows congruent to (q + 1) mod size, rank 0 the rest: every
    // rank's rows are scattered, and at 8 ranks some own a single row.
    std::vector<std::uint64_t> mine;
    for (std::uint64_t row = 0; row < rows_total; ++row)
      if (static_cast<int>((row + 1) % static_cast<std::uint64_t>(size)) == r) mine.push_back(row);
    for (std::uint64_t t = 0; t < frames; ++t) {
      ds.extend({t + 1, rows_total, 2});
      std::vector<double> data;
      for (auto row : mine)
        for (std::uint64_t c = 0; c < 2; ++c) data.push_back(value(t, row, c));
      ds.write_rows(data.data(), {t}, mine);
    }
    std::vector<std::int32_t> id_values(mine.begin(), mine.end());
    ids.write_rows(id_values.data(), {}, mine);
    f.close();
  }
  if (r == 0) {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
    h5::Dataset ds = f.open_dataset("series");
    EXPECT_EQ(ds.dims(), (std::vector<std::uint64_t>{frames, rows_total, 2}));
    EXPECT_EQ(ds.max_dims(), (std::vector<std::uint64_t>{h5::Dataset::kUnlimited, rows_total, 2}));
    ASSERT_EQ(ds.chunk_dims().size(), 3u);
    EXPECT_EQ(ds.chunk_dims()[1], rows_total);  // one chunk holds whole rows of this small set
    const std::vector<double> all = ds.read_all<double>();
    for (std::uint64_t t = 0; t < frames; ++t)
      for (std::uint64_t row = 0; row < rows_total; ++row)
        for (std::uint64_t c = 0; c < 2; ++c)
          EXPECT_EQ(all[(t * rows_total + row) * 2 + c], value(t, row, c)) << t << " " << row << " " << c;
    const std::vector<std::int32_t> ids = f.open_dataset("ids").read_all<std::int32_t>();
    for (std::uint64_t row = 0; row < rows_total; ++row) EXPECT_EQ(ids[row], static_cast<std::int32_t>(row));
    EXPECT_TRUE(f.open_dataset("ids").max_dims() == (std::vector<std::uint64_t>{rows_total}));
    EXPECT_TRUE(f.open_dataset("ids").chunk_dims().empty());
  }
  collectives::barrier();
}

TEST(Hdf5Rows, RowsOutOfOrderOrOutOfRangeAreRefusedBeforeWriting) {
  const fs::path path = temp("hdf5_rows_bad");
  h5::File f(path.string(), h5::File::Mode::Create, true);
  h5::Dataset ds = f.create_extendible_dataset("series", h5::Type::Float64, {1, 4});
  const double data[4] = {1, 2, 3, 4};
  // Every rank makes the same mistake, so no rank waits in a collective write.
  EXPECT_THROW(ds.write_rows(data, {0}, {2, 1}), Error);
  EXPECT_THROW(ds.write_rows(data, {0}, {1, 1}), Error);
  EXPECT_THROW(ds.write_rows(data, {0}, {4}), Error);
  EXPECT_THROW(ds.write_rows(data, {1}, {0}), Error);
  EXPECT_THROW(ds.write_rows(data, {0, 0}, {0}), Error);
  EXPECT_THROW(f.create_extendible_dataset("zero", h5::Type::Float64, {0, 0}), Error);
  f.close();
}

TEST(Hdf5Rows, SerialFileWithExplicitChunks) {
  if (collectives::rank() == 0) {
    const fs::path path = temp("hdf5_rows_serial");
    h5::File f(path.string(), h5::File::Mode::Create, false);
    h5::Dataset ds = f.create_extendible_dataset("steps", h5::Type::Int64, {0}, {4});
    for (std::uint64_t t = 0; t < 10; ++t) {
      ds.extend({t + 1});
      const std::int64_t step = static_cast<std::int64_t>(100 * t);
      ds.write_rows(&step, {}, {t});
    }
    EXPECT_EQ(ds.chunk_dims(), (std::vector<std::uint64_t>{4}));
    const std::vector<std::int64_t> steps = ds.read_all<std::int64_t>();
    ASSERT_EQ(steps.size(), 10u);
    for (std::size_t t = 0; t < 10; ++t) EXPECT_EQ(steps[t], static_cast<std::int64_t>(100 * t));
  }
  collectives::barrier();
}

TEST(Hdf5Rows, StringArraysAndHardLinks) {
  const fs::path path = temp("hdf5_strings");
  {
    h5::File f(path.string(), h5::File::Mode::Create, true);
    h5::Location g = f.create_group("box");
    g.set_attribute("boundary", std::vector<std::string>{"periodic", "none", "periodic"});
    g.set_attribute("empty", std::vector<std::string>{});
    f.create_dataset("step", h5::Type::Int64, {2}).write(std::vector<std::int64_t>{5, 7}.data(), {0},
                                                         {collectives::rank() == 0 ? 2u : 0u});
    g.link("/step", "step");
    f.close();
  }
  if (collectives::rank() == 0) {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
    h5::Location g = f.open_group("box");
    EXPECT_EQ(g.attribute_strings("boundary"), (std::vector<std::string>{"periodic", "none", "periodic"}));
    EXPECT_TRUE(g.attribute_strings("empty").empty());
    EXPECT_EQ(g.open_dataset("step").read_all<std::int64_t>(), (std::vector<std::int64_t>{5, 7}));
    EXPECT_THROW(g.attribute_strings("missing"), Error);
  }
  collectives::barrier();
}
