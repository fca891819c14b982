#pragma once
// cfd.euler runs for the tests: a deck run in this process (or under mpirun
// through the CLI) and its snapshots read back whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/grid_io.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

namespace tessera::testing {

// Runs `deck` (a bare name means inputs/cfd/<deck>) with `overrides` in this
// process; returns the output directory, a fresh scratch directory `name`.
inline std::filesystem::path run_euler_deck(const std::string& deck, const std::string& name,
                                            std::vector<std::string> overrides) {
  register_builtin_solvers();
  RunOptions o;
  o.deck_path = source_path(deck.find('/') == std::string::npos ? "inputs/cfd/" + deck : deck).string();
  o.output_dir = scratch_dir(name).string();
  o.overrides = std::move(overrides);
  run(o);
  return std::filesystem::path(*o.output_dir);
}

// The newest regular snapshot of a run (post-mortem files excluded).
inline std::filesystem::path last_snapshot(const std::filesystem::path& out) {
  std::filesystem::path last;
  for (const auto& e : std::filesystem::directory_iterator(out / "snapshots"))
    if (e.path().extension() == ".h5" && e.path().filename().string().rfind("failure", 0) != 0 &&
        (last.empty() || e.path() > last))
      last = e.path();
  return last;
}

inline std::filesystem::path first_snapshot(const std::filesystem::path& out) {
  return out / "snapshots" / "snapshot_00000.h5";
}

// `field` of the last snapshot, (nz, ny, nx) flattened: i + nx (j + ny k).
inline std::vector<double> final_field(const std::filesystem::path& out, const std::string& field) {
  return io::read_global_field(last_snapshot(out), field);
}

// Runs inputs/cfd/<deck> through the CLI under mpirun with `ranks` processes;
// `sets` is appended to the command line (" --set key=value ...").
inline std::filesystem::path run_euler_ranks(const std::string& deck, const std::string& name, int ranks,
                                             const std::string& sets) {
  const std::filesystem::path out = scratch_dir(name + "_np" + std::to_string(ranks));
  auto r = run_cli("run " + source_path("inputs/cfd/" + deck).string() + " --output " + out.string() + sets, ".",
                   "mpirun -np " + std::to_string(ranks) + " --oversubscribe");
  EXPECT_EQ(r.code, 0) << r.output;
  return out;
}

}  // namespace tessera::testing
