// Checkpoints and restarts as a user drives them: bit-for-bit continuation on
// the same and on another rank count, refusal of a changed deck, crash safety
// (truncated or unmarked checkpoints), and clean stops on SIGTERM and on the
// wall-time limit; md.lj's and cfd.euler's restarts. (nbody.direct's:
// mpi/nbody_restart_test.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "io/grid_io.hpp"
#include "io/hdf5_file.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera::testing;

namespace {

const std::string kDeck = source_path("tests/decks/good/diffusion.toml").string();
// 2-D periodic diffusion; a snapshot every 10 steps.
const std::string kCommon = " --set run.t_end=1 --set grid.cells=[24,20,1] --set output.every_steps=10";

std::string run_args(const fs::path& out, int steps, const std::string& extra = "") {
  return "run " + kDeck + kCommon + " --set run.steps=" + std::to_string(steps) + " --output " + out.string() + extra;
}

void expect_same_field(const fs::path& a, const fs::path& b) {
  ASSERT_TRUE(fs::exists(a)) << a;
  ASSERT_TRUE(fs::exists(b)) << b;
  EXPECT_EQ(tessera::io::read_global_field(a, "u"), tessera::io::read_global_field(b, "u")) << a << " vs " << b;
}

// A run far longer than the test waits for.
const std::string kLong = " --set grid.cells=[256,256,1] --set output.every_steps=0";

fs::path checkpoint(const fs::path& out, int step) {
  char name[64];
  std::snprintf(name, sizeof name, "checkpoint_%010d.h5", step);
  return out / "checkpoints" / name;
}

}  // namespace

TEST(Restart, ContinuesBitForBitOnTheSameRankCount) {
  const fs::path straight = scratch_dir("straight"), split = scratch_dir("split");
  ASSERT_EQ(run_cli(run_args(straight, 40)).code, 0);
  ASSERT_EQ(run_cli(run_args(split, 20, " --set checkpoint.every_steps=20")).code, 0);
  ASSERT_TRUE(fs::exists(checkpoint(split, 20)));
  auto r = run_cli(run_args(split, 40, " --restart latest"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("restarted from"), std::string::npos) << r.output;
  for (int s = 0; s <= 4; ++s) {
    const std::string snap = "snapshots/snapshot_0000" + std::to_string(s) + ".h5";
    expect_same_field(straight / snap, split / snap);
  }
  // The diagnostics history and the XDMF series continue seamlessly.
  EXPECT_EQ(read_file(straight / "diagnostics.csv"), read_file(split / "diagnostics.csv"));
  EXPECT_EQ(read_file(straight / "snapshot.xmf"), read_file(split / "snapshot.xmf"));
  EXPECT_NE(read_file(split / "run.json").find("\"restarted_from\""), std::string::npos);
}

// The VTKHDF series continues too, and --overwrite clears it with the other outputs.
TEST(Restart, ContinuesTheVtkhdfSeries) {
  const std::string both = " --set 'output.format=[\"hdf5\",\"vtkhdf\"]'";
  const fs::path straight = scratch_dir("vtk_straight"), split = scratch_dir("vtk_split");
  ASSERT_EQ(run_cli(run_args(straight, 40, both)).code, 0);
  ASSERT_EQ(run_cli(run_args(split, 20, both + " --set checkpoint.every_steps=20")).code, 0);
  auto r = run_cli(run_args(split, 40, both + " --restart latest"));
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string series = read_file(split / "snapshot.hdf.series");
  EXPECT_EQ(read_file(straight / "snapshot.hdf.series"), series);
  for (int s = 0; s <= 4; ++s)
    EXPECT_NE(series.find("\"snapshots/snapshot_0000" + std::to_string(s) + ".hdf\""), std::string::npos) << series;
  EXPECT_TRUE(fs::exists(split / "snapshots/snapshot_00004.hdf"));
  ASSERT_EQ(run_cli(run_args(split, 10, " --overwrite")).code, 0);
  EXPECT_FALSE(fs::exists(split / "snapshot.hdf.series"));
  EXPECT_TRUE(fs::exists(split / "snapshot.xmf"));
}

TEST(Restart, ContinuesOnAnotherRankCount) {
  const fs::path straight = scratch_dir("straight_ranks"), split = scratch_dir("split_ranks");
  ASSERT_EQ(run_cli(run_args(straight, 40)).code, 0);
  auto first = run_cli(run_args(split, 20, " --set checkpoint.every_steps=20"), ".", "mpirun -np 2 --oversubscribe");
  ASSERT_EQ(first.code, 0) << first.output;
  auto second = run_cli(run_args(split, 40, " --restart latest"), ".", "mpirun -np 3 --oversubscribe");
  ASSERT_EQ(second.code, 0) << second.output;
  // This solver is rank-count invariant, so even the continuation is exact.
  expect_same_field(straight / "snapshots/snapshot_00004.h5", split / "snapshots/snapshot_00004.h5");
}

TEST(Restart, RefusesADeckWithDifferentPhysics) {
  const fs::path out = scratch_dir("physics");
  ASSERT_EQ(run_cli(run_args(out, 10, " --set checkpoint.at_end=true")).code, 0);
  auto r = run_cli(run_args(out, 20, " --restart latest --set physics.diffusivity=2 --set output.every_steps=5"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("[physics] diffusivity is 2.0 in the deck but 1.0 in the checkpoint"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("every_steps"), std::string::npos) << "output cadence may change on restart";
}

TEST(Restart, SkipsTruncatedAndUnmarkedCheckpoints) {
  const fs::path out = scratch_dir("crash");
  ASSERT_EQ(run_cli(run_args(out, 40, " --set checkpoint.every_steps=10 --set checkpoint.keep=3")).code, 0);
  EXPECT_FALSE(fs::exists(checkpoint(out, 10))) << "keep = 3 prunes the oldest";
  ASSERT_TRUE(fs::exists(checkpoint(out, 40)));
  // A crash mid-write: the newest file is cut short.
  fs::resize_file(checkpoint(out, 40), fs::file_size(checkpoint(out, 40)) / 2);
  // A file from an interrupted writer: no completeness mark.
  {
    tessera::h5::File f(checkpoint(out, 99).string(), tessera::h5::File::Mode::Create, false);
    f.set_attribute("step", std::int64_t{99});
  }
  auto bad = run_cli("run " + kDeck + kCommon + " --output " + out.string() + " --restart " +
                     checkpoint(out, 40).string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("it is truncated or damaged"), std::string::npos) << bad.output;
  auto unmarked = run_cli("run " + kDeck + kCommon + " --output " + out.string() + " --restart " +
                          checkpoint(out, 99).string());
  EXPECT_EQ(unmarked.code, 2);
  EXPECT_NE(unmarked.output.find("no completeness mark"), std::string::npos) << unmarked.output;

  auto r = run_cli(run_args(out, 50, " --restart latest"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("skipping checkpoint " + checkpoint(out, 99).string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("skipping checkpoint " + checkpoint(out, 40).string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("restarted from " + checkpoint(out, 30).string()), std::string::npos) << r.output;
  // Continuing from step 30 reproduces the lost steps exactly.
  const fs::path straight = scratch_dir("crash_straight");
  ASSERT_EQ(run_cli(run_args(straight, 50)).code, 0);
  expect_same_field(straight / "snapshots/snapshot_00005.h5", out / "snapshots/snapshot_00005.h5");
  EXPECT_EQ(read_file(straight / "diagnostics.csv"), read_file(out / "diagnostics.csv"));
}

TEST(Restart, WallTimeLimitStopsWithACheckpoint) {
  const fs::path out = scratch_dir("walltime");
  auto r = run_cli(run_args(out, 100000000, kLong + " --set run.wall_time_limit=0.5"));
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("on the wall-time limit: checkpoint written; continue with --restart latest"),
            std::string::npos)
      << r.output;
  EXPECT_NE(read_file(out / "run.json").find("\"status\": \"interrupted\""), std::string::npos);
  ASSERT_FALSE(tessera::io::list_checkpoints(out / "checkpoints").empty());
}

TEST(Restart, SigtermStopsWithACheckpoint) {
  const fs::path out = scratch_dir("sigterm");
  auto r = run_cli(run_args(out, 100000000, kLong), ".", "timeout --preserve-status -s TERM 2");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("on SIGTERM: checkpoint written"), std::string::npos) << r.output;
  ASSERT_FALSE(tessera::io::list_checkpoints(out / "checkpoints").empty());
  auto more = run_cli(run_args(out, 100000000, kLong + " --set run.wall_time_limit=0.3 --restart latest"));
  EXPECT_EQ(more.code, 0) << more.output;
  EXPECT_NE(more.output.find("restarted from"), std::string::npos) << more.output;
}

// md.lj. A checkpoint puts the atoms in id order and rebuilds ghosts and
// lists, which is what a restart does from the file; the forces are saved,
// not recomputed. So a restart on the same rank count continues bit for bit
// (the thermostats' state and the barostat's box included), and on another
// rank count within round-off.
namespace {

const std::string kMdDeck = source_path("inputs/md/lj_melt.toml").string();
const std::string kMdCommon =
    " --set box.cells=[5,5,5] --set run.diagnostics_every=5 --set neighbor.every=1 --set neighbor.check=true"
    " --set output.every_steps=20 --set checkpoint.every_steps=20";
const std::string kNpt = " --set barostat.type=berendsen --set barostat.pressure=1.0 --set barostat.damping=0.5";

std::string md_args(const fs::path& out, int steps, const std::string& extra) {
  return "run " + kMdDeck + kMdCommon + " --set run.steps=" + std::to_string(steps) + " --output " + out.string() +
         extra;
}

void expect_same_particles(const fs::path& a, const fs::path& b) {
  tessera::h5::File fa(a.string(), tessera::h5::File::Mode::ReadOnly, false);
  tessera::h5::File fb(b.string(), tessera::h5::File::Mode::ReadOnly, false);
  const tessera::h5::Location pa = fa.open_group("particles"), pb = fb.open_group("particles");
  EXPECT_EQ(pa.open_dataset("id").read_all<std::int64_t>(), pb.open_dataset("id").read_all<std::int64_t>());
  for (const char* name : {"position", "velocity", "force"})
    EXPECT_EQ(pa.open_dataset(name).read_all<double>(), pb.open_dataset(name).read_all<double>())
        << name << " in " << a << " vs " << b;
  EXPECT_EQ(fa.open_group("box").attribute_doubles("upper"), fb.open_group("box").attribute_doubles("upper"));
}

}  // namespace

TEST(Restart, MdContinuesBitForBitWithThermostatsAndBarostat) {
  struct Case {
    std::string name, extra, mpirun;
  };
  const std::vector<Case> cases = {
      {"langevin", " --set thermostat.type=langevin --set thermostat.temperature=1.2", ""},
      {"nh_npt_mixed",
       " --set thermostat.type=nose_hoover --set thermostat.temperature=1.2 --set physics.precision=mixed" + kNpt, ""},
      {"bussi_npt_2", " --set thermostat.type=bussi --set thermostat.temperature=1.2 --set barostat.every=3" + kNpt,
       "mpirun -np 2 --oversubscribe"},
  };
  for (const Case& c : cases) {
    const fs::path straight = scratch_dir("md_straight_" + c.name), split = scratch_dir("md_split_" + c.name);
    auto s = run_cli(md_args(straight, 60, c.extra), ".", c.mpirun);
    ASSERT_EQ(s.code, 0) << s.output;
    ASSERT_EQ(run_cli(md_args(split, 20, c.extra), ".", c.mpirun).code, 0);
    auto r = run_cli(md_args(split, 60, c.extra + " --restart latest"), ".", c.mpirun);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("restarted from"), std::string::npos) << r.output;
    // 17 significant digits: equal text is equal bits, neighbour-list builds included.
    EXPECT_EQ(read_file(straight / "diagnostics.csv"), read_file(split / "diagnostics.csv")) << c.name;
    expect_same_particles(straight / "snapshots/snapshot_00003.h5", split / "snapshots/snapshot_00003.h5");
  }
}

TEST(Restart, MdContinuesOnAnotherRankCountWithinRoundOff) {
  const std::string extra = " --set thermostat.type=bussi --set thermostat.temperature=1.2" + kNpt;
  const fs::path straight = scratch_dir("md_straight_ranks"), split = scratch_dir("md_split_ranks");
  ASSERT_EQ(run_cli(md_args(straight, 40, extra)).code, 0);
  auto first = run_cli(md_args(split, 20, extra), ".", "mpirun -np 2 --oversubscribe");
  ASSERT_EQ(first.code, 0) << first.output;
  auto second = run_cli(md_args(split, 40, extra + " --restart latest"), ".", "mpirun -np 4 --oversubscribe");
  ASSERT_EQ(second.code, 0) << second.output;
  const auto a = read_csv(straight / "diagnostics.csv").back(), b = read_csv(split / "diagnostics.csv").back();
  ASSERT_EQ(a.size(), b.size());
  // temperature, pressure, pe, ke, etotal, volume, density
  for (std::size_t c = 3; c < 10; ++c)
    EXPECT_NEAR(std::stod(b[c]), std::stod(a[c]), 1e-10 * std::fabs(std::stod(a[c]))) << "column " << c;
}

// cfd.euler. A checkpoint holds the conserved fields as global arrays, and
// the grid solver is rank-count invariant bit for bit, so a run checkpointed
// on 2 ranks continues on 1, 3 or 4 to exactly the uninterrupted run's
// fields; on the same rank count the diagnostics (sums whose order depends on
// the rank count) continue bit for bit as well.
namespace {

struct EulerCase {
  std::string name, deck, sets;
  std::vector<std::string> fields;
};

std::string euler_args(const EulerCase& c, const fs::path& out, int steps, const std::string& extra = "") {
  return "run " + source_path("inputs/cfd/" + c.deck).string() + c.sets + " --set run.steps=" + std::to_string(steps) +
         " --set output.every_time=0 --set output.every_steps=2 --set output.name=snapshot"
         " --set run.diagnostics_every=1 --output " +
         out.string() + extra;
}

std::string mpirun(int ranks) { return "mpirun -np " + std::to_string(ranks) + " --oversubscribe"; }

void expect_euler_restarts_on_other_rank_counts(const EulerCase& c, const std::vector<int>& restart_ranks) {
  SCOPED_TRACE(c.name);
  const int steps = 8, half = 4;
  // The straight runs: on 1 rank (the fields at any rank count) and on 2.
  const fs::path straight = scratch_dir("euler_straight_" + c.name);
  const fs::path straight2 = scratch_dir("euler_straight2_" + c.name);
  auto s1 = run_cli(euler_args(c, straight, steps));
  ASSERT_EQ(s1.code, 0) << s1.output;
  auto s2 = run_cli(euler_args(c, straight2, steps), ".", mpirun(2));
  ASSERT_EQ(s2.code, 0) << s2.output;
  // The first half on 2 ranks, with a checkpoint at its end.
  const fs::path first = scratch_dir("euler_first_" + c.name);
  auto f = run_cli(euler_args(c, first, half, " --set checkpoint.every_steps=" + std::to_string(half)), ".", mpirun(2));
  ASSERT_EQ(f.code, 0) << f.output;
  ASSERT_TRUE(fs::exists(checkpoint(first, half)));
  for (int ranks : restart_ranks) {
    const fs::path split = scratch_dir("euler_split_" + c.name + "_" + std::to_string(ranks));
    fs::copy(first, split, fs::copy_options::recursive);
    auto r = run_cli(euler_args(c, split, steps, " --restart latest"), ".", mpirun(ranks));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("restarted from " + checkpoint(split, half).string()), std::string::npos) << r.output;
    // Every snapshot written after the restart (steps 6 and 8).
    for (int s : {3, 4}) {
      const std::string snap = "snapshots/snapshot_0000" + std::to_string(s) + ".h5";
      for (const auto& field : c.fields)
        EXPECT_EQ(tessera::io::read_global_field(straight / snap, field),
                  tessera::io::read_global_field(split / snap, field))
            << field << " in " << snap << " after a restart on " << ranks << " ranks";
    }
    if (ranks == 2) {
      EXPECT_EQ(read_file(straight2 / "diagnostics.csv"), read_file(split / "diagnostics.csv"));
    }
  }
}

}  // namespace

TEST(Restart, EulerCheckpointedOnTwoRanksContinuesExactlyOnOneThreeAndFour) {
  // 3-D Navier-Stokes with WENO5 + RK3; 2 ranks split x, 3 ranks split x
  // differently, 4 ranks split two axes.
  expect_euler_restarts_on_other_rank_counts(
      {"taylor_green", "taylor_green.toml", " --set grid.cells=[12,10,8]",
       {"density", "velocity_x", "velocity_y", "velocity_z", "pressure"}},
      {1, 2, 3, 4});
  // 2-D finite differences with a passive scalar (the dye), walls in y.
  expect_euler_restarts_on_other_rank_counts(
      {"kh_fd", "kelvin_helmholtz.toml",
       " --set grid.cells=[24,40,1] --set physics.scheme=finite_difference --set physics.reconstruction=weno5"
       " --set physics.integrator=rk3 --set boundary.y_lower=reflecting --set boundary.y_upper=reflecting",
       {"density", "velocity_x", "velocity_y", "pressure", "scalar_0"}},
      {1, 3});
}
