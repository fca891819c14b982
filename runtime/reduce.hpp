#pragma once
// Reductions over an index range of a TESSERA_HD function: sum, min, max.
//
//   double dt = tessera::reduce_min(dev, n, [=] TESSERA_HD (int i) { return dt_cell(i); });
//
// Results are deterministic for a given backend and size: the host backend
// sums fixed-size chunks (independent of the OpenMP thread count) and then the
// chunk totals in order; the CUDA backend uses a grid size that depends only on
// n. min/max propagate NaN, so a blown-up state cannot hide in a time step.
// Every call returns to the host with the value (it synchronises the stream).
#include <cstdint>
#include <limits>
#include <type_traits>

#include "runtime/device.hpp"
#include "runtime/launch.hpp"
#include "runtime/macros.hpp"
#include "runtime/memory.hpp"
#include "runtime/span.hpp"

#if defined(__CUDACC__)
#include <cub/block/block_reduce.cuh>
#endif

namespace tessera {

struct SumOp {
  template <class T>
  TESSERA_HD T operator()(T a, T b) const { return a + b; }
};
struct MinOp {
  template <class T>
  TESSERA_HD T operator()(T a, T b) const { return (a != a || a < b) ? a : b; }
};
struct MaxOp {
  template <class T>
  TESSERA_HD T operator()(T a, T b) const { return (a != a || a > b) ? a : b; }
};

namespace detail {

constexpr int kReduceChunk = 2048;     // host: elements per chunk
constexpr int kReduceMaxBlocks = 1024;  // CUDA: partial sums per pass

#if defined(__CUDACC__)
template <class T, class Op, class F>
__global__ void reduce_blocks_kernel(int n, F f, Op op, T identity, T* partial) {
  T acc = identity;
  // 64-bit: with n near INT_MAX, i + stride would overflow an int.
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    acc = op(acc, static_cast<T>(f(static_cast<int>(i))));
  using BlockReduce = cub::BlockReduce<T, kBlock1d>;
  __shared__ typename BlockReduce::TempStorage tmp;
  T block = BlockReduce(tmp).Reduce(acc, op);
  if (threadIdx.x == 0) partial[blockIdx.x] = block;
}

template <class T, class Op>
__global__ void reduce_final_kernel(int nb, const T* partial, Op op, T identity, T* out) {
  T acc = identity;
  for (int i = threadIdx.x; i < nb; i += blockDim.x) acc = op(acc, partial[i]);
  using BlockReduce = cub::BlockReduce<T, kBlock1d>;
  __shared__ typename BlockReduce::TempStorage tmp;
  T total = BlockReduce(tmp).Reduce(acc, op);
  if (threadIdx.x == 0) *out = total;
}
#endif

template <class T, class Op, class F>
T reduce(const Device& dev, std::int64_t n, F f, Op op, T identity) {
  if (n <= 0) return identity;
  check_index_range(n, "reduce");
  const int ni = static_cast<int>(n);
  if (dev.is_cuda()) {
#if defined(__CUDACC__)
    int blocks = static_cast<int>((n + kBlock1d - 1) / kBlock1d);  // 64-bit: ni + 255 may wrap
    if (blocks > kReduceMaxBlocks) blocks = kReduceMaxBlocks;
    T* partial = static_cast<T*>(dev.scratch(sizeof(T) * (blocks + 1)));
    T* result = partial + blocks;
    auto stream = static_cast<cudaStream_t>(dev.stream());
    reduce_blocks_kernel<T><<<blocks, kBlock1d, 0, stream>>>(ni, f, op, identity, partial);
    check_launch("reduce", __FILE__, __LINE__);
    reduce_final_kernel<T><<<1, kBlock1d, 0, stream>>>(blocks, partial, op, identity, result);
    check_launch("reduce (final)", __FILE__, __LINE__);
    T* staged = static_cast<T*>(dev.host_staging(sizeof(T)));
    memory::copy(staged, Device::host(), result, dev, sizeof(T));
    return *staged;
#else
    not_compiled_for_cuda(__FILE__);
#endif
  }
  const int chunks = static_cast<int>((n + kReduceChunk - 1) / kReduceChunk);  // n: 64-bit, no wrap
  T* partial = static_cast<T*>(dev.scratch(sizeof(T) * chunks));
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (int c = 0; c < chunks; ++c) {
    T acc = identity;
    const std::int64_t chunk_end = static_cast<std::int64_t>(c + 1) * kReduceChunk;
    const int end = chunk_end < ni ? static_cast<int>(chunk_end) : ni;
    for (int i = c * kReduceChunk; i < end; ++i) acc = op(acc, static_cast<T>(f(i)));
    partial[c] = acc;
  }
  T total = identity;
  for (int c = 0; c < chunks; ++c) total = op(total, partial[c]);
  return total;
}

// Adapts a 3-D body to the flat index the reduction walks (x fastest).
template <class F>
struct Flat3 {
  Range3 r;
  F f;
  TESSERA_HD auto operator()(int idx) const {
    const int nx = r.hi[0] - r.lo[0], ny = r.hi[1] - r.lo[1];
    const int i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny);
    return f(r.lo[0] + i, r.lo[1] + j, r.lo[2] + k);
  }
};

template <class F>
using result_1d = std::decay_t<decltype(std::declval<F>()(0))>;
template <class F>
using result_3d = std::decay_t<decltype(std::declval<F>()(0, 0, 0))>;

}  // namespace detail

template <class F, class T = detail::result_1d<F>>
T reduce_sum(const Device& dev, std::int64_t n, F f) {
  return detail::reduce<T>(dev, n, f, SumOp{}, T(0));
}
template <class F, class T = detail::result_1d<F>>
T reduce_min(const Device& dev, std::int64_t n, F f) {
  return detail::reduce<T>(dev, n, f, MinOp{}, std::numeric_limits<T>::has_infinity
                                                   ? std::numeric_limits<T>::infinity()
                                                   : std::numeric_limits<T>::max());
}
template <class F, class T = detail::result_1d<F>>
T reduce_max(const Device& dev, std::int64_t n, F f) {
  return detail::reduce<T>(dev, n, f, MaxOp{}, std::numeric_limits<T>::has_infinity
                                                   ? -std::numeric_limits<T>::infinity()
                                                   : std::numeric_limits<T>::lowest());
}

template <class F, class T = detail::result_3d<F>>
T reduce_sum(const Device& dev, const Range3& r, F f) {
  return reduce_sum<detail::Flat3<F>, T>(dev, r.size(), detail::Flat3<F>{r, f});
}
template <class F, class T = detail::result_3d<F>>
T reduce_min(const Device& dev, const Range3& r, F f) {
  return reduce_min<detail::Flat3<F>, T>(dev, r.size(), detail::Flat3<F>{r, f});
}
template <class F, class T = detail::result_3d<F>>
T reduce_max(const Device& dev, const Range3& r, F f) {
  return reduce_max<detail::Flat3<F>, T>(dev, r.size(), detail::Flat3<F>{r, f});
}

}  // namespace tessera
