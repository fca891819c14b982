#pragma once
// Transport: moves a batch of point-to-point messages between ranks. A solver
// (through HaloExchange or ParticleExchange) lists what to send to whom and
// where to receive; the transport posts everything, and when exchange()
// returns the data is in place for work that follows on the device's stream
// (and the send buffers may be reused).
//
// Matching: a send (peer P, tag T) is received by P's receive (peer = this
// rank, tag T). Several messages to one peer are told apart by tag; every
// backend delivers in (peer, tag) order, so NCCL's in-order matching holds.
// Messages to this rank itself are allowed (periodic self-exchange tests).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device.hpp"

namespace tessera {

struct SendMessage {
  int peer = -1;
  int tag = 0;
  const void* data = nullptr;  // on the transport's device
  std::size_t bytes = 0;
};

struct RecvMessage {
  int peer = -1;
  int tag = 0;
  void* data = nullptr;  // on the transport's device
  std::size_t bytes = 0;
};

enum class TransportKind { Auto, Nccl, Mpi };

class Transport {
 public:
  virtual ~Transport() = default;
  virtual const char* name() const = 0;
  const Device& device() const { return device_; }
  // Collective over the ranks that exchange with each other: every message
  // listed must have its partner listed on the peer.
  virtual void exchange(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) = 0;

  // The same exchange in two halves, so work can run while the data travels
  // (the N-body ring computes on one block while the next one arrives):
  // begin() posts it, finish() returns when it is complete as exchange()
  // would. One exchange in flight at a time; the send buffers must not change
  // and the receive buffers must not be read in between. Backends without
  // overlap do all the work in begin().
  virtual void begin(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) {
    exchange(sends, recvs);
  }
  virtual void finish() {}

 protected:
  explicit Transport(Device dev) : device_(std::move(dev)) {}
  Device device_;
};

// "auto" | "nccl" | "mpi"; throws InputError otherwise.
TransportKind parse_transport_kind(const std::string& text);

// Auto picks NCCL when the build has it, the device is a GPU and every rank on
// each node has its own GPU; MPI otherwise. Collective over MPI_COMM_WORLD.
// Asking for NCCL where it cannot work is an InputError naming the reason.
std::unique_ptr<Transport> make_transport(TransportKind kind, const Device& dev);

}  // namespace tessera
