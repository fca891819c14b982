#pragma once
// Stable key-value sorts (CUB radix sort on CUDA, std::stable_sort on the
// host): both backends give the same order, so a particle sort by cell is
// reproducible across backends.
#include <cstdint>

#include "runtime/buffer.hpp"

namespace tessera {

// Sorts keys ascending and applies the same permutation to values (both on
// the same device, same size). Stable: equal keys keep their input order.
void sort_pairs(Buffer<std::uint32_t>& keys, Buffer<std::int32_t>& values);
void sort_pairs(Buffer<std::uint64_t>& keys, Buffer<std::int32_t>& values);
void sort_pairs(Buffer<std::int32_t>& keys, Buffer<std::int32_t>& values);
void sort_pairs(Buffer<std::int64_t>& keys, Buffer<std::int32_t>& values);
void sort_pairs(Buffer<double>& keys, Buffer<std::int32_t>& values);

}  // namespace tessera
