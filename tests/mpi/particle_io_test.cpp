// Particle snapshots and checkpoints: each rank writes at its scanned offset
// (some ranks hold none); one process reads back the global set keyed by id;
// a checkpoint read back gives every rank a share whose union is the set.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/hdf5_file.hpp"
#include "io/particle_io.hpp"
#include "runtime/collectives.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::test_device;

namespace {

// Rank r holds 3r + 1 particles, except rank 1 which holds none.
std::int64_t count_on(int r) { return r == 1 ? 0 : 3 * r + 1; }

// This rank's first id (the counts of the ranks below it) and the total count.
struct Share {
  std::int64_t first = 0, total = 0;
};
Share share_of(int r, int n) {
  Share s;
  for (int q = 0; q < n; ++q) {
    if (q < r) s.first += count_on(q);
    s.total += count_on(q);
  }
  return s;
}

double pos(std::int64_t id, int d) { return 0.25 * id + d; }
double vel(std::int64_t id, int d) { return -1.0 * id - 0.5 * d; }

Particles make_particles(std::int64_t first_id, std::int64_t n) {
  Particles p(test_device());
  p.add_real_column("velocity", 3);
  p.add_real_column("mass", 1);
  p.add_int_column("type", 1);
  p.resize_owned(n);
  std::vector<std::int64_t> ids(n), types(n);
  std::vector<double> mass(n);
  std::vector<std::vector<double>> x(3, std::vector<double>(n)), v(3, std::vector<double>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t id = first_id + i;
    ids[i] = id;
    types[i] = id % 3;
    mass[i] = 1.0 + id;
    for (int d = 0; d < 3; ++d) x[d][i] = pos(id, d), v[d][i] = vel(id, d);
  }
  p.id_from_host(ids);
  for (int d = 0; d < 3; ++d) {
    p.position_from_host(d, x[d]);
    p.real_from_host(p.column("velocity"), d, v[d]);
  }
  p.real_from_host(p.column("mass"), 0, mass);
  p.integer_from_host(p.column("type"), 0, types);
  return p;
}

}  // namespace

TEST(ParticleIO, SnapshotHoldsEveryParticleOnce) {
  const int r = collectives::rank(), n = collectives::size();
  const auto [first, total] = share_of(r, n);
  Particles p = make_particles(first, count_on(r));
  const fs::path path = fs::temp_directory_path() / ("tessera_particle_io_" + std::to_string(n) + ".h5");
  io::ParticleBox box{{-1, -2, -3}, {1, 2, 3}, {true, false, true}};
  io::XdmfParticleDesc desc = io::write_particle_snapshot(path, "p.h5", {0.5, 3, "", "test"}, p, box);
  EXPECT_EQ(desc.count, total);
  if (r == 0) {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
    h5::Location g = f.open_group("particles");
    auto ids = g.open_dataset("id").read_all<std::int64_t>();
    auto x = g.open_dataset("position").read_all<double>();
    auto v = g.open_dataset("velocity").read_all<double>();
    auto m = g.open_dataset("mass").read_all<double>();
    auto conn = g.open_dataset("connectivity").read_all<std::int64_t>();
    h5::Dataset type = g.open_dataset("type");
    EXPECT_EQ(type.type(), h5::Type::Int32);
    auto t = type.read_all<std::int32_t>();
    ASSERT_EQ(static_cast<std::int64_t>(ids.size()), total);
    EXPECT_EQ(g.open_dataset("position").dims(), (std::vector<std::uint64_t>{static_cast<std::uint64_t>(total), 3}));
    std::vector<std::int64_t> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    for (std::int64_t i = 0; i < total; ++i) {
      EXPECT_EQ(sorted[i], i);
      EXPECT_EQ(conn[i], i);
      const std::int64_t id = ids[i];
      for (int d = 0; d < 3; ++d) {
        EXPECT_EQ(x[3 * i + d], pos(id, d));
        EXPECT_EQ(v[3 * i + d], vel(id, d));
      }
      EXPECT_EQ(m[i], 1.0 + id);
      EXPECT_EQ(t[i], id % 3);
    }
    EXPECT_EQ(f.open_group("box").attribute_ints("periodic"), (std::vector<std::int64_t>{1, 0, 1}));
    EXPECT_EQ(f.attribute_double("time"), 0.5);
  }
  collectives::barrier();
  if (r == 0) fs::remove(path);
}

TEST(ParticleIO, CheckpointRoundTripSharesTheSet) {
  const int r = collectives::rank(), n = collectives::size();
  const auto [first, total] = share_of(r, n);
  const fs::path path = fs::temp_directory_path() / ("tessera_particle_ckpt_" + std::to_string(n) + ".h5");
  {
    Particles p = make_particles(first, count_on(r));
    h5::File f(path.string(), h5::File::Mode::Create, true);
    io::write_particles(f.create_group("state"), p);
  }
  Particles back = make_particles(0, 0);
  {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, true);
    io::read_particles(f.open_group("state"), back);
  }
  // Shares are contiguous and balanced, whatever wrote the file.
  EXPECT_EQ(back.owned(), total * (r + 1) / n - total * r / n);
  auto ids = back.id_to_host();
  auto vx = back.real_to_host(back.column("velocity"), 0);
  auto type = back.integer_to_host(back.column("type"), 0);
  for (std::int64_t i = 0; i < back.owned(); ++i) {
    EXPECT_EQ(vx[i], vel(ids[i], 0));
    EXPECT_EQ(type[i], ids[i] % 3);
  }
  EXPECT_EQ(collectives::sum(back.owned()), total);
  std::int64_t id_sum = 0;
  for (std::int64_t i = 0; i < back.owned(); ++i) id_sum += ids[i];
  EXPECT_EQ(collectives::sum(id_sum), total * (total - 1) / 2);
  collectives::barrier();
  if (r == 0) fs::remove(path);
}
