// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/lj_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/particle_exchange.hpp"
#include "decomposition/particle_order.hpp"
#include "decomposition/particles.hpp"
#include "io/h5md.hpp"
#include "io/lammps_data.hpp"
#include "io/particle_io.hpp"
#include "physics/md/units.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/counter_rng.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/reduce.hpp"
#include "solvers/md/atom_sort.hpp"
#include "solvers/md/berendsen_barostat.hpp"
#include "solvers/md/box_fit.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/md/long_range_force.hpp"
#include "solvers/md/md_schema.hpp"
#include "solvers/md/neighbor_list.hpp"
#include "solvers/md/pair_force.hpp"
#include "solvers/md/run_guard.hpp"
#include "solvers/md/thermostats.hpp"
#include "solvers/md/md_memory.hpp"
#include "solvers/parallel_setup.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::md {

namespace {

constexpr double kTwoPi = 6.283185307179586;

void scale_velocities(const Device& dev, Particles& p, int vel, double factor) {
  double *vx = p.real(vel, 0), *vy = p.real(vel, 1), *vz = p.real(vel, 2);
  for_each(dev, p.owned(), [=] TESSERA_HD(int i) {
    vx[i] *= factor;
    vy[i] *= factor;
    vz[i] *= factor;
  });
}

// Sum over owned atoms of m v^2 / 2 (mass x velocity^2; times mvv2e for energy).
double local_kinetic(const Device& dev, const Particles& p, int vel, const std::int64_t* type, const double* type_mass) {
  const double *vx = p.real(vel, 0), *vy = p.real(vel, 1), *vz = p.real(vel, 2);
  return reduce_sum(dev, p.owned(), [=] TESSERA_HD(int i) {
    const double m = type_mass[type[i] - 1];
    return 0.5 * m * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
  });
}

// Total momentum component of the owned atoms.
double local_momentum(const Device& dev, const Particles& p, int vel, int c, const std::int64_t* type,
                      const double* type_mass) {
  const double* v = p.real(vel, c);
  return reduce_sum(dev, p.owned(), [=] TESSERA_HD(int i) { return type_mass[type[i] - 1] * v[i]; });
}

double sum_over(const Device& dev, std::int64_t n, const double* v) {
  return reduce_sum(dev, n, [=] TESSERA_HD(int i) { return v[i]; });
}

class LjSolver final : public Solver {
 public:
  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    timers_ = ctx.timers;
    if (!d.has("run.dt"))
      throw InputError("md.lj integrates with a fixed step: set [run] dt in " + d.source_name() +
                       " (LAMMPS uses 0.005 in lj units, 1 fs in real, 0.001 ps in metal)");
    check_charge_keys(d);
    units_ = unit_system(d.string("physics.units"));
    mass_ = d.real("physics.mass");
    Lattice lat;
    std::string start;     // how the atoms were placed, for the run guard's messages
    bool crowded = false;  // the start puts neighbours well inside the repulsive core
    std::vector<std::int64_t> file_types;
    std::vector<double> file_v[3], charges, file_masses;
    if (d.has("box.data_file")) {
      io::LammpsData data = io::read_lammps_data(d.string("box.data_file"));
      file_masses = data.masses;
      for (int a = 0; a < 3; ++a) lower_[a] = data.lower[a], box_[a] = data.upper[a] - data.lower[a];
      lat.x = data.x, lat.y = data.y, lat.z = data.z;
      file_types.assign(data.type.begin(), data.type.end());
      if (!data.vx.empty()) file_v[0] = data.vx, file_v[1] = data.vy, file_v[2] = data.vz;
      charges = data.q;
      file_types_ = static_cast<int>(data.types);
      molecules_ = data.molecule;  // atom_style full: carried with the atoms for output
      // A Tessera id is the file's id - 1 (io/lammps_data.hpp), whatever
      // order the Atoms section lists them in (write_data's is arbitrary).
      file_ids_.reserve(data.id.size());
      for (std::int64_t id : data.id) file_ids_.push_back(id - 1);
      start = "check the positions in the data file " + d.string("box.data_file");
      crowded = true;  // unknown: name the file in any case
    } else {
      check_lattice_box(d);
      auto cells = d.integers("box.cells");
      const std::string kind = d.string("box.lattice");
      lat = make_lattice_with_constant(kind, deck_lattice_constant(d), {int(cells[0]), int(cells[1]), int(cells[2])});
      box_ = lat.box;
      const double nn = nearest_neighbour_distance_for_constant(kind, lat.cell);
      start = d.has("box.lattice_constant")
                  ? strfmt("the %s lattice with constant %g puts nearest neighbours %.4g apart; use a larger "
                           "[box] lattice_constant",
                           kind.c_str(), lat.cell, nn)
                  : strfmt("the %s lattice at density %g puts nearest neighbours %.4g apart; lower [box] density",
                           kind.c_str(), d.real("box.density"), nn);
      crowded = nn < 0.9 * core_size(d);
    }
    total_ = static_cast<std::int64_t>(lat.x.size());
    h5md_ = d.boolean("output.h5md");
    lattice_types_ = lat.species.empty() || !lattice_is_binary(d.string("box.lattice"))
                         ? static_cast<int>(d.integer("box.types"))
                         : 2;
    binary_lattice_ = !d.has("box.data_file") && lattice_is_binary(d.string("box.lattice"));
    if (binary_lattice_) lattice_species_ = lat.species;
    const int system_types = d.has("box.data_file") ? file_types_ : lattice_types_;
    mixed_ = d.string("physics.precision") == "mixed";
    pair_ = PairForce(d, dev_, units_, system_types);
    ntypes_ = pair_.types();
    rc_ = pair_.range();
    // Masses per type: the data file's Masses, else type_mass, else mass.
    std::vector<double> masses(static_cast<std::size_t>(ntypes_), mass_);
    if (!file_masses.empty() && d.has("physics.type_mass"))
      throw d.error_at("physics.type_mass", "the data file has a Masses section; remove type_mass");
    const std::vector<double> given_masses = !file_masses.empty()        ? file_masses
                                             : d.has("physics.type_mass") ? d.reals("physics.type_mass")
                                                                          : std::vector<double>{};
    if (!given_masses.empty() && static_cast<int>(given_masses.size()) < system_types)
      throw d.error_at("physics.type_mass", strfmt("%zu masses for %d atom types", given_masses.size(), system_types));
    for (std::size_t t = 0; t < given_masses.size() && t < masses.size(); ++t) masses[t] = given_masses[t];
    type_masses_ = masses;
    uniform_mass_ = std::all_of(masses.begin(), masses.end(), [&](double m) { return m == masses.front(); });
    type_mass_ = Buffer<double>(dev_, masses.size());
    type_mass_.copy_from_host(masses);
    well_depth_ = pair_.well_depth();

    // Charges: from the data file, else per type; a charged style or a
    // k-space solver without any is refused.
    const bool kspace = d.string("kspace.style") != "none";
    if (d.has("physics.type_charge")) {
      const std::vector<double> tq = d.reals("physics.type_charge");
      if (static_cast<int>(tq.size()) < system_types)
        throw d.error_at("physics.type_charge",
                         strfmt("%zu charges for %d atom types", tq.size(), system_types));
      type_charges_ = tq;
    }
    charged_ = pair_.charged() || kspace || !charges.empty() || !type_charges_.empty();
    if (charged_) {
      double qmax = 0;
      for (double q : charges) qmax = std::max(qmax, std::fabs(q));
      for (double q : type_charges_) qmax = std::max(qmax, std::fabs(q));
      // Energy scale of the run guard: a pair of the largest charges at the
      // core distance.
      well_depth_ = std::max(well_depth_, units_.qqr2e * qmax * qmax / core_size(d));
    }
    if (pair_.coul_long() && !kspace) pair_.set_g_ewald(d.real("kspace.g_ewald"));
    update_tail_corrections();
    skin_ = d.real("neighbor.skin");
    every_ = d.integer("neighbor.every");
    delay_ = d.integer("neighbor.delay");
    check_ = d.boolean("neighbor.check");
    diagnostics_every_ = d.integer("run.diagnostics_every");
    if (d.has("box.data_file")) {
      const std::string why = box_shortfall(box_, rc_, skin_);
      if (!why.empty()) throw d.error_at("box.data_file", why + "; use a larger box or a shorter cutoff or skin");
    }
    guard_ = RunGuard(well_depth_ > 0 ? well_depth_ : 1.0, d.real("run.dt"), start, crowded);
    const std::string thermostat = d.string("thermostat.type");
    langevin_ = thermostat == "langevin";
    nose_hoover_ = thermostat == "nose_hoover";
    bussi_ = thermostat == "bussi";
    t_target_ = d.real("thermostat.temperature");
    const double tau = d.real("thermostat.damping");
    const auto seed = static_cast<std::uint64_t>(d.integer("thermostat.seed"));
    nose_hoover_chain_ = NoseHooverChain(tau);
    bussi_thermostat_ = BussiThermostat(tau, seed);
    langevin_thermostat_ = LangevinThermostat(tau, seed);
    barostat_ = BerendsenBarostat::from_deck(d);

    // Split the box into cells at least one list range wide: each rank's
    // ghosts then come from its face neighbours in one hop.
    LayoutSpec spec;
    for (int a = 0; a < 3; ++a) {
      spec.cells[a] = std::max(1, static_cast<int>(std::floor(box_[a] / (rc_ + skin_))));
      spec.periodic[a] = true;
      spec.lower[a] = lower_[a];
      spec.upper[a] = lower_[a] + box_[a];
    }
    spec.ghosts = 1;
    spec.ranks = process_grid_request(d);
    try {
      layout_ = std::make_unique<CartesianLayout>(CartesianLayout::for_this_process(spec));
    } catch (const InputError& e) {
      // The layout speaks of cells; here a cell is the smallest rank box.
      const std::string why = e.problems().empty() ? e.what() : e.problems().front();
      if (why.rfind("cannot split", 0) != 0) throw;
      throw InputError(strfmt("md.lj: each rank's box must be at least cutoff + skin = %.6g along every axis; the box "
                              "%.6g x %.6g x %.6g holds at most %d x %d x %d of them (so at most %d rank(s)), and this job has %d "
                              "ranks: run on fewer ranks or use a larger system (%s)",
                              rc_ + skin_, box_[0], box_[1], box_[2], spec.cells[0], spec.cells[1], spec.cells[2],
                              spec.cells[0] * spec.cells[1] * spec.cells[2], collectives::size(), why.c_str()));
    }
    transport_ = transport_from_deck(d, dev_);
    exchange_ = std::make_unique<ParticleExchange>(*layout_, *transport_);
    particles_ = std::make_unique<Particles>(dev_);
    vel_ = particles_->add_real_column("velocity", 3);
    force_ = particles_->add_real_column("force", 3);
    type_ = particles_->add_int_column("type", 1);
    if (charged_) charge_ = particles_->add_real_column("charge", 1);
    if (!molecules_.empty()) molecule_ = particles_->add_int_column("molecule", 1);
    list_ = std::make_unique<NeighborList>(dev_);
    atom_sort_ = std::make_unique<AtomSort>(dev_);
    place_atoms(lat, d.real("problem.temperature"), static_cast<std::uint64_t>(d.integer("problem.seed")), file_types,
                file_v, charges);
    rebuild();
    if (kspace) {
      long_range_ = std::make_unique<LongRangeForce>(long_range_spec(d, pair_.coulomb_cutoff(), units_.qqr2e),
                                                     *transport_, dev_);
      long_range_->set_timers(timers_);
      long_range_->setup(*layout_, *particles_, charge_, total_);
      pair_.set_g_ewald(long_range_->g_ewald());
      logging::info("md: " + long_range_->describe());
    }
    compute_forces(0.0);
  }

  double stable_dt() override { throw Error("md.lj has no adaptive step; [run] dt is required"); }

  void advance(double dt) override {
    ++step_;
    if (nose_hoover_) nose_hoover_half_step(dt);
    kick_drift(0.5 * dt, dt);
    Particles& p = *particles_;
    if (list_update_due())
      rebuild();
    else
      exchange_->update_ghosts(p);
    compute_forces(dt);
    kick(0.5 * dt);
    if (nose_hoover_) nose_hoover_half_step(dt);
    if (bussi_) bussi_rescale(dt);
    // As LAMMPS fix press/berendsen (end of step): from this step's virial
    // and final velocities; the forces stay those of the undilated positions.
    if (barostat_.due(step_)) dilate_box(barostat_.dilation(pressure(), static_cast<double>(barostat_.every) * dt));
  }

  std::vector<Diagnostic> diagnostics() override {
    ensure_pair_energies();
    Particles& p = *particles_;
    const std::int64_t n = p.owned();
    const std::int64_t* type = p.integer(type_);
    const double* tm = type_mass_.data();
    std::vector<double> local = {local_kinetic(dev_, p, vel_, type, tm), sum_over(dev_, n, energy_.data()),
                                 sum_over(dev_, n, virial_.data()), local_momentum(dev_, p, vel_, 0, type, tm),
                                 local_momentum(dev_, p, vel_, 1, type, tm), local_momentum(dev_, p, vel_, 2, type, tm)};
    if (charged_) local.push_back(sum_over(dev_, n, ecoul_.data()));
    const auto g = collectives::sum(local);
    const double atoms = static_cast<double>(total_), volume = box_[0] * box_[1] * box_[2];  // orthogonal box
    const double dof = 3.0 * atoms - 3.0;
    const double ke = units_.mvv2e * g[0], e_vdw = g[1], e_coul = charged_ ? g[6] : 0.0;
    double e_long = 0, virial = g[2];
    if (long_range_) {
      const LongRangeTerms& t = long_range_->terms_at(p, charge_, step_);
      e_long = t.energy;
      virial += t.virial[0] + t.virial[1] + t.virial[2];
    }
    const double pe = charged_ ? e_vdw + e_coul + e_long : e_vdw;
    const double temperature = 2.0 * ke / (dof * units_.boltz);
    // LAMMPS: P = (dof k T + sum r.f) / (3 V), T from the same 3N - 3 count.
    const double pressure =
        ((dof * (units_.boltz * temperature) + virial) / (3.0 * volume) + tail_pressure_) * units_.nktv2p;
    const double pe_atom = pe / atoms + tail_energy_, ke_atom = ke / atoms;
    guard_.check_energy(step_, pe_atom, units_.boltz * temperature);
    std::vector<Diagnostic> out = {{"temperature", temperature},
                                   {"pressure", pressure},
                                   {"pe_per_atom", pe_atom},
                                   {"ke_per_atom", ke_atom},
                                   {"etotal_per_atom", pe_atom + ke_atom},
                                   {"volume", volume},
                                   {"density", units_.mv2d * total_mass_ / volume},  // LAMMPS's thermo density
                                   {"momentum_x", g[3]},
                                   {"momentum_y", g[4]},
                                   {"momentum_z", g[5]},
                                   {"conserved_per_atom", pe_atom + ke_atom + thermostat_energy() / atoms},
                                   {"neighbor_builds", static_cast<double>(neighbor_builds())},
                                   {"dangerous_builds", static_cast<double>(guard_.dangerous_builds())}};
    // LAMMPS's thermo energies: per atom in lj units, totals otherwise
    // (thermo_modify norm's default).
    const double norm = units_.normalise ? 1.0 / atoms : 1.0;
    if (charged_) {
      out.push_back({"evdwl", (e_vdw + tail_energy_ * atoms) * norm});
      out.push_back({"ecoul", e_coul * norm});
      out.push_back({"elong", e_long * norm});
    }
    if (!units_.normalise) {
      out.push_back({"pe", pe_atom * atoms});
      out.push_back({"ke", ke});
      out.push_back({"etotal", (pe_atom + ke_atom) * atoms});
    }
    return out;
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    io::ParticleBox box;
    for (int a = 0; a < 3; ++a) box.lower[a] = lower_[a], box.upper[a] = lower_[a] + box_[a];
    const std::string rel = r.relative_path();
    auto desc = io::write_particle_snapshot(r.output_dir / rel, rel, r.meta(), *particles_, box, r.fields);
    if (h5md_) {
      if (!trajectory_) {
        // A restarted run starts a new file: H5MD frames cannot be appended
        // to an earlier run's file.
        const std::string name = r.step == 0 ? "trajectory.h5md" : strfmt("trajectory_from_%lld.h5md", (long long)r.step);
        trajectory_ = std::make_unique<io::H5mdWriter>(r.output_dir / name, box, total_, "Tessera md.lj");
      }
      trajectory_->append(r.step, r.time, *particles_, vel_);
    }
    return {snapshot_output(r.name, desc)};
  }

  void write_checkpoint(io::CheckpointWriter& w) override {
    const h5::Location s = w.state();
    io::write_particles(s, *particles_);
    s.set_attribute("md_step", step_);
    const std::array<double, 6> chain = nose_hoover_chain_.state();
    s.set_attribute("thermostat", std::vector<double>{bussi_thermostat_.state(), chain[0], chain[1], chain[2], chain[3],
                                                      chain[4], chain[5]});
    s.set_attribute("box_lower", std::vector<double>(lower_.begin(), lower_.end()));
    s.set_attribute("box_length", std::vector<double>(box_.begin(), box_.end()));
    s.set_attribute("neighbor_builds", neighbor_builds());
    s.set_attribute("dangerous_builds", guard_.dangerous_builds());
    // A restart rebuilds order, ghosts and lists from this state; doing the
    // same here lets the restarted run continue bit for bit (at the same rank
    // count). The forces, saved above, stay as they are in both runs.
    canonical_rebuild();
  }

  void read_checkpoint(const io::CheckpointReader& r) override {
    io::read_particles(r.state(), *particles_);
    step_ = r.state().attribute_int("md_step");
    const auto t = r.state().attribute_doubles("thermostat");
    bussi_thermostat_.restore(t[0]);
    nose_hoover_chain_.restore({t[1], t[2], t[3], t[4], t[5], t[6]});
    const h5::Location s = r.state();
    if (s.has_attribute("box_length")) {
      const auto lo = s.attribute_doubles("box_lower"), len = s.attribute_doubles("box_length");
      set_box({lo[0], lo[1], lo[2]}, {len[0], len[1], len[2]});
    }
    canonical_rebuild();
    // The saved forces are the ones the next half kick uses (with their
    // Langevin part, which a recomputation would lack); the pair pass below
    // only refills the per-atom energies and virials for diagnostics.
    Particles& p = *particles_;
    std::vector<double> saved[3];
    for (int c = 0; c < 3; ++c) {
      saved[c] = p.real_to_host(force_, c);
      saved[c].resize(static_cast<std::size_t>(p.owned()));
    }
    compute_forces(0.0);
    for (int c = 0; c < 3; ++c) p.real_from_host(force_, c, saved[c]);
    if (s.has_attribute("neighbor_builds"))
      builds_offset_ = s.attribute_int("neighbor_builds") + 1 - list_->builds();
    if (s.has_attribute("dangerous_builds")) guard_.restore_dangerous_builds(s.attribute_int("dangerous_builds"));
  }

  FigureOfMerit figure_of_merit() const override { return {"atom-steps/s", static_cast<double>(total_)}; }

 // Pieces of a step. Public only because nvcc forbids extended (device)
 // lambdas in private member functions.
 public:
  double mass_of(std::int64_t type) const { return type_masses_[static_cast<std::size_t>(type - 1)]; }

  // The kinetic energy of all atoms in energy units.
  double kinetic_energy() {
    return units_.mvv2e * collectives::sum(local_kinetic(dev_, *particles_, vel_, particles_->integer(type_), type_mass_.data()));
  }

  // Every rank builds the same lattice and velocities (fixed order, exact
  // momentum removal and rescaling), keeps a contiguous slice of ids, and
  // migration hands each atom to the rank owning its position.
  void place_atoms(const Lattice& lat, double temperature, std::uint64_t seed, const std::vector<std::int64_t>& file_types,
                   const std::vector<double> (&file_v)[3], const std::vector<double>& charges) {
    const std::size_t n = lat.x.size();
    std::vector<std::int64_t> types_all(n);
    total_mass_ = 0;
    for (std::size_t i = 0; i < n; ++i) {
      types_all[i] = !file_types.empty() ? file_types[i]
                     : binary_lattice_   ? lattice_species_[i]
                                         : 1 + static_cast<std::int64_t>(i) % lattice_types_;
      total_mass_ += mass_of(types_all[i]);
    }
    std::vector<double> v[3] = {std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
    double scale = 1.0;
    if (!file_v[0].empty()) {
      for (int c = 0; c < 3; ++c) v[c] = file_v[c];  // a LAMMPS state continues as it was
    } else {
      const CounterRng rng{seed};
      double mom[3] = {0, 0, 0};
      for (std::size_t i = 0; i < n; ++i)
        for (int c = 0; c < 3; ++c) {
          const double u1 = 1.0 - rng.uniform(i, 2 * c), u2 = rng.uniform(i, 2 * c + 1);
          v[c][i] = std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
          mom[c] += uniform_mass_ ? v[c][i] : mass_of(types_all[i]) * v[c][i];
        }
      // Zero total momentum: subtract the centre-of-mass velocity.
      const double divisor = uniform_mass_ ? static_cast<double>(n) : total_mass_;
      double ke2 = 0;
      for (int c = 0; c < 3; ++c)
        for (std::size_t i = 0; i < n; ++i) {
          v[c][i] -= mom[c] / divisor;
          ke2 += mass_of(types_all[i]) * v[c][i] * v[c][i];
        }
      const double dof = 3.0 * static_cast<double>(n) - 3.0;
      // k_B T and m v^2 in energy units (both factors are 1 in lj units).
      scale = ke2 > 0 ? std::sqrt((units_.boltz * temperature) * dof / (units_.mvv2e * ke2)) : 0.0;
    }
    const std::int64_t r = collectives::rank(), size = collectives::size();
    const std::int64_t first = total_ * r / size, count = total_ * (r + 1) / size - first;
    auto slice = [&](const std::vector<double>& a, double s) {
      std::vector<double> out(static_cast<std::size_t>(count));
      for (std::int64_t i = 0; i < count; ++i) out[static_cast<std::size_t>(i)] = s * a[static_cast<std::size_t>(first + i)];
      return out;
    };
    Particles& p = *particles_;
    p.resize_owned(count);
    p.position_from_host(0, slice(lat.x, 1.0));
    p.position_from_host(1, slice(lat.y, 1.0));
    p.position_from_host(2, slice(lat.z, 1.0));
    for (int c = 0; c < 3; ++c) p.real_from_host(vel_, c, slice(v[c], scale));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(count)), types(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) {
      ids[static_cast<std::size_t>(i)] = file_ids_.empty() ? first + i : file_ids_[static_cast<std::size_t>(first + i)];
      types[static_cast<std::size_t>(i)] = types_all[static_cast<std::size_t>(first + i)];
    }
    p.id_from_host(ids);
    p.integer_from_host(type_, 0, types);
    if (molecule_ >= 0) {
      std::vector<std::int64_t> mol(static_cast<std::size_t>(count));
      for (std::int64_t i = 0; i < count; ++i)
        mol[static_cast<std::size_t>(i)] = molecules_[static_cast<std::size_t>(first + i)];
      p.integer_from_host(molecule_, 0, mol);
      molecules_.clear();
      molecules_.shrink_to_fit();
    }
    if (charged_) {
      std::vector<double> q(static_cast<std::size_t>(count), 0.0);
      for (std::int64_t i = 0; i < count; ++i) {
        const auto k = static_cast<std::size_t>(first + i);
        q[static_cast<std::size_t>(i)] = !charges.empty()         ? charges[k]
                                         : !type_charges_.empty() ? type_charges_[types[static_cast<std::size_t>(i)] - 1]
                                                                  : 0.0;
      }
      p.real_from_host(charge_, 0, q);
    }
  }

  // The smallest repulsive core of the pair table: sigma (the smallest type
  // sigma), or Morse's r0.
  static double core_size(const deck::Deck& d) {
    if (d.string("physics.potential") == "morse") return d.real("physics.morse_r0");
    if (d.string("physics.potential").rfind("lj", 0) != 0 && d.string("physics.potential") != "wca") {
      // Buckingham and bare Coulomb: no sigma; a tenth of the cutoff.
      return 0.1 * d.real("physics.cutoff");
    }
    if (!d.has("physics.type_sigma")) return d.real("physics.sigma");
    const std::vector<double> s = d.reals("physics.type_sigma");
    return *std::min_element(s.begin(), s.end());
  }

  double degrees_of_freedom() const { return 3.0 * static_cast<double>(total_) - 3.0; }

  void nose_hoover_half_step(double dt) {
    const double scale =
        nose_hoover_chain_.half_step(2.0 * kinetic_energy(), degrees_of_freedom(), units_.boltz * t_target_, dt);
    scale_velocities(dev_, *particles_, vel_, scale);
  }

  void bussi_rescale(double dt) {
    const double alpha =
        bussi_thermostat_.rescale(kinetic_energy(), degrees_of_freedom(), units_.boltz * t_target_, dt, step_);
    scale_velocities(dev_, *particles_, vel_, alpha);
  }

  // Energy the thermostat has taken out of the system (so that the sum with
  // the total energy is conserved).
  double thermostat_energy() const {
    if (nose_hoover_) return nose_hoover_chain_.energy(degrees_of_freedom(), units_.boltz * t_target_);
    return bussi_thermostat_.energy();
  }

  // Long-range corrections at the current density (they follow the volume).
  void update_tail_corrections() {
    const double rho = static_cast<double>(total_) / (box_[0] * box_[1] * box_[2]);
    tail_energy_ = pair_.tail_energy_per_atom(rho);
    tail_pressure_ = pair_.tail_pressure(rho);
  }

  // The instantaneous pressure as the thermo prints it (LAMMPS compute
  // pressure): (2 KE + sum r.f) / (3 V) + tail.
  double pressure() {
    ensure_pair_energies();
    Particles& p = *particles_;
    const std::int64_t n = p.owned();
    const auto g = collectives::sum(std::vector<double>{
        local_kinetic(dev_, p, vel_, p.integer(type_), type_mass_.data()), sum_over(dev_, n, virial_.data())});
    double virial = g[1];
    if (long_range_) {
      const LongRangeTerms& t = long_range_->terms_at(p, charge_, step_);
      virial += t.virial[0] + t.virial[1] + t.virial[2];
    }
    return ((2.0 * (units_.mvv2e * g[0]) + virial) / (3.0 * box_[0] * box_[1] * box_[2]) + tail_pressure_) *
           units_.nktv2p;
  }

  // Dilates the box, every position (owned and ghost) and the list's
  // reference positions about the box centre by mu. Owned atoms stay owned
  // (the rank boxes dilate with them, to round-off, which the next migration
  // settles); the ghosts keep their routes with shifts of the new lengths.
  void dilate_box(double mu) {
    Particles& p = *particles_;
    std::array<double, 3> lower, length;
    for (int a = 0; a < 3; ++a) {
      const double c = lower_[a] + 0.5 * box_[a];
      length[a] = mu * box_[a];
      lower[a] = c - 0.5 * length[a];
      double* x = p.position(a);
      double* ref = reference_[a].data();
      const std::int64_t owned = p.owned();
      for_each(dev_, p.total(), [=] TESSERA_HD(int i) {
        x[i] = c + mu * (x[i] - c);
        if (i < owned) ref[i] = c + mu * (ref[i] - c);
      });
    }
    list_scale_ *= mu;
    set_box(lower, length);
  }

  // A new box (same process grid and cells): the layout, the exchange's view
  // of it and the density-dependent corrections follow. Refuses a box whose
  // rank boxes got narrower than the ghost shell.
  void set_box(const std::array<double, 3>& lower, const std::array<double, 3>& length) {
    lower_ = lower, box_ = length;
    LayoutSpec spec = layout_->spec();
    for (int a = 0; a < 3; ++a) spec.lower[a] = lower_[a], spec.upper[a] = lower_[a] + box_[a];
    spec.ranks = layout_->process_grid();
    *layout_ = CartesianLayout(spec, layout_->size(), layout_->rank());  // a value: no allocation in the step
    exchange_->set_box(*layout_);
    update_tail_corrections();
    if (long_range_) {
      long_range_->set_box(*layout_);
      pair_.set_g_ewald(long_range_->g_ewald());
    }
    const std::array<double, 3> narrowest = exchange_->smallest_rank_box();
    const char* axis[3] = {"x", "y", "z"};
    for (int a = 0; a < 3; ++a) {
      if (narrowest[a] >= rc_ + skin_) continue;
      if (layout_->process_grid()[a] == 1)
        throw Error(strfmt("md.lj: the barostat shrank the box to density %.6g: %s; with one rank along %s no "
                           "decomposition can help: use a larger system or start nearer the target density",
                           static_cast<double>(total_) / (box_[0] * box_[1] * box_[2]),
                           box_shortfall(box_, rc_, skin_).c_str(), axis[a]));
      throw Error(strfmt("md.lj: the box is now %.6g x %.6g x %.6g (density %.6g); along %s the narrowest rank box "
                           "(%.6g, %d rank(s) along %s) is below cutoff + skin = %.6g, the ghost shell that must come "
                           "from one neighbour: run on fewer ranks along %s, use a larger system, or start nearer the "
                           "target density",
                           box_[0], box_[1], box_[2], static_cast<double>(total_) / (box_[0] * box_[1] * box_[2]),
                           axis[a], narrowest[a], layout_->process_grid()[a], axis[a], rc_ + skin_, axis[a]));
    }
  }

  // Migration, then id order, then ghosts and lists: the state a restart
  // reaches from the checkpoint, whatever order it reads the atoms in.
  void canonical_rebuild() {
    exchange_->migrate(*particles_);
    sort_owned_by_id(*particles_);
    rebuild();
  }

  // A dilation shrinks unlisted separations: once they may have fallen
  // below the cutoff without any atom moving, the list is wrong whatever
  // `every` and `delay` say.
  bool list_outdated_by_box() const { return list_scale_ * (rc_ + skin_) <= rc_; }

  std::int64_t neighbor_builds() const { return builds_offset_ + list_->builds(); }

  // Migration, owned atoms re-sorted along the list's bins (atom_sort.hpp),
  // ghosts within cutoff + skin, a new list, new reference positions.
  void rebuild() {
    Particles& p = *particles_;
    exchange_->migrate(p);
    std::array<double, 3> lo, hi;
    for (int a = 0; a < 3; ++a) lo[a] = layout_->owned_lower(a), hi[a] = layout_->owned_upper(a);
    atom_sort_->sort(p, bin_grid(lo, hi, rc_ + skin_));
    exchange_->build_ghosts(p, rc_ + skin_);
    list_->build(p, lo, hi, rc_ + skin_);
    const auto n = static_cast<std::size_t>(p.owned());
    if (energy_.size() < n || energy_.size() > 2 * n + 64) {
      const std::size_t cap = n + n / 4 + 16;
      energy_ = Buffer<double>(dev_, cap);
      virial_ = Buffer<double>(dev_, cap);
      if (charged_) ecoul_ = Buffer<double>(dev_, cap);
      for (auto& b : reference_) b = Buffer<double>(dev_, cap);
    }
    for (int a = 0; a < 3; ++a) {
      const double* x = p.position(a);
      double* ref = reference_[a].data();
      for_each(dev_, p.owned(), [=] TESSERA_HD(int i) { ref[i] = x[i]; });
    }
    last_build_ = step_;
    list_scale_ = 1.0;
    list_checked_ = false;
    energy_step_ = -1;  // the per-atom energies are in the old order
  }

  // The largest displacement squared of any atom since the last build, over
  // all ranks; +inf when some position is no longer finite.
  double largest_displacement2() {
    Particles& p = *particles_;
    const double *x = p.position(0), *y = p.position(1), *z = p.position(2);
    const double *rx = reference_[0].data(), *ry = reference_[1].data(), *rz = reference_[2].data();
    const double far = reduce_max(dev_, p.owned(), [=] TESSERA_HD(int i) {
      const double dx = x[i] - rx[i], dy = y[i] - ry[i], dz = z[i] - rz[i];
      const double d2 = dx * dx + dy * dy + dz * dz;
      // NaN and infinities fail d2 - d2 == 0 (std::isfinite is no device function).
      return d2 - d2 == 0 ? d2 : std::numeric_limits<double>::infinity();
    });
    return collectives::max(far);
  }

  // How far each atom may move before the list may miss a pair. Unlisted
  // pairs were >= rc + skin apart at the build, >= s (rc + skin) after
  // dilations by s in all: each atom may move half of what is left.
  double list_margin() const {
    return list_scale_ < 1.0 ? 0.5 * (list_scale_ * (rc_ + skin_) - rc_) : 0.5 * skin_;
  }

  // Whether this step rebuilds the list: the box shrank past the skin, or
  // `every`/`delay` allow a rebuild and either `check` is off or some atom
  // moved more than half the skin (LAMMPS neigh_modify). Where a rebuild is
  // allowed the displacement is measured even without `check`: a rebuild
  // after atoms moved past half the skin with no check in between to see
  // them within it is a dangerous build (the list may have missed pairs).
  bool list_update_due() {
    const bool shrunk = list_outdated_by_box();
    bool build = shrunk;
    if (step_ - last_build_ >= delay_ && step_ % every_ == 0) {
      const double d2 = largest_displacement2(), half = list_margin();
      guard_.check_displacement(step_, last_build_, std::sqrt(d2), rc_ + skin_);
      // A box that shrank past the skin needs the rebuild, whatever the atoms did.
      const bool far = !shrunk && d2 > half * half;
      if (!check_ || far || shrunk) {
        if (far && !list_checked_) guard_.dangerous_build(step_, last_build_, std::sqrt(d2), half);
        build = true;
      } else {
        list_checked_ = true;
      }
    }
    return build;
  }

  // The pair energies and virial where thermo or the barostat will read
  // them (the full list writes them always); other steps compute forces
  // only, and ensure_pair_energies fills them in if read after all.
  void compute_forces(double dt) {
    Particles& p = *particles_;
    PairOutputs out;
    out.fx = p.real(force_, 0), out.fy = p.real(force_, 1), out.fz = p.real(force_, 2);
    out.e_vdw = energy_.data(), out.e_coul = charged_ ? ecoul_.data() : nullptr, out.virial = virial_.data();
    const bool energy = step_ % diagnostics_every_ == 0 || barostat_.due(step_) || !list_->half();
    if (timers_) {
      auto s = timers_->scope("pair");
      pair_.compute(p, type_, charge_, *list_, out, energy);
    } else {
      pair_.compute(p, type_, charge_, *list_, out, energy);
    }
    energy_step_ = energy ? step_ : -1;
    // The k-space energy and virial where thermo or the barostat will read them.
    if (long_range_)
      long_range_->compute(p, charge_, force_, step_ % diagnostics_every_ == 0 || barostat_.due(step_), step_);
    if (langevin_ && dt > 0)
      langevin_thermostat_.add_forces(dev_, p, vel_, p.integer(type_), type_mass_.data(), step_, units_.boltz * t_target_,
                                      dt, units_, p.real(force_, 0), p.real(force_, 1), p.real(force_, 2));
  }

  // Pair energies and virial of the current positions when the last pass
  // skipped them: the pass again, its forces (the same bits) into scratch.
  void ensure_pair_energies() {
    if (energy_step_ == step_) return;
    Particles& p = *particles_;
    const auto n = static_cast<std::size_t>(std::max<std::int64_t>(p.owned(), 1));
    for (auto& b : scratch_force_)
      if (b.size() < n) b = Buffer<double>(dev_, n + n / 4 + 16);
    PairOutputs out;
    out.fx = scratch_force_[0].data(), out.fy = scratch_force_[1].data(), out.fz = scratch_force_[2].data();
    out.e_vdw = energy_.data(), out.e_coul = charged_ ? ecoul_.data() : nullptr, out.virial = virial_.data();
    pair_.compute(p, type_, charge_, *list_, out, true);
    energy_step_ = step_;
  }

  // The half kick and the drift in one pass (the same operations as kick,
  // then x += dt v: one loop fewer per step, each a team start on the host).
  void kick_drift(double h, double dt) {
    Particles& p = *particles_;
    double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2);
    double *x = p.position(0), *y = p.position(1), *z = p.position(2);
    const double *fx = p.real(force_, 0), *fy = p.real(force_, 1), *fz = p.real(force_, 2);
    const std::int64_t* type = p.integer(type_);
    const double* tm = type_mass_.data();
    const double hf = h * units_.ftm2v;
    for_each(dev_, p.owned(), [=] TESSERA_HD(int i) {
      const double c = hf / tm[type[i] - 1];
      vx[i] += c * fx[i];
      vy[i] += c * fy[i];
      vz[i] += c * fz[i];
      x[i] += dt * vx[i];
      y[i] += dt * vy[i];
      z[i] += dt * vz[i];
    });
  }

  void kick(double h) {
    Particles& p = *particles_;
    double *vx = p.real(vel_, 0), *vy = p.real(vel_, 1), *vz = p.real(vel_, 2);
    const double *fx = p.real(force_, 0), *fy = p.real(force_, 1), *fz = p.real(force_, 2);
    const std::int64_t* type = p.integer(type_);
    const double* tm = type_mass_.data();
    const double hf = h * units_.ftm2v;
    for_each(dev_, p.owned(), [=] TESSERA_HD(int i) {
      const double c = hf / tm[type[i] - 1];
      vx[i] += c * fx[i];
      vy[i] += c * fy[i];
      vz[i] += c * fz[i];
    });
  }

 private:
  Device dev_;
  Timers* timers_ = nullptr;  // the driver's regions (pair, and the k-space solver's own)
  std::array<double, 3> box_{1, 1, 1}, lower_{0, 0, 0};
  int file_types_ = 0;
  bool h5md_ = false;
  std::unique_ptr<io::H5mdWriter> trajectory_;
  std::int64_t total_ = 0, step_ = 0, last_build_ = 0, every_ = 1, delay_ = 0;
  Buffer<double> type_mass_;           // per type, on the device
  std::vector<double> type_masses_;    // the same on the host
  bool uniform_mass_ = true;           // every type has the same mass
  double total_mass_ = 0;
  double mass_ = 1, rc_ = 2.5, skin_ = 0.3, tail_energy_ = 0, tail_pressure_ = 0;
  bool check_ = true, langevin_ = false;
  double t_target_ = 1;
  NoseHooverChain nose_hoover_chain_;
  BussiThermostat bussi_thermostat_;
  LangevinThermostat langevin_thermostat_;
  UnitSystem units_;
  PairForce pair_;                               // the pair style's compute
  std::unique_ptr<LongRangeForce> long_range_;   // [kspace]; null for style none
  bool mixed_ = false;                           // precision = "mixed" (float pair arithmetic)
  bool charged_ = false;                         // the atoms carry the "charge" column
  std::vector<double> type_charges_;             // [physics] type_charge
  bool binary_lattice_ = false;                  // rocksalt, cscl: types by sublattice
  std::vector<int> lattice_species_;
  std::int64_t diagnostics_every_ = 1;
  int ntypes_ = 1, lattice_types_ = 1, type_ = -1, charge_ = -1, molecule_ = -1;
  std::vector<std::int64_t> molecules_;  // atom_style full's molecule ids, until placed
  std::vector<std::int64_t> file_ids_;   // a data file's ids - 1, in file order
  bool nose_hoover_ = false, bussi_ = false;

  std::unique_ptr<CartesianLayout> layout_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<ParticleExchange> exchange_;
  std::unique_ptr<Particles> particles_;
  std::unique_ptr<NeighborList> list_;
  std::unique_ptr<AtomSort> atom_sort_;
  int vel_ = -1, force_ = -1;
  Buffer<double> energy_, virial_, ecoul_;  // per owned atom: short-range and Coulomb pair energy, virial
  std::int64_t energy_step_ = -1;           // the step whose positions they hold (-1: none)
  std::array<Buffer<double>, 3> scratch_force_;  // ensure_pair_energies' forces (discarded)
  std::array<Buffer<double>, 3> reference_;
  BerendsenBarostat barostat_;
  double list_scale_ = 1.0;  // box dilation since the last list build
  double well_depth_ = 0;     // the deepest well of the pair table (energy scale of the run guard)
  bool list_checked_ = false;  // a check since the last build found every atom within the margin
  RunGuard guard_;
  std::int64_t builds_offset_ = 0;  // list builds before a restart
};

}  // namespace

void register_lj_solver() {
  // `md`, with `md.lj` kept as the name older decks give: one solver.
  for (const char* name : {"md", "md.lj"})
    SolverRegistry::instance().add_once(
        {name,
         "molecular dynamics: LJ/WCA/Morse/Buckingham pairs, charges (coul/cut, coul/long with Ewald or PPPM), "
         "LAMMPS units and data files, Verlet lists, NVE, Langevin, Nose-Hoover chain, Bussi, Berendsen barostat",
         md_schema, [] { return std::make_unique<LjSolver>(); }, md_fields(), [](const deck::Deck& d) {
           check_barostat_keys(d);
           check_lattice_box(d);
           check_charge_keys(d);
         }, md_memory});
}

}  // namespace tessera::md
