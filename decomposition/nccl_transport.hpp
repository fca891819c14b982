#pragma once
// NcclTransport: grouped ncclSend/ncclRecv on the device's stream. The
// communicator is created once, from a unique id rank 0 broadcasts over MPI.
// exchange() only enqueues: kernels that follow on the stream see the data.
#include <memory>
#include <vector>

#include "decomposition/transport.hpp"

namespace tessera {

class NcclTransport final : public Transport {
 public:
  explicit NcclTransport(const Device& dev);  // collective over MPI_COMM_WORLD
  ~NcclTransport() override;
  const char* name() const override { return "nccl"; }
  void exchange(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) override;
  // On a communication stream of its own, ordered after the work queued so
  // far and before the work queued after finish(): kernels in between overlap.
  void begin(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) override;
  void finish() override;

 private:
  struct Comm;
  std::unique_ptr<Comm> comm_;
};

}  // namespace tessera
