#include "solvers/memory_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera {

double host_memory_available() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double value = 0;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return value * 1024.0;  // kB
  }
  return 0;
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) bytes /= 1024.0, ++u;
  return u == 0 ? strfmt("%.0f B", bytes) : strfmt("%.3g %s", bytes, units[u]);
}

std::string memory_verdict(const deck::Deck& d, int ranks, Backend backend, const MemoryBudget& budget) {
  const SolverInfo* info = SolverRegistry::instance().find(d.string("run.solver"));
  if (!info || !info->memory) return {};
  const MemoryEstimate e = info->memory(d, ranks, backend);
  const std::string job =
      strfmt("%s %s on %d rank%s", info->name.c_str(), e.what.c_str(), ranks, ranks == 1 ? "" : "s");
  const std::string sharing =
      budget.sharing > 1 ? strfmt(" for the %d ranks on %s", budget.sharing,
                                  backend == Backend::Host ? "this node" : "this GPU")
                         : std::string();
  const bool host = backend == Backend::Host;
  const std::string offer = host ? "host has " + format_bytes(budget.bytes) + " available"
                                 : budget.device + " has " + format_bytes(budget.bytes);
  if (budget.bytes > 0 && e.per_rank_bytes * budget.sharing > budget.bytes) {
    const std::string in_all = ranks > 1 ? " (" + format_bytes(e.total_bytes) + " in all)" : std::string();
    throw InputError(strfmt("not enough memory: %s needs %s per rank%s, but the %s%s; use more %s or a smaller problem",
                            job.c_str(), format_bytes(e.per_rank_bytes).c_str(), in_all.c_str(), offer.c_str(),
                            sharing.c_str(), host ? "nodes" : "GPUs"));
  }
  return strfmt("memory: %s per rank (%s), %s%s", format_bytes(e.per_rank_bytes).c_str(), job.c_str(),
                budget.bytes > 0 ? offer.c_str() : (host ? "host memory unknown" : "GPU memory unknown"),
                sharing.c_str());
}

std::string check_memory(const deck::Deck& d, Backend backend, int gpu) {
  const SolverInfo* info = SolverRegistry::instance().find(d.string("run.solver"));
  if (!info || !info->memory) return {};
  MemoryBudget budget;
  std::string key;  // ranks with the same key draw on the same memory
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  if (backend == Backend::Host) {
    budget.bytes = host_memory_available();
    budget.device = "host";
    key = std::string(host) + "/host";
  } else {
    const GpuProperties p = gpu_properties(gpu);
    budget.bytes = static_cast<double>(p.global_memory);
    budget.device = strfmt("cuda:%d (%s)", gpu, p.name.c_str());
    key = std::string(host) + "/" + (p.uuid.empty() ? std::to_string(gpu) : p.uuid);
  }
  const auto keys = collectives::all_gather(key);
  budget.sharing = static_cast<int>(std::count(keys.begin(), keys.end(), key));
  std::string line, problem;
  try {
    line = memory_verdict(d, collectives::size(), backend, budget);
  } catch (const InputError& e) {
    problem = e.problems().empty() ? e.what() : e.problems().front();
  }
  // The estimate is the same everywhere, the budgets are per node: report
  // the first rank that does not fit, on every rank.
  for (const auto& p : collectives::all_gather(problem))
    if (!p.empty()) throw InputError(p);
  return line;
}

}  // namespace tessera
