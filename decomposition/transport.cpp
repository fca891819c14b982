#include "decomposition/transport.hpp"

#include <set>
#include <string>
#include <vector>

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
// Why NCCL cannot serve this job, or "" when it can. Collective: every rank
// takes part whatever its own backend, so a mixed job cannot hang here.
std::string nccl_obstacle(const Device& dev) {
  // NCCL refuses two ranks on one GPU ("Duplicate GPU detected"). Compare the
  // GPUs the ranks are bound to, not node-local ranks against visible GPUs:
  // with one GPU visible per task every rank sees "GPU 0", yet they differ.
  const std::string mine = dev.is_cuda() ? gpu_properties(dev.gpu()).uuid : std::string();
  const std::vector<std::string> bound = collectives::all_gather(mine);
  bool any_host = false, any_shared = false;
  std::set<std::string> seen;
  for (const auto& uuid : bound) {
    if (uuid.empty()) any_host = true;
    else if (!seen.insert(uuid).second) any_shared = true;
  }
  if (!TESSERA_HAVE_NCCL) return "this build has no NCCL";
  if (!dev.is_cuda()) return "the run is on the host backend";
  if (any_host) return "some ranks run on the host backend";
  if (any_shared) return "some ranks share a GPU (NCCL needs one GPU per rank)";
  return {};
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
