#pragma once
// Versions of the libraries this binary was built with and runs against, for
// `tessera info` and run.json.
#include <string>
#include <utility>
#include <vector>

namespace tessera::io {

// (library, version) pairs: HDF5 (and whether parallel), toml++, CLI11 is
// reported by the CLI itself; CUDA runtime/driver and NCCL when built with them.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace tessera::io
