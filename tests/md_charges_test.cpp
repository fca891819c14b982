// Charges in md: the charged pair styles against their closed forms (force =
// -dE/dr by central differences, each part's cutoff, the short-range shift
// and the unshifted Coulomb); LAMMPS's unit styles against LAMMPS itself on
// lj/cut/coul/cut in real and metal units (step 0 and 20 NVE steps, its
// printed thermo to 1e-10 relative); charges through the solver: dimers of
// coul/long and buck/coul/long, charges kept by id through migration, ghosts,
// snapshots and a restart; the rocksalt and CsCl lattices; the refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/lammps_data.hpp"
#include "physics/md/pair_potential.hpp"
#include "physics/md/units.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"
#include "tests/lammps_thermo.hpp"

using tessera::testing::lammps_thermo;

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::read_file;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

// Closed forms, written out independently of physics/md.
double coul_cut_energy(double k, double r) { return k / r; }
double coul_long_energy(double k, double g, double r) { return k * std::erfc(g * r) / r; }
double buck_energy(double a, double rho, double c, double r) { return a * std::exp(-r / rho) - c / std::pow(r, 6); }
double lj_energy(double eps, double sigma, double r) {
  return 4 * eps * (std::pow(sigma / r, 12) - std::pow(sigma / r, 6));
}

// The library's force (-dE/dr) and energies at r.
struct Eval {
  double force = 0, e_vdw = 0, e_coul = 0;
  double energy() const { return e_vdw + e_coul; }
};
Eval evaluate(const md::PairCoeff& p, double r, double qq) {
  Eval out;
  if (r * r >= md::pair_range2(p)) return out;
  double fr;
  md::pair_evaluate(p, r * r, qq, fr, out.e_vdw, out.e_coul);
  out.force = fr * r;
  return out;
}

// F = -dE/dr by a central difference of the library's own energy, at r
// away from the cutoffs (the energy is smooth there).
double numeric_force(const md::PairCoeff& p, double r, double qq) {
  const double h = 1e-5 * r;
  return -(evaluate(p, r + h, qq).energy() - evaluate(p, r - h, qq).energy()) / (2 * h);
}

void expect_consistent_force(const md::PairCoeff& p, double r, double qq, const std::string& what) {
  const Eval e = evaluate(p, r, qq);
  const double f = numeric_force(p, r, qq);
  EXPECT_NEAR(e.force, f, 1e-7 * (std::fabs(f) + std::fabs(e.energy()) / r) + 1e-12) << what << " at r " << r;
}

}  // namespace

TEST(MdChargedPairs, CoulCutIsBareCoulombWithinItsCutoffUnshifted) {
  const double qqrd2e = 332.06371, rc = 8.0;
  const md::PairCoeff p = md::with_coulomb(md::no_short_range(), md::CoulKind::Cut, qqrd2e, rc);
  for (double qq : {1.0, -0.25, 0.5 * -0.5})
    for (double r : {0.9, 2.0, 3.3, 5.0, 7.9}) {
      const Eval e = evaluate(p, r, qq);
      EXPECT_NEAR(e.e_coul, coul_cut_energy(qqrd2e * qq, r), 1e-13 * std::fabs(qqrd2e * qq / r)) << r;
      EXPECT_NEAR(e.force, qqrd2e * qq / (r * r), 1e-13 * std::fabs(qqrd2e * qq / (r * r))) << r;
      EXPECT_EQ(e.e_vdw, 0.0);
      expect_consistent_force(p, r, qq, "coul/cut");
    }
  // Not shifted: just inside the cutoff the energy is the bare k q q / rc;
  // beyond it nothing.
  EXPECT_NEAR(evaluate(p, rc * (1 - 1e-12), 1.0).e_coul, qqrd2e / rc, 1e-9);
  EXPECT_EQ(evaluate(p, rc * (1 + 1e-12), 1.0).energy(), 0.0);
  EXPECT_EQ(evaluate(p, 3.0, 0.0).force, 0.0) << "an uncharged pair feels no Coulomb force";
}

TEST(MdChargedPairs, CoulLongIsTheErfcScreenedRealSpacePart) {
  const double k = 14.399645, g = 0.34, rc = 8.0;
  const md::PairCoeff p = md::with_coulomb(md::no_short_range(), md::CoulKind::Long, k, rc, g);
  for (double r : {0.5, 1.0, 2.37, 4.0, 6.5, 7.99}) {
    const Eval e = evaluate(p, r, -1.0);
    EXPECT_NEAR(e.e_coul, coul_long_energy(-k, g, r), 1e-14 * k / r) << r;
    // F = k qq (erfc(g r) / r^2 + 2 g / sqrt(pi) exp(-g^2 r^2) / r)
    const double f = -k * (std::erfc(g * r) / (r * r) + 2 * g / std::sqrt(M_PI) * std::exp(-g * g * r * r) / r);
    EXPECT_NEAR(e.force, f, 1e-13 * std::fabs(f)) << r;
    expect_consistent_force(p, r, -1.0, "coul/long");
  }
  // g -> 0 recovers the bare Coulomb of coul/cut.
  const md::PairCoeff bare = md::with_coulomb(md::no_short_range(), md::CoulKind::Long, k, rc, 0.0);
  EXPECT_NEAR(evaluate(bare, 2.5, 1.0).e_coul, k / 2.5, 1e-14 * k);
  // The library erfc, not a fit: 1e-16-level agreement at the cutoff where
  // LAMMPS's polynomial (table 0) is good to ~1e-7 relative.
  EXPECT_NEAR(evaluate(p, 7.5, 1.0).e_coul / (k / 7.5), std::erfc(g * 7.5), 1e-15);
}

TEST(MdChargedPairs, BuckinghamAndLjWithCoulombKeepTheirOwnCutoffsAndShifts) {
  const double k = 14.399645;
  // buck/coul/long, NaCl-like Tosi-Fumi coefficients, short range cut at 6,
  // Coulomb at 8; the shift moves the Buckingham energy only.
  for (bool shift : {false, true}) {
    const md::PairCoeff p =
        md::with_coulomb(md::buckingham(1256.31, 0.317, 7.0, 6.0, shift), md::CoulKind::Long, k, 8.0, 0.3);
    const double offset = shift ? buck_energy(1256.31, 0.317, 7.0, 6.0) : 0.0;
    for (double r : {2.0, 2.8, 3.5, 5.0, 5.9}) {
      const Eval e = evaluate(p, r, -1.0);
      EXPECT_NEAR(e.e_vdw, buck_energy(1256.31, 0.317, 7.0, r) - offset, 1e-12 * 1256.31 * std::exp(-r / 0.317) + 1e-12)
          << r;
      EXPECT_NEAR(e.e_coul, coul_long_energy(-k, 0.3, r), 1e-14 * k) << r;
      expect_consistent_force(p, r, -1.0, shift ? "buck/coul/long shifted" : "buck/coul/long");
    }
    // Between the cutoffs: Coulomb only.
    const Eval mid = evaluate(p, 7.0, -1.0);
    EXPECT_EQ(mid.e_vdw, 0.0);
    EXPECT_NEAR(mid.e_coul, coul_long_energy(-k, 0.3, 7.0), 1e-14 * k);
    if (shift) {
      EXPECT_NEAR(evaluate(p, 6.0 * (1 - 1e-12), 0.0).e_vdw, 0.0, 1e-9);
    }
  }
  // lj/cut/coul/cut with the Coulomb cutoff shorter than the LJ one.
  const md::PairCoeff q = md::with_coulomb(md::lennard_jones(0.15, 3.6, 10.0, true), md::CoulKind::Cut, 332.06371, 8.0);
  const double offset = lj_energy(0.15, 3.6, 10.0);
  for (double r : {3.2, 4.0, 6.0, 7.9}) {
    const Eval e = evaluate(q, r, 0.25);
    EXPECT_NEAR(e.e_vdw, lj_energy(0.15, 3.6, r) - offset, 1e-13 * (std::fabs(lj_energy(0.15, 3.6, r)) + 1)) << r;
    EXPECT_NEAR(e.e_coul, 332.06371 * 0.25 / r, 1e-13 * 332.06371) << r;
    expect_consistent_force(q, r, 0.25, "lj/cut/coul/cut");
  }
  const Eval beyond = evaluate(q, 9.0, 0.25);
  EXPECT_EQ(beyond.e_coul, 0.0);
  EXPECT_NEAR(beyond.e_vdw, lj_energy(0.15, 3.6, 9.0) - offset, 1e-15);
  EXPECT_EQ(evaluate(q, 10.5, 0.25).energy(), 0.0);
  EXPECT_DOUBLE_EQ(md::pair_range2(q), 100.0);
}

TEST(MdChargedPairs, FloatEvaluationMatchesDouble) {
  const md::PairCoeff p =
      md::with_coulomb(md::buckingham(1256.31, 0.317, 7.0, 6.0, true), md::CoulKind::Long, 14.399645, 8.0, 0.3);
  const md::PairCoeffT<float> pf = md::in_precision<float>(p);
  for (double r : {2.2, 3.0, 4.5, 7.0}) {
    double fd, evd, ecd;
    float ff, evf, ecf;
    md::pair_evaluate(p, r * r, -1.0, fd, evd, ecd);
    md::pair_evaluate(pf, static_cast<float>(r * r), -1.0f, ff, evf, ecf);
    EXPECT_NEAR(ff, fd, 2e-6 * std::fabs(fd)) << r;
    EXPECT_NEAR(ecf, ecd, 2e-6 * std::fabs(ecd)) << r;
    EXPECT_NEAR(evf, evd, 2e-6 * (std::fabs(evd) + 1.0)) << r;
  }
}

TEST(MdUnits, ConstantsAreLammps) {
  const md::UnitSystem lj = md::unit_system("lj"), real = md::unit_system("real"), metal = md::unit_system("metal");
  EXPECT_TRUE(lj.normalise);
  EXPECT_EQ(lj.boltz * lj.mvv2e * lj.ftm2v * lj.nktv2p * lj.qqr2e * lj.mv2d, 1.0);
  EXPECT_FALSE(real.normalise || metal.normalise);
  EXPECT_EQ(real.qqr2e, 332.06371);
  EXPECT_EQ(metal.qqr2e, 14.399645);
  EXPECT_EQ(real.boltz, 0.0019872067);
  EXPECT_EQ(metal.nktv2p, 1.6021765e6);
  // mvv2e and ftm2v are inverse (force x time / mass is a velocity).
  EXPECT_NEAR(real.mvv2e * real.ftm2v, 1.0, 1e-15);
  EXPECT_NEAR(metal.mvv2e * metal.ftm2v, 1.0, 1e-15);
  EXPECT_THROW(md::unit_system("si"), std::invalid_argument);
}

namespace {

fs::path run_deck(const std::string& name, const std::vector<std::string>& overrides,
                  const std::string& deck = "inputs/md/lj_melt.toml") {
  register_builtin_solvers();
  RunOptions o;
  o.deck_path = source_path(deck).string();
  o.output_dir = scratch_dir(name).string();
  o.overrides = {"output.every_steps=0"};
  for (const auto& s : overrides) o.overrides.push_back(s);
  run(o);
  return fs::path(*o.output_dir);
}

// The lj/cut/coul/cut decks of tests/data/lammps/in.coul_cut_{real,metal}.
std::vector<std::string> coul_cut_deck(const std::string& units) {
  const bool real = units == "real";
  return {"run.solver=\"md\"",
          "run.steps=20",
          "run.diagnostics_every=5",
          real ? "run.dt=1.0" : "run.dt=0.001",
          "physics.units=\"" + units + "\"",
          "box.data_file=\"" + source_path("tests/data/lammps/coul_cut_" + units + ".data").string() + "\"",
          "physics.potential=\"lj/cut/coul/cut\"",
          "physics.cutoff=6.0",
          "physics.coulomb_cutoff=8.0",
          real ? "physics.type_epsilon=[0.1,0.15]" : "physics.type_epsilon=[0.004336,0.006504]",
          "physics.type_sigma=[2.35,3.6]",
          "physics.mixing=\"geometric\"",
          "neighbor.skin=1.0",
          "neighbor.every=1",
          "neighbor.check=true"};
}

void expect_matches_lammps(const std::string& units) {
  const fs::path out = run_deck("coul_cut_" + units, coul_cut_deck(units));
  auto lmp = lammps_thermo(source_path("tests/data/lammps/log.coul_cut_" + units));
  ASSERT_EQ(lmp["Step"].size(), 5u);
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"Temp", "temperature"}, {"Press", "pressure"}, {"PotEng", "pe"},   {"KinEng", "ke"},
      {"TotEng", "etotal"},    {"E_vdwl", "evdwl"},   {"E_coul", "ecoul"}, {"Density", "density"}};
  for (const auto& [theirs, ours] : columns) {
    const std::vector<double> got = diagnostics_column(out, ours);
    ASSERT_EQ(got.size(), 5u) << ours;
    for (std::size_t row = 0; row < 5; ++row) {
      const double want = lmp[theirs][row];
      EXPECT_NEAR(got[row], want, 1e-10 * std::fabs(want))
          << units << " units, step " << lmp["Step"][row] << ": " << ours << " vs LAMMPS " << theirs;
    }
  }
  // The per-atom columns are the totals over the atom count.
  const auto pe = diagnostics_column(out, "pe"), pe_atom = diagnostics_column(out, "pe_per_atom");
  EXPECT_NEAR(pe_atom[0] * 216, pe[0], 1e-12 * std::fabs(pe[0]));
}

}  // namespace

TEST(MdUnits, LjCutCoulCutInRealUnitsMatchesLammps) { expect_matches_lammps("real"); }
TEST(MdUnits, LjCutCoulCutInMetalUnitsMatchesLammps) { expect_matches_lammps("metal"); }

namespace {

struct StepZero {
  std::string deck, data;
  std::vector<std::string> overrides;
  double atoms;
  bool per_atom;  // lj units: our energy columns are per atom, the LAMMPS logs' totals (norm no)
};

// The deck without its per-type charges and masses (the data file gives
// them, and a deck may not give them twice), in a scratch file.
std::string deck_for_data_file(const std::string& deck) {
  std::istringstream in(read_file(source_path(deck)));
  std::string text;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("type_charge", 0) != 0 && line.rfind("type_mass", 0) != 0) text += line + "\n";
  const fs::path path = scratch_dir(fs::path(deck).stem().string() + "_deck.toml");
  std::ofstream(path) << text;
  return path.string();
}

fs::path run_step_zero(const StepZero& c, const std::string& name) {
  std::vector<std::string> o = c.overrides;
  o.push_back("run.steps=0");
  o.push_back("box.data_file=\"" + source_path("tests/data/lammps/" + c.data).string() + "\"");
  return run_deck(name, o, deck_for_data_file(c.deck));
}

// Energies (pe, evdwl, ecoul, elong) to `tol` relative, the pressure to
// `ptol`; E_coul, a small difference of large pair sums, relative to the
// Coulomb energy scale |E_coul| + |E_long|.
void expect_step_zero_matches(const fs::path& out, const StepZero& c, const std::map<std::string, std::vector<double>>& lmp,
                              double tol, double ptol, const std::string& what) {
  const double n = c.per_atom ? c.atoms : 1.0;
  const std::vector<std::pair<std::string, std::string>> energies = {
      {"PotEng", "pe_per_atom"}, {"E_vdwl", "evdwl"}, {"E_coul", "ecoul"}, {"E_long", "elong"}};
  for (const auto& [theirs, ours] : energies) {
    const double scale = ours == "pe_per_atom" ? c.atoms : n;
    const double got = diagnostics_column(out, ours)[0] * scale, want = lmp.at(theirs)[0];
    const double size = ours == "ecoul" ? std::fabs(want) + std::fabs(lmp.at("E_long")[0]) : std::fabs(want);
    EXPECT_NEAR(got, want, tol * size) << what << ": " << ours << " vs LAMMPS " << theirs;
  }
  const double p = lmp.at("Press")[0];
  EXPECT_NEAR(diagnostics_column(out, "pressure")[0], p, ptol * std::fabs(p)) << what << ": pressure";
  EXPECT_NEAR(diagnostics_column(out, "temperature")[0], lmp.at("Temp")[0], 1e-12 * lmp.at("Temp")[0]) << what;
}

}  // namespace

// The acceptance: step-0 energy and pressure of a charged LJ melt and
// of a molten salt against LAMMPS with identical PPPM parameters (mesh,
// order, g_ewald), to 1e-6 relative. LAMMPS's coul/long there uses a
// polynomial erfc (pair_modify table 0, good to ~1e-7), which moves the
// molten salt's pressure by 3.6e-6 relative; this uses the library erfc, so
// it meets LAMMPS with a table of 2^16 points (log.kspace_table16) to 1e-8.
TEST(MdKspace, ChargedLjMeltStepZeroMatchesLammpsPppm) {
  const StepZero c{"inputs/md/charged_lj.toml", "charged_lj.data",
                   {"kspace.mesh=[20,20,20]", "kspace.order=5", "kspace.g_ewald=1.1"}, 500, true};
  const fs::path out = run_step_zero(c, "charged_lj_pppm");
  expect_step_zero_matches(out, c, lammps_thermo(source_path("tests/data/lammps/log.charged_lj")), 1e-6, 1e-6,
                           "table 0");
  expect_step_zero_matches(out, c, lammps_thermo(source_path("tests/data/lammps/log.kspace_table16"), 0), 1e-8, 1e-8,
                           "table 16");
}

TEST(MdKspace, MoltenSaltStepZeroMatchesLammpsPppm) {
  const StepZero c{"inputs/md/molten_salt.toml", "molten_salt.data",
                   {"kspace.mesh=[30,30,30]", "kspace.order=5", "kspace.g_ewald=0.34"}, 512, false};
  const fs::path out = run_step_zero(c, "molten_salt_pppm");
  expect_step_zero_matches(out, c, lammps_thermo(source_path("tests/data/lammps/log.molten_salt")), 1e-6, 5e-6,
                           "table 0");
  expect_step_zero_matches(out, c, lammps_thermo(source_path("tests/data/lammps/log.kspace_table16"), 1), 1e-8, 1e-8,
                           "table 16");
}

// [physics] coulomb_erfc = "polynomial" is LAMMPS's table 0 (the same
// Abramowitz-Stegun fit): the step-0 thermo then meets those logs to 1e-8
// (the salt's pressure to 6e-9, where the library erfc leaves 3.6e-6; the
// rest is the k-space part, as with table 16 above).
TEST(MdKspace, PolynomialErfcMatchesLammpsTableZero) {
  const StepZero lj{"inputs/md/charged_lj.toml", "charged_lj.data",
                    {"kspace.mesh=[20,20,20]", "kspace.order=5", "kspace.g_ewald=1.1",
                     "physics.coulomb_erfc=\"polynomial\""},
                    500, true};
  expect_step_zero_matches(run_step_zero(lj, "charged_lj_poly"), lj,
                           lammps_thermo(source_path("tests/data/lammps/log.charged_lj")), 1e-8, 1e-8, "table 0");
  const StepZero salt{"inputs/md/molten_salt.toml", "molten_salt.data",
                      {"kspace.mesh=[30,30,30]", "kspace.order=5", "kspace.g_ewald=0.34",
                       "physics.coulomb_erfc=\"polynomial\""},
                      512, false};
  expect_step_zero_matches(run_step_zero(salt, "molten_salt_poly"), salt,
                           lammps_thermo(source_path("tests/data/lammps/log.molten_salt")), 1e-8, 1e-8,
                           "table 0");
}

namespace {

// Isolated charged dimers through the solver: each along its own direction,
// 10 apart from the next, in a periodic 40^3 box; returns the forces by id.
struct DimerRun {
  double pe_total = 0, e_coul = 0, pressure = 0, volume = 0;
  std::vector<std::array<double, 3>> force;
};

DimerRun run_charged_dimers(const std::string& name, const std::vector<std::array<double, 3>>& dimers /* type a, type b, r */,
                            const std::vector<double>& axis_tilt, std::vector<std::string> overrides) {
  io::LammpsData data;
  data.lower = {0, 0, 0};
  data.upper = {40, 40, 40};
  data.types = 2;
  data.masses = {1.0, 1.0};
  for (std::size_t k = 0; k < dimers.size(); ++k) {
    const double c[3] = {5.0 + 10.0 * static_cast<double>(k % 4), 5.0 + 10.0 * static_cast<double>(k / 4), 20.0};
    double u[3] = {1.0, axis_tilt[k], -0.5};
    const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    for (double& v : u) v /= norm;
    for (int end = 0; end < 2; ++end) {
      const double s = (end == 0 ? -0.5 : 0.5) * dimers[k][2];
      data.id.push_back(static_cast<std::int64_t>(data.id.size() + 1));
      data.type.push_back(static_cast<int>(dimers[k][end]));
      data.x.push_back(c[0] + s * u[0]), data.y.push_back(c[1] + s * u[1]), data.z.push_back(c[2] + s * u[2]);
    }
  }
  const fs::path file = scratch_dir(name + ".data");
  io::write_lammps_data(file.string(), data);
  overrides.insert(overrides.end(), {"run.steps=0", "output.every_steps=1", "problem.temperature=0",
                                     "box.data_file=\"" + file.string() + "\""});
  const fs::path dir = run_deck(name, overrides);
  DimerRun out;
  const double atoms = static_cast<double>(data.id.size());
  out.pe_total = diagnostics_column(dir, "pe_per_atom")[0] * atoms;
  out.e_coul = diagnostics_column(dir, "ecoul")[0] * atoms;  // lj units: per atom
  out.pressure = diagnostics_column(dir, "pressure")[0];
  out.volume = diagnostics_column(dir, "volume")[0];
  h5::File f((dir / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
  const auto ids = f.open_group("particles").open_dataset("id").read_all<std::int64_t>();
  const auto force = f.open_group("particles").open_dataset("force").read_all<double>();
  out.force.assign(ids.size(), {0, 0, 0});
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (int c = 0; c < 3; ++c) out.force[static_cast<std::size_t>(ids[i])][c] = force[3 * i + c];
  return out;
}

}  // namespace

// buck/coul/long through the solver, its real-space part alone ([kspace]
// style none with g_ewald): charges per type from type_charge on an atomic
// data file, Buckingham per type pair in pair_coeff order, Coulomb beyond the
// short-range cutoff; energy, Coulomb energy, virial and the force on each
// atom against the closed forms.
TEST(MdChargedSolver, BuckCoulLongDimersMatchTheClosedForm) {
  const std::vector<std::array<double, 3>> dimers = {{1, 1, 1.3}, {1, 2, 1.1}, {2, 2, 1.6}, {2, 1, 2.9}, {1, 2, 3.6}};
  const std::vector<double> tilt = {0.3, -0.7, 1.1, 0.05, -0.4};
  const double q[2] = {1.5, -0.75}, a[3] = {20.0, 35.0, 50.0}, rho = 0.3, cc[3] = {0.5, 1.0, 2.0}, g = 0.8;
  const DimerRun got = run_charged_dimers(
      "buck_coul_long_dimers", dimers, tilt,
      {"run.solver=\"md\"", "physics.potential=\"buck/coul/long\"", "physics.cutoff=3.0", "physics.coulomb_cutoff=4.0",
       "physics.buck_a=[20.0,35.0,50.0]", "physics.buck_rho=[0.3]", "physics.buck_c=[0.5,1.0,2.0]",
       "physics.type_charge=[1.5,-0.75]", "kspace.g_ewald=0.8"});
  double pe = 0, ecoul = 0, virial = 0;
  for (std::size_t k = 0; k < dimers.size(); ++k) {
    const int ta = static_cast<int>(dimers[k][0]) - 1, tb = static_cast<int>(dimers[k][1]) - 1;
    const int pair = ta + tb;  // 0: 1-1, 1: 1-2, 2: 2-2
    const double r = dimers[k][2], qq = q[ta] * q[tb];
    const double eb = r < 3.0 ? buck_energy(a[pair], rho, cc[pair], r) : 0.0;
    const double fb = r < 3.0 ? a[pair] / rho * std::exp(-r / rho) - 6 * cc[pair] / std::pow(r, 7) : 0.0;
    const double ec = coul_long_energy(qq, g, r);
    const double fc = qq * (std::erfc(g * r) / (r * r) + 2 * g / std::sqrt(M_PI) * std::exp(-g * g * r * r) / r);
    pe += eb + ec, ecoul += ec, virial += r * (fb + fc);
    // The second atom is pushed along +axis by a repulsive (positive) force.
    const double f = fb + fc;
    const double fmag = std::sqrt(got.force[2 * k + 1][0] * got.force[2 * k + 1][0] +
                                  got.force[2 * k + 1][1] * got.force[2 * k + 1][1] +
                                  got.force[2 * k + 1][2] * got.force[2 * k + 1][2]);
    EXPECT_NEAR(fmag, std::fabs(f), 1e-12 * (std::fabs(fb) + std::fabs(fc) + 1)) << "dimer " << k;
    for (int c = 0; c < 3; ++c) EXPECT_EQ(got.force[2 * k][c], -got.force[2 * k + 1][c]) << "dimer " << k;
  }
  EXPECT_NEAR(got.pe_total, pe, 1e-12 * (std::fabs(pe) + 10));
  EXPECT_NEAR(got.e_coul, ecoul, 1e-12 * (std::fabs(ecoul) + 1));
  EXPECT_NEAR(got.pressure, virial / (3 * got.volume), 1e-12 * std::fabs(virial) / got.volume);
}

// The crystal lattices with charges through the solver: rock salt and CsCl
// (+1 on type 1, -1 on type 2, nearest neighbours 1 apart) with Ewald: the
// Coulomb energy per ion is -M / 2 with the Madelung constants 1.747565 and
// 1.762675 (per ion pair, at unit distance).
TEST(MdChargedSolver, RocksaltAndCsclLatticesGiveTheirMadelungEnergies) {
  struct Case {
    std::string lattice;
    double a, madelung;
    int cells;
  };
  for (const Case& c : {Case{"rocksalt", 2.0, 1.747565, 4}, Case{"cscl", 2.0 / std::sqrt(3.0), 1.762675, 7}}) {
    const fs::path out = run_deck(
        "madelung_" + c.lattice,
        {"run.solver=\"md\"", "run.steps=0", "box.lattice=\"" + c.lattice + "\"", strfmt("box.lattice_constant=%.17g", c.a),
         strfmt("box.cells=[%d,%d,%d]", c.cells, c.cells, c.cells), "physics.potential=\"coul/long\"",
         "physics.cutoff=3.2", "physics.type_charge=[1.0,-1.0]", "kspace.style=\"ewald\"", "kspace.accuracy=1e-10",
         "problem.temperature=0"});
    const double pe = diagnostics_column(out, "pe_per_atom")[0];
    EXPECT_NEAR(pe, -0.5 * c.madelung, 1e-6 * 0.5 * c.madelung) << c.lattice;
    EXPECT_NEAR(diagnostics_column(out, "evdwl")[0], 0.0, 0.0) << c.lattice;
  }
  // The lattices themselves: ions per cell, sublattices, neighbour distance.
  const md::Lattice rs = md::make_lattice_with_constant("rocksalt", 2.0, {2, 2, 2});
  ASSERT_EQ(rs.x.size(), 64u);
  EXPECT_EQ(std::count(rs.species.begin(), rs.species.end(), 2), 32);
  const md::Lattice cs = md::make_lattice("cscl", 0.5, {3, 3, 3});
  ASSERT_EQ(cs.x.size(), 54u);
  EXPECT_NEAR(cs.cell, std::cbrt(2.0 / 0.5), 1e-15);
  EXPECT_NEAR(md::nearest_neighbour_distance("rocksalt", 8.0 / 8.0), 0.5 * std::cbrt(8.0), 1e-15);
  EXPECT_TRUE(md::lattice_is_binary("cscl") && !md::lattice_is_binary("bcc"));
  // Every rock-salt ion's nearest neighbours (at a / 2) are of the other species.
  for (std::size_t i = 0; i < rs.x.size(); ++i)
    for (std::size_t j = 0; j < rs.x.size(); ++j) {
      double d2 = 0;
      for (const auto* v : {&rs.x, &rs.y, &rs.z}) {
        double d = (*v)[i] - (*v)[j];
        d -= 4.0 * std::round(d / 4.0);
        d2 += d * d;
      }
      if (i != j && std::fabs(d2 - 1.0) < 1e-12) {
        EXPECT_NE(rs.species[i], rs.species[j]) << i << " " << j;
      }
    }
}

// The charge column travels with its atom: after 60 steps of a charged melt
// (migration every rebuild, ghosts every step, on 2 ranks), every atom in the
// final snapshot still carries its type's charge; a run split by a restart
// continues bit for bit (the checkpoint holds the charges), with Langevin
// and the Berendsen barostat changing the box every 5 steps (PPPM set up
// again for each new box, also when the restart restores the box).
TEST(MdChargedSolver, ChargesSurviveMigrationGhostsSnapshotsAndRestart) {
  using tessera::testing::run_cli;
  const std::string deck = source_path("inputs/md/charged_lj.toml").string();
  auto args = [&](const fs::path& out, int steps, const std::string& extra) {
    return "run " + deck + " --set box.cells=[5,5,5] --set run.diagnostics_every=5 --set output.every_steps=20" +
           " --set checkpoint.every_steps=20 --set kspace.accuracy=1e-3 --set run.steps=" + std::to_string(steps) +
           " --output " + out.string() + extra;
  };
  const std::string two = "mpirun -np 2 --oversubscribe";
  const fs::path straight = scratch_dir("charged_straight"), split = scratch_dir("charged_split");
  const std::string nvt = " --set thermostat.type=langevin --set thermostat.temperature=1.2"
                          " --set barostat.type=berendsen --set barostat.pressure=1.0 --set barostat.damping=0.5"
                          " --set barostat.every=5";
  auto s = run_cli(args(straight, 60, nvt), ".", two);
  ASSERT_EQ(s.code, 0) << s.output;
  ASSERT_EQ(run_cli(args(split, 20, nvt), ".", two).code, 0);
  auto r = run_cli(args(split, 60, nvt + " --restart latest"), ".", two);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("restarted from"), std::string::npos) << r.output;
  EXPECT_EQ(read_file(straight / "diagnostics.csv"), read_file(split / "diagnostics.csv"));
  const auto volume = diagnostics_column(straight, "volume");
  EXPECT_NE(volume.front(), volume.back()) << "the barostat changed the box";

  for (const fs::path& dir : {straight, split}) {
    h5::File f((dir / "snapshots/snapshot_00003.h5").string(), h5::File::Mode::ReadOnly, false);
    const h5::Location p = f.open_group("particles");
    const auto ids = p.open_dataset("id").read_all<std::int64_t>();
    const auto type = p.open_dataset("type").read_all<std::int32_t>();
    const auto charge = p.open_dataset("charge").read_all<double>();
    ASSERT_EQ(ids.size(), 500u);
    ASSERT_EQ(charge.size(), 500u);
    std::vector<int> seen(500, 0);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ++seen[static_cast<std::size_t>(ids[i])];
      // Types alternate by lattice site (id), charges follow the type.
      EXPECT_EQ(type[i], 1 + ids[i] % 2) << "id " << ids[i];
      EXPECT_EQ(charge[i], type[i] == 1 ? 1.0 : -1.0) << "id " << ids[i];
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 500);
  }
  tessera::h5::File fa((straight / "snapshots/snapshot_00003.h5").string(), tessera::h5::File::Mode::ReadOnly, false);
  tessera::h5::File fb((split / "snapshots/snapshot_00003.h5").string(), tessera::h5::File::Mode::ReadOnly, false);
  for (const char* name : {"position", "velocity", "force", "charge"})
    EXPECT_EQ(fa.open_group("particles").open_dataset(name).read_all<double>(),
              fb.open_group("particles").open_dataset(name).read_all<double>())
        << name;
}

// What the solver refuses, naming the key; `tessera check` refuses the same.
TEST(MdChargedSolver, RefusesInconsistentChargeSetups) {
  const auto checked = tessera::testing::run_cli("check " + source_path("inputs/md/lj_melt.toml").string() +
                                                 " --set kspace.style=pppm --set physics.type_charge=[1.0]");
  EXPECT_NE(checked.code, 0) << checked.output;
  EXPECT_NE(checked.output.find("a k-space solver needs a coul/long pair style"), std::string::npos) << checked.output;
  auto error_of = [](const std::string& name, const std::vector<std::string>& overrides) {
    try {
      run_deck(name, overrides);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string small = "box.cells=[4,4,4]";
  EXPECT_NE(error_of("no_charges", {small, "run.steps=0", "physics.potential=\"lj/cut/coul/cut\""})
                .find("acts on charges, but none are given"),
            std::string::npos);
  EXPECT_NE(error_of("kspace_lj", {small, "run.steps=0", "kspace.style=\"pppm\"", "physics.type_charge=[1.0]"})
                .find("a k-space solver needs a coul/long pair style"),
            std::string::npos);
  EXPECT_NE(error_of("long_alone", {small, "run.steps=0", "physics.potential=\"coul/long\"", "physics.type_charge=[0.5]"})
                .find("is the real-space part of Ewald/PPPM"),
            std::string::npos);
  EXPECT_NE(error_of("buck_missing", {small, "run.steps=0", "physics.potential=\"buck\"", "physics.buck_a=[1.0]"})
                .find("needs physics.buck_rho"),
            std::string::npos);
  EXPECT_NE(error_of("buck_pairs", {small, "run.steps=0", "physics.potential=\"buck\"", "physics.buck_a=[1.0,2.0]",
                                    "physics.buck_rho=[0.3]", "physics.buck_c=[1.0]"})
                .find("a per type-pair list needs n (n + 1) / 2 of them"),
            std::string::npos);
  EXPECT_NE(error_of("charges_twice",
                     {"run.steps=0", "box.data_file=\"" + source_path("tests/data/lammps/coul_cut_real.data").string() + "\"",
                      "physics.type_charge=[1.0,-1.0]", "physics.units=\"real\"", "physics.cutoff=6.0",
                      "neighbor.skin=1.0"})
                .find("gives every atom its charge; remove type_charge"),
            std::string::npos);
}

// `tessera keys` documents every key this work added, under both names of
// the solver (md, and md.lj as older decks call it).
TEST(MdChargedSolver, KeysListEveryNewKeyUnderBothNames) {
  using tessera::testing::run_cli;
  for (const char* name : {"md", "md.lj"}) {
    const auto r = run_cli(std::string("keys ") + name);
    ASSERT_EQ(r.code, 0) << r.output;
    for (const char* key : {"units", "coulomb_cutoff", "buck_a", "buck_rho", "buck_c", "type_charge", "type_mass",
                            "lattice_constant", "[kspace]", "accuracy", "order", "mesh", "g_ewald", "rocksalt", "cscl",
                            "lj/cut/coul/long", "buck/coul/long", "lj/cut/coul/cut", "coul/long"})
      EXPECT_NE(r.output.find(key), std::string::npos) << name << " lacks " << key;
  }
}

// The thermostats in real units (k_B T in kcal/mol, mvv2e, ftm2v): liquid-
// like argon (eps 0.238 kcal/mol, sigma 3.405 A, 39.948 g/mol, 256 atoms)
// held at 120 K by Langevin, Nose-Hoover and Bussi; the chain's conserved
// quantity stays put. Measured: means 120.1, 119.7, 119.3 K (std 5-7 K).
TEST(MdUnits, ThermostatsHoldTheirTemperatureInRealUnits) {
  for (const char* thermostat : {"langevin", "nose_hoover", "bussi"}) {
    const fs::path out = run_deck(
        std::string("argon_real_") + thermostat,
        {"run.solver=\"md\"", "physics.units=\"real\"", "box.lattice_constant=5.26", "box.cells=[4,4,4]",
         "physics.epsilon=0.238", "physics.sigma=3.405", "physics.cutoff=8.5", "physics.mass=39.948",
         "neighbor.skin=2.0", "neighbor.every=1", "neighbor.check=true", "run.dt=2.0", "run.steps=1500",
         "run.diagnostics_every=10", "problem.temperature=120", std::string("thermostat.type=\"") + thermostat + "\"",
         "thermostat.temperature=120", "thermostat.damping=100"});
    const auto t = diagnostics_column(out, "temperature");
    double mean = 0;
    for (std::size_t k = 30; k < t.size(); ++k) mean += t[k] / static_cast<double>(t.size() - 30);
    EXPECT_NEAR(mean, 120.0, 4.8) << thermostat;
    if (std::string(thermostat) == "nose_hoover") {
      const auto c = diagnostics_column(out, "conserved_per_atom");
      EXPECT_NEAR(c.back(), c[30], 1e-3 * std::fabs(c[30])) << "Nose-Hoover's conserved quantity";
    }
  }
}

// atom_style full through the solver: the ions of charged_cut_lj.data (864,
// +-0.5) with molecule ids give the same thermo bit for bit as the
// charge-style file, and every atom keeps its molecule id and charge
// (snapshot columns `molecule`, `charge`) through 20 steps on 2 ranks.
TEST(MdChargedSolver, FullStyleDataFileKeepsMoleculeIdsAndCharges) {
  using tessera::testing::run_cli;
  const std::string charge_file = source_path("tests/data/lammps/charged_cut_lj.data").string();
  io::LammpsData d = io::read_lammps_data(charge_file);
  d.style = "full";
  for (std::int64_t id : d.id) d.molecule.push_back(1000 + id / 3);
  const fs::path file = scratch_dir("charged_cut_lj_full.data");
  io::write_lammps_data(file.string(), d);
  std::map<std::int64_t, double> charge_of;
  for (std::size_t i = 0; i < d.id.size(); ++i) charge_of[d.id[i]] = d.q[i];

  auto args = [&](const std::string& data, const fs::path& out) {
    return "run " + source_path("inputs/md/lj_melt.toml").string() + " --output " + out.string() +
           " --set run.solver=md --set run.steps=20 --set run.diagnostics_every=5 --set output.every_steps=20"
           " --set physics.potential=lj/cut/coul/cut --set physics.cutoff=2.5 --set physics.coulomb_cutoff=3.0"
           " --set neighbor.every=1 --set neighbor.check=true --set box.data_file=" + data;
  };
  const std::string two = "mpirun -np 2 --oversubscribe";
  const fs::path charge_run = scratch_dir("charge_style"), full_run = scratch_dir("full_style");
  auto a = run_cli(args(charge_file, charge_run), ".", two);
  ASSERT_EQ(a.code, 0) << a.output;
  auto b = run_cli(args(file.string(), full_run), ".", two);
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_EQ(read_file(charge_run / "diagnostics.csv"), read_file(full_run / "diagnostics.csv"));

  h5::File f((full_run / "snapshots/snapshot_00001.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location p = f.open_group("particles");
  const auto ids = p.open_dataset("id").read_all<std::int64_t>();
  const auto mol = p.open_dataset("molecule").read_all<std::int64_t>();
  const auto q = p.open_dataset("charge").read_all<double>();
  ASSERT_EQ(ids.size(), 864u);
  ASSERT_EQ(mol.size(), 864u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    // Snapshot ids are Tessera's (file id - 1).
    EXPECT_EQ(mol[i], 1000 + (ids[i] + 1) / 3) << "id " << ids[i];
    EXPECT_EQ(q[i], charge_of[ids[i] + 1]) << "id " << ids[i];
  }
}
