#pragma once
// The run driver: loads the deck, picks the device, prepares the output
// directory, owns the time loop (steps or t_end, stable dt, diagnostics,
// snapshot cadence), prints progress and the performance summary, writes
// run.json. Used by `tessera run` and directly by tests.
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/deck.hpp"

namespace tessera {

struct RunOptions {
  std::string deck_path;
  std::vector<std::string> overrides;      // --set table.key=value
  std::optional<std::string> output_dir;   // --output
  std::optional<std::string> device;       // --device auto|cpu|gpu
  bool overwrite = false;                  // --overwrite
  std::optional<std::string> restart;      // --restart latest|PATH
  // Called with a failure while running (not an InputError), after run.json
  // records it but before the solver, its device buffers and its transport
  // are torn down. The CLI ends the whole job here (MPI_Abort): freeing GPU
  // memory or destroying an NCCL communicator waits for the device, which can
  // hang when a peer is stuck in a collective, and an MPI receive may still
  // be pending into a pinned buffer. Tests leave it empty: the error is thrown.
  std::function<void(const std::exception&)> on_failure;
};

// Parses and validates a deck against the driver's tables plus the schema of
// the solver named in [run] solver. Throws InputError listing every problem.
deck::Deck load_deck(const std::string& path, const std::vector<std::string>& overrides);

// The schema a deck for `solver` is validated against (driver + solver).
deck::Schema full_schema(const std::string& solver);

struct RunSummary {
  std::string status;  // "completed" or "interrupted" (signal or wall-time limit)
  std::int64_t steps = 0;
  double time = 0;
  double wall_seconds = 0;
  double figure_of_merit = 0;
  std::string figure_of_merit_unit;
};

// The one line a failure is reported with: a tessera::Error's own
// description (rank, what, call, where), or any other exception's message
// with this rank.
std::string describe_failure(const std::exception& e);

// Runs a deck on every rank of MPI_COMM_WORLD. Throws InputError for deck and
// usage problems (nothing ran) and tessera::Error for failures while running.
RunSummary run(const RunOptions& options);

}  // namespace tessera
