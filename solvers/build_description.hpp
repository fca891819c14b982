#pragma once
// What this binary is: version, commit, compilers, backends and library
// versions. Shared by `tessera --version`, `tessera info` and run.json.
#include <string>
#include <utility>
#include <vector>

#include "io/json_writer.hpp"

namespace tessera {

std::string version_line();  // "tessera 0.1.0 (git abc123, Release, CUDA 13.0 sm_90)"
// (name, value) rows: build type, compilers, CUDA, architectures, libraries.
std::vector<std::pair<std::string, std::string>> build_rows();
void write_build_json(io::JsonWriter& w);

}  // namespace tessera
