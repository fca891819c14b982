// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "runtime/sort.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/memory.hpp"

#if defined(__CUDACC__)
#include <cub/device/device_radix_sort.cuh>

#include "runtime/cuda_check.hpp"
#else
#include "runtime/launch.hpp"
#endif

namespace tessera {

namespace {

template <class K, class V>
void sort_pairs_impl(Buffer<K>& keys, Buffer<V>& values) {
  const Device& dev = keys.device();
  TESSERA_REQUIRE(keys.size() == values.size(), "sort_pairs: keys and values differ in size");
  TESSERA_REQUIRE(dev == values.device(), "sort_pairs: keys and values live on different devices");
  const std::size_t n = keys.size();
  if (n < 2) return;
  if (dev.is_host()) {
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    K* k = keys.data();
    std::stable_sort(perm.begin(), perm.end(), [k](std::size_t a, std::size_t b) { return k[a] < k[b]; });
    std::vector<K> ks(n);
    std::vector<V> vs(n);
    for (std::size_t i = 0; i < n; ++i) {
      ks[i] = keys.data()[perm[i]];
      vs[i] = values.data()[perm[i]];
    }
    std::copy(ks.begin(), ks.end(), keys.data());
    std::copy(vs.begin(), vs.end(), values.data());
    return;
  }
#if defined(__CUDACC__)
  TESSERA_REQUIRE(n <= static_cast<std::size_t>(INT32_MAX), "sort_pairs: too many elements");
  auto stream = static_cast<cudaStream_t>(dev.stream());
  const int ni = static_cast<int>(n);
  // One scratch block holds the alternate key/value arrays and CUB's storage.
  auto align = [](std::size_t b) { return (b + 255) / 256 * 256; };
  const std::size_t kb = align(n * sizeof(K)), vb = align(n * sizeof(V));
  std::size_t temp_bytes = 0;
  cub::DoubleBuffer<K> dk(keys.data(), nullptr);
  cub::DoubleBuffer<V> dv(values.data(), nullptr);
  TESSERA_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, dk, dv, ni, 0, int(sizeof(K) * 8), stream));
  auto* base = static_cast<unsigned char*>(dev.scratch(kb + vb + temp_bytes));
  dk = cub::DoubleBuffer<K>(keys.data(), reinterpret_cast<K*>(base));
  dv = cub::DoubleBuffer<V>(values.data(), reinterpret_cast<V*>(base + kb));
  TESSERA_CUDA_CHECK(
      cub::DeviceRadixSort::SortPairs(base + kb + vb, temp_bytes, dk, dv, ni, 0, int(sizeof(K) * 8), stream));
  if (dk.Current() != keys.data()) {
    TESSERA_CUDA_CHECK(cudaMemcpyAsync(keys.data(), dk.Current(), n * sizeof(K), cudaMemcpyDeviceToDevice, stream));
    TESSERA_CUDA_CHECK(cudaMemcpyAsync(values.data(), dv.Current(), n * sizeof(V), cudaMemcpyDeviceToDevice, stream));
  }
#else
  detail::not_compiled_for_cuda(__FILE__);
#endif
}

}  // namespace

void sort_pairs(Buffer<std::uint32_t>& k, Buffer<std::int32_t>& v) { sort_pairs_impl(k, v); }
void sort_pairs(Buffer<std::uint64_t>& k, Buffer<std::int32_t>& v) { sort_pairs_impl(k, v); }
void sort_pairs(Buffer<std::int32_t>& k, Buffer<std::int32_t>& v) { sort_pairs_impl(k, v); }
void sort_pairs(Buffer<std::int64_t>& k, Buffer<std::int32_t>& v) { sort_pairs_impl(k, v); }
void sort_pairs(Buffer<double>& k, Buffer<std::int32_t>& v) { sort_pairs_impl(k, v); }

}  // namespace tessera
