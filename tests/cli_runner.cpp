#include "tests/cli_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tessera::testing {

namespace {
std::string from_env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
}  // namespace

CliResult run_cli(const std::string& args, const std::string& cwd, const std::string& prefix) {
  // Ranks launched together share the machine's cores: one thread each.
  const std::string env = prefix.find("mpirun") != std::string::npos ? "OMP_NUM_THREADS=1 " : "";
  const std::string cmd = "cd '" + cwd + "' && " + env + prefix + (prefix.empty() ? "" : " ") +
                          from_env("TESSERA_TEST_CLI", TESSERA_TEST_CLI) + " " + args + " 2>&1";
  CliResult r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path source_path(const std::string& rel) { return fs::path(from_env("TESSERA_SOURCE_DIR", TESSERA_SOURCE_DIR)) / rel; }

fs::path scratch_dir(const std::string& name) {
  fs::path base = fs::temp_directory_path() / ("tessera_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(base);
  fs::path p = base / name;
  fs::remove_all(p);
  return p;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

std::vector<double> diagnostics_column(const fs::path& out, const std::string& name) {
  const auto rows = read_csv(out / "diagnostics.csv");
  if (rows.empty()) throw std::runtime_error("no rows in " + (out / "diagnostics.csv").string());
  std::size_t c = 0;
  while (c < rows[0].size() && rows[0][c] != name) ++c;
  if (c == rows[0].size()) throw std::runtime_error("no column '" + name + "' in " + (out / "diagnostics.csv").string());
  std::vector<double> v;
  for (std::size_t r = 1; r < rows.size(); ++r) v.push_back(std::stod(rows[r][c]));
  return v;
}

}  // namespace tessera::testing
