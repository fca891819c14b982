// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/euler_solver.hpp"

#include <memory>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/reduce.hpp"
#include "runtime/row_scratch.hpp"
#include "solvers/cfd/euler_config.hpp"
#include "solvers/cfd/euler_kernels.hpp"
#include "solvers/cfd/euler_memory.hpp"
#include "solvers/cfd/euler_problems.hpp"
#include "solvers/parallel_setup.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::cfd {

namespace {

using namespace hydro;

// Runge-Kutta stage weights: U = a U0 + b (U + dt L(U)).
struct Stage {
  double a, b;
};
constexpr Stage kRK2[] = {{0.0, 1.0}, {0.5, 0.5}};
constexpr Stage kRK3[] = {{0.0, 1.0}, {0.75, 0.25}, {1.0 / 3.0, 2.0 / 3.0}};

// Per-cell status bits summed into three counters in one integer.
TESSERA_HD inline std::int64_t encode_status(std::uint8_t s) {
  return static_cast<std::int64_t>(s & kDensityFloor) + (static_cast<std::int64_t>((s & kPressureFloor) >> 1) << 21) +
         (static_cast<std::int64_t>((s & kInvalid) >> 2) << 42);
}

void primitive_to_conserved(const Device& dev, const EulerParams& p, FieldView<const double> w, FieldView<double> u) {
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    double wc[5], uc[5];
    for (int c = 0; c < 5; ++c) wc[c] = w(c, i, j, k);
    IdealGas{p.gamma}.prim_to_cons(wc, uc);
    for (int c = 0; c < 5; ++c) u(c, i, j, k) = uc[c];
    for (int s = 0; s < p.nscalar; ++s) u(5 + s, i, j, k) = wc[IDN] * w(5 + s, i, j, k);
  });
}

double component_sum(const Device& dev, const Range3& own, FieldView<const double> u, int c) {
  return reduce_sum(dev, own, [=] TESSERA_HD(int i, int j, int k) { return u(c, i, j, k); });
}

std::int64_t status_code(const Device& dev, const Range3& own, Span3<const std::uint8_t> st) {
  return reduce_sum(dev, own, [=] TESSERA_HD(int i, int j, int k) { return encode_status(st(i, j, k)); });
}

class EulerSolver final : public Solver {
 public:
  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    output_dir_ = ctx.output_dir;
    cfg_ = EulerConfig::from_deck(d);
    LayoutSpec spec;
    spec.cells = cfg_.cells;
    spec.lower = cfg_.lower;
    spec.upper = cfg_.upper;
    spec.ghosts = cfg_.ghosts();
    spec.ranks = process_grid_request(d);
    for (int a = 0; a < 3; ++a) spec.periodic[a] = cfg_.boundary[a][0] == Boundary::Periodic;
    layout_ = std::make_unique<CartesianLayout>(CartesianLayout::for_this_process(spec));
    transport_ = transport_from_deck(d, dev_);
    halo_ = std::make_unique<HaloExchange<double>>(*layout_, *transport_, cfg_.variables(), spec.ghosts);
    box_ = halo_->storage_box();
    io_ = std::make_unique<io::GridIO<double>>(*layout_, box_, dev_);
    const auto cells = static_cast<std::size_t>(box_.size() * cfg_.variables());
    u_ = Buffer<double>(dev_, cells);
    u0_ = Buffer<double>(dev_, cells);
    w_ = Buffer<double>(dev_, cells);
    status_ = Buffer<std::uint8_t>(dev_, static_cast<std::size_t>(box_.size()));
    fill(u_, 0.0);
    fill(u0_, 0.0);
    fill(w_, 0.0);
    fill(status_, std::uint8_t{0});
    // The fused stage keeps no flux arrays; finite differences always run split.
    fused_ = cfg_.scheme == Scheme::FiniteVolume &&
             (cfg_.kernel == StageKernel::Fused || (cfg_.kernel == StageKernel::Auto && dev_.is_cuda()));
    // The host's finite-volume split stage works row by row (euler_host_stage.cpp),
    // with its fluxes in row buffers; GPUs and finite differences keep flux arrays.
    host_rows_ = !fused_ && !dev_.is_cuda() && cfg_.scheme == Scheme::FiniteVolume;
    logging::info(strfmt("cfd.euler: %s stage kernel", fused_ ? "fused" : host_rows_ ? "split (host rows)" : "split"));
    const auto n = layout_->local_cells();
    for (int a = 0; a < 3; ++a) {
      Range3 faces(n[0], n[1], n[2]);
      faces.hi[a] += 1;
      face_box_[a] = faces;
      if (layout_->active(a) && !fused_ && !host_rows_)
        flux_[a] = Buffer<double>(dev_, static_cast<std::size_t>(faces.size() * cfg_.variables()));
      for (int side = 0; side < 2; ++side) {
        std::array<int, 3> dir{0, 0, 0};
        dir[a] = side ? 1 : -1;
        physical_[a][side] = layout_->active(a) && layout_->neighbour(dir).rank < 0;
      }
    }
    initialize_problem(d, cfg_, *layout_, dev_, w());
    set_params();
    primitive_to_conserved(dev_, params_, FieldView<const double>(w_.data(), box_), u());
  }

  double stable_dt() override {
    const double local = local_stable_dt(dev_, params_, FieldView<const double>(u_.data(), box_), &host_scratch_);
    const double dt = cfg_.cfl * collectives::min(local);
    if (!(dt > 0) || dt - dt != 0.0) {
      // Name the bad cell (and leave a post-mortem snapshot) if there is one.
      refresh();
      check_state();
      throw Error(strfmt("the stable time step is %g at step %lld although every cell is finite",
                         dt, static_cast<long long>(step_)));
    }
    return dt;
  }

  // One step, no host synchronisation: stage 1 writes the second buffer so
  // U^n stays as U0 without a copy; the buffers swap at the end. Invalid
  // states surface in the next stable_dt (a NaN there), floors at the next
  // diagnostics.
  void advance(double dt) override {
    ++step_;
    const bool rk3 = cfg_.integrator == Integrator::RK3;
    const Stage* stages = rk3 ? kRK3 : kRK2;
    const int nstages = rk3 ? 3 : 2;
    const FieldView<const double> u0(u_.data(), box_);
    const FieldView<double> next(u0_.data(), box_);
    const FieldView<const double> w(w_.data(), box_);
    for (int s = 0; s < nstages; ++s) {
      Buffer<double>& in = s == 0 ? u_ : u0_;
      refresh(in);
      if (fused_) {
        fused_stage(dev_, params_, w, u0, FieldView<const double>(in.data(), box_), next, dt, stages[s].a,
                    stages[s].b);
        continue;
      }
      if (host_rows_) {
        host_split_stage(params_, host_scratch_, w, u0, FieldView<const double>(in.data(), box_), next, dt, stages[s].a, stages[s].b);
        continue;
      }
      for (int a = 0; a < 3; ++a)
        if (layout_->active(a)) face_fluxes(dev_, params_, a, w, flux(a));
      runge_kutta_update(dev_, params_, u0, FieldView<const double>(in.data(), box_), next, cflux(0), cflux(1),
                         cflux(2), dt, stages[s].a, stages[s].b);
    }
    std::swap(u_, u0_);
  }

  std::vector<Diagnostic> diagnostics() override {
    count_floors();
    refresh();
    const auto n = layout_->local_cells();
    const Range3 own(n[0], n[1], n[2]);
    const FieldView<const double> u(u_.data(), box_), w(w_.data(), box_);
    double volume = 1;
    for (int a = 0; a < 3; ++a)
      if (layout_->active(a)) volume *= params_.dx[a];
    std::vector<double> local;
    for (int c : {IDN, IM1, IM2, IM3, IEN}) local.push_back(component_sum(dev_, own, u, c));
    local.push_back(reduce_sum(dev_, own, [=] TESSERA_HD(int i, int j, int k) {
      return 0.5 * w(IDN, i, j, k) *
             (w(IVX, i, j, k) * w(IVX, i, j, k) + w(IVY, i, j, k) * w(IVY, i, j, k) + w(IVZ, i, j, k) * w(IVZ, i, j, k));
    }));
    const EulerParams p = params_;
    local.push_back(reduce_sum(dev_, own, [=] TESSERA_HD(int i, int j, int k) {
      // Vorticity by central differences over the active axes.
      auto d = [&](int comp, int axis) {
        if (!p.active[axis]) return 0.0;
        const int e[3] = {axis == 0, axis == 1, axis == 2};
        return (w(comp, i + e[0], j + e[1], k + e[2]) - w(comp, i - e[0], j - e[1], k - e[2])) / (2 * p.dx[axis]);
      };
      const double ox = d(IVZ, 1) - d(IVY, 2), oy = d(IVX, 2) - d(IVZ, 0), oz = d(IVY, 0) - d(IVX, 1);
      return 0.5 * w(IDN, i, j, k) * (ox * ox + oy * oy + oz * oz);
    }));
    auto total = collectives::sum(local);
    return {{"mass", total[0] * volume},
            {"momentum_x", total[1] * volume},
            {"momentum_y", total[2] * volume},
            {"momentum_z", total[3] * volume},
            {"total_energy", total[4] * volume},
            {"kinetic_energy", total[5] * volume},
            {"enstrophy", total[6] * volume},
            {"density_floors", static_cast<double>(density_floors_)},
            {"pressure_floors", static_cast<double>(pressure_floors_)}};
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    return {snapshot_output(r.name, write_fields(r.output_dir / r.relative_path(), r.relative_path(), r.meta(), r))};
  }

  void write_checkpoint(io::CheckpointWriter& writer) override {
    const h5::Location s = writer.state();
    for (int c = 0; c < cfg_.variables(); ++c) io_->write(s, strfmt("conserved_%d", c), u_.data() + c * box_.size());
    s.set_attribute("density_floors", density_floors_);
    s.set_attribute("pressure_floors", pressure_floors_);
    s.set_attribute("step", step_);
  }

  void read_checkpoint(const io::CheckpointReader& reader) override {
    const h5::Location s = reader.state();
    for (int c = 0; c < cfg_.variables(); ++c) io_->read(s, strfmt("conserved_%d", c), u_.data() + c * box_.size());
    density_floors_ = s.attribute_int("density_floors");
    pressure_floors_ = s.attribute_int("pressure_floors");
    step_ = s.attribute_int("step");
  }

  FigureOfMerit figure_of_merit() const override {
    return {"cell-updates/s", static_cast<double>(cfg_.cells[0]) * cfg_.cells[1] * cfg_.cells[2]};
  }

 private:
  FieldView<double> u() { return FieldView<double>(u_.data(), box_); }
  FieldView<double> w() { return FieldView<double>(w_.data(), box_); }
  FieldView<double> flux(int a) { return FieldView<double>(flux_[a].data(), face_box_[a]); }
  FieldView<const double> cflux(int a) { return FieldView<const double>(flux_[a].data(), face_box_[a]); }

  void set_params() {
    const auto n = layout_->local_cells();
    for (int a = 0; a < 3; ++a) {
      params_.n[a] = n[a];
      params_.active[a] = layout_->active(a);
      params_.dx[a] = (cfg_.upper[a] - cfg_.lower[a]) / cfg_.cells[a];
    }
    params_.ghosts = cfg_.ghosts();
    params_.nvar = cfg_.variables();
    params_.nscalar = cfg_.scalars;
    params_.gamma = cfg_.gamma;
    params_.mu = cfg_.viscosity;
    params_.kappa = cfg_.viscosity * cfg_.gamma / ((cfg_.gamma - 1.0) * cfg_.prandtl);
    params_.rho_floor = cfg_.density_floor;
    params_.p_floor = cfg_.pressure_floor;
    params_.recon = cfg_.reconstruction;
    params_.limiter = cfg_.limiter;
    params_.riemann = cfg_.riemann;
    params_.finite_difference = cfg_.scheme == Scheme::FiniteDifference;
  }

  // Ghosts (neighbours, then physical faces) and primitives everywhere.
  void refresh() { refresh(u_); }
  void refresh(Buffer<double>& state) {
    const FieldView<double> s(state.data(), box_);
    halo_->exchange(state.data());
    apply_boundaries(dev_, params_, cfg_, physical_, box_, s);
    compute_primitives(dev_, params_, box_, s, w(), Span3<std::uint8_t>(status_.data(), box_));
  }

  // Adds the cells floored since the last count (each cell counts once per
  // diagnostics interval) and starts a new interval.
  void count_floors() {
    const Span3<const std::uint8_t> st(status_.data(), box_);
    const auto n = layout_->local_cells();
    const std::int64_t code = status_code(dev_, Range3(n[0], n[1], n[2]), st);
    const std::int64_t mask = (std::int64_t{1} << 21) - 1;
    auto counts = collectives::sum(std::vector<double>{double(code & mask), double((code >> 21) & mask)});
    density_floors_ += static_cast<std::int64_t>(counts[0]);
    pressure_floors_ += static_cast<std::int64_t>(counts[1]);
    fill(status_, std::uint8_t{0});
  }

  // A state no floor can fix ends the run after a post-mortem snapshot,
  // naming the cell, step and rank. Called after refresh() flagged cells.
  void check_state() {
    const Span3<const std::uint8_t> st(status_.data(), box_);
    const auto n = layout_->local_cells();
    const std::int64_t code = status_code(dev_, Range3(n[0], n[1], n[2]), st);
    if (collectives::sum(code >> 42) == 0) return;
    std::string where = "another rank";
    if ((code >> 42) > 0) {
      auto host = status_.to_host();
      const Range3 own = layout_->owned();
      for (int k = 0; k < n[2] && where == "another rank"; ++k)
        for (int j = 0; j < n[1] && where == "another rank"; ++j)
          for (int i = 0; i < n[0]; ++i) {
            const std::int64_t at = (i - box_.lo[0]) + box_.extent(0) * ((j - box_.lo[1]) + box_.extent(1) * (k - box_.lo[2]));
            if (host[static_cast<std::size_t>(at)] & kInvalid) {
              where = strfmt("cell (%d, %d, %d)", own.lo[0] + i, own.lo[1] + j, own.lo[2] + k);
              break;
            }
          }
    }
    const std::string rel = strfmt("snapshots/failure_step%06lld.h5", static_cast<long long>(step_));
    SnapshotRequest last;
    write_fields(output_dir_ / rel, rel, {0.0, step_, "", "post-mortem"}, last);
    throw Error(strfmt("invalid state (NaN or infinite conserved variables) at %s in step %lld; post-mortem snapshot %s",
                       where.c_str(), static_cast<long long>(step_), (output_dir_ / rel).c_str()));
  }

  io::XdmfGridDesc write_fields(const std::filesystem::path& path, const std::string& rel, const io::SnapshotMeta& meta,
                                const SnapshotRequest& r) {
    refresh();
    static const char* names[5] = {"density", "velocity_x", "velocity_y", "velocity_z", "pressure"};
    std::vector<io::GridField<double>> fields;
    for (int c = 0; c < cfg_.variables(); ++c) {
      const std::string name = c < 5 ? names[c] : strfmt("scalar_%d", c - 5);
      if (r.wants(name)) fields.push_back({name, w_.data() + c * box_.size()});
    }
    return io_->write_snapshot(path, rel, meta, fields);
  }

  Device dev_;
  std::filesystem::path output_dir_;
  EulerConfig cfg_;
  EulerParams params_;
  std::unique_ptr<CartesianLayout> layout_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<HaloExchange<double>> halo_;
  std::unique_ptr<io::GridIO<double>> io_;
  Range3 box_, face_box_[3];
  bool fused_ = false;
  bool host_rows_ = false;  // host_split_stage instead of flux arrays
  RowScratch host_scratch_;  // the host stage's and stable dt's row buffers, kept from step to step
  Buffer<double> u_, u0_, w_, flux_[3];
  Buffer<std::uint8_t> status_;
  bool physical_[3][2] = {};
  std::int64_t step_ = 0, density_floors_ = 0, pressure_floors_ = 0;
};

}  // namespace

void register_euler_solver() {
  SolverRegistry::instance().add_once({"cfd.euler",
                "compressible Euler / Navier-Stokes, finite volumes (PLM/PPM/WENO5, HLLC/HLLE/Rusanov/Roe, SSP-RK) or "
                "finite-difference WENO5",
                euler_schema, [] { return std::make_unique<EulerSolver>(); }, euler_fields(),
                [](const deck::Deck& d) { EulerConfig::from_deck(d); }, euler_memory});
}

}  // namespace tessera::cfd
