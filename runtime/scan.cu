// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "runtime/scan.hpp"

#include "runtime/memory.hpp"

#if defined(__CUDACC__)
#include <cub/device/device_scan.cuh>

#include "runtime/cuda_check.hpp"
#else
#include "runtime/launch.hpp"
#endif

namespace tessera {

namespace {

template <class T>
T scan_impl(const Device& dev, const T* in, T* out, std::int64_t n) {
  if (n <= 0) return T(0);
  if (dev.is_host()) {
    T running = T(0);
    for (std::int64_t i = 0; i < n; ++i) {
      T v = in[i];
      out[i] = running;
      running += v;
    }
    return running;
  }
#if defined(__CUDACC__)
  auto stream = static_cast<cudaStream_t>(dev.stream());
  // The last input may be overwritten by an in-place scan: keep it first.
  T last_in{};
  memory::copy(&last_in, Device::host(), in + (n - 1), dev, sizeof(T));
  std::size_t temp_bytes = 0;
  TESSERA_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, temp_bytes, in, out, n, stream));
  void* temp = dev.scratch(temp_bytes);
  TESSERA_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(temp, temp_bytes, in, out, n, stream));
  T last_out{};
  memory::copy(&last_out, Device::host(), out + (n - 1), dev, sizeof(T));
  return last_out + last_in;
#else
  detail::not_compiled_for_cuda(__FILE__);
#endif
}

}  // namespace

std::int32_t exclusive_scan(const Device& d, const std::int32_t* in, std::int32_t* out, std::int64_t n) {
  return scan_impl(d, in, out, n);
}
std::int64_t exclusive_scan(const Device& d, const std::int64_t* in, std::int64_t* out, std::int64_t n) {
  return scan_impl(d, in, out, n);
}
std::uint32_t exclusive_scan(const Device& d, const std::uint32_t* in, std::uint32_t* out, std::int64_t n) {
  return scan_impl(d, in, out, n);
}
std::uint64_t exclusive_scan(const Device& d, const std::uint64_t* in, std::uint64_t* out, std::int64_t n) {
  return scan_impl(d, in, out, n);
}
double exclusive_scan(const Device& d, const double* in, double* out, std::int64_t n) {
  return scan_impl(d, in, out, n);
}

}  // namespace tessera
