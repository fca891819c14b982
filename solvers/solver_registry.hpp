#pragma once
// Solvers register by name (`cfd.euler`, `md.lj`, ...) with their deck schema
// and a factory, as LAMMPS styles do. Registration is explicit (a call from
// register_builtin_solvers) so static libraries cannot drop it.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/deck.hpp"
#include "io/schema.hpp"
#include "solvers/solver.hpp"

namespace tessera {

// What a solver will hold on its device for a deck (GPU memory, or host
// memory on the host backend) once set up: fields, ghosts, stage and flux
// buffers, particle storage with its growth policy, neighbour lists, message
// buffers. Compared with what the device has before anything is allocated.
struct MemoryEstimate {
  double total_bytes = 0;     // over the job
  double per_rank_bytes = 0;  // the largest rank's share
  std::string what;           // the size that drives it: "512^3 cells", "32000 atoms"
};

struct SolverInfo {
  std::string name;     // "family.method"
  std::string summary;  // one line for `tessera keys`
  std::function<deck::Schema()> schema;
  std::function<std::unique_ptr<Solver>()> create;
  std::vector<std::string> fields;  // what [output] fields may name
  // Checks between keys the schema cannot express (throws InputError), so
  // that `tessera check` refuses what the run would; may be empty.
  std::function<void(const deck::Deck&)> validate = nullptr;
  // Bytes the solver allocates for the deck on `ranks` ranks of `backend`
  // (throws InputError for a deck it cannot size); empty: not estimated.
  std::function<MemoryEstimate(const deck::Deck&, int ranks, Backend backend)> memory = nullptr;
};

class SolverRegistry {
 public:
  static SolverRegistry& instance();
  void add(SolverInfo info);  // a duplicate name is a programming error
  // Adds `info` unless a solver of that name is registered (registration
  // functions may run more than once: tests and the CLI both call them).
  void add_once(SolverInfo info);
  const SolverInfo* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted

 private:
  std::vector<SolverInfo> solvers_;
};

// Registers the solvers that ship in the `tessera` program (idempotent).
void register_builtin_solvers();

}  // namespace tessera
