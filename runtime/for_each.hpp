#pragma once
// for_each: one kernel body, two backends. The body is a TESSERA_HD lambda;
// on the host backend it runs in an OpenMP loop, on CUDA as a generated kernel
// on the device's stream (asynchronous: Device::synchronize or a copy waits).
//
//   tessera::for_each(dev, n, [=] TESSERA_HD (int i) { y[i] += a * x[i]; });
//   tessera::for_each(dev, box, [=] TESSERA_HD (int i, int j, int k) { ... });
//
// A file that calls these with a CUDA device must be a .cu file.
#include <cstdint>
#include <type_traits>

#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "runtime/launch.hpp"
#include "runtime/macros.hpp"
#include "runtime/span.hpp"

namespace tessera {

namespace detail {
#if defined(__CUDACC__)
// The global index is formed in 64 bits: n may be up to INT_MAX, and the
// last block's threads reach past it.
template <class F>
__global__ void for_each_kernel_1d(int n, F f) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) f(static_cast<int>(i));
}

// x along threadIdx.x for coalescing. The grid's y and z dimensions are
// capped at 65535 blocks: y and z stride over the rest.
template <class F>
__global__ void for_each_kernel_3d(Range3 r, F f) {
  const int i = r.lo[0] + static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= r.hi[0]) return;
  const int j0 = r.lo[1] + static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
  const int jstride = static_cast<int>(gridDim.y * blockDim.y);
  for (int k = r.lo[2] + static_cast<int>(blockIdx.z); k < r.hi[2]; k += gridDim.z)
    for (int j = j0; j < r.hi[1]; j += jstride) f(i, j, k);
}

// Blocks along one grid dimension: enough to cover `extent`, at most the
// hardware's 65535 for y and z (the kernel strides over the rest).
inline unsigned grid_blocks(int extent, int per_block, int cap) {
  const int b = (extent + per_block - 1) / per_block;
  return static_cast<unsigned>(b < cap ? b : cap);
}
#endif
}  // namespace detail

template <class F>
void for_each(const Device& dev, std::int64_t n, F f) {
  if (n <= 0) return;
  detail::check_index_range(n, "for_each");
  const int ni = static_cast<int>(n);
  if (dev.is_cuda()) {
#if defined(__CUDACC__)
    const int blocks = static_cast<int>((n + detail::kBlock1d - 1) / detail::kBlock1d);  // 64-bit: ni + 255 may wrap
    detail::for_each_kernel_1d<<<blocks, detail::kBlock1d, 0, static_cast<cudaStream_t>(dev.stream())>>>(ni, f);
    detail::check_launch("for_each (1-D)", __FILE__, __LINE__);
#else
    detail::not_compiled_for_cuda(__FILE__);
#endif
    return;
  }
#pragma omp parallel for schedule(static) if (ni > detail::kHostParallelMin)
  for (int i = 0; i < ni; ++i) f(i);
}

template <class F>
void for_each(const Device& dev, const Range3& r, F f) {
  if (r.empty()) return;
  detail::check_index_range(r.size(), "for_each");
  if (dev.is_cuda()) {
#if defined(__CUDACC__)
    constexpr int bx = 64, by = 4;
    dim3 block(bx, by, 1);
    dim3 grid(detail::grid_blocks(r.extent(0), bx, 0x7fffffff), detail::grid_blocks(r.extent(1), by, 65535),
              detail::grid_blocks(r.extent(2), 1, 65535));
    detail::for_each_kernel_3d<<<grid, block, 0, static_cast<cudaStream_t>(dev.stream())>>>(r, f);
    detail::check_launch("for_each (3-D)", __FILE__, __LINE__);
#else
    detail::not_compiled_for_cuda(__FILE__);
#endif
    return;
  }
  const int ny = r.extent(1), nz = r.extent(2);
#pragma omp parallel for collapse(2) schedule(static) if (r.size() > detail::kHostParallelMin)
  for (int kk = 0; kk < nz; ++kk)
    for (int jj = 0; jj < ny; ++jj)
      for (int i = r.lo[0]; i < r.hi[0]; ++i) f(i, r.lo[1] + jj, r.lo[2] + kk);
}

namespace detail {
// A named functor, not an extended lambda: fill<T> is instantiated in many
// translation units, some compiled by nvcc and some by the host compiler,
// and the linker keeps one copy. In the CUDA build's MPI test program the
// copy kept called through a null pointer inside nvcc's extended-lambda
// wrapper (seen twice, at one rank, on the host backend); a plain functor
// carries no wrapper state.
template <class T>
struct FillValue {
  T* p;
  T value;
  TESSERA_HD void operator()(int i) const { p[i] = value; }
};
}  // namespace detail

// Sets every element of a buffer to `value` on its own device.
template <class T>
void fill(Buffer<T>& b, T value) {
  for_each(b.device(), static_cast<std::int64_t>(b.size()), detail::FillValue<T>{b.data(), value});
}

}  // namespace tessera
