// cfd.incompressible at this job's rank count (ctest runs it at 1, 2, 3, 4
// and 8): the fields equal a one-rank run's to 1e-12, walls split over ranks
// still give the exact Poiseuille profile to round-off, the projection leaves
// a round-off divergence and the flow rate is held, and a restart continues
// bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/grid_io.hpp"
#include "runtime/collectives.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;

namespace {

fs::path shared_scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("tessera_incomp_mpi_" + std::to_string(collectives::size())) / name;
  if (collectives::rank() == 0) fs::remove_all(p);
  collectives::barrier();
  return p;
}

std::string source_deck(const std::string& name) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/inputs/cfd/" + name;
}

// A prefix that runs the CLI as a process of its own, not a rank of this job:
// the variables that make a process a rank (OMPI_COMM_WORLD_*, PMIX_*, ...)
// are left out, so it starts as a singleton; what finds the program, its
// libraries and its device stays, and so do the sanitizers' options.
std::string clean_environment() {
  std::string env = "env -i OMP_NUM_THREADS=1";
  for (const char* name : {"PATH", "HOME", "LD_LIBRARY_PATH", "TMPDIR", "TESSERA_DEVICE", "CUDA_VISIBLE_DEVICES",
                           "OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "ASAN_OPTIONS", "LSAN_OPTIONS",
                           "UBSAN_OPTIONS"})
    if (const char* v = std::getenv(name)) env += std::string(" ") + name + "='" + v + "'";
  return env;
}

fs::path newest_snapshot(const fs::path& out) {
  fs::path last;
  for (const auto& e : fs::directory_iterator(out / "snapshots"))
    if (e.path().extension() == ".h5" && (last.empty() || e.path() > last)) last = e.path();
  return last;
}

}  // namespace

TEST(IncompressibleRanks, PoiseuilleBetweenWallsSplitOverRanksIsExact) {
  // 3-D, walls at y = 0 and 1 (each on other ranks once y is split); the
  // x and z spacing is coarse so the viscous step is set by y.
  const fs::path dir = shared_scratch("poiseuille");
  const fs::path deck = dir / "poiseuille.toml";
  if (collectives::rank() == 0) {
    fs::create_directories(dir);
    std::ofstream(deck) << "[run]\nsolver = \"cfd.incompressible\"\nt_end = 4.0\ndiagnostics_every = 1000\n"
                        << "[grid]\ncells = [6, 8, 5]\nupper = [3.0, 1.0, 2.5]\n"
                        << "[physics]\nviscosity = 1.0\npressure_gradient = [2.0, 0.0, 0.0]\n"
                        << "[problem]\ntype = \"channel\"\nstart = \"rest\"\n[output]\nevery_time = 4.0\n";
  }
  collectives::barrier();
  RunOptions o;
  o.deck_path = deck.string();
  o.output_dir = (dir / "out").string();
  run(o);
  if (collectives::rank() != 0) return;
  const auto u = io::read_global_field(newest_snapshot(dir / "out"), "velocity_x");
  double worst = 0;
  for (int k = 0; k < 5; ++k)
    for (int j = 0; j < 8; ++j)
      for (int i = 0; i < 6; ++i) {
        const double y = (j + 0.5) / 8;
        worst = std::max(worst, std::fabs(u[static_cast<std::size_t>(i + 6 * (j + 8 * k))] - y * (1 - y)));
      }
  EXPECT_LT(worst / 0.25, 1e-13) << collectives::size() << " ranks";
}

TEST(IncompressibleRanks, ChannelKeepsRoundOffDivergenceAndTheFlowRate) {
  const fs::path out = shared_scratch("channel");
  RunOptions o;
  o.deck_path = source_deck("channel.toml");
  o.output_dir = out.string();
  o.overrides = {"grid.cells=[12,10,8]", "run.steps=6", "run.diagnostics_every=1", "output.every_steps=6",
                 "output.every_time=0"};
  run(o);
  if (collectives::rank() != 0) return;
  for (double d : diagnostics_column(out, "max_divergence")) EXPECT_LT(d, 1e-12);
  const auto u = io::read_global_field(newest_snapshot(out), "velocity_x");
  double mean = 0;
  for (double v : u) mean += v / static_cast<double>(u.size());
  EXPECT_NEAR(mean, 1.0, 1e-13);  // cell-centred means of faces keep the face mean
}

TEST(IncompressibleRanks, RestartContinuesBitForBit) {
  const fs::path straight = shared_scratch("restart_straight"), split = shared_scratch("restart_split");
  auto options = [&](const fs::path& out, int steps) {
    RunOptions o;
    o.deck_path = source_deck("lid_driven_cavity.toml");
    o.output_dir = out.string();
    o.overrides = {"grid.cells=[10,9,8]", strfmt("run.steps=%d", steps), "output.every_steps=12",
                   "output.every_time=0", "run.diagnostics_every=3"};
    return o;
  };
  run(options(straight, 12));
  RunOptions first = options(split, 5);
  first.overrides.push_back("checkpoint.at_end=true");
  run(first);
  RunOptions rest = options(split, 12);
  rest.restart = "latest";
  run(rest);
  if (collectives::rank() != 0) return;
  for (const char* f : {"velocity_x", "velocity_y", "velocity_z", "pressure"})
    EXPECT_EQ(io::read_global_field(newest_snapshot(straight), f), io::read_global_field(newest_snapshot(split), f))
        << f << " at " << collectives::size() << " ranks";
  EXPECT_EQ(diagnostics_column(straight, "steady_residual").back(), diagnostics_column(split, "steady_residual").back());
}

namespace {
// `deck` with `sets` on this job's ranks (in this process) and on one rank
// (the CLI, a process of its own); every field within 1e-12 of its largest
// value (the FFTs over other pencils may sum in another order).
void expect_equal_to_one_rank(const std::string& name, const std::string& deck, const std::vector<std::string>& sets) {
  const fs::path out = shared_scratch(name), ref = shared_scratch(name + "_one_rank");
  RunOptions o;
  o.deck_path = source_deck(deck);
  o.output_dir = out.string();
  o.overrides = sets;
  run(o);
  if (collectives::rank() != 0) return;
  std::string args = "run " + source_deck(deck) + " --output " + ref.string();
  for (const auto& s : sets) args += " --set '" + s + "'";
  const auto r = tessera::testing::run_cli(args, ".", clean_environment());
  ASSERT_EQ(r.code, 0) << r.output;
  double largest = 0;
  for (const char* f : {"velocity_x", "velocity_y", "velocity_z", "pressure", "scalar_0"}) {
    const auto a = io::read_global_field(newest_snapshot(ref), f), b = io::read_global_field(newest_snapshot(out), f);
    ASSERT_EQ(a.size(), b.size());
    double worst = 0, scale = 1e-300;
    for (std::size_t e = 0; e < a.size(); ++e) {
      worst = std::max(worst, std::fabs(a[e] - b[e]));
      scale = std::max(scale, std::fabs(a[e]));
    }
    EXPECT_LE(worst, 1e-12 * scale) << name << " " << f << " at " << collectives::size() << " ranks";
    largest = std::max(largest, worst / scale);
  }
  std::printf("%s at %d ranks: largest relative difference from one rank %.2e\n", name.c_str(), collectives::size(),
              largest);
}
}  // namespace

TEST(IncompressibleRanks, FieldsEqualTheOneRankRun) {
  // Walls all round with a moving lid (2-D), and a 3-D channel (walls in y,
  // periodic x and z, random start, held flow rate); one passive scalar.
  const std::vector<std::string> common = {"physics.scalars=1", "physics.scalar_diffusivity=0.001",
                                           "output.every_time=0"};
  auto with = [&](std::vector<std::string> v) {
    v.insert(v.end(), common.begin(), common.end());
    return v;
  };
  expect_equal_to_one_rank("cavity_ranks", "lid_driven_cavity.toml",
                           with({"grid.cells=[24,20,1]", "run.steps=30", "output.every_steps=30"}));
  expect_equal_to_one_rank("channel_ranks", "channel.toml",
                           with({"grid.cells=[12,10,9]", "run.steps=10", "output.every_steps=10"}));
}
