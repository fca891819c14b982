#include "runtime/launch.hpp"

#include <climits>
#include <string>

#include "runtime/error.hpp"
#include "runtime/format.hpp"

#if TESSERA_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace tessera::detail {

void check_launch(const char* what, const char* file, int line) {
#if TESSERA_HAVE_CUDA
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    throw_error(std::string("kernel launch failed: ") + cudaGetErrorName(e) + ": " + cudaGetErrorString(e), what,
                file, line);
#else
  (void)what;
  (void)file;
  (void)line;
#endif
}

void not_compiled_for_cuda(const char* file) {
  throw Error(strfmt("a kernel in %s was asked to run on the CUDA backend, but that file was not compiled by "
                     "nvcc (kernels belong in .cu files)",
                     file));
}

void check_index_range(std::int64_t n, const char* what) {
  if (n > INT_MAX) throw Error(strfmt("%s: %lld elements exceed the 32-bit index range", what, static_cast<long long>(n)));
}

}  // namespace tessera::detail
