#include "solvers/run_schema.hpp"

namespace tessera {

deck::Schema run_schema(const std::vector<std::string>& solver_names) {
  using deck::ValueType;
  deck::Schema s;
  s.table("run", "what to run, for how long, where");
  s.add("run", "solver", ValueType::String).one_of(solver_names).doc_("solver to run (tessera keys lists them)");
  s.add("run", "steps", ValueType::Int).make_optional().at_least(0).doc_(
      "stop after this many steps (with t_end: whichever comes first)");
  s.add("run", "t_end", ValueType::Float).make_optional().above(0).units("time").doc_(
      "stop at this simulation time; the last step is shortened to land on it");
  s.add("run", "dt", ValueType::Float).make_optional().above(0).units("time").doc_(
      "fixed time step; default: the solver's stable step every step");
  s.add("run", "output_dir", ValueType::String).def("output").doc_(
      "directory for run.json, diagnostics.csv, snapshots (relative to the working directory)");
  s.add("run", "device", ValueType::String).def("auto").one_of({"auto", "cpu", "gpu"}).doc_(
      "backend: auto = GPU when built with CUDA and one is visible (--device and TESSERA_DEVICE override)");
  s.add("run", "diagnostics_every", ValueType::Int).def(1).at_least(1).units("steps").doc_(
      "write a diagnostics.csv row every N steps (and at the last step)");
  s.add("run", "progress_every", ValueType::Int).def(0).at_least(0).units("steps").doc_(
      "progress line every N steps; 0 = by wall time (progress_seconds)");
  s.add("run", "progress_seconds", ValueType::Float).def(10.0).above(0).units("s").doc_(
      "wall-clock interval between progress lines when progress_every = 0");
  s.add("run", "wall_time_limit", ValueType::Float).make_optional().above(0).units("s").doc_(
      "after this much wall time: finish the step, write a checkpoint, exit 0 (as on SIGTERM)");
  s.add("run", "sync_timers", ValueType::Bool).def(false).doc_(
      "synchronise the GPU at region boundaries so each region's time is its own (slightly slower)");

  s.table("output", "snapshot cadence and naming");
  s.add("output", "name", ValueType::String).def("snapshot").doc_("snapshot file prefix: snapshots/<name>_NNNNN");
  s.add("output", "fields", ValueType::StringArray).def(std::vector<std::string>{}).doc_(
      "fields to write (tessera keys SOLVER lists them); empty = all");
  s.add("output", "format", ValueType::StringArray)
      .def(std::vector<std::string>{"hdf5"})
      .or_single()
      .one_of({"hdf5", "vtkhdf"})
      .doc_("snapshot files: \"hdf5\" (snapshots/<name>_NNNNN.h5 with the XDMF series <name>.xmf), \"vtkhdf\" "
            "(VTK's HDF format, snapshots/<name>_NNNNN.hdf with the series <name>.hdf.series that ParaView, "
            "VTK and PyVista open), or a list of both");
  s.add("output", "every_steps", ValueType::Int).def(0).at_least(0).units("steps").doc_(
      "write a snapshot every N steps (0 = off)");
  s.add("output", "every_time", ValueType::Float).def(0.0).at_least(0).units("time").doc_(
      "write a snapshot each time simulation time crosses a multiple of this (0 = off)");
  s.add("output", "initial", ValueType::Bool).def(true).doc_(
      "write a snapshot of the initial state when any cadence is on");
  s.add("output", "final", ValueType::Bool).def(true).doc_("write a snapshot of the final state when any cadence is on");

  s.table("checkpoint", "restart files in <output_dir>/checkpoints");
  s.add("checkpoint", "every_steps", ValueType::Int).def(0).at_least(0).units("steps").doc_(
      "write a checkpoint every N steps (0 = off)");
  s.add("checkpoint", "every_seconds", ValueType::Float).def(0.0).at_least(0).units("s").doc_(
      "write a checkpoint when this much wall time passed since the last (0 = off)");
  s.add("checkpoint", "keep", ValueType::Int).def(2).at_least(1).doc_("how many of the newest checkpoints to keep");
  s.add("checkpoint", "at_end", ValueType::Bool).def(false).doc_(
      "also write one when the run ends, so it can be continued to a later t_end or step count");

  s.table("parallel", "domain decomposition over MPI ranks (one rank per GPU)");
  s.add("parallel", "ranks", ValueType::IntArray).def(std::vector<std::int64_t>{0, 0, 0}).len(3).at_least(0).doc_(
      "process grid [px, py, pz]; 0 = chosen for the least halo surface");
  s.add("parallel", "transport", ValueType::String).def("auto").one_of({"auto", "nccl", "mpi"}).doc_(
      "GPU exchanges: auto = NCCL when every rank has its own GPU, MPI otherwise");
  return s;
}

}  // namespace tessera
