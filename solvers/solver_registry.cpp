#include "solvers/solver_registry.hpp"

#include <algorithm>

#include "runtime/error.hpp"
#include "solvers/cfd/euler_solver.hpp"
#include "solvers/cfd/incompressible_solver.hpp"
#include "solvers/nbody/nbody_solver.hpp"
#include "solvers/md/lj_solver.hpp"

namespace tessera {

SolverRegistry& SolverRegistry::instance() {
  static SolverRegistry registry;
  return registry;
}

void SolverRegistry::add(SolverInfo info) {
  if (find(info.name)) throw Error("solver '" + info.name + "' registered twice");
  solvers_.push_back(std::move(info));
}

void SolverRegistry::add_once(SolverInfo info) {
  if (!find(info.name)) solvers_.push_back(std::move(info));
}

const SolverInfo* SolverRegistry::find(std::string_view name) const {
  for (const auto& s : solvers_)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> SolverRegistry::names() const {
  std::vector<std::string> n;
  for (const auto& s : solvers_) n.push_back(s.name);
  std::sort(n.begin(), n.end());
  return n;
}

void register_builtin_solvers() {
  // One line per shipped solver (md.lj, nbody.direct, ... join as they land).
  cfd::register_euler_solver();
  cfd::register_incompressible_solver();
  nbody::register_direct_solver();
  nbody::register_tree_solver();
  md::register_lj_solver();
}

}  // namespace tessera
