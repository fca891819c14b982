#pragma once
// Shared pieces of the kernel launchers (for_each, reduce): launch checks and
// the error raised when CUDA work is requested from code nvcc never compiled.
#include <cstdint>

#include "runtime/device.hpp"

namespace tessera::detail {

// Throws tessera::Error when the last launch failed (configuration, no image
// for this GPU). Asynchronous faults surface at the next synchronisation.
void check_launch(const char* what, const char* file, int line);

// A kernel reached the CUDA backend from a translation unit that the host
// compiler built: the file must be .cu. Throws with the file name.
[[noreturn]] void not_compiled_for_cuda(const char* file);

// Kernels index with int; guard larger ranges.
void check_index_range(std::int64_t n, const char* what);

constexpr int kBlock1d = 256;
// Host loops shorter than this run on one thread: waking an OpenMP team costs
// more than the work.
constexpr int kHostParallelMin = 4096;

}  // namespace tessera::detail
