// Bad md.lj input as a new user meets it, through the CLI: a run that no
// longer simulates anything stops with exit status 1, naming the step and
// the likely cause (overlapping start, dt too large); dangerous neighbour-
// list builds are counted (0 for a sane deck, LAMMPS's rule with check =
// true, and measured with check = false); a box shorter than cutoff + skin is
// refused on one rank saying what it needs, never "use fewer ranks".
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/lammps_data.hpp"
#include "runtime/format.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::CliResult;
using tessera::testing::diagnostics_column;
using tessera::testing::run_cli;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

const std::string kDeck = source_path("inputs/md/lj_melt.toml").string();

CliResult run_md(const std::string& name, const std::string& sets, const std::string& prefix = "") {
  return run_cli("run " + kDeck + " --output " + scratch_dir(name).string() + " --set output.every_steps=0" + sets, ".",
                 prefix);
}

bool has(const CliResult& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

}  // namespace

TEST(MdRunGuard, DensityFiftyStopsAtStepZeroNamingTheOverlap) {
  // fcc at density 50: nearest neighbours 0.30 apart, 3.8e7 epsilon per atom.
  // Before: it ran on to T = 1.8e12.
  // Two ranks need a box of two rank boxes (2 x 2.8) along x: 13 cells.
  for (int ranks : {1, 2}) {
    auto r = run_md(strfmt("density50_np%d", ranks),
                    strfmt(" --set box.density=50 --set box.cells=[%d,7,7] --set run.steps=100", ranks == 1 ? 7 : 13),
                    strfmt("mpirun -np %d --oversubscribe", ranks));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_TRUE(has(r, "md.lj: stopped at step 0: the potential energy per atom is 3.78")) << r.output;
    EXPECT_TRUE(has(r, "no sane Lennard-Jones state reaches that")) << r.output;
    EXPECT_TRUE(has(r, "atoms overlap at the start: the fcc lattice at density 50 puts nearest neighbours 0.3047 apart"))
        << r.output;
    EXPECT_FALSE(has(r, "step 1/")) << "no step may run:\n" << r.output;
  }
}

TEST(MdRunGuard, TooLargeDtStopsNamingTheStepAndDt) {
  // dt = 0.03 (six times in.lj's): the 500-atom melt blows up at step 10.
  const std::string blowup = " --set box.cells=[5,5,5] --set run.dt=0.03 --set run.steps=300";
  // Checked every step, lists every step: an atom crosses the whole list
  // range (cutoff + skin) in one step before any diagnostics row sees it.
  auto moved = run_md("dt_moved", blowup + " --set neighbor.every=1 --set neighbor.check=true --set run.diagnostics_every=100");
  EXPECT_EQ(moved.code, 1) << moved.output;
  EXPECT_TRUE(has(moved, "md.lj: stopped at step 10: an atom moved 3.698 in the 1 step(s)")) << moved.output;
  EXPECT_TRUE(has(moved, "farther than the list range cutoff + skin = 2.8")) << moved.output;
  EXPECT_TRUE(has(moved, "the integration blew up: [run] dt = 0.03 is likely too large")) << moved.output;
  EXPECT_FALSE(has(moved, "lower [box] density")) << "the in.lj lattice is not crowded:\n" << moved.output;
  // The lists rebuilt every 20 steps unchecked: the temperature gives it away first.
  auto hot = run_md("dt_hot", blowup + " --set neighbor.every=20 --set neighbor.check=false --set run.diagnostics_every=1");
  EXPECT_EQ(hot.code, 1) << hot.output;
  EXPECT_TRUE(has(hot, "md.lj: stopped at step 10: the temperature is 614508, beyond 1e+04 (10000 times the deepest well, 1 epsilon)")) << hot.output;
  EXPECT_TRUE(has(hot, "dt = 0.03 is likely too large")) << hot.output;
  // The same deck at in.lj's dt runs.
  auto fine = run_md("dt_fine", " --set box.cells=[5,5,5] --set run.steps=300 --set neighbor.every=1 --set run.diagnostics_every=100");
  EXPECT_EQ(fine.code, 0) << fine.output;
}

TEST(MdRunGuard, CoincidentAtomsAreNotFinite) {
  io::LammpsData data;
  data.lower = {0, 0, 0};
  data.upper = {6, 6, 6};
  data.masses = {1.0};
  for (int i = 0; i < 3; ++i) {
    data.id.push_back(i + 1);
    data.type.push_back(1);
    data.x.push_back(i == 2 ? 4.0 : 1.0);  // atoms 1 and 2 on the same spot
    data.y.push_back(1.0);
    data.z.push_back(1.0);
  }
  const fs::path file = scratch_dir("coincident.data");
  io::write_lammps_data(file.string(), data);
  auto r = run_md("coincident", " --set run.steps=10 --set box.data_file=\"" + file.string() + "\"");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(has(r, "md.lj: stopped at step 0: the potential energy per atom is inf, not finite")) << r.output;
  EXPECT_TRUE(has(r, "check the positions in the data file " + file.string())) << r.output;
}

TEST(MdRunGuard, DangerousBuildsAreCounted) {
  // Sane: checked every step, 500 atoms, 300 steps of the melt: lists rebuilt
  // often, never after an atom passed half the skin unseen.
  const fs::path sane = scratch_dir("danger_sane");
  auto r = run_cli("run " + kDeck + " --output " + sane.string() +
                   " --set output.every_steps=0 --set box.cells=[5,5,5] --set run.steps=300 --set neighbor.every=1"
                   " --set neighbor.check=true --set run.diagnostics_every=50");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(has(r, "dangerous")) << r.output;
  EXPECT_GT(diagnostics_column(sane, "neighbor_builds").back(), 10.0);
  for (double d : diagnostics_column(sane, "dangerous_builds")) EXPECT_EQ(d, 0.0);
  // LAMMPS's rule (check = true): with delay 20 the first check comes after
  // atoms moved up to ~0.4 > 0.15 = skin / 2, so each rebuild there is dangerous.
  const fs::path delayed = scratch_dir("danger_delay");
  r = run_cli("run " + kDeck + " --output " + delayed.string() +
              " --set output.every_steps=0 --set box.cells=[5,5,5] --set run.steps=100 --set neighbor.every=1"
              " --set neighbor.delay=20 --set neighbor.check=true --set run.diagnostics_every=50");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(has(r, "warning: md.lj: dangerous neighbour-list build at step 20")) << r.output;
  const double builds = diagnostics_column(delayed, "neighbor_builds").back();
  const double dangerous = diagnostics_column(delayed, "dangerous_builds").back();
  EXPECT_GE(dangerous, 1.0);
  EXPECT_LE(dangerous, builds - 1) << "the build at setup is never dangerous";
  // check = false (in.lj: every 20): measured at each rebuild all the same.
  const fs::path unchecked = scratch_dir("danger_unchecked");
  r = run_cli("run " + kDeck + " --output " + unchecked.string() +
              " --set output.every_steps=0 --set box.cells=[6,6,6] --set run.steps=100 --set run.diagnostics_every=100");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_GE(diagnostics_column(unchecked, "dangerous_builds").back(), 1.0);
}

TEST(MdRunGuard, BoxShorterThanCutoffPlusSkinOnOneRankSaysWhatItNeeds) {
  // 1 x 2 x 1 fcc cells at 0.8442: 1.68 x 3.36 x 1.68 against cutoff + skin = 2.8.
  const fs::path small = scratch_dir("small");
  for (const std::string& cmd : {"check " + kDeck + " --set box.cells=[1,2,1]",
                                 "run " + kDeck + " --set box.cells=[1,2,1] --output " + small.string()}) {
    auto r = run_cli(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
    EXPECT_TRUE(has(r, "the box is 1.6796 x 3.35919 x 1.6796 but md.lj needs at least cutoff + skin = 2.5 + 0.3 = 2.8 "
                       "along every axis"))
        << r.output;
    EXPECT_TRUE(has(r, "too short along x, z; use at least 2 cells along each short axis")) << r.output;
    EXPECT_FALSE(has(r, "fewer ranks")) << r.output;
  }
  EXPECT_FALSE(fs::exists(small)) << "a refused deck creates no output directory";
  // The shortest box that fits runs: 2 cells (3.36) along each axis.
  auto ok = run_md("small_ok", " --set box.cells=[2,2,2] --set run.steps=10");
  EXPECT_EQ(ok.code, 0) << ok.output;
  // Boxes of cutoff + skin per rank: 2 x 2 x 2 cells hold one.
  auto ranks = run_md("small_ranks", " --set box.cells=[2,2,2] --set run.steps=10", "mpirun -np 2 --oversubscribe");
  EXPECT_EQ(ranks.code, 2) << ranks.output;
  EXPECT_TRUE(has(ranks, "md.lj: each rank's box must be at least cutoff + skin = 2.8 along every axis; the box 3.35919 "
                         "x 3.35919 x 3.35919 holds at most 1 x 1 x 1 of them (so at most 1 rank(s)), and this job has 2 ranks: run "
                         "on fewer ranks or use a larger system"))
      << ranks.output;
  // A data file's box: refused once read, with the same words.
  io::LammpsData data;
  data.lower = {0, 0, 0};
  data.upper = {2, 4, 4};
  data.masses = {1.0};
  data.id = {1};
  data.type = {1};
  data.x = {1}, data.y = {1}, data.z = {1};
  const fs::path file = scratch_dir("small_box.data");
  io::write_lammps_data(file.string(), data);
  auto r = run_md("small_data", " --set box.data_file=\"" + file.string() + "\"");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_TRUE(has(r, "the box is 2 x 4 x 4 but md.lj needs at least cutoff + skin = 2.5 + 0.3 = 2.8")) << r.output;
  EXPECT_TRUE(has(r, "too short along x")) << r.output;
}

TEST(MdRunGuard, BarostatShrinkingTheBoxOnOneRankSaysNoDecompositionHelps) {
  // 32 atoms, cutoff + skin = 3.5, box 4.5 at density 0.35, pushed to P = 10:
  // the box falls below 3.5 (density 0.75).
  auto r = run_md("baro_one_rank",
                  " --set box.cells=[2,2,2] --set box.density=0.35 --set physics.cutoff=3.0 --set neighbor.skin=0.5"
                  " --set run.steps=3000 --set neighbor.every=1 --set barostat.type=berendsen --set barostat.pressure=10"
                  " --set barostat.damping=0.05 --set barostat.modulus=50");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(has(r, "md.lj: the barostat shrank the box to density")) << r.output;
  EXPECT_TRUE(has(r, "but md.lj needs at least cutoff + skin = 3 + 0.5 = 3.5 along every axis")) << r.output;
  EXPECT_TRUE(has(r, "with one rank along x no decomposition can help")) << r.output;
  EXPECT_FALSE(has(r, "fewer ranks")) << r.output;
}

TEST(MdRunGuard, DangerousBuildCountSurvivesARestart) {
  // in.lj's unchecked rebuilds every 20 steps (dangerous each time), split by
  // a checkpoint at step 40: the continued run's diagnostics, the count
  // included, equal the straight run's.
  const std::string sets = " --set box.cells=[5,5,5] --set run.diagnostics_every=10 --set checkpoint.every_steps=40";
  const fs::path straight = scratch_dir("danger_straight"), split = scratch_dir("danger_split");
  auto args = [&](const fs::path& out, int steps, const std::string& extra) {
    return "run " + kDeck + " --output " + out.string() + " --set output.every_steps=0" + sets +
           strfmt(" --set run.steps=%d", steps) + extra;
  };
  ASSERT_EQ(run_cli(args(straight, 100, "")).code, 0);
  ASSERT_EQ(run_cli(args(split, 40, "")).code, 0);
  auto r = run_cli(args(split, 100, " --restart latest"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_GE(diagnostics_column(straight, "dangerous_builds").back(), 3.0);
  EXPECT_EQ(tessera::testing::read_file(straight / "diagnostics.csv"), tessera::testing::read_file(split / "diagnostics.csv"));
}
