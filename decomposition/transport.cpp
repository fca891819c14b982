#include "decomposition/transport.hpp"

#include "decomposition/mpi_transport.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/log.hpp"
#if TESSERA_HAVE_NCCL
#include "decomposition/nccl_transport.hpp"
#endif

namespace tessera {

TransportKind parse_transport_kind(const std::string& text) {
  if (text == "auto") return TransportKind::Auto;
  if (text == "nccl") return TransportKind::Nccl;
  if (text == "mpi") return TransportKind::Mpi;
  throw InputError("unknown transport '" + text + "': expected auto, nccl or mpi");
}

namespace {
// Why NCCL cannot serve this job, or "" when it can. Collective.
std::string nccl_obstacle(const Device& dev) {
  std::string why;
  if (!TESSERA_HAVE_NCCL) why = "this build has no NCCL";
  else if (!dev.is_cuda()) why = "the run is on the host backend";
  // NCCL refuses two ranks on one GPU ("Duplicate GPU detected").
  const bool shared_gpu = dev.is_cuda() && collectives::local_rank() >= visible_gpu_count();
  const bool any_host = collectives::any(!dev.is_cuda());
  const bool any_shared = collectives::any(shared_gpu);
  if (why.empty() && any_host) why = "some ranks run on the host backend";
  if (why.empty() && any_shared) why = "some ranks share a GPU (NCCL needs one GPU per rank)";
  return why;
}
}  // namespace

std::unique_ptr<Transport> make_transport(TransportKind kind, const Device& dev) {
  std::unique_ptr<Transport> t;
  if (kind != TransportKind::Mpi) {
    const std::string obstacle = nccl_obstacle(dev);
    if (kind == TransportKind::Nccl && !obstacle.empty())
      throw InputError("[parallel] transport = \"nccl\" cannot work here: " + obstacle);
#if TESSERA_HAVE_NCCL
    if (obstacle.empty()) t = std::make_unique<NcclTransport>(dev);
#endif
  }
  if (!t) t = std::make_unique<MpiTransport>(dev);
  logging::info(std::string("transport: ") + t->name());
  return t;
}

}  // namespace tessera
