#include "decomposition/nccl_transport.hpp"

#include <cuda_runtime_api.h>
#include <mpi.h>
#include <nccl.h>

#include <algorithm>
#include <exception>
#include <string>

#include "runtime/collectives.hpp"
#include "runtime/cuda_check.hpp"
#include "runtime/error.hpp"
#include "runtime/mpi_check.hpp"
#include "runtime/nccl_check.hpp"

namespace tessera {

struct NcclTransport::Comm {
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;  // for begin()/finish()
  cudaEvent_t ready = nullptr, done = nullptr;
  ~Comm() {
    // Destroy waits for outstanding operations, which may never complete
    // when a peer has failed; while an error unwinds, abort instead.
    if (comm) std::uncaught_exceptions() > 0 ? ncclCommAbort(comm) : ncclCommDestroy(comm);
    if (ready) cudaEventDestroy(ready);
    if (done) cudaEventDestroy(done);
    if (stream) cudaStreamDestroy(stream);
  }
};

NcclTransport::NcclTransport(const Device& dev) : Transport(dev), comm_(std::make_unique<Comm>()) {
  TESSERA_REQUIRE(dev.is_cuda(), "the NCCL transport needs a CUDA device");
  ncclUniqueId id{};
  if (collectives::rank() == 0) TESSERA_NCCL_CHECK(ncclGetUniqueId(&id));
  TESSERA_MPI_CHECK(MPI_Bcast(&id, sizeof(id), MPI_BYTE, 0, MPI_COMM_WORLD));
  TESSERA_CUDA_CHECK(cudaSetDevice(dev.gpu()));
  TESSERA_NCCL_CHECK(ncclCommInitRank(&comm_->comm, collectives::size(), id, collectives::rank()));
  TESSERA_CUDA_CHECK(cudaStreamCreateWithFlags(&comm_->stream, cudaStreamNonBlocking));
  TESSERA_CUDA_CHECK(cudaEventCreateWithFlags(&comm_->ready, cudaEventDisableTiming));
  TESSERA_CUDA_CHECK(cudaEventCreateWithFlags(&comm_->done, cudaEventDisableTiming));
}

NcclTransport::~NcclTransport() = default;

namespace {
template <class M>
std::vector<const M*> in_peer_tag_order(const std::vector<M>& v) {
  std::vector<const M*> out;
  for (const auto& m : v)
    if (m.bytes > 0) out.push_back(&m);
  // NCCL matches the sends and receives between two ranks in issue order;
  // both sides issuing in (peer, tag) order makes tags meaningful.
  std::stable_sort(out.begin(), out.end(),
                   [](const M* a, const M* b) { return a->peer != b->peer ? a->peer < b->peer : a->tag < b->tag; });
  return out;
}
}  // namespace

namespace {
void enqueue(ncclComm_t comm, cudaStream_t stream, const std::vector<SendMessage>& sends,
             const std::vector<RecvMessage>& recvs) {
  auto s = in_peer_tag_order(sends);
  auto r = in_peer_tag_order(recvs);
  TESSERA_NCCL_CHECK(ncclGroupStart());
  // A failing call must not leave the group open: close it (its result no
  // longer matters) before reporting the first failure.
  auto grouped = [](ncclResult_t result, const char* call, int line) {
    if (result == ncclSuccess) return;
    ncclGroupEnd();
    throw_error(std::string("NCCL error: ") + ncclGetErrorString(result), call, __FILE__, line);
  };
  for (const SendMessage* m : s)
    grouped(ncclSend(m->data, m->bytes, ncclInt8, m->peer, comm, stream), "ncclSend", __LINE__);
  for (const RecvMessage* m : r)
    grouped(ncclRecv(m->data, m->bytes, ncclInt8, m->peer, comm, stream), "ncclRecv", __LINE__);
  TESSERA_NCCL_CHECK(ncclGroupEnd());
}
}  // namespace

void NcclTransport::exchange(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) {
  enqueue(comm_->comm, static_cast<cudaStream_t>(device_.stream()), sends, recvs);
}

void NcclTransport::begin(const std::vector<SendMessage>& sends, const std::vector<RecvMessage>& recvs) {
  auto compute = static_cast<cudaStream_t>(device_.stream());
  TESSERA_CUDA_CHECK(cudaEventRecord(comm_->ready, compute));
  TESSERA_CUDA_CHECK(cudaStreamWaitEvent(comm_->stream, comm_->ready, 0));
  enqueue(comm_->comm, comm_->stream, sends, recvs);
}

void NcclTransport::finish() {
  TESSERA_CUDA_CHECK(cudaEventRecord(comm_->done, comm_->stream));
  TESSERA_CUDA_CHECK(cudaStreamWaitEvent(static_cast<cudaStream_t>(device_.stream()), comm_->done, 0));
}

}  // namespace tessera
