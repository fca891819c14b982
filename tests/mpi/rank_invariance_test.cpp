// A grid solver's result does not depend on the rank count, bit for bit:
// test.diffusion run through the driver at this job's rank count must equal
// a serial computation of the same arithmetic (shared stencil function),
// compared through an order-independent checksum of the field's bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/collectives.hpp"
#include "tests/cli_runner.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "tests/diffusion_stencil.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Serial {
  double maximum = 0;
  std::int64_t checksum = 0;
  long steps = 0;
};

// The same problem on one process: ghosts by periodic wrap or edge copy.
Serial serial_diffusion(std::array<int, 3> c, bool periodic, double cfl, double t_end) {
  int axes[3], naxes = 0;
  for (int a = 0; a < 3; ++a)
    if (c[a] > 1) axes[naxes++] = a;
  auto idx = [&](int i, int j, int k) { return static_cast<std::size_t>(i + c[0] * (j + c[1] * k)); };
  std::vector<double> u(static_cast<std::size_t>(c[0]) * c[1] * c[2]), next(u.size());
  for (int k = 0; k < c[2]; ++k)
    for (int j = 0; j < c[1]; ++j)
      for (int i = 0; i < c[0]; ++i) {
        double v = 1.0;
        if (c[0] > 1) v *= sin(2 * kPi * (i + 0.5) / c[0]);
        if (c[1] > 1) v *= sin(2 * kPi * (j + 0.5) / c[1]);
        if (c[2] > 1) v *= sin(2 * kPi * (k + 0.5) / c[2]);
        u[idx(i, j, k)] = 1.0 + 0.5 * v;
      }
  double h2 = 1e300, inv_h2[3] = {0, 0, 0};
  for (int a = 0; a < naxes; ++a) {
    const double h = 1.0 / c[axes[a]];
    h2 = std::min(h2, h * h);
    inv_h2[a] = 1.0 / (h * h);
  }
  const double stable = cfl * h2 / (1.0 * std::max(naxes, 1));
  auto neighbour = [&](int p, int axis, int n) {
    if (p < 0) return periodic ? p + n : 0;
    if (p >= n) return periodic ? p - n : n - 1;
    (void)axis;
    return p;
  };
  Serial s;
  double t = 0;
  // The driver's stepping: the last step is clipped to land on t_end.
  while (!(t_end - t <= 1e-12 * t_end)) {
    double dt = stable;
    bool clipped = false;
    if (t + dt * (1 + 1e-10) >= t_end) {
      dt = t_end - t;
      clipped = true;
    }
    for (int k = 0; k < c[2]; ++k)
      for (int j = 0; j < c[1]; ++j)
        for (int i = 0; i < c[0]; ++i) {
          double minus[3], plus[3];
          for (int a = 0; a < naxes; ++a) {
            int p[3] = {i, j, k}, m[3] = {i, j, k};
            const int ax = axes[a];
            p[ax] = neighbour(p[ax] + 1, ax, c[ax]);
            m[ax] = neighbour(m[ax] - 1, ax, c[ax]);
            plus[a] = u[idx(p[0], p[1], p[2])];
            minus[a] = u[idx(m[0], m[1], m[2])];
          }
          next[idx(i, j, k)] = tessera::testing::diffusion_update(u[idx(i, j, k)], minus, plus, inv_h2, naxes, dt * 1.0);
        }
    u.swap(next);
    t = clipped ? t_end : t + dt;
    ++s.steps;
  }
  s.maximum = -1e300;
  for (double v : u) {
    std::int64_t b;
    std::memcpy(&b, &v, sizeof b);
    s.checksum += b & ((std::int64_t{1} << 52) - 1);
    s.maximum = std::max(s.maximum, v);
  }
  s.checksum &= (std::int64_t{1} << 52) - 1;
  return s;
}

std::vector<std::string> last_row(const fs::path& csv) { return tessera::testing::read_csv(csv).back(); }

void expect_rank_invariant(const std::string& name, std::array<int, 3> cells, bool periodic, int ghosts,
                           const std::string& ranks) {
  fs::path out = fs::temp_directory_path() / ("tessera_invariance_" + std::to_string(collectives::size())) / name;
  if (collectives::rank() == 0) fs::remove_all(out);
  collectives::barrier();
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/tests/decks/good/diffusion.toml";
  o.output_dir = out.string();
  o.overrides = {strfmt("grid.cells=[%d,%d,%d]", cells[0], cells[1], cells[2]),
                 strfmt("grid.periodic=%s", periodic ? "true" : "false"), strfmt("grid.ghosts=%d", ghosts),
                 "parallel.ranks=" + ranks, "run.t_end=0.004"};
  RunSummary summary = run(o);
  if (collectives::rank() != 0) return;
  Serial ref = serial_diffusion(cells, periodic, 0.4, 0.004);
  auto row = last_row(out / "diagnostics.csv");
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(summary.steps, ref.steps) << name;
  if (tessera::testing::test_device().is_host()) {
    EXPECT_EQ(std::stod(row[4]), ref.maximum) << name;
    EXPECT_EQ(static_cast<std::int64_t>(std::stod(row[5])), ref.checksum) << name << " differs from the serial field";
  } else {
    // GPU arithmetic contracts into FMAs: equal to round-off, not bit for bit.
    EXPECT_NEAR(std::stod(row[4]), ref.maximum, 1e-13) << name;
  }
}

}  // namespace

TEST(RankInvariance, PeriodicTwoDimensional) { expect_rank_invariant("p2d", {24, 20, 1}, true, 1, "[0,0,0]"); }
TEST(RankInvariance, WalledThreeDimensionalWithWideHalo) {
  expect_rank_invariant("w3d", {12, 10, 9}, false, 2, "[0,0,0]");
}
TEST(RankInvariance, OneDimensionalAllRanksAlongX) {
  expect_rank_invariant("p1d", {40, 1, 1}, true, 3, strfmt("[%d,1,1]", collectives::size()));
}
