#include "io/library_versions.hpp"

#include <hdf5.h>

#include <toml++/toml.h>

#include "io/hdf5_check.hpp"
#include "runtime/format.hpp"

#if TESSERA_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif
#if TESSERA_HAVE_NCCL
#include <nccl.h>
#endif

namespace tessera::io {

#if TESSERA_HAVE_CUDA
namespace {
std::string cuda_version_string(int v) { return strfmt("%d.%d", v / 1000, (v % 1000) / 10); }
}  // namespace
#endif

std::vector<std::pair<std::string, std::string>> library_versions() {
  std::vector<std::pair<std::string, std::string>> out;
  unsigned maj = 0, min = 0, rel = 0;
  TESSERA_HDF5_CHECK(H5get_libversion(&maj, &min, &rel));
#if defined(H5_HAVE_PARALLEL)
  const char* kind = "parallel";
#else
  const char* kind = "serial";
#endif
  out.emplace_back("HDF5", strfmt("%u.%u.%u (%s)", maj, min, rel, kind));
  out.emplace_back("toml++", strfmt("%d.%d.%d", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH));
#if TESSERA_HAVE_CUDA
  int rt = 0, drv = 0;
  cudaRuntimeGetVersion(&rt);
  if (cudaDriverGetVersion(&drv) != cudaSuccess) drv = 0;
  out.emplace_back("CUDA runtime", cuda_version_string(rt));
  out.emplace_back("CUDA driver", drv > 0 ? cuda_version_string(drv) : std::string("none"));
#endif
#if TESSERA_HAVE_NCCL
  int nv = 0;
  ncclGetVersion(&nv);
  out.emplace_back("NCCL", strfmt("%d.%d.%d", nv / 10000, (nv / 100) % 100, nv % 100));
#endif
  return out;
}

}  // namespace tessera::io
