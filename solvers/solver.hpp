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

#include "io/checkpoint.hpp"
#include "io/deck.hpp"
#include "io/snapshot_meta.hpp"
#include "io/xdmf.hpp"
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
  std::filesystem::path output_dir;  // files go to output_dir / "snapshots"
  std::string name;                  // [output] name: snapshots/<name>_<index>.h5
  int index = 0;                     // 0, 1, 2, ... in output order
  std::int64_t step = 0;
  double time = 0;
  std::string deck_toml;  // the resolved deck, stored in every file
  std::string version;
  std::vector<std::string> fields;  // [output] fields; empty = all
  io::OutputFormats formats{};      // [output] format: which files the writers produce

  // Whether [output] fields asks for `name`.
  bool wants(const std::string& name) const;
  // "snapshots/<name>_<index:05>.h5" (+ a suffix for a second kind of output).
  std::string relative_path(const std::string& suffix = "") const;
  // Carries `formats` to the io/ writers, which pick the files to write.
  io::SnapshotMeta meta() const { return {time, step, deck_toml, version, formats}; }
};

// What one snapshot wrote: the series it belongs to (`<series>.xmf` and
// `<series>.hdf.series` in the output directory), its <Grid> element for the
// XDMF series (empty when no HDF5 file was written) and its VTKHDF file
// (relative to the output directory, empty when none was written).
struct SnapshotOutput {
  std::string series;
  std::string xdmf_grid;
  std::string vtkhdf;
  double time = 0;
};

// The output of a snapshot the io/ writers described: a solver returns
// {snapshot_output(request.name, desc)} and gets both series for free.
SnapshotOutput snapshot_output(const std::string& series, const io::XdmfGridDesc& desc);
SnapshotOutput snapshot_output(const std::string& series, const io::XdmfParticleDesc& desc);

class Solver {
 public:
  virtual ~Solver() = default;
  virtual void setup(const deck::Deck& deck, const RunContext& ctx) = 0;
  // The largest stable step from the current state, the same on every rank.
  virtual double stable_dt() = 0;
  virtual void advance(double dt) = 0;
  // Same names in the same order on every call.
  virtual std::vector<Diagnostic> diagnostics() = 0;
  // Collective. Returns what it wrote, so the driver can extend the series.
  virtual std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& request) = 0;
  virtual FigureOfMerit figure_of_merit() const = 0;

  // Full state into the checkpoint's /state group, and back after setup():
  // what the solver needs to continue bit for bit (fields, particles, RNG
  // state, counters). Reading must accept a file written at another rank count.
  virtual void write_checkpoint(io::CheckpointWriter& writer);
  virtual void read_checkpoint(const io::CheckpointReader& reader);
};

}  // namespace tessera
