// The driver at several rank counts: the test solver's diagnostics equal the
// exact discrete solution whatever the rank count, every rank agrees on deck
// errors (nobody hangs), and output preparation is collective.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/collectives.hpp"
#include "tests/cli_runner.hpp"
#include "runtime/error.hpp"
#include "solvers/driver.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

fs::path shared_scratch(const std::string& name) {
  // The same path on every rank (ranks share the file system here).
  fs::path p = fs::temp_directory_path() / ("tessera_mpi_test_" + std::to_string(collectives::size())) / name;
  if (collectives::rank() == 0) fs::remove_all(p);
  collectives::barrier();
  return p;
}

RunOptions decay_options(const fs::path& out) {
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/tests/decks/good/decay.toml";
  o.output_dir = out.string();
  return o;
}

std::vector<std::string> last_row(const fs::path& csv) { return tessera::testing::read_csv(csv).back(); }

}  // namespace

TEST(DriverRanks, DiagnosticsMatchExactSolutionAtAnyRankCount) {
  const fs::path out = shared_scratch("exact");
  RunOptions o = decay_options(out);
  o.overrides = {"physics.scheme=euler", "problem.cells=[5, 3, 7]", "run.t_end=0.75"};
  RunSummary s = run(o);
  EXPECT_EQ(s.time, 0.75);
  if (collectives::rank() != 0) return;
  // Euler: y_i *= 1 - k_i dt with k_i = 2 (1 + i/N), N = 105.
  const int n = 105;
  const double kmax = 2.0 * (1.0 + (n - 1.0) / n), dt = 0.5 / kmax;
  const int full_steps = static_cast<int>(std::floor(0.75 / dt));
  const double last_dt = 0.75 - full_steps * dt;
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const double k = 2.0 * (1.0 + static_cast<double>(i) / n);
    total += std::pow(1.0 - k * dt, full_steps) * (1.0 - k * last_dt);
  }
  auto row = last_row(out / "diagnostics.csv");
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(std::stoll(row[0]), s.steps);
  EXPECT_EQ(s.steps, full_steps + 1);
  EXPECT_NEAR(std::stod(row[3]), total, 1e-12 * total);
}

TEST(DriverRanks, EveryRankRefusesABadDeck) {
  const fs::path out = shared_scratch("bad");
  RunOptions o = decay_options(out);
  o.overrides = {"physics.cfl_number=7"};
  EXPECT_THROW(run(o), InputError);
  collectives::barrier();
  EXPECT_FALSE(fs::exists(out));
}

TEST(DriverRanks, EveryRankRefusesAnOccupiedOutputDirectory) {
  const fs::path out = shared_scratch("occupied");
  if (collectives::rank() == 0) {
    fs::create_directories(out);
    std::ofstream(out / "keep.txt") << "x";
  }
  collectives::barrier();
  EXPECT_THROW(run(decay_options(out)), InputError);
  RunOptions o = decay_options(out);
  o.overwrite = true;
  EXPECT_NO_THROW(run(o));
}
