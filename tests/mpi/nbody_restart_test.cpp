// nbody.direct and nbody.tree restart at this job's rank count (ctest runs 1, 2, 3, 4 and
// 8): a run split by a checkpoint and --restart latest equals the straight
// run bit for bit (every particle column of the last snapshot and every
// diagnostics row), for leapfrog with a fixed step (double and single
// precision pair arithmetic), leapfrog with the adaptive step (which the
// restored accelerations set) and Hermite (whose predictor needs the
// restored jerk); nbody.tree with the theta criterion and with the relative
// one (which reads the restored accelerations), adaptive step, single precision,
// 2048 bodies (the ranks' split follows the restored work per body: with it
// zeroed on restart, the run diverges in the last bits at 3 ranks).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "solvers/driver.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

fs::path shared_scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("tessera_mpi_nbody_" + std::to_string(collectives::size())) / name;
  if (collectives::rank() == 0) fs::remove_all(p);
  collectives::barrier();
  return p;
}

// A Plummer sphere of n bodies; `dt` empty = the adaptive step. A deck of its
// own because a fixed dt cannot be unset from the command line.
fs::path write_deck(const fs::path& dir, const std::string& integrator, const std::string& dt,
                    const std::string& precision, const std::string& solver, const std::string& physics, int n) {
  const fs::path deck = dir / "plummer.toml";
  if (collectives::rank() == 0) {
    fs::create_directories(dir);
    std::ofstream f(deck);
    f << "[run]\nsolver = \"" << solver << "\"\nt_end = 100.0\ndiagnostics_every = 5\n"
      << (dt.empty() ? "" : "dt = " + dt + "\n") << "[physics]\nepsilon = 0.015625\nintegrator = \"" << integrator
      << "\"\neta = 0.05\nprecision = \"" << precision << "\"\n" << physics
      << "[problem]\ntype = \"plummer\"\nn = " << n << "\nseed = 7\n"
      << "[output]\nevery_steps = 10\n[checkpoint]\nevery_steps = 10\n";
  }
  collectives::barrier();
  return deck;
}

RunOptions options(const fs::path& deck, const fs::path& out, int steps) {
  RunOptions o;
  o.deck_path = deck.string();
  o.output_dir = out.string();
  o.overrides = {"run.steps=" + std::to_string(steps)};
  return o;
}

void expect_same_snapshot(const fs::path& a, const fs::path& b, const std::string& name) {
  h5::File fa(a.string(), h5::File::Mode::ReadOnly, false);
  h5::File fb(b.string(), h5::File::Mode::ReadOnly, false);
  EXPECT_EQ(fa.attribute_double("time"), fb.attribute_double("time")) << name;
  const h5::Location pa = fa.open_group("particles"), pb = fb.open_group("particles");
  EXPECT_EQ(pa.open_dataset("id").read_all<std::int64_t>(), pb.open_dataset("id").read_all<std::int64_t>()) << name;
  int compared = 0;
  for (const char* column : {"position", "velocity", "mass", "acceleration", "potential", "jerk"}) {
    ASSERT_EQ(pa.exists(column), pb.exists(column)) << name << " " << column;
    if (!pa.exists(column)) continue;
    ++compared;
    EXPECT_EQ(pa.open_dataset(column).read_all<double>(), pb.open_dataset(column).read_all<double>())
        << name << ": " << column << " differs";
  }
  EXPECT_GE(compared, 3) << name;
}

}  // namespace

TEST(NbodyRestartRanks, ContinuesBitForBitAtThisRankCount) {
  struct Case {
    std::string name, integrator, dt, precision, solver = "nbody.direct", physics = "";
    // nbody.tree on several ranks balances by the last pass's work per body,
    // which the checkpoint carries: enough bodies that the work differs
    // between bodies (at 256 nearly every pair is direct).
    int n = 256;
  };
  for (const Case& c : {Case{"leapfrog_fixed", "leapfrog", "0.00390625", "double"},
                        Case{"leapfrog_adaptive", "leapfrog", "", "double"},
                        Case{"leapfrog_single", "leapfrog", "0.00390625", "single"},
                        Case{"hermite", "hermite", "0.00390625", "double"},
                        Case{"tree_theta", "leapfrog", "0.00390625", "double", "nbody.tree", "theta = 0.6\n", 2048},
                        // The relative criterion reads the restored accelerations.
                        Case{"tree_relative_adaptive", "leapfrog", "", "single", "nbody.tree",
                             "opening = \"relative\"\nforce_accuracy = 0.005\n", 2048}}) {
    SCOPED_TRACE(c.name);
    const fs::path dir = shared_scratch(c.name);
    const fs::path deck = write_deck(dir, c.integrator, c.dt, c.precision, c.solver, c.physics, c.n);
    const fs::path straight = dir / "straight", split = dir / "split";
    run(options(deck, straight, 20));
    run(options(deck, split, 10));
    RunOptions again = options(deck, split, 20);
    again.restart = "latest";
    run(again);
    if (collectives::rank() != 0) continue;
    // 17 significant digits: equal text is equal bits (time, dt and energies).
    EXPECT_EQ(tessera::testing::read_file(straight / "diagnostics.csv"),
              tessera::testing::read_file(split / "diagnostics.csv"));
    ASSERT_TRUE(fs::exists(split / "snapshots/snapshot_00002.h5"));
    expect_same_snapshot(straight / "snapshots/snapshot_00002.h5", split / "snapshots/snapshot_00002.h5", c.name);
    // The adaptive step did vary (otherwise the case would repeat the first).
    if (c.dt.empty()) {
      const auto dts = tessera::testing::diagnostics_column(split, "dt");
      ASSERT_GE(dts.size(), 3u);
      EXPECT_NE(dts[1], dts.back());
    }
  }
}
