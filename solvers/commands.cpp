#include "solvers/commands.hpp"

#include <omp.h>

#include <cstdlib>
#include <optional>
#include <utility>

#include "io/deck.hpp"
#include "io/output_dir_check.hpp"
#include "io/schema.hpp"
#include "runtime/collectives.hpp"
#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/fft.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"
#include "solvers/build_description.hpp"
#include "solvers/driver.hpp"
#include "solvers/memory_check.hpp"
#include "solvers/run_schema.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera {

namespace {

// The backend `tessera run` would pick here (deck, then TESSERA_DEVICE),
// without binding a GPU; nullopt for a GPU run where none is visible.
std::optional<std::pair<Backend, int>> planned_device(const deck::Deck& d) {
  std::string choice = d.string("run.device");
  if (const char* env = std::getenv("TESSERA_DEVICE"); env && *env) choice = env;
  const DeviceChoice c = parse_device_choice(choice);
  const int gpus = c == DeviceChoice::Cpu ? 0 : visible_gpu_count();
  if (gpus > 0) return std::make_pair(Backend::Cuda, collectives::local_rank() % gpus);
  if (c == DeviceChoice::Gpu) return std::nullopt;
  return std::make_pair(Backend::Host, -1);
}

}  // namespace

void command_check(const std::string& deck_path, const std::vector<std::string>& overrides, bool print_resolved) {
  deck::Deck d = load_deck(deck_path, overrides);
  // What `run` would refuse before writing anything, reported together;
  // nothing is created.
  std::vector<std::string> problems;
  const std::string dir = collectives::broadcast_from_root(
      collectives::rank() == 0 ? io::output_dir_problem(d.string("run.output_dir")) : std::string());
  if (!dir.empty()) problems.push_back(dir);
  std::string memory = "memory: not checked (no GPU visible here for a GPU run)";
  try {
    if (const auto target = planned_device(d)) memory = check_memory(d, target->first, target->second);
  } catch (const InputError& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
  }
  if (!problems.empty()) throw InputError(problems);
  logging::info(strfmt("%s: ok (solver %s)", deck_path.c_str(), d.string("run.solver").c_str()));
  if (!memory.empty()) logging::info(memory);
  if (print_resolved) logging::info(d.to_toml());
}

void command_keys(const std::string& solver, bool markdown) {
  auto& registry = SolverRegistry::instance();
  if (!solver.empty() && !registry.find(solver)) {
    std::string msg = "unknown solver '" + solver + "'";
    if (auto near = deck::nearest(solver, registry.names())) msg += "; did you mean '" + *near + "'?";
    throw InputError(msg);
  }
  const deck::Schema schema = full_schema(solver);
  std::string text;
  if (solver.empty()) {
    text += markdown ? "# Solvers\n\n" : "Solvers:\n";
    if (registry.names().empty()) text += "  (none registered in this build)\n";
    for (const auto& n : registry.names())
      text += strfmt(markdown ? "- `%s`: %s\n" : "  %-20s %s\n", n.c_str(), registry.find(n)->summary.c_str());
    text += markdown ? "\n# Keys every deck accepts\n\n" : "\nKeys every deck accepts (tessera keys SOLVER adds the solver's):\n\n";
  } else {
    text += strfmt(markdown ? "# Deck keys of `%s`\n\n%s\n\n" : "Deck keys of %s: %s\n\n", solver.c_str(),
                   registry.find(solver)->summary.c_str());
  }
  text += markdown ? deck::format_keys_markdown(schema) : deck::format_keys_text(schema);
  logging::info(text);
}

void command_info(const MpiEnvironment& mpi) {
  std::string s = version_line() + "\n\nBuild\n";
  for (const auto& [k, v] : build_rows()) s += strfmt("  %-16s %s\n", k.c_str(), v.c_str());
  s += "\nRuntime\n";
  s += strfmt("  %-16s %s\n", "MPI", mpi.library_version().c_str());
  std::string ffts;
  for (const auto& [name, version] : fft::library_versions()) ffts += (ffts.empty() ? "" : ", ") + name + " " + version;
  s += strfmt("  %-16s %s\n", "FFT libraries", ffts.c_str());
  s += strfmt("  %-16s %d (this node: %d)\n", "MPI ranks", mpi.size(), mpi.local_size());
  s += strfmt("  %-16s %s\n", "CUDA-aware MPI", mpi.cuda_aware() ? "yes" : "no");
  s += strfmt("  %-16s %d\n", "OpenMP threads", omp_get_max_threads());
  const int gpus = visible_gpu_count();
  s += strfmt("  %-16s %d\n", "GPUs visible", gpus);
  for (int g = 0; g < gpus; ++g) {
    auto p = gpu_properties(g);
    s += strfmt("    cuda:%d  %s, cc %d.%d, %d SMs, %.1f GiB, L2 %.0f MiB, ~%.0f GB/s\n", g, p.name.c_str(), p.major,
                p.minor, p.multiprocessors, p.global_memory / 1073741824.0, p.l2_cache / 1048576.0,
                p.memory_bandwidth_gbs);
  }
  s += strfmt("  %-16s %s\n", "default device", Device::select(DeviceChoice::Auto, mpi.local_rank()).describe().c_str());
  auto names = SolverRegistry::instance().names();
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  s += strfmt("  %-16s %s\n", "solvers", list.empty() ? "(none registered in this build)" : list.c_str());
  logging::info(s);
}

}  // namespace tessera
