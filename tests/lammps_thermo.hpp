#pragma once
// The thermo table of a LAMMPS log, for tests that compare with LAMMPS's
// printed numbers (tests/data/lammps/log.*): column name -> values, one per
// row of run `run` (0: the first `run` command's table).
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_runner.hpp"

namespace tessera::testing {

inline std::map<std::string, std::vector<double>> lammps_thermo(const std::filesystem::path& log, int run = 0) {
  std::istringstream in(read_file(log));
  std::vector<std::string> names;
  std::map<std::string, std::vector<double>> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (names.empty()) {
      if (!w.empty() && w[0] == "Step" && run-- == 0) names = w;
      continue;
    }
    if (w.size() != names.size()) break;
    for (std::size_t k = 0; k < w.size(); ++k) out[names[k]].push_back(std::stod(w[k]));
  }
  return out;
}

}  // namespace tessera::testing
