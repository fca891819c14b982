#pragma once
// Raw allocation and copies on a Device. Only Buffer and the runtime use this;
// solvers never call cudaMalloc/cudaMemcpy.
#include <cstddef>

#include "runtime/device.hpp"

namespace tessera::memory {

// 64-byte aligned host memory or cudaMalloc on the device's GPU.
void* allocate(const Device& dev, std::size_t bytes);
void release(const Device& dev, void* ptr) noexcept;

// Copies bytes between any two devices; returns when the copy is complete
// (destination readable by the host or ordered on the device's stream).
void copy(void* dst, const Device& dst_dev, const void* src, const Device& src_dev, std::size_t bytes);

// Page-locked host memory for staging transfers (plain host memory without CUDA).
void* allocate_pinned(std::size_t bytes);
void release_pinned(void* ptr) noexcept;

}  // namespace tessera::memory
