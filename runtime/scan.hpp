#pragma once
// Exclusive prefix sums on a device (CUB on CUDA, a serial pass on the host):
// the offsets of per-rank or per-cell counts. In-place (in == out) is allowed.
#include <cstdint>

#include "runtime/buffer.hpp"
#include "runtime/device.hpp"

namespace tessera {

// out[i] = in[0] + ... + in[i-1]; returns the total of all n inputs.
std::int32_t exclusive_scan(const Device& dev, const std::int32_t* in, std::int32_t* out, std::int64_t n);
std::int64_t exclusive_scan(const Device& dev, const std::int64_t* in, std::int64_t* out, std::int64_t n);
std::uint32_t exclusive_scan(const Device& dev, const std::uint32_t* in, std::uint32_t* out, std::int64_t n);
std::uint64_t exclusive_scan(const Device& dev, const std::uint64_t* in, std::uint64_t* out, std::int64_t n);
double exclusive_scan(const Device& dev, const double* in, double* out, std::int64_t n);

template <class T>
T exclusive_scan(const Buffer<T>& in, Buffer<T>& out) {
  return exclusive_scan(in.device(), in.data(), out.data(), static_cast<std::int64_t>(in.size()));
}

}  // namespace tessera
