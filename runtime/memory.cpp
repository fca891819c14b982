#include "runtime/memory.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "runtime/error.hpp"
#include "runtime/format.hpp"

#if TESSERA_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "runtime/cuda_check.hpp"
#endif

namespace tessera::memory {

namespace {
constexpr std::size_t kHostAlignment = 64;

void* host_allocate(std::size_t bytes) {
  std::size_t rounded = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
  void* p = std::aligned_alloc(kHostAlignment, rounded);
  if (!p) throw Error(strfmt("out of host memory allocating %zu bytes", bytes), "aligned_alloc");
  return p;
}
}  // namespace

void* allocate(const Device& dev, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  if (dev.is_host()) return host_allocate(bytes);
#if TESSERA_HAVE_CUDA
  void* p = nullptr;
  TESSERA_CUDA_CHECK(cudaSetDevice(dev.gpu()));
  cudaError_t e = cudaMalloc(&p, bytes);
  if (e != cudaSuccess) {
    cudaGetLastError();
    std::size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    throw Error(strfmt("out of GPU memory on cuda:%d allocating %.3f GiB (%.3f GiB free of %.3f GiB)", dev.gpu(),
                       bytes / 1073741824.0, free_b / 1073741824.0, total_b / 1073741824.0),
                "cudaMalloc");
  }
  return p;
#else
  throw Error("device allocation on a CUDA device in a build without CUDA");
#endif
}

void release(const Device& dev, void* ptr) noexcept {
  if (!ptr) return;
  if (dev.is_host()) {
    std::free(ptr);
    return;
  }
#if TESSERA_HAVE_CUDA
  cudaFree(ptr);
#endif
}

void copy(void* dst, const Device& dst_dev, const void* src, const Device& src_dev, std::size_t bytes) {
  if (bytes == 0) return;
  if (dst_dev.is_host() && src_dev.is_host()) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if TESSERA_HAVE_CUDA
  // Unified addressing lets the runtime infer the direction. Order the copy
  // after earlier work on the device's stream, then wait so host memory is
  // ready (or reusable) when we return.
  const Device& gpu_dev = dst_dev.is_cuda() ? dst_dev : src_dev;
  auto stream = static_cast<cudaStream_t>(gpu_dev.stream());
  // The copy runs on the destination's stream; a source on another stream
  // (another GPU, or another Device handle on the same GPU) may still be
  // writing the data.
  const bool other_stream = dst_dev.is_cuda() && src_dev.is_cuda() && !(dst_dev == src_dev);
  if (other_stream) src_dev.synchronize();
  if (other_stream && dst_dev.gpu() != src_dev.gpu()) {
    TESSERA_CUDA_CHECK(cudaMemcpyPeerAsync(dst, dst_dev.gpu(), src, src_dev.gpu(), bytes, stream));
  } else {
    TESSERA_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream));
  }
  TESSERA_CUDA_CHECK(cudaStreamSynchronize(stream));
#else
  throw Error("device copy involving a CUDA device in a build without CUDA");
#endif
}

void* allocate_pinned(std::size_t bytes) {
  if (bytes == 0) return nullptr;
#if TESSERA_HAVE_CUDA
  // Pinned memory needs a driver; without a GPU fall back to plain memory.
  int n = 0;
  if (cudaGetDeviceCount(&n) == cudaSuccess && n > 0) {
    void* p = nullptr;
    TESSERA_CUDA_CHECK(cudaMallocHost(&p, bytes));
    return p;
  }
  cudaGetLastError();
#endif
  return host_allocate(bytes);
}

void release_pinned(void* ptr) noexcept {
  if (!ptr) return;
#if TESSERA_HAVE_CUDA
  cudaPointerAttributes attr{};
  if (cudaPointerGetAttributes(&attr, ptr) == cudaSuccess && attr.type == cudaMemoryTypeHost) {
    cudaFreeHost(ptr);
    return;
  }
  cudaGetLastError();
#endif
  std::free(ptr);
}

}  // namespace tessera::memory
