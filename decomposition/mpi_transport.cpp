#include "decomposition/mpi_transport.hpp"

#include <mpi.h>
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>
#endif

#include <algorithm>
#include <cstring>

#include "runtime/error.hpp"
#include "runtime/memory.hpp"
#include "runtime/mpi_check.hpp"

namespace tessera {

namespace {
bool library_is_cuda_aware() {
#if defined(MPIX_CUDA_AWARE_SUPPORT) && MPIX_CUDA_AWARE_SUPPORT
  return MPIX_Query_cuda_support() == 1;
#else
  return false;
#endif
}
}  // namespace

MpiTransport::MpiTransport(const Device& dev) : Transport(dev) {
  staged_ = dev.is_cuda() && !library_is_cuda_aware();
}

MpiTransport::~MpiTransport() {
  // An exchange still in flight (an error unwound between begin() and
  // finish()) may be receiving into the staging buffer: never free it under
  // MPI. The job is ending anyway.
  if (requests_.empty()) memory::release_pinned(staging_);
}

void* MpiTransport::staging(std::size_t bytes) {
  if (bytes > staging_bytes_) {
    std::size_t n = std::max(bytes, staging_bytes_ + staging_bytes_ / 2);
    void* p = memory::allocate_pinned(n);
    memory::release_pinned(staging_);
    staging_ = p;
    staging_bytes_ = n;
  }
  return staging_;
}

void MpiTransport::exchange(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) {
  begin(sends, recvs);
  finish();
}

void MpiTransport::begin(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) {
  TESSERA_REQUIRE(requests_.empty(), "MpiTransport: an exchange is already in flight");
  // Kernels that packed the send buffers must finish before MPI reads them.
  device_.synchronize();
  std::size_t total = 0;
  if (staged_) {
    for (const auto& s : sends) total += s.bytes;
    for (const auto& r : recvs) total += r.bytes;
  }
  auto* stage = staged_ ? static_cast<char*>(staging(total)) : nullptr;
  const Device host = Device::host();
  std::vector<MPI_Request> requests;
  requests.reserve(sends.size() + recvs.size());
  staged_recvs_.clear();
  std::size_t offset = 0;
  for (const auto& r : recvs) {
    if (r.bytes == 0) continue;
    void* dst = r.data;
    if (staged_) {
      staged_recvs_.push_back({r.data, {stage + offset, r.bytes}});
      dst = stage + offset;
      offset += r.bytes;
    }
    requests.emplace_back();
    TESSERA_MPI_CHECK(MPI_Irecv(dst, static_cast<int>(r.bytes), MPI_BYTE, r.peer, r.tag, MPI_COMM_WORLD, &requests.back()));
  }
  for (const auto& s : sends) {
    if (s.bytes == 0) continue;
    const void* src = s.data;
    if (staged_) {
      memory::copy(stage + offset, host, s.data, device_, s.bytes);
      src = stage + offset;
      offset += s.bytes;
    }
    requests.emplace_back();
    TESSERA_MPI_CHECK(
        MPI_Isend(src, static_cast<int>(s.bytes), MPI_BYTE, s.peer, s.tag, MPI_COMM_WORLD, &requests.back()));
  }
  static_assert(sizeof(MPI_Request) <= sizeof(void*), "MPI_Request must fit a pointer");
  for (MPI_Request r : requests) {
    void* v = nullptr;
    std::memcpy(&v, &r, sizeof r);
    requests_.push_back(v);
  }
  if (requests_.empty()) requests_.push_back(nullptr);  // marks "in flight" for finish()
}

void MpiTransport::finish() {
  std::vector<MPI_Request> requests;
  for (void* v : requests_) {
    if (!v) continue;
    MPI_Request r;
    std::memcpy(&r, &v, sizeof r);
    requests.push_back(r);
  }
  requests_.clear();
  if (!requests.empty())
    TESSERA_MPI_CHECK(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
  for (const auto& [dst, src] : staged_recvs_) memory::copy(dst, device_, src.first, Device::host(), src.second);
  staged_recvs_.clear();
}

}  // namespace tessera
