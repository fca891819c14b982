#include "solvers/build_description.hpp"

#include <CLI/Version.hpp>

#include "io/library_versions.hpp"
#include "runtime/device.hpp"
#include "runtime/format.hpp"
#include "tessera/build_info.hpp"

namespace tessera {

std::string version_line() {
  std::string cuda = built_with_cuda() ? strfmt("CUDA %s sm_%s", build::cuda_compiler, build::cuda_architectures)
                                       : std::string("host-only");
  return strfmt("tessera %s (git %s, %s, %s)", build::version, build::git_commit, build::build_type, cuda.c_str());
}

std::vector<std::pair<std::string, std::string>> build_rows() {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"version", build::version},
      {"git commit", build::git_commit},
      {"build type", build::build_type},
      {"C++ compiler", build::cxx_compiler},
      {"CUDA backend", built_with_cuda() ? strfmt("yes (nvcc %s, architectures %s)", build::cuda_compiler,
                                                  build::cuda_architectures)
                                         : std::string("no (host-only build)")},
      {"system", build::system},
      {"CLI11", CLI11_VERSION},
  };
  if (!TESSERA_HAVE_NCCL) rows.emplace_back("NCCL", "no");
  for (auto& lib : io::library_versions()) rows.push_back(lib);
  return rows;
}

void write_build_json(io::JsonWriter& w) {
  w.begin_object();
  for (const auto& [k, v] : build_rows()) w.key(k).value(v);
  w.end_object();
}

}  // namespace tessera
