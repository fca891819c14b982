// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/nbody_solver.hpp"

#include <cmath>
#include <array>
#include <algorithm>
#include <memory>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/hdf5_file.hpp"
#include "io/particle_io.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/reduce.hpp"
#include "solvers/nbody/direct_forces.hpp"
#include "solvers/nbody/force_provider.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/initial_conditions.hpp"
#include "solvers/nbody/nbody_schema.hpp"
#include "solvers/nbody/nbody_memory.hpp"
#include "solvers/nbody/tree_forces.hpp"
#include "solvers/parallel_setup.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::nbody {

namespace {

double lagrangian_fraction(const Device& dev, std::int64_t n, const double* x, const double* y, const double* z,
                           const double* m, const double c[3], double radius) {
  const double c0 = c[0], c1 = c[1], c2 = c[2], r2 = radius * radius;
  return reduce_sum(dev, n, [=] TESSERA_HD(int i) {
    const double dx = x[i] - c0, dy = y[i] - c1, dz = z[i] - c2;
    return dx * dx + dy * dy + dz * dz < r2 ? m[i] : 0.0;
  });
}

// The solver every gravity method shares: bodies, integrators, initial
// conditions, diagnostics, snapshots and checkpoints. Only the force
// provider differs between nbody.direct and nbody.tree.
class NbodySolver final : public Solver {
 public:
  NbodySolver(std::string name, ProviderFactory factory) : name_(std::move(name)), factory_(factory) {}

  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    rank_ = ctx.rank;
    size_ = ctx.size;
    params_.G = d.real("physics.G");
    params_.eps = d.real("physics.epsilon");
    params_.softening = d.string("physics.softening") == "spline" ? gravity::Softening::Spline : gravity::Softening::Plummer;
    params_.precision = d.string("physics.precision") == "single" ? Precision::Single : Precision::Double;
    const std::string type = d.string("problem.type");
    hermite_ = d.string("physics.integrator") == "hermite";
    eta_ = d.real("physics.eta");
    const auto formats = d.strings("output.format");
    gadget_ = std::find(formats.begin(), formats.end(), "gadget4") != formats.end();
    fixed_dt_ = d.has("run.dt");
    validate_deck(d);
    if (name_ == "nbody.tree") validate_tree_deck(d);

    particles_ = std::make_unique<Particles>(dev_);
    vel_ = particles_->add_real_column("velocity", 3);
    mass_ = particles_->add_real_column("mass", 1);
    acc_ = particles_->add_real_column("acceleration", 3);
    pot_ = particles_->add_real_column("potential", 1);
    if (hermite_) jerk_ = particles_->add_real_column("jerk", 3);
    if (name_ == "nbody.tree") cost_ = particles_->add_real_column("tree_cost", 1);
    load_initial_conditions(d);
    zero_costs();
    ProviderContext pc{&d, &ctx, params_, total_, hermite_};
    forces_ = factory_(pc);
    allocate_hermite();
    compute_forces();
    if ((type == "plummer" || type == "file") && d.boolean("problem.virial_equilibrium")) scale_to_virial_equilibrium(d);
  }

  double stable_dt() override {
    const double* ax = particles_->real(acc_, 0);
    const double* ay = particles_->real(acc_, 1);
    const double* az = particles_->real(acc_, 2);
    const double k = eta_ * params_.eps;
    const double local = reduce_min(dev_, particles_->owned(), [=] TESSERA_HD(int i) {
      const double a = sqrt(ax[i] * ax[i] + ay[i] * ay[i] + az[i] * az[i]);
      return a > 0 ? sqrt(k / a) : 1e300;
    });
    return collectives::min(local);
  }

  void advance(double dt) override {
    if (hermite_) hermite_step(dt);
    else leapfrog_step(dt);
  }

  std::vector<Diagnostic> diagnostics() override {
    Particles& p = *particles_;
    const std::int64_t n = p.owned();
    const double *x = p.position(0), *y = p.position(1), *z = p.position(2);
    const double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2), *m = p.real(mass_);
    const std::array<double, 2> energy = local_energies();
    std::vector<double> local = {
        energy[0],
        energy[1],
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * vx[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * vy[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * vz[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * (y[i] * vz[i] - z[i] * vy[i]); }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * (z[i] * vx[i] - x[i] * vz[i]); }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * (x[i] * vy[i] - y[i] * vx[i]); }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * x[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * y[i]; }),
        reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return m[i] * z[i]; })};
    const auto g = collectives::sum(local);
    const double kin = g[0], pot = g[1];
    std::vector<Diagnostic> out = {{"kinetic_energy", kin},
                                   {"potential_energy", pot},
                                   {"total_energy", kin + pot},
                                   {"virial_ratio", pot != 0 ? 2 * kin / std::fabs(pot) : 0.0},
                                   {"momentum_x", g[2]},
                                   {"momentum_y", g[3]},
                                   {"momentum_z", g[4]},
                                   {"angular_momentum_x", g[5]},
                                   {"angular_momentum_y", g[6]},
                                   {"angular_momentum_z", g[7]}};
    // Lagrangian radii about the centre of mass, by bisection on the
    // enclosed mass (one reduction per trial radius; no global sort).
    const double mt = g[8], c[3] = {g[9] / mt, g[10] / mt, g[11] / mt};
    const double c0 = c[0], c1 = c[1], c2 = c[2];
    const double rmax = std::sqrt(collectives::max(reduce_max(dev_, n, [=] TESSERA_HD(int i) {
      return (x[i] - c0) * (x[i] - c0) + (y[i] - c1) * (y[i] - c1) + (z[i] - c2) * (z[i] - c2);
    })));
    for (double q : {0.01, 0.10, 0.25, 0.50, 0.75, 0.90}) {
      double lo = 0, hi = rmax * (1 + 1e-12) + 1e-300;
      for (int it = 0; it < 50; ++it) {
        const double mid = 0.5 * (lo + hi);
        (collectives::sum(lagrangian_fraction(dev_, n, x, y, z, m, c, mid)) < q * mt ? lo : hi) = mid;
      }
      out.push_back({strfmt("lagrangian_radius_%02.0f", q * 100), 0.5 * (lo + hi)});
    }
    return out;
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    const std::string rel = r.relative_path();
    io::XdmfParticleDesc desc;
    if (gadget_) {
      desc = io::write_gadget_snapshot(r.output_dir / rel, rel, r.meta(), *particles_, 0.0);
    } else {
      io::ParticleBox box;
      box.periodic = {false, false, false};
      desc = io::write_particle_snapshot(r.output_dir / rel, rel, r.meta(), *particles_, box, r.fields);
    }
    return {snapshot_output(r.name, desc)};
  }

  void write_checkpoint(io::CheckpointWriter& w) override { io::write_particles(w.state(), *particles_); }

  void read_checkpoint(const io::CheckpointReader& r) override {
    io::read_particles(r.state(), *particles_);
    if (particles_->owned() != share(rank_)) throw Error("checkpoint holds a different number of bodies");
  }

  FigureOfMerit figure_of_merit() const override { return forces_->figure_of_merit(); }

 // Pieces of a step. Public only because nvcc forbids extended (device)
 // lambdas in private member functions.
 public:
  std::int64_t share(int r) const { return total_ * (r + 1) / size_ - total_ * r / size_; }

  void load_initial_conditions(const deck::Deck& d) {
    const std::string type = d.string("problem.type");
    Bodies b;
    if (type == "plummer") {
      b = plummer(d.integer("problem.n"), static_cast<std::uint64_t>(d.integer("problem.seed")), d.real("problem.mass_cut"));
    } else if (type == "plummer_pair") {
      b = plummer_pair(d.integer("problem.n"), static_cast<std::uint64_t>(d.integer("problem.seed")),
                       d.real("problem.mass_cut"), d.real("problem.separation"), d.real("problem.impact_parameter"));
    } else if (type == "hernquist") {
      b = hernquist(d.integer("problem.n"), static_cast<std::uint64_t>(d.integer("problem.seed")),
                    d.real("problem.mass_cut"), d.real("problem.scale_radius"));
    } else if (type == "cold_sphere") {
      b = cold_sphere(d.integer("problem.n"), static_cast<std::uint64_t>(d.integer("problem.seed")),
                      d.real("problem.radius"));
    } else if (type == "kepler") {
      auto m = d.reals("problem.masses");
      b = kepler(m[0], m[1], d.real("problem.semi_major_axis"), d.real("problem.eccentricity"), params_.G);
    } else {
      b = read_bodies(d);
    }
    total_ = static_cast<std::int64_t>(b.size());
    if (total_ < size_) throw InputError(strfmt("%lld bodies cannot be split over %d ranks", static_cast<long long>(total_), size_));
    const std::int64_t first = total_ * rank_ / size_, n = share(rank_);
    auto slice = [&](const std::vector<double>& v) {
      return std::vector<double>(v.begin() + first, v.begin() + first + n);
    };
    Particles& p = *particles_;
    p.resize_owned(n);
    p.position_from_host(0, slice(b.x));
    p.position_from_host(1, slice(b.y));
    p.position_from_host(2, slice(b.z));
    p.real_from_host(vel_, 0, slice(b.vx));
    p.real_from_host(vel_, 1, slice(b.vy));
    p.real_from_host(vel_, 2, slice(b.vz));
    p.real_from_host(mass_, 0, slice(b.m));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = first + i;
    p.id_from_host(ids);
  }

  // Bodies from a Tessera (/particles) or GADGET-4 (/PartType1) snapshot.
  Bodies read_bodies(const deck::Deck& d) {
    const std::string path = d.string("problem.path");
    if (!h5::is_hdf5(path)) throw d.error_at("problem.path", "'" + path + "' is not a readable HDF5 file");
    h5::File f(path, h5::File::Mode::ReadOnly, false);
    const bool gadget = f.exists("PartType1");
    const h5::Location g = f.open_group(gadget ? "PartType1" : "particles");
    auto pos = g.open_dataset(gadget ? "Coordinates" : "position").read_all<double>();
    auto vel = g.open_dataset(gadget ? "Velocities" : "velocity").read_all<double>();
    auto mass = g.open_dataset(gadget ? "Masses" : "mass").read_all<double>();
    Bodies b;
    b.resize(mass.size());
    for (std::size_t i = 0; i < mass.size(); ++i) {
      b.x[i] = pos[3 * i], b.y[i] = pos[3 * i + 1], b.z[i] = pos[3 * i + 2];
      b.vx[i] = vel[3 * i], b.vy[i] = vel[3 * i + 1], b.vz[i] = vel[3 * i + 2];
      b.m[i] = mass[i];
    }
    return b;
  }

  // This rank's kinetic and potential energy (K, W), as the diagnostics report
  // them once summed over ranks.
  std::array<double, 2> local_energies() const {
    const Particles& p = *particles_;
    const std::int64_t n = p.owned();
    const double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2), *m = p.real(mass_), *phi = p.real(pot_);
    return {reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]); }),
            reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return 0.5 * m[i] * phi[i]; })};
  }

  // A finite sample's 2K/|W| differs from 1 by O(1/sqrt N), so the sphere
  // breathes before it settles; scaling every velocity by one factor
  // sqrt(|W| / 2K) (NBODY6's scaling to standard units, here without touching
  // positions) removes that. W comes from the potentials of the force pass
  // just done, K and W from the same rank-local sums + collective as the
  // diagnostics, so step 0 reports 2K/|W| = 1 to round-off at any rank count.
  void scale_to_virial_equilibrium(const deck::Deck& d) {
    Particles& p = *particles_;
    const std::int64_t n = p.owned();
    double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2);
    const std::array<double, 2> energy = local_energies();
    const auto g = collectives::sum(std::vector<double>(energy.begin(), energy.end()));
    const double kin = g[0], pot = g[1];
    if (!(kin > 0) || !(pot < 0))
      throw d.error_at("problem.virial_equilibrium",
                       strfmt("needs moving bodies in a bound system (K = %g, W = %g)", kin, pot));
    const double s = std::sqrt(-pot / (2 * kin));
    logging::info(strfmt("%s: initial 2K/|W| = %.6f; velocities scaled by %.6f to virial equilibrium", name_.c_str(),
                         2 * kin / -pot, s));
    for (double* v : {vx, vy, vz}) for_each(dev_, n, [=] TESSERA_HD(int i) { v[i] *= s; });
    // The Hermite jerk is linear in the relative velocities (acceleration and
    // potential do not depend on them), so scaling it is the recomputation.
    if (hermite_)
      for (int c = 0; c < 3; ++c) {
        double* j = p.real(jerk_, c);
        for_each(dev_, n, [=] TESSERA_HD(int i) { j[i] *= s; });
      }
  }

  // Hermite's predicted positions and velocities, and the a and j before the
  // step that its corrector needs; a rank owns share(rank_) bodies throughout.
  void allocate_hermite() {
    if (hermite_)
      for (auto* set : {&predicted_, &old_})
        for (auto& b : *set) b = Buffer<double>(dev_, static_cast<std::size_t>(share(rank_)));
  }

  // No work measured yet: the first force pass balances ranks by body count.
  void zero_costs() {
    if (cost_ < 0) return;
    double* c = particles_->real(cost_);
    for_each(dev_, particles_->owned(), [=] TESSERA_HD(int i) { c[i] = 0.0; });
  }

  // Forces on the owned bodies at positions (and, for Hermite, velocities)
  // `target` (x, y, z, vx, vy, vz), or at the bodies' own.
  void compute_forces(const double* const* target = nullptr) {
    Particles& p = *particles_;
    BodyColumns b{p.position(0), p.position(1), p.position(2), p.real(mass_),
                  p.real(vel_, 0), p.real(vel_, 1), p.real(vel_, 2), p.owned()};
    if (target) {
      b.x = target[0], b.y = target[1], b.z = target[2];
      b.vx = target[3], b.vy = target[4], b.vz = target[5];
    }
    ForceOutputs out{p.real(acc_, 0), p.real(acc_, 1), p.real(acc_, 2), p.real(pot_)};
    if (hermite_) out.jx = p.real(jerk_, 0), out.jy = p.real(jerk_, 1), out.jz = p.real(jerk_, 2);
    if (cost_ >= 0) out.cost = p.real(cost_);
    forces_->compute(b, out);
  }

  // Kick-drift-kick: symplectic, time-reversible, second order.
  void leapfrog_step(double dt) {
    Particles& p = *particles_;
    kick(0.5 * dt);
    double *x = p.position(0), *y = p.position(1), *z = p.position(2);
    const double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2);
    for_each(dev_, p.owned(), [=] TESSERA_HD(int i) {
      x[i] += dt * vx[i];
      y[i] += dt * vy[i];
      z[i] += dt * vz[i];
    });
    compute_forces();
    kick(0.5 * dt);
  }

  void kick(double h) {
    Particles& p = *particles_;
    double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2);
    const double *ax = p.real(acc_, 0), *ay = p.real(acc_, 1), *az = p.real(acc_, 2);
    for_each(dev_, p.owned(), [=] TESSERA_HD(int i) {
      vx[i] += h * ax[i];
      vy[i] += h * ay[i];
      vz[i] += h * az[i];
    });
  }

  // Hermite predictor-corrector with a global step (Makino & Aarseth 1992).
  void hermite_step(double dt) {
    Particles& p = *particles_;
    const std::int64_t n = p.owned();
    double* x[3] = {p.position(0), p.position(1), p.position(2)};
    double* v[3] = {p.real(vel_, 0), p.real(vel_, 1), p.real(vel_, 2)};
    double* a[3] = {p.real(acc_, 0), p.real(acc_, 1), p.real(acc_, 2)};
    double* j[3] = {p.real(jerk_, 0), p.real(jerk_, 1), p.real(jerk_, 2)};
    // The corrector needs the old a and j: kept in old_ (allocate_hermite).
    for (int c = 0; c < 3; ++c) {
      double *xp = predicted_[c].data(), *vp = predicted_[3 + c].data(), *a0 = old_[c].data(), *j0 = old_[3 + c].data();
      const double *xc = x[c], *vc = v[c], *ac = a[c], *jc = j[c];
      for_each(dev_, n, [=] TESSERA_HD(int i) {
        xp[i] = xc[i] + dt * (vc[i] + dt * (0.5 * ac[i] + dt * jc[i] / 6.0));
        vp[i] = vc[i] + dt * (ac[i] + 0.5 * dt * jc[i]);
        a0[i] = ac[i];
        j0[i] = jc[i];
      });
    }
    const double* target[6] = {predicted_[0].data(), predicted_[1].data(), predicted_[2].data(),
                                predicted_[3].data(), predicted_[4].data(), predicted_[5].data()};
    compute_forces(target);
    for (int c = 0; c < 3; ++c) {
      double *xc = x[c], *vc = v[c];
      const double *a0 = old_[c].data(), *j0 = old_[3 + c].data(), *a1 = a[c], *j1 = j[c];
      for_each(dev_, n, [=] TESSERA_HD(int i) {
        const double v1 = vc[i] + 0.5 * dt * (a0[i] + a1[i]) + dt * dt * (j0[i] - j1[i]) / 12.0;
        xc[i] += 0.5 * dt * (vc[i] + v1) + dt * dt * (a0[i] - a1[i]) / 12.0;
        vc[i] = v1;
      });
    }
  }

 private:
  Device dev_;
  int rank_ = 0, size_ = 1;
  GravityParams params_;
  bool hermite_ = false, gadget_ = false, fixed_dt_ = false;
  double eta_ = 0.02;
  std::unique_ptr<Particles> particles_;
  int vel_ = -1, mass_ = -1, acc_ = -1, pot_ = -1, jerk_ = -1, cost_ = -1;
  std::int64_t total_ = 0;
  std::string name_;
  ProviderFactory factory_;
  std::unique_ptr<ForceProvider> forces_;
  std::array<Buffer<double>, 6> predicted_, old_;
};

}  // namespace

void validate_deck(const deck::Deck& d) {
  if (d.string("physics.integrator") == "hermite" &&
      (d.string("physics.softening") != "plummer" || d.string("physics.precision") != "double"))
    throw d.error_at("physics.integrator", "hermite needs softening = \"plummer\" and precision = \"double\"");
  if (!d.has("run.dt") && d.real("physics.epsilon") == 0)
    throw d.error_at("physics.epsilon", "adaptive steps need epsilon > 0; set [run] dt for unsoftened runs");
  // Both layouts would go to the same snapshots/<name>_NNNNN.h5.
  const auto formats = d.strings("output.format");
  const bool gadget = std::find(formats.begin(), formats.end(), "gadget4") != formats.end();
  const bool tessera = std::find_if(formats.begin(), formats.end(),
                                    [](const std::string& f) { return f == "hdf5" || f == "tessera"; }) != formats.end();
  if (gadget && tessera)
    throw d.error_at("output.format", "\"gadget4\" replaces the Tessera HDF5 layout; list one of them, not both");
}

void validate_tree_deck(const deck::Deck& d) {
  validate_deck(d);
  if (d.string("physics.integrator") != "leapfrog")
    throw d.error_at("physics.integrator", "nbody.tree integrates with leapfrog only (the tree gives no jerk)");
}

void register_direct_solver() {
  SolverRegistry::instance().add_once({"nbody.direct", "direct-summation softened gravity, ring-decomposed (leapfrog or Hermite)",
                nbody_schema, [] { return std::make_unique<NbodySolver>("nbody.direct", make_direct_forces); },
                nbody_fields(), validate_deck, nbody_memory});
}

void register_tree_solver() {
  SolverRegistry::instance().add_once({"nbody.tree",
                "Barnes-Hut octree gravity (quadrupoles, theta or relative opening), walked per group of bodies",
                nbody_tree_schema, [] { return std::make_unique<NbodySolver>("nbody.tree", make_tree_forces); },
                nbody_fields(), validate_tree_deck, nbody_tree_memory});
}

}  // namespace tessera::nbody
