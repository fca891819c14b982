// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/incompressible_solver.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "solvers/cfd/incompressible_boundary.hpp"
#include "solvers/cfd/incompressible_config.hpp"
#include "solvers/cfd/incompressible_kernels.hpp"
#include "solvers/cfd/incompressible_memory.hpp"
#include "solvers/cfd/incompressible_problems.hpp"
#include "solvers/cfd/incompressible_projection.hpp"
#include "solvers/parallel_setup.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::cfd {

namespace {

// Wray's low-storage RK3 (as in CaNS): u <- u + dt (gamma R(u) + zeta R_old),
// then a projection with factor (gamma + zeta) dt.
constexpr double kGamma[3] = {8.0 / 15.0, 5.0 / 12.0, 3.0 / 4.0};
constexpr double kZeta[3] = {0.0, -17.0 / 60.0, -5.0 / 12.0};

class IncompressibleSolver final : public Solver {
 public:
  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    timers_ = ctx.timers;
    cfg_ = IncompConfig::from_deck(d);
    LayoutSpec spec;
    spec.cells = cfg_.cells;
    spec.lower = cfg_.lower;
    spec.upper = cfg_.upper;
    spec.ghosts = 1;
    spec.ranks = process_grid_request(d);
    for (int a = 0; a < 3; ++a) spec.periodic[a] = !cfg_.wall(a, 0);
    layout_ = std::make_unique<CartesianLayout>(CartesianLayout::for_this_process(spec));
    transport_ = transport_from_deck(d, dev_);
    halo_ = std::make_unique<HaloExchange<double>>(*layout_, *transport_, 3, 1);
    box_ = halo_->storage_box();
    io_ = std::make_unique<io::GridIO<double>>(*layout_, box_, dev_);
    projection_ = std::make_unique<Projection>(*layout_, *transport_, cfg_, box_);
    const auto n3 = static_cast<std::size_t>(3 * box_.size()), n1 = static_cast<std::size_t>(box_.size());
    for (auto& b : u_) {
      b = Buffer<double>(dev_, n3);
      fill(b, 0.0);
    }
    rold_ = Buffer<double>(dev_, n3);
    p_ = Buffer<double>(dev_, n1);
    fill(rold_, 0.0);
    fill(p_, 0.0);
    if (cfg_.scalars > 0) {
      scalar_halo_ = std::make_unique<HaloExchange<double>>(*layout_, *transport_, cfg_.scalars, 1);
      const auto ns = static_cast<std::size_t>(cfg_.scalars * box_.size());
      for (auto& b : s_) {
        b = Buffer<double>(dev_, ns);
        fill(b, 0.0);
      }
      sold_ = Buffer<double>(dev_, ns);
      fill(sold_, 0.0);
    }
    set_params();
    if (cfg_.scalars > 0) initialize_scalars(cfg_, *layout_, dev_, params_, sview(cur_));
    initialize_incompressible(d, cfg_, *layout_, dev_, params_, u(cur_), Span3<double>(p_.data(), box_));
    // The sampled field is divergence-free only to truncation error; the
    // initial pressure (where the problem knows it) survives in p_.
    Buffer<double> phi(dev_, n1);
    fill(phi, 0.0);
    refresh(cur_);
    projection_->project(params_, u(cur_), phi.data(), 1.0);
    if (cfg_.fixed_flow_rate) hold_flow_rate(cur_);
    refresh(cur_);
    copy_velocity(cur_, prev_);
  }

  double stable_dt() override {
    if (cfg_.dt > 0) return cfg_.dt;
    ensure_fresh(cur_);
    double rate = collectives::max(max_advective_rate(dev_, params_, cview(cur_)));
    if (!(rate >= 0) || rate == std::numeric_limits<double>::infinity())
      throw Error(strfmt("cfd.incompressible: the velocity is not finite at step %lld (NaN or infinite; the run "
                         "became unstable: lower cfl_number or dt, or refine the grid)",
                         static_cast<long long>(step_)));
    // At rest the walls set the first speed (a lid starting the flow).
    double wall_rate = 0;
    for (int a = 0; a < 3; ++a)
      for (int s = 0; s < 2; ++s)
        for (int c = 0; c < 3; ++c)
          if (cfg_.active(c)) wall_rate = std::max(wall_rate, std::fabs(cfg_.wall_velocity[a][s][c]) * params_.inv_dx[c]);
    rate = std::max(rate, wall_rate);
    double dt = std::numeric_limits<double>::infinity();
    if (rate > 0) dt = cfg_.cfl / rate;
    const double diffusivity = std::max(cfg_.viscosity, cfg_.scalars > 0 ? cfg_.scalar_diffusivity : 0.0);
    if (diffusivity > 0) {
      // RK3's stability reaches 2.51 on the negative real axis; the
      // Laplacian's largest eigenvalue is 4 / dx^2 per axis, 4.619 / dx^2
      // between no-slip walls (whose ghost is quadratic: the first row is
      // (-4, 4/3) / dx^2). 0.8 of that limit.
      double lam = 0;
      for (int a = 0; a < 3; ++a)
        if (cfg_.active(a))
          lam += (cfg_.boundary[a][0] == IncompBoundary::NoSlip || cfg_.boundary[a][1] == IncompBoundary::NoSlip ? 4.62
                                                                                                                : 4.0) *
                 params_.inv_dx2[a];
      dt = std::min(dt, 0.8 * 2.51 / (diffusivity * lam));
    }
    if (!(dt < std::numeric_limits<double>::infinity()))
      throw Error("cfd.incompressible: nothing limits the time step (the fluid is at rest, no wall moves and the "
                  "viscosity is 0); set [physics] dt");
    return dt;
  }

  void advance(double dt) override {
    ++step_;
    // u^n stays in prev_ for the steady residual: the stages run through
    // the two other buffers.
    const int start = cur_, a = prev_, b = scratch_;
    const int in[3] = {start, a, b}, out[3] = {a, b, a};
    // Regions "momentum" and "projection" in the run's timing table (the
    // benchmark's split); the ghost refresh before a projection counts there.
    for (int s = 0; s < 3; ++s) {
      {
        auto scope = timers().scope("momentum");
        if (s == 0)
          ensure_fresh(in[s]);  // stable_dt has usually refreshed u^n
        else
          refresh(in[s]);
        if (cfg_.scalars > 0) {
          refresh_scalars(in[s]);
          scalar_stage(dev_, params_, cview(in[s]), FieldView<const double>(s_[in[s]].data(), box_),
                       FieldView<double>(sold_.data(), box_), sview(out[s]), dt, kGamma[s], kZeta[s]);
        }
        momentum_stage(dev_, params_, cview(in[s]), FieldView<double>(rold_.data(), box_), u(out[s]), dt, kGamma[s],
                       kZeta[s]);
      }
      auto scope = timers().scope("projection");
      refresh(out[s]);
      projection_->project(params_, u(out[s]), p_.data(), (kGamma[s] + kZeta[s]) * dt);
      fresh_ = -1;
      if (cfg_.fixed_flow_rate) hold_flow_rate(out[s]);
    }
    prev_ = start;
    cur_ = a;
    dt_last_ = dt;
  }

  std::vector<Diagnostic> diagnostics() override {
    ensure_fresh(cur_);
    const FieldView<const double> v = cview(cur_);
    const double cells = static_cast<double>(cfg_.cells[0]) * cfg_.cells[1] * cfg_.cells[2];
    auto sums = collectives::sum(std::vector<double>{sum_velocity_squared(dev_, params_, v),
                                                     sum_vorticity_squared(dev_, params_, v),
                                                     sum_wall_shear(dev_, params_, v)});
    const double ke = 0.5 * sums[0] / cells, enstrophy = 0.5 * sums[1] / cells;
    // A fixed dt is never checked by stable_dt: the diagnostics stop a blown-up run.
    if (!(ke < std::numeric_limits<double>::infinity()))
      throw Error(strfmt("cfd.incompressible: the velocity is not finite at step %lld (NaN or infinite kinetic "
                         "energy; the run became unstable: lower dt or cfl_number, or refine the grid)",
                         static_cast<long long>(step_)));
    double hmin = std::numeric_limits<double>::infinity();
    for (int a = 0; a < 3; ++a)
      if (cfg_.active(a)) hmin = std::min(hmin, params_.dx[a]);
    double uref = collectives::max(max_speed(dev_, params_, v));
    for (int a = 0; a < 3; ++a)
      for (int s = 0; s < 2; ++s)
        for (int c = 0; c < 3; ++c) uref = std::max(uref, std::fabs(cfg_.wall_velocity[a][s][c]));
    const double div = collectives::max(max_divergence(dev_, params_, v));
    const double rate = collectives::max(max_advective_rate(dev_, params_, v));
    const double change = collectives::max(max_difference(dev_, params_, v, cview(prev_)));
    std::vector<Diagnostic> out = {{"kinetic_energy", ke},
                                   {"enstrophy", enstrophy},
                                   {"dissipation", 2.0 * cfg_.viscosity * enstrophy},
                                   {"max_divergence", uref > 0 ? div * hmin / uref : 0.0},
                                   {"cfl", dt_last_ * rate},
                                   {"steady_residual", dt_last_ > 0 ? change / dt_last_ : 0.0}};
    if (cfg_.problem == "channel") {
      double faces = 0;
      for (int s = 0; s < 2; ++s)
        if (cfg_.boundary[1][s] == IncompBoundary::NoSlip) faces += static_cast<double>(cfg_.cells[0]) * cfg_.cells[2];
      const double tau = faces > 0 ? sums[2] / faces : 0.0;
      const double h = 0.5 * (cfg_.upper[1] - cfg_.lower[1]);
      out.push_back({"wall_shear", tau});
      out.push_back({"re_tau", cfg_.viscosity > 0 ? std::sqrt(tau) * h / cfg_.viscosity : 0.0});
    }
    if (cfg_.scalars > 0) {
      std::vector<double> local;
      for (int k = 0; k < cfg_.scalars; ++k)
        local.push_back(sum_scalar(dev_, params_, FieldView<const double>(s_[cur_].data(), box_), k));
      const auto total = collectives::sum(local);
      for (int k = 0; k < cfg_.scalars; ++k) out.push_back({strfmt("scalar_%d_mean", k), total[k] / cells});
    }
    return out;
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    ensure_fresh(cur_);
    const FieldView<const double> v = cview(cur_);
    // rold_ is free between steps (stage 1 does not read it): cell-centred
    // velocities go there; vorticity and Q into one more scratch field.
    cell_velocity(dev_, params_, v, FieldView<double>(rold_.data(), box_));
    const bool vort = r.wants("vorticity") && !r.fields.empty(), q = r.wants("q_criterion") && !r.fields.empty();
    if ((vort || q) && out_.size() == 0) {
      out_ = Buffer<double>(dev_, static_cast<std::size_t>(2 * box_.size()));
      fill(out_, 0.0);
    }
    if (vort) cell_vorticity(dev_, params_, v, Span3<double>(out_.data(), box_));
    if (q) cell_q_criterion(dev_, params_, v, Span3<double>(out_.data() + box_.size(), box_));
    std::vector<io::GridField<double>> fields;
    static const char* names[3] = {"velocity_x", "velocity_y", "velocity_z"};
    for (int c = 0; c < 3; ++c)
      if (r.wants(names[c])) fields.push_back({names[c], rold_.data() + c * box_.size()});
    if (r.wants("pressure")) fields.push_back({"pressure", p_.data()});
    if (vort) fields.push_back({"vorticity", out_.data()});
    if (q) fields.push_back({"q_criterion", out_.data() + box_.size()});
    for (int k = 0; k < cfg_.scalars; ++k)
      if (r.wants(strfmt("scalar_%d", k))) fields.push_back({strfmt("scalar_%d", k), s_[cur_].data() + k * box_.size()});
    const std::string rel = r.relative_path();
    return {snapshot_output(r.name, io_->write_snapshot(r.output_dir / rel, rel, r.meta(), fields))};
  }

  void write_checkpoint(io::CheckpointWriter& writer) override {
    const h5::Location s = writer.state();
    static const char* comps[3] = {"x", "y", "z"};
    for (int c = 0; c < 3; ++c) {
      io_->write(s, strfmt("velocity_%s", comps[c]), u_[cur_].data() + c * box_.size());
      io_->write(s, strfmt("previous_velocity_%s", comps[c]), u_[prev_].data() + c * box_.size());
    }
    io_->write(s, "pressure", p_.data());
    for (int k = 0; k < cfg_.scalars; ++k) io_->write(s, strfmt("scalar_%d", k), s_[cur_].data() + k * box_.size());
    s.set_attribute("step", step_);
    s.set_attribute("dt_last", dt_last_);
  }

  void read_checkpoint(const io::CheckpointReader& reader) override {
    const h5::Location s = reader.state();
    static const char* comps[3] = {"x", "y", "z"};
    for (int c = 0; c < 3; ++c) {
      io_->read(s, strfmt("velocity_%s", comps[c]), u_[cur_].data() + c * box_.size());
      io_->read(s, strfmt("previous_velocity_%s", comps[c]), u_[prev_].data() + c * box_.size());
    }
    io_->read(s, "pressure", p_.data());
    for (int k = 0; k < cfg_.scalars; ++k) io_->read(s, strfmt("scalar_%d", k), s_[cur_].data() + k * box_.size());
    step_ = s.attribute_int("step");
    dt_last_ = s.attribute_double("dt_last");
    fresh_ = -1;
  }

  FigureOfMerit figure_of_merit() const override {
    return {"cell-updates/s", static_cast<double>(cfg_.cells[0]) * cfg_.cells[1] * cfg_.cells[2]};
  }

 private:
  // The run's timers, or a private set when there are none (tests).
  Timers& timers() { return timers_ ? *timers_ : own_timers_; }
  FieldView<double> u(int b) { return FieldView<double>(u_[b].data(), box_); }
  FieldView<const double> cview(int b) const { return FieldView<const double>(u_[b].data(), box_); }
  FieldView<double> sview(int b) { return FieldView<double>(s_[b].data(), box_); }

  void set_params() {
    const auto n = layout_->local_cells();
    params_ = IncompParams{};
    for (int a = 0; a < 3; ++a) {
      params_.n[a] = n[a];
      params_.active[a] = cfg_.active(a);
      params_.dx[a] = (cfg_.upper[a] - cfg_.lower[a]) / cfg_.cells[a];
      params_.inv_dx[a] = 1.0 / params_.dx[a];
      params_.inv_dx2[a] = params_.inv_dx[a] * params_.inv_dx[a];
      params_.force[a] = cfg_.pressure_gradient[a];
      for (int s = 0; s < 2; ++s) {
        std::array<int, 3> dir{0, 0, 0};
        dir[a] = s ? 1 : -1;
        const bool physical = cfg_.active(a) && cfg_.wall(a, s) && layout_->neighbour(dir).rank < 0;
        params_.wall[a][s] = physical;
        params_.noslip[a][s] = physical && cfg_.boundary[a][s] == IncompBoundary::NoSlip;
        for (int c = 0; c < 3; ++c) params_.wall_velocity[a][s][c] = cfg_.wall_velocity[a][s][c];
      }
    }
    params_.nu = cfg_.viscosity;
    params_.skew = cfg_.advection == Advection::SkewSymmetric;
    params_.nscalar = cfg_.scalars;
    params_.kappa = cfg_.scalar_diffusivity;
  }

  // Ghosts of velocity buffer b: neighbours and periodic images, then walls.
  void refresh(int b) {
    halo_->exchange(u_[b].data());
    fill_velocity_walls(dev_, params_, box_, u(b));
    fresh_ = b;
  }
  // Refreshing is idempotent: skip it while buffer b is unchanged since.
  void ensure_fresh(int b) {
    if (fresh_ != b) refresh(b);
  }

  void refresh_scalars(int b) {
    scalar_halo_->exchange(s_[b].data());
    fill_scalar_walls(dev_, params_, box_, sview(b), cfg_.scalars);
  }

  void copy_velocity(int from, int to) { u_[to].copy_from(u_[from]); }

  // Shifts u_x so its mean over the domain is the flow rate: uniform along
  // x, so the divergence is unchanged.
  void hold_flow_rate(int b) {
    const double cells = static_cast<double>(cfg_.cells[0]) * cfg_.cells[1] * cfg_.cells[2];
    const double mean = collectives::sum(sum_velocity_x(dev_, params_, cview(b))) / cells;
    shift_velocity_x(dev_, params_, u(b), cfg_.flow_rate - mean);
  }

  Device dev_;
  Timers* timers_ = nullptr;
  Timers own_timers_;
  IncompConfig cfg_;
  IncompParams params_;
  std::unique_ptr<CartesianLayout> layout_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<HaloExchange<double>> halo_;
  std::unique_ptr<io::GridIO<double>> io_;
  std::unique_ptr<Projection> projection_;
  std::unique_ptr<HaloExchange<double>> scalar_halo_;
  Range3 box_;
  Buffer<double> u_[3], rold_, p_, out_;
  Buffer<double> s_[3], sold_;  // passive scalars: rotate with the velocity buffers
  int cur_ = 0, prev_ = 1, scratch_ = 2;
  int fresh_ = -1;  // the velocity buffer whose ghosts are current (-1: none)
  double dt_last_ = 0;
  std::int64_t step_ = 0;
};

}  // namespace

void register_incompressible_solver() {
  SolverRegistry::instance().add_once(
      {"cfd.incompressible",
       "incompressible Navier-Stokes on a staggered grid: central differences, RK3 with an FFT pressure projection "
       "per stage, periodic / no-slip / free-slip faces",
       incompressible_schema, [] { return std::make_unique<IncompressibleSolver>(); }, incompressible_fields(),
       [](const deck::Deck& d) { IncompConfig::from_deck(d); }, incompressible_memory});
}

}  // namespace tessera::cfd
