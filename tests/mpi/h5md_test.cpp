// H5MD trajectories: three frames of particles scattered over the ranks (ids
// in no order, owners changing between frames, some ranks with none) read
// back on one process: metadata, box, step/time series and row i = id i.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/h5md.hpp"
#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::test_device;

namespace {

constexpr std::int64_t kN = 37;

double pos(std::int64_t id, int d, int frame) { return 0.5 * id + 0.125 * d + 0.0625 * frame; }
double vel(std::int64_t id, int d, int frame) { return -1.0 * id - 0.25 * d + 8.0 * frame; }

// Which rank owns particle `id` at `frame`: scattered and moving; rank 1
// owns nothing (when there are more than two ranks).
int owner(std::int64_t id, int frame, int size) {
  int r = static_cast<int>((id * 7 + 3 + frame) % size);
  return (r == 1 && size > 2) ? 0 : r;
}

// This rank's particles at `frame`, in descending id order (not the file's).
Particles frame_particles(int frame, bool with_type = true) {
  const int r = collectives::rank(), size = collectives::size();
  std::vector<std::int64_t> ids;
  for (std::int64_t id = kN - 1; id >= 0; --id)
    if (owner(id, frame, size) == r) ids.push_back(id);
  Particles p(test_device());
  const int v = p.add_real_column("velocity", 3);
  p.add_real_column("mass", 1);
  const int type = with_type ? p.add_int_column("type", 1) : -1;
  const auto n = static_cast<std::int64_t>(ids.size());
  p.resize_owned(n);
  p.id_from_host(ids);
  for (int d = 0; d < 3; ++d) {
    std::vector<double> x(n), u(n);
    for (std::int64_t i = 0; i < n; ++i) x[i] = pos(ids[i], d, frame), u[i] = vel(ids[i], d, frame);
    p.position_from_host(d, x);
    p.real_from_host(v, d, u);
  }
  if (with_type) {
    std::vector<std::int64_t> t(n);
    for (std::int64_t i = 0; i < n; ++i) t[i] = ids[i] % 3;
    p.integer_from_host(type, 0, t);
  }
  return p;
}

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("tessera_" + name + "_" + std::to_string(collectives::size()) + ".h5");
}

}  // namespace

TEST(H5md, ThreeFramesReadBackByParticleId) {
  const fs::path path = temp("h5md");
  const std::vector<std::int64_t> steps{0, 10, 25};
  const std::vector<double> times{0.0, 0.05, 0.125};
  {
    io::H5mdWriter w(path, {-1, 0, 2}, {3, 5, 4}, {true, true, false}, kN, "Test Author");
    for (int frame = 0; frame < 3; ++frame) {
      Particles p = frame_particles(frame);
      w.append(steps[frame], times[frame], p, p.column("velocity"));
    }
    EXPECT_EQ(w.frames(), 3);
    w.close();
  }
  if (collectives::rank() != 0) return;

  h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
  h5::Location h5md = f.open_group("h5md");
  EXPECT_EQ(h5md.attribute_ints("version"), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(h5md.open_group("author").attribute_string("name"), "Test Author");
  EXPECT_EQ(h5md.open_group("creator").attribute_string("name"), "Tessera");
  EXPECT_FALSE(h5md.open_group("creator").attribute_string("version").empty());

  h5::Location all = f.open_group("particles").open_group("all");
  h5::Location box = all.open_group("box");
  EXPECT_EQ(box.attribute_int("dimension"), 3);
  EXPECT_EQ(box.attribute_strings("boundary"), (std::vector<std::string>{"periodic", "periodic", "none"}));
  EXPECT_EQ(box.attribute_doubles("lower"), (std::vector<double>{-1, 0, 2}));
  h5::Dataset edges = box.open_dataset("edges/value");
  EXPECT_EQ(edges.dims(), (std::vector<std::uint64_t>{3, 3}));
  EXPECT_EQ(edges.read_all<double>(), (std::vector<double>{4, 5, 2, 4, 5, 2, 4, 5, 2}));

  // Box, position and velocity share one step and one time series (hard links).
  for (const char* element : {"position", "velocity", "box/edges"}) {
    SCOPED_TRACE(element);
    const std::string e(element);
    EXPECT_EQ(all.open_dataset(e + "/step").read_all<std::int64_t>(), steps);
    EXPECT_EQ(all.open_dataset(e + "/time").read_all<double>(), times);
    EXPECT_EQ(all.open_dataset(e + "/step").max_dims(), (std::vector<std::uint64_t>{h5::Dataset::kUnlimited}));
  }

  h5::Dataset position = all.open_dataset("position/value");
  h5::Dataset velocity = all.open_dataset("velocity/value");
  const std::vector<std::uint64_t> shape{3, kN, 3};
  EXPECT_EQ(position.dims(), shape);
  EXPECT_EQ(velocity.dims(), shape);
  EXPECT_EQ(position.max_dims(), (std::vector<std::uint64_t>{h5::Dataset::kUnlimited, kN, 3}));
  const std::vector<double> x = position.read_all<double>(), v = velocity.read_all<double>();
  for (int frame = 0; frame < 3; ++frame)
    for (std::int64_t id = 0; id < kN; ++id)
      for (int d = 0; d < 3; ++d) {
        const std::size_t k = static_cast<std::size_t>((frame * kN + id) * 3 + d);
        EXPECT_EQ(x[k], pos(id, d, frame)) << "frame " << frame << " id " << id;
        EXPECT_EQ(v[k], vel(id, d, frame)) << "frame " << frame << " id " << id;
      }
  const std::vector<std::int32_t> species = all.open_dataset("species").read_all<std::int32_t>();
  ASSERT_EQ(species.size(), static_cast<std::size_t>(kN));
  for (std::int64_t id = 0; id < kN; ++id) EXPECT_EQ(species[id], id % 3);
}

TEST(H5md, PositionsOnlyWithoutSpecies) {
  const fs::path path = temp("h5md_positions");
  {
    io::H5mdWriter w(path, io::ParticleBox{}, kN, "A");
    for (int frame = 0; frame < 2; ++frame) w.append(frame, 0.5 * frame, frame_particles(frame, false));
  }  // the destructor closes
  if (collectives::rank() != 0) return;
  h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
  h5::Location all = f.open_group("particles").open_group("all");
  EXPECT_TRUE(all.exists("position"));
  EXPECT_FALSE(all.exists("velocity"));
  EXPECT_FALSE(all.exists("species"));
  EXPECT_EQ(all.open_dataset("position/value").dims(), (std::vector<std::uint64_t>{2, kN, 3}));
  EXPECT_EQ(all.open_group("box").attribute_strings("boundary"),
            (std::vector<std::string>{"periodic", "periodic", "periodic"}));
}

TEST(H5md, BadFramesThrowOnEveryRankAndLeaveTheFileUsable) {
  const int r = collectives::rank(), size = collectives::size();
  const fs::path path = temp("h5md_bad");
  io::H5mdWriter w(path, io::ParticleBox{}, kN, "A");
  Particles good = frame_particles(0);
  const int v = good.column("velocity");

  // An id beyond N - 1 on the last rank only: every rank throws.
  Particles bad = frame_particles(0);
  if (r == size - 1) {
    std::vector<std::int64_t> ids = bad.id_to_host();
    ids.resize(static_cast<std::size_t>(bad.owned()));
    if (!ids.empty()) ids[0] = kN;
    else {
      bad.resize_owned(1);
      ids = {kN};
    }
    bad.id_from_host(ids);
  }
  EXPECT_THROW(w.append(0, 0.0, bad, v), Error);

  // Fewer particles than the file was made for.
  Particles fewer = frame_particles(0);
  if (r == 0) fewer.resize_owned(std::max<std::int64_t>(0, fewer.owned() - 1));
  EXPECT_THROW(w.append(0, 0.0, fewer, v), Error);

  // A column that is not a 3-vector as velocity.
  EXPECT_THROW(w.append(0, 0.0, good, good.column("mass")), Error);

  w.append(5, 0.0, good, v);
  EXPECT_THROW(w.append(5, 0.1, good, v), Error);  // step must increase
  EXPECT_THROW(w.append(6, 0.1, good), Error);     // velocities were in the first frame
  w.append(6, 0.1, good, v);
  EXPECT_EQ(w.frames(), 2);
  w.close();
  if (r == 0) {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
    EXPECT_EQ(f.open_dataset("particles/all/position/step").read_all<std::int64_t>(),
              (std::vector<std::int64_t>{5, 6}));
  }
  collectives::barrier();
}
