#pragma once
// The interface every solver implements. The driver owns the time loop, the
// output and diagnostics cadence and the logs; a solver owns its state and
// answers: how large may the next step be, advance by dt, what are the
// diagnostics now, write a snapshot. Solvers use runtime/ for kernels and
// never call CUDA, MPI or HDF5 directly.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "runtime/timers.hpp"

namespace tessera {

struct RunContext {
  Device device;
  Timers* timers = nullptr;
  std::filesystem::path output_dir;
  int rank = 0;
  int size = 1;
};

// A named scalar for diagnostics.csv and the log; values are global (already
// reduced over ranks) and identical on every rank.
using Diagnostic = std::pair<std::string, double>;

// "cell-updates/s" with the global cells updated per step, "atom-steps/s" with
// atoms, "interactions/s" with pair interactions.
struct FigureOfMerit {
  std::string unit;
  double work_per_step = 0;
};

struct SnapshotRequest {
  std::filesystem::path directory;  // <output>/snapshots
  std::string name;                 // [output] name
  int index = 0;                    // 0, 1, 2, ... in output order
  std::int64_t step = 0;
  double time = 0;
};

class Solver {
 public:
  virtual ~Solver() = default;
  virtual void setup(const deck::Deck& deck, const RunContext& ctx) = 0;
  // The largest stable step from the current state, the same on every rank.
  virtual double stable_dt() = 0;
  virtual void advance(double dt) = 0;
  // Same names in the same order on every call.
  virtual std::vector<Diagnostic> diagnostics() = 0;
  virtual void write_snapshot(const SnapshotRequest& request) = 0;
  virtual FigureOfMerit figure_of_merit() const = 0;
};

}  // namespace tessera
