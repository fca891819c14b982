#include "solvers/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/checkpoint.hpp"
#include "io/hdf5_file.hpp"
#include "io/vtkhdf.hpp"
#include "io/xdmf.hpp"
#include "io/diagnostics_csv.hpp"
#include "io/json_writer.hpp"
#include "io/output_dir_check.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/timers.hpp"
#include "solvers/build_description.hpp"
#include "solvers/deck_compare.hpp"
#include "solvers/memory_check.hpp"
#include "solvers/stop_signal.hpp"
#include "solvers/run_schema.hpp"
#include "solvers/solver_registry.hpp"

namespace fs = std::filesystem;

namespace tessera {

deck::Schema full_schema(const std::string& solver) {
  auto& registry = SolverRegistry::instance();
  deck::Schema s = run_schema(registry.names());
  if (const SolverInfo* info = registry.find(solver)) s.merge(info->schema());
  return s;
}

deck::Deck load_deck(const std::string& path, const std::vector<std::string>& overrides) {
  if (!fs::exists(path)) throw InputError("deck '" + path + "' does not exist");
  deck::RawDeck raw = deck::RawDeck::parse_file(path, overrides);
  auto solver = raw.peek_string("run.solver");
  const bool known = solver && SolverRegistry::instance().find(*solver);
  deck::ValidateOptions opt;
  // Without a known solver its tables cannot be judged; the solver problem is
  // the one to report.
  opt.ignore_unknown_tables = !known;
  deck::Deck d = deck::Deck::validate(raw, full_schema(known ? *solver : std::string()), opt);
  if (!known) {
    // Reached only when this build registers no solver at all (no choices).
    throw d.error_at("run.solver", "unknown solver '" + d.string("run.solver") + "' (this build has none)");
  }
  std::vector<std::string> problems;
  const SolverInfo& info = *SolverRegistry::instance().find(*solver);
  for (const auto& f : d.strings("output.fields"))
    if (std::find(info.fields.begin(), info.fields.end(), f) == info.fields.end()) {
      std::string msg = "key 'fields' in [output] at " + d.location("output.fields") + ": " + info.name +
                        " has no field '" + f + "'";
      if (auto near = deck::nearest(f, info.fields)) msg += "; did you mean '" + *near + "'?";
      problems.push_back(msg);
    }
  if (d.strings("output.format").empty())
    problems.push_back("key 'format' in [output] at " + d.location("output.format") +
                       ": name at least one format (\"hdf5\", \"vtkhdf\")");
  if (!d.has("run.steps") && !d.has("run.t_end"))
    problems.push_back("[run] in " + d.source_name() + " needs 'steps' or 't_end' to know when to stop");
  if (!problems.empty()) throw InputError(problems);
  // Before any output exists: a deck the solver would refuse leaves nothing.
  if (info.validate) info.validate(d);
  return d;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Every rank must reach the same verdict before anything is created, or one
// rank would run on while another stops.
void agree_or_throw(bool failed_here, const std::string& message) {
  if (collectives::any(failed_here)) throw InputError(message);
}

Device choose_device(const RunOptions& opt, const deck::Deck& d, int local_rank) {
  std::string choice = d.string("run.device");
  if (const char* env = std::getenv("TESSERA_DEVICE"); env && *env) choice = env;
  if (opt.device) choice = *opt.device;
  DeviceChoice c = parse_device_choice(choice);
  std::string problem;
  Device dev;
  try {
    dev = Device::select(c, local_rank);
  } catch (const Error& e) {
    problem = e.message();
  }
  agree_or_throw(!problem.empty(), problem.empty() ? std::string("device selection failed on another rank") : problem);
  return dev;
}

// Files and folders Tessera writes into an output directory; --overwrite
// removes exactly these, never a user's other files.
void remove_previous_outputs(const fs::path& out) {
  for (const char* name : {"run.json", "diagnostics.csv", "snapshots", "checkpoints"}) fs::remove_all(out / name);
  for (const auto& entry : fs::directory_iterator(out))
    if (entry.path().extension() == ".xmf" || entry.path().string().ends_with(".hdf.series")) fs::remove(entry.path());
}

fs::path prepare_output_dir(const fs::path& out, bool overwrite, bool restart) {
  std::string problem;
  if (collectives::rank() == 0) {
    std::error_code ec;
    // Decided without creating anything: a deck refused here leaves no trace.
    problem = io::output_dir_problem(out);
    if (problem.empty() && restart && overwrite)
      problem = "--restart continues the outputs in '" + out.string() + "'; it cannot be combined with --overwrite";
    else if (problem.empty() && fs::is_directory(out, ec) && !fs::is_empty(out, ec) && !overwrite && !restart)
      problem = "output directory '" + out.string() +
                "' already holds files; pass --overwrite to replace Tessera's outputs there, or choose another "
                "directory with --output DIR (or continue it with --restart latest)";
  }
  agree_or_throw(!problem.empty(), problem.empty() ? "output directory '" + out.string() + "' is not usable" : problem);
  if (collectives::rank() == 0) {
    fs::create_directories(out);
    if (overwrite) remove_previous_outputs(out);
    fs::create_directories(out / "snapshots");
  }
  collectives::barrier();
  return out;
}

struct Progress {
  std::int64_t every_steps = 0;
  double every_seconds = 10;
  std::int64_t max_steps = 0;  // 0: unbounded by steps
  double t_end = 0;            // 0: unbounded by time
  Clock::time_point start = Clock::now(), last = Clock::now();
  std::int64_t last_step = 0;

  bool due(std::int64_t step, bool final) const {
    if (final || step == 1) return true;
    if (every_steps > 0) return step % every_steps == 0;
    return std::chrono::duration<double>(Clock::now() - last).count() >= every_seconds;
  }

  void print(std::int64_t step, double t, double dt) {
    auto now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - start).count();
    double window = std::chrono::duration<double>(now - last).count();
    double rate = window > 0 ? static_cast<double>(step - last_step) / window : 0.0;
    double done = 0;
    if (max_steps > 0) done = static_cast<double>(step) / static_cast<double>(max_steps);
    if (t_end > 0) done = std::max(done, t / t_end);
    double eta = done > 0 ? elapsed * (1 - done) / done : std::numeric_limits<double>::infinity();
    std::string count = max_steps > 0 ? strfmt("%lld/%lld", static_cast<long long>(step), static_cast<long long>(max_steps))
                                      : strfmt("%lld", static_cast<long long>(step));
    logging::info(strfmt("step %s  t = %.6e  dt = %.3e  %.3g steps/s  elapsed %s  ETA %s", count.c_str(), t, dt, rate,
                     format_duration(elapsed).c_str(), format_duration(eta).c_str()));
    last = now;
    last_step = step;
  }
};

struct OutputCadence {
  std::int64_t every_steps = 0;
  double every_time = 0;
  bool initial = true, final = true;
  double next_time = 0;
  int index = 0;
  std::int64_t last_step_written = -1;

  bool enabled() const { return every_steps > 0 || every_time > 0; }
  bool due(std::int64_t step, double t) const {
    if (every_steps > 0 && step % every_steps == 0) return true;
    return every_time > 0 && t >= next_time * (1 - 1e-12);
  }
  void written(std::int64_t step, double t) {
    ++index;
    last_step_written = step;
    if (every_time > 0)
      while (next_time <= t * (1 + 1e-12)) next_time += every_time;
  }
};

// The series of a run, XDMF and VTKHDF: every snapshot's <Grid> and every
// VTKHDF file (with its time) per series, rewritten into
// <output>/<series>.xmf and <output>/<series>.hdf.series after each
// snapshot, and carried in checkpoints so a restarted run extends the same
// series.
struct Series {
  std::map<std::string, std::vector<std::string>> grids;
  std::map<std::string, std::vector<std::pair<std::string, double>>> vtkhdf;

  void add(const fs::path& out, const std::vector<SnapshotOutput>& outputs) {
    std::set<std::string> touched_xdmf, touched_vtkhdf;
    for (const auto& o : outputs) {
      if (!o.xdmf_grid.empty()) {
        grids[o.series].push_back(o.xdmf_grid);
        touched_xdmf.insert(o.series);
      }
      if (!o.vtkhdf.empty()) {
        vtkhdf[o.series].emplace_back(o.vtkhdf, o.time);
        touched_vtkhdf.insert(o.series);
      }
    }
    if (collectives::rank() != 0) return;
    for (const auto& name : touched_xdmf) io::write_xdmf_series(out / (name + ".xmf"), grids[name]);
    for (const auto& name : touched_vtkhdf) io::write_vtkhdf_series(out / (name + ".hdf.series"), vtkhdf[name]);
  }

  static constexpr char kSeparator = '\x1e';  // ASCII record separator
  static constexpr char kTimeSeparator = '\x1f';  // ASCII unit separator
  void save(const h5::Location& root) const {
    std::string names;
    for (const auto& [name, list] : grids) {
      names += (names.empty() ? "" : "\n") + name;
      std::string joined;
      for (const auto& g : list) joined += g + kSeparator;
      root.set_attribute("xdmf_" + name, joined);
    }
    root.set_attribute("xdmf_series", names);
    names.clear();
    for (const auto& [name, list] : vtkhdf) {
      names += (names.empty() ? "" : "\n") + name;
      std::string joined;
      for (const auto& [file, time] : list) joined += file + kTimeSeparator + strfmt("%.17g", time) + kSeparator;
      root.set_attribute("vtkhdf_" + name, joined);
    }
    root.set_attribute("vtkhdf_series", names);
  }
  void load(const h5::Location& root) {
    grids.clear();
    vtkhdf.clear();
    for (const auto& name : lines(root.attribute_string("xdmf_series")))
      for (const auto& g : records(root.attribute_string("xdmf_" + name))) grids[name].push_back(g);
    // Checkpoints from before VTKHDF output have no such series.
    if (!root.has_attribute("vtkhdf_series")) return;
    for (const auto& name : lines(root.attribute_string("vtkhdf_series")))
      for (const auto& r : records(root.attribute_string("vtkhdf_" + name))) {
        const auto cut = r.find(kTimeSeparator);
        vtkhdf[name].emplace_back(r.substr(0, cut), std::stod(r.substr(cut + 1)));
      }
  }

 private:
  static std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, separator))
      if (!item.empty()) out.push_back(item);
    return out;
  }
  static std::vector<std::string> lines(const std::string& text) { return split(text, '\n'); }
  static std::vector<std::string> records(const std::string& text) { return split(text, kSeparator); }
};

struct CheckpointCadence {
  std::int64_t every_steps = 0;
  double every_seconds = 0;
  int keep = 2;
  bool at_end = false;
  Clock::time_point last = Clock::now();

  bool due(std::int64_t step) const {
    if (every_steps > 0 && step % every_steps == 0) return true;
    return every_seconds > 0 && std::chrono::duration<double>(Clock::now() - last).count() >= every_seconds;
  }
};

void write_run_json(const fs::path& out, const std::string& status, const std::string& error, const deck::Deck& d,
                    const std::vector<std::string>& devices, const RunSummary& summary, const Timers& timers,
                    const std::string& restarted_from, bool from_any_rank = false) {
  if (collectives::rank() != 0 && !from_any_rank) return;
  io::JsonWriter w;
  w.begin_object();
  w.key("status").value(status);
  if (!error.empty()) w.key("error").value(error);
  w.key("version").value(version_line());
  w.key("build");
  write_build_json(w);
  w.key("ranks").value(collectives::size());
  w.key("devices").begin_array();
  for (const auto& dv : devices) w.value(dv);
  w.end_array();
  w.key("solver").value(d.string("run.solver"));
  w.key("deck_file").value(d.source_name());
  if (!restarted_from.empty()) w.key("restarted_from").value(restarted_from);
  w.key("deck").raw(d.to_json());
  w.key("steps").value(summary.steps);
  w.key("time").value(summary.time);
  w.key("wall_seconds").value(summary.wall_seconds);
  w.key("regions").begin_object();
  for (const auto& r : timers.regions()) {
    w.key(r.name).begin_object();
    w.key("seconds").value(r.seconds).key("calls").value(r.calls);
    w.end_object();
  }
  w.end_object();
  w.key("figure_of_merit").begin_object();
  w.key("unit").value(summary.figure_of_merit_unit).key("value").value(summary.figure_of_merit);
  w.end_object();
  w.end_object();
  io::write_file_atomically(out / "run.json", w.str() + "\n",
                            from_any_rank ? "rank" + std::to_string(collectives::rank()) : std::string());
}

// The checkpoint a --restart names: "latest" or a path.
fs::path find_restart(const std::string& what, const fs::path& out) {
  if (what != "latest") return fs::path(what);
  auto latest = io::CheckpointReader::latest(out / "checkpoints");
  if (!latest)
    throw InputError("--restart latest: no complete checkpoint in " + (out / "checkpoints").string());
  return *latest;
}

// The checkpoint's deck, validated against today's schema.
deck::Deck checkpointed_deck(const io::CheckpointReader& reader, const deck::Deck& current) {
  deck::RawDeck raw = deck::RawDeck::parse_string(reader.meta().deck_toml, reader.path().string());
  deck::ValidateOptions opt;
  opt.ignore_unknown_tables = true;
  return deck::Deck::validate(raw, current.schema(), opt);
}

}  // namespace

std::string describe_failure(const std::exception& e) {
  const auto* te = dynamic_cast<const Error*>(&e);
  return te ? te->describe() : Error(e.what()).describe();
}

RunSummary run(const RunOptions& opt) {
  const auto wall_start = Clock::now();
  deck::Deck d = load_deck(opt.deck_path, opt.overrides);
  const SolverInfo& info = *SolverRegistry::instance().find(d.string("run.solver"));

  Device dev = choose_device(opt, d, collectives::local_rank());
  // Before the output directory exists or anything is allocated.
  const std::string memory = check_memory(d, dev.backend(), dev.gpu());
  const fs::path out = prepare_output_dir(opt.output_dir ? fs::path(*opt.output_dir) : fs::path(d.string("run.output_dir")),
                                          opt.overwrite, opt.restart.has_value());

  // A restart is checked completely before anything is set up.
  std::unique_ptr<io::CheckpointReader> reader;
  if (opt.restart) {
    reader = std::make_unique<io::CheckpointReader>(find_restart(*opt.restart, out));
    auto diffs = physics_differences(d, checkpointed_deck(*reader, d));
    if (!diffs.empty()) {
      diffs.insert(diffs.begin(), "cannot restart from " + reader->path().string() +
                                      ": the deck's physics differs from the checkpoint's (only [run], [output], "
                                      "[checkpoint] and [parallel] may change)");
      throw InputError(diffs);
    }
  }

  // On every rank: a rank that fails writes run.json itself (rank 0 may be
  // waiting in a collective and never get to).
  std::vector<std::string> devices = collectives::all_gather(dev.describe());
  logging::info(version_line());
  logging::info(strfmt("deck %s: solver %s, %d rank(s), output in %s", d.source_name().c_str(), info.name.c_str(),
                   collectives::size(), out.c_str()));
  if (!memory.empty()) logging::info(memory);
  for (std::size_t r = 0; r < devices.size(); ++r)
    logging::info(devices.size() > 1 ? strfmt("  rank %zu -> %s", r, devices[r].c_str()) : "  device " + devices[r]);

  Timers timers(dev, d.boolean("run.sync_timers"));
  RunContext ctx{dev, &timers, out, collectives::rank(), collectives::size()};
  RunSummary summary;
  std::unique_ptr<Solver> solver = info.create();
  const std::string restarted_from = reader ? reader->path().string() : std::string();
  write_run_json(out, "running", "", d, devices, summary, timers, restarted_from);
  StopSignals signals;

  try {
    {
      auto s = timers.scope("setup");
      solver->setup(d, ctx);
    }
    const FigureOfMerit fom = solver->figure_of_merit();
    const std::int64_t max_steps = d.has("run.steps") ? d.integer("run.steps") : std::numeric_limits<std::int64_t>::max();
    const bool has_t_end = d.has("run.t_end");
    const double t_end = has_t_end ? d.real("run.t_end") : std::numeric_limits<double>::infinity();
    const bool fixed_dt = d.has("run.dt");
    const double deck_dt = fixed_dt ? d.real("run.dt") : 0.0;
    const std::int64_t diag_every = d.integer("run.diagnostics_every");
    const double wall_limit = d.has("run.wall_time_limit") ? d.real("run.wall_time_limit") : 0.0;
    const std::string deck_toml = d.to_toml();

    OutputCadence cadence{d.integer("output.every_steps"), d.real("output.every_time"), d.boolean("output.initial"),
                          d.boolean("output.final")};
    cadence.next_time = cadence.every_time;
    CheckpointCadence checkpoints{d.integer("checkpoint.every_steps"), d.real("checkpoint.every_seconds"),
                                  static_cast<int>(d.integer("checkpoint.keep")), d.boolean("checkpoint.at_end")};
    Series series;
    const std::string snap_name = d.string("output.name");
    const std::vector<std::string> snap_fields = d.strings("output.fields");
    const io::OutputFormats snap_formats = io::OutputFormats::from_names(d.strings("output.format"));
    auto snapshot = [&](std::int64_t step, double t) {
      auto s = timers.scope("output");
      SnapshotRequest req{out, snap_name, cadence.index, step, t, deck_toml, version_line(), snap_fields, snap_formats};
      series.add(out, solver->write_snapshot(req));
      cadence.written(step, t);
    };

    std::int64_t step = 0;
    double t = 0, dt = 0;
    auto checkpoint = [&] {
      auto s = timers.scope("checkpoint");
      io::CheckpointWriter w(out / "checkpoints", step);
      solver->write_checkpoint(w);
      const h5::File& f = w.file();
      f.set_attribute("output_index", static_cast<std::int64_t>(cadence.index));
      f.set_attribute("output_next_time", cadence.next_time);
      f.set_attribute("output_last_step", cadence.last_step_written);
      series.save(f);
      const fs::path written = w.finish({t, step, deck_toml, version_line()});
      collectives::barrier();
      if (collectives::rank() == 0) io::prune_checkpoints(out / "checkpoints", checkpoints.keep);
      checkpoints.last = Clock::now();
      logging::info(strfmt("checkpoint at step %lld: %s", static_cast<long long>(step), written.c_str()));
    };

    std::optional<io::DiagnosticsCsv> csv;  // rank 0; opened at the first row, when the names are known
    auto diagnostics = [&](std::int64_t at_step, double at_t, double at_dt) {
      auto s = timers.scope("diagnostics");
      auto diag = solver->diagnostics();
      std::vector<double> values;
      for (const auto& [name, v] : diag) values.push_back(v);
      if (collectives::rank() == 0) {
        if (!csv) {
          std::vector<std::string> names;
          for (const auto& [name, v] : diag) names.push_back(name);
          csv.emplace(reader ? io::DiagnosticsCsv::resume(out / "diagnostics.csv", names, step)
                             : io::DiagnosticsCsv(out / "diagnostics.csv", names));
        }
        if (!(reader && at_step == reader->meta().step)) csv->row(at_step, at_t, at_dt, values);
      }
    };

    if (reader) {
      auto s = timers.scope("restart");
      solver->read_checkpoint(*reader);
      const h5::File& f = reader->file();
      step = reader->meta().step;
      t = reader->meta().time;
      cadence.index = static_cast<int>(f.attribute_int("output_index"));
      cadence.next_time = f.attribute_double("output_next_time");
      cadence.last_step_written = f.attribute_int("output_last_step");
      series.load(f);
      logging::info(strfmt("restarted from %s at step %lld, t = %.6e", reader->path().c_str(),
                       static_cast<long long>(step), t));
      diagnostics(step, t, 0.0);  // opens (and trims) diagnostics.csv; the row exists already
    } else {
      diagnostics(step, t, 0.0);
      if (cadence.enabled() && cadence.initial) snapshot(step, t);
    }

    Progress progress{d.integer("run.progress_every"), d.real("run.progress_seconds"),
                      d.has("run.steps") ? max_steps : 0, has_t_end ? t_end : 0};
    const auto loop_start = Clock::now();
    progress.start = progress.last = loop_start;
    progress.last_step = step;
    const std::int64_t first_step = step;
    auto finished = [&] { return step >= max_steps || (has_t_end && t_end - t <= 1e-12 * t_end); };
    std::string stop_reason;
    while (!finished()) {
      bool clipped = false;
      {
        auto s = timers.scope("step");
        dt = fixed_dt ? deck_dt : solver->stable_dt();
        if (!std::isfinite(dt) || dt <= 0)
          throw Error(strfmt("time step is %g at step %lld, t = %.6e: the state is no longer valid", dt,
                             static_cast<long long>(step), t));
        if (has_t_end && t + dt * (1 + 1e-10) >= t_end) {
          dt = t_end - t;
          clipped = true;
        }
        solver->advance(dt);
        // Kernels run asynchronously: without this wait a step that never
        // returns to the host (fixed dt) would time its launches, not its work.
        dev.synchronize();
      }
      ++step;
      t = clipped ? t_end : t + dt;
      const bool last = finished();
      if (step % diag_every == 0 || last) diagnostics(step, t, dt);
      if (cadence.due(step, t)) snapshot(step, t);
      if (progress.due(step, last)) progress.print(step, t, dt);
      // Every rank must agree to stop: a signal may reach only some of them.
      const bool out_of_time = wall_limit > 0 && seconds_since(wall_start) >= wall_limit;
      if (collectives::any(StopSignals::requested() || out_of_time)) {
        stop_reason = StopSignals::requested() ? StopSignals::name() : "the wall-time limit";
        if (!last && !(step % diag_every == 0)) diagnostics(step, t, dt);
        break;
      }
      if (!last && checkpoints.due(step)) checkpoint();
    }
    if (!stop_reason.empty()) {
      checkpoint();
      summary.status = "interrupted";
      logging::info(strfmt("stopping at step %lld, t = %.6e, on %s: checkpoint written; continue with --restart latest",
                       static_cast<long long>(step), t, stop_reason.c_str()));
    } else {
      if (cadence.enabled() && cadence.final && cadence.last_step_written != step) snapshot(step, t);
      if (checkpoints.at_end || (checkpoints.every_steps > 0 && step % checkpoints.every_steps == 0 && step > first_step))
        checkpoint();
      summary.status = "completed";
    }
    dev.synchronize();

    summary.steps = step;
    summary.time = t;
    summary.wall_seconds = seconds_since(wall_start);
    const double stepping = collectives::max(timers.seconds("step"));
    summary.figure_of_merit_unit = fom.unit;
    summary.figure_of_merit =
        stepping > 0 ? fom.work_per_step * static_cast<double>(step - first_step) / stepping : 0.0;

    logging::info(strfmt("run %s: %lld steps to t = %.6e in %.3f s wall (%.3f s stepping)", summary.status.c_str(),
                     static_cast<long long>(step), t, summary.wall_seconds, stepping));
    logging::info(timers.report(summary.wall_seconds));
    logging::info(strfmt("figure of merit: %.4e %s (%.4g per step)", summary.figure_of_merit, fom.unit.c_str(),
                     fom.work_per_step));
  } catch (const std::exception& e) {
    summary.wall_seconds = seconds_since(wall_start);
    // run.json records the failure when this rank can write it; the error
    // itself propagates to the CLI, which ends every rank.
    // Deck problems are the same on every rank (rank 0 records them); any
    // other failure may be one rank's alone, so that rank records it.
    const bool input_error = dynamic_cast<const InputError*>(&e) != nullptr;
    try {
      write_run_json(out, "failed", describe_failure(e), d, devices, summary, timers, restarted_from,
                     /*from_any_rank=*/!input_error);
    } catch (...) {
    }
    if (opt.on_failure && !input_error) opt.on_failure(e);
    throw;
  }
  write_run_json(out, summary.status, "", d, devices, summary, timers, restarted_from);
  return summary;
}

}  // namespace tessera
