#pragma once
// Running the CLI as a user would, for tests: the program and source tree
// default to the build's; a bundle run on another machine
// (scripts/gpu-bundle.sh) points TESSERA_TEST_CLI / TESSERA_SOURCE_DIR at its
// own copies.
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::testing {

struct CliResult {
  int code = -1;
  std::string output;
};

// Runs `tessera_test_cli ARGS` in `cwd` (decks are named relative to it, as
// users type them); `prefix` goes before the program (e.g. "mpirun -np 2").
CliResult run_cli(const std::string& args, const std::string& cwd = ".", const std::string& prefix = "");
std::filesystem::path source_path(const std::string& relative);
// A fresh, unique directory path (not created) for one run's outputs.
std::filesystem::path scratch_dir(const std::string& name);
std::string read_file(const std::filesystem::path& p);
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& p);
// Column `name` of <out>/diagnostics.csv, one value per row (throws when the
// column does not exist).
std::vector<double> diagnostics_column(const std::filesystem::path& out, const std::string& name);

}  // namespace tessera::testing
