// The command line as users meet it: exit codes, messages for the bad-deck
// corpus, and full runs of the test solver whose diagnostics have a
// closed-form answer. Runs the real CLI binary (with the test solvers).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/device.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;

namespace {

using tessera::testing::read_csv;
using tessera::testing::read_file;
using tessera::testing::run_cli;
using tessera::testing::scratch_dir;

fs::path source(const std::string& rel) { return tessera::testing::source_path(rel); }

// The directives at the top of a corpus deck: "# expect: text", "# args: ...".
std::vector<std::string> directives(const fs::path& deck, const std::string& tag) {
  std::vector<std::string> out;
  std::ifstream in(deck);
  std::string line, prefix = "# " + tag + ": ";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
  return out;
}

const std::string kGoodDeck = source("tests/decks/good/decay.toml").string();

}  // namespace

TEST(Cli, VersionExitsZero) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("tessera 0."), std::string::npos) << r.output;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_cli("").code, 2);
  EXPECT_EQ(run_cli("frobnicate").code, 2);
  EXPECT_EQ(run_cli("run").code, 2);  // deck missing
  EXPECT_EQ(run_cli("run " + kGoodDeck + " --bogus").code, 2);
  EXPECT_EQ(run_cli("run " + kGoodDeck + " --device tpu").code, 2);
  auto missing = run_cli("check /nonexistent/deck.toml");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.output.find("deck '/nonexistent/deck.toml' does not exist"), std::string::npos) << missing.output;
}

TEST(Cli, HelpExitsZero) { EXPECT_EQ(run_cli("--help").code, 0); }

TEST(Cli, EveryBadDeckIsRefusedWithItsMessage) {
  int decks = 0;
  for (const auto& entry : fs::directory_iterator(source("tests/decks/bad"))) {
    const fs::path deck = entry.path();
    if (deck.extension() != ".toml") continue;
    ++decks;
    auto expects = directives(deck, "expect");
    ASSERT_FALSE(expects.empty()) << deck << " has no '# expect:' line";
    std::string args;
    for (const auto& a : directives(deck, "args")) args += " " + a;
    // "# output: PATH": a deck about its output directory keeps it (relative
    // to the deck's folder); others run into a fresh one.
    const auto own_output = directives(deck, "output");
    const fs::path out = own_output.empty() ? scratch_dir("bad_" + deck.stem().string()) : fs::path(own_output[0]);
    const std::string name = deck.filename().string();
    for (const std::string& cmd : std::vector<std::string>{"check " + name + args,
                                                           "run " + name + args + " --output " + out.string()}) {
      auto r = run_cli(cmd, deck.parent_path().string());
      EXPECT_EQ(r.code, 2) << cmd << "\n" << r.output;
      for (const auto& e : expects) EXPECT_NE(r.output.find(e), std::string::npos) << deck << "\nexpected: " << e << "\ngot:\n" << r.output;
      EXPECT_FALSE(fs::exists(out.is_absolute() ? out : deck.parent_path() / out))
          << "a refused deck must not create its output directory";
    }
  }
  EXPECT_GE(decks, 10);
}

TEST(Cli, GoodDeckChecks) {
  auto r = run_cli("check " + kGoodDeck + " --print");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("ok (solver test.decay)"), std::string::npos) << r.output;
  // The resolved deck has the defaults filled in.
  EXPECT_NE(r.output.find("diagnostics_every = 1"), std::string::npos) << r.output;
}

TEST(Cli, RunMatchesTheExactDiscreteSolution) {
  const fs::path out = scratch_dir("exact");
  auto r = run_cli("run " + kGoodDeck + " --output " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("figure of merit:"), std::string::npos) << r.output;
  auto rows = read_csv(out / "diagnostics.csv");
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"step", "time", "dt", "total", "minimum", "maximum"}));
  // 64 cells, k_i = 2 (1 + i/64); dt = 0.5 / k_max; RK2 growth per step.
  const int n = 64;
  const double kmax = 2.0 * (1.0 + 63.0 / 64.0), dt_stable = 0.5 / kmax;
  std::vector<double> y(n, 1.0);
  EXPECT_EQ(rows[1][0], "0");
  EXPECT_EQ(std::stod(rows[1][1]), 0.0);
  EXPECT_EQ(std::stod(rows[1][3]), 64.0);
  double t = 0;
  for (std::size_t row = 2; row < rows.size(); ++row) {
    const double dt = std::stod(rows[row][2]);
    EXPECT_EQ(std::stoll(rows[row][0]), static_cast<long long>(row - 1));
    if (row + 1 < rows.size()) {
      EXPECT_DOUBLE_EQ(dt, dt_stable);
    }
    double total = 0, lo = 1e300, hi = -1e300;
    for (int i = 0; i < n; ++i) {
      const double h = 2.0 * (1.0 + i / 64.0) * dt;
      y[i] *= 1.0 - h + 0.5 * h * h;
      total += y[i];
      lo = std::min(lo, y[i]);
      hi = std::max(hi, y[i]);
    }
    t += dt;
    EXPECT_NEAR(std::stod(rows[row][1]), t, 1e-14);
    EXPECT_NEAR(std::stod(rows[row][3]), total, 1e-13 * total);
    EXPECT_NEAR(std::stod(rows[row][4]), lo, 1e-15);
    EXPECT_NEAR(std::stod(rows[row][5]), hi, 1e-15);
  }
  // The last step is shortened to land exactly on t_end.
  EXPECT_EQ(std::stod(rows.back()[1]), 1.0);
  EXPECT_EQ(rows.size() - 2, static_cast<std::size_t>(std::ceil(1.0 / dt_stable)));

  // Snapshots at t = 0 and each first step at or past 0.25, 0.5, 0.75, 1.
  for (int s = 0; s <= 4; ++s) {
    const fs::path snap = out / "snapshots" / ("snapshot_0000" + std::to_string(s) + ".txt");
    ASSERT_TRUE(fs::exists(snap)) << snap;
    std::istringstream line(read_file(snap));
    long long step;
    double time;
    line >> step >> time;
    EXPECT_GE(time, 0.25 * s - 1e-12);
    EXPECT_LT(time, 0.25 * s + dt_stable);
  }
  EXPECT_FALSE(fs::exists(out / "snapshots" / "snapshot_00005.txt"));

  const std::string json = read_file(out / "run.json");
  for (const char* key : {"\"status\": \"completed\"", "\"figure_of_merit\"", "\"cell-updates/s\"", "\"deck\"",
                          "\"solver\": \"test.decay\"", "\"cfl_number\": 0.5", "\"regions\"", "\"devices\""})
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
}

TEST(Cli, RefusesToOverwriteOutputsUnlessAsked) {
  const fs::path out = scratch_dir("overwrite");
  ASSERT_EQ(run_cli("run " + kGoodDeck + " --output " + out.string()).code, 0);
  std::ofstream(out / "notes.txt") << "a user's file\n";
  auto again = run_cli("run " + kGoodDeck + " --output " + out.string());
  EXPECT_EQ(again.code, 2) << again.output;
  EXPECT_NE(again.output.find("--overwrite"), std::string::npos) << again.output;
  auto forced = run_cli("run " + kGoodDeck + " --set run.t_end=0.5 --overwrite --output " + out.string());
  EXPECT_EQ(forced.code, 0) << forced.output;
  auto rows = read_csv(out / "diagnostics.csv");
  EXPECT_EQ(std::stod(rows.back()[1]), 0.5);
  EXPECT_TRUE(fs::exists(out / "notes.txt")) << "--overwrite must only replace Tessera's own outputs";
  EXPECT_FALSE(fs::exists(out / "snapshots" / "snapshot_00003.txt")) << "stale snapshot of the earlier run survived";
}

TEST(Cli, StepsAndTEndStopAtWhicheverComesFirst) {
  const fs::path out = scratch_dir("steps");
  auto r = run_cli("run " + kGoodDeck + " --set run.steps=3 --set run.diagnostics_every=2 --output " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  auto rows = read_csv(out / "diagnostics.csv");
  ASSERT_EQ(rows.size(), 4u);  // header, step 0, step 2, step 3 (the last step always)
  EXPECT_EQ(rows[2][0], "2");
  EXPECT_EQ(rows[3][0], "3");
}

TEST(Cli, FixedTimeStep) {
  const fs::path out = scratch_dir("fixed");
  auto r = run_cli("run " + kGoodDeck + " --set run.dt=0.3 --output " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  auto rows = read_csv(out / "diagnostics.csv");
  ASSERT_EQ(rows.size(), 6u);  // 0.3, 0.6, 0.9, then 0.1 to land on 1
  EXPECT_DOUBLE_EQ(std::stod(rows[4][2]), 0.3);
  EXPECT_NEAR(std::stod(rows[5][2]), 0.1, 1e-15);
  EXPECT_EQ(std::stod(rows[5][1]), 1.0);
}

TEST(Cli, FailureWhileRunningExitsOne) {
  const fs::path out = scratch_dir("failure");
  auto r = run_cli("run " + kGoodDeck + " --set problem.fail_at_step=2 --output " + out.string());
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("error: injected failure at step 2"), std::string::npos) << r.output;
  EXPECT_NE(read_file(out / "run.json").find("\"status\": \"failed\""), std::string::npos);
}

// One rank fails while the others wait for it in a collective: the job must
// end (not hang), exit 1, and say once which rank failed and why.
TEST(Cli, OneFailingRankEndsEveryRankWithOneLine) {
  const fs::path out = scratch_dir("rank_failure");
  // timeout turns a hang into exit status 137 instead of a stuck test.
  auto r = run_cli("run " + kGoodDeck + " --set problem.fail_at_step=2 --set problem.fail_rank=1 --output " +
                       out.string(),
                   ".", "timeout -s KILL 120 mpirun -np 3 --oversubscribe");
  EXPECT_EQ(r.code, 1) << r.output;
  std::size_t lines = 0;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);)
    if (line.find("injected failure") != std::string::npos) {
      ++lines;
      EXPECT_NE(line.find("rank 1"), std::string::npos) << line;
    }
  EXPECT_EQ(lines, 1u) << r.output;
  EXPECT_NE(read_file(out / "run.json").find("\"status\": \"failed\""), std::string::npos);
}

TEST(Cli, KeysListsSolversAndSchemas) {
  auto all = run_cli("keys");
  EXPECT_EQ(all.code, 0);
  EXPECT_NE(all.output.find("test.decay"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("output_dir"), std::string::npos) << all.output;
  auto one = run_cli("keys test.decay");
  EXPECT_EQ(one.code, 0);
  EXPECT_NE(one.output.find("cfl_number"), std::string::npos) << one.output;
  auto md = run_cli("keys test.decay --markdown");
  EXPECT_EQ(md.code, 0);
  EXPECT_NE(md.output.find("| Key |"), std::string::npos) << md.output;
  auto bad = run_cli("keys test.decy");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("unknown solver 'test.decy'; did you mean 'test.decay'?"), std::string::npos) << bad.output;
}

TEST(Cli, InfoDescribesTheBuild) {
  auto r = run_cli("info");
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* s : {"CUDA backend", "HDF5", "MPI ranks", "GPUs visible", "test.decay"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
}

TEST(Cli, GpuRequestWithoutGpuIsAUsageError) {
  if (tessera::visible_gpu_count() > 0) GTEST_SKIP() << "a GPU is visible: the request is valid here";
  const fs::path out = scratch_dir("nogpu");
  auto r = run_cli("run " + kGoodDeck + " --device gpu --output " + out.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--device gpu requested"), std::string::npos) << r.output;
}

TEST(Cli, EveryExampleDeckChecks) {
  int decks = 0;
  for (const auto& entry : fs::recursive_directory_iterator(source("inputs"))) {
    if (entry.path().extension() != ".toml") continue;
    ++decks;
    auto r = run_cli("check " + entry.path().string());
    EXPECT_EQ(r.code, 0) << entry.path() << "\n" << r.output;
  }
  EXPECT_GE(decks, 10);
}

// `tessera check` prints the solver's memory estimate against the device and
// creates nothing, not even the output directory it judged.
TEST(Cli, CheckReportsMemoryAndCreatesNothing) {
  const fs::path out = scratch_dir("check_creates_nothing");
  const std::string deck = source("inputs/cfd/taylor_green.toml").string();
  auto r = run_cli("check " + deck + " --set run.output_dir=\"" + (out / "deeper").string() + "\"");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("ok (solver cfd.euler)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nmemory: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" per rank (cfd.euler 64^3 cells on 1 rank), "), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.find("host has ") != std::string::npos || r.output.find("cuda:") != std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out)) << "check must not create the output directory";
  // A solver without an estimate (the test solvers) prints no memory line.
  auto decay = run_cli("check " + kGoodDeck);
  EXPECT_EQ(decay.code, 0) << decay.output;
  EXPECT_EQ(decay.output.find("memory:"), std::string::npos) << decay.output;
}

// Both problems in one deck: check reports each on its own line; run stops
// at the first, before anything exists.
TEST(Cli, CheckReportsOutputDirectoryAndMemoryTogether) {
  const std::string deck = source("tests/decks/bad/memory_grid.toml").string();
  auto r = run_cli("check " + deck + " --set run.output_dir=\"/proc/tessera-both/out\"");
  EXPECT_EQ(r.code, 2) << r.output;
  std::size_t errors = 0;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) errors += line.rfind("error: ", 0) == 0;
  EXPECT_EQ(errors, 2u) << r.output;
  EXPECT_NE(r.output.find("error: output directory '/proc/tessera-both/out' cannot be created: '/proc' is not "
                          "writable"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("error: not enough memory: cfd.euler 20000^3 cells on 1 rank needs"), std::string::npos)
      << r.output;
}

// On several ranks the verdict is the job's: one line, exit 2 on every rank,
// the per-rank share of the ranks this job has, nothing created.
TEST(Cli, RunRefusesAGridThatCannotFitOnEveryRank) {
  const fs::path out = scratch_dir("memory_ranks");
  const std::string deck = source("tests/decks/bad/memory_grid.toml").string();
  for (const std::string& cmd : {"check " + deck, "run " + deck + " --output " + out.string()}) {
    auto r = run_cli(cmd, ".", "timeout -s KILL 120 mpirun -np 2 --oversubscribe");
    EXPECT_EQ(r.code, 2) << cmd << r.output;
    std::size_t lines = 0;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
      if (line.find("not enough memory") != std::string::npos) {
        ++lines;
        EXPECT_NE(line.find("cfd.euler 20000^3 cells on 2 ranks needs"), std::string::npos) << line;
      }
    EXPECT_EQ(lines, 1u) << cmd << r.output;
    EXPECT_FALSE(fs::exists(out));
  }
}
