#pragma once
// MpiTransport: MPI_Isend/Irecv. Host buffers go directly; device buffers go
// directly when the MPI library is CUDA-aware, otherwise through pinned host
// staging that grows geometrically and is reused.
#include <cstddef>
#include <utility>
#include <vector>

#include "decomposition/transport.hpp"

namespace tessera {

class MpiTransport final : public Transport {
 public:
  explicit MpiTransport(const Device& dev);
  ~MpiTransport() override;
  const char* name() const override { return staged_ ? "mpi (staged through pinned host memory)" : "mpi"; }
  void exchange(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) override;
  void begin(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) override;
  void finish() override;

 private:
  // What begin() left for finish(): open requests and staged receives.
  std::vector<void*> requests_;  // MPI_Request values, stored opaquely
  std::vector<std::pair<void*, std::pair<char*, std::size_t>>> staged_recvs_;
  void* staging(std::size_t bytes);
  bool staged_ = false;
  void* staging_ = nullptr;
  std::size_t staging_bytes_ = 0;
};

}  // namespace tessera
