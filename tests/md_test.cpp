// md.lj against LAMMPS and physics: LAMMPS's in.lj step-0 thermo to its
// printed digits, NVE energy fluctuations scaling as dt^2 with zero total
// momentum, Langevin holding its temperature, identical thermo at 1, 2, 4
// and 8 ranks. Each runs in both pair precisions ([physics] precision):
// double, and mixed (float pair arithmetic, double sums), which must give
// the same physics to the float arithmetic's error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/lammps_data.hpp"
#include "physics/md/pair_potential.hpp"
#include "runtime/format.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"
#include "tests/lammps_thermo.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::lammps_thermo;
using tessera::testing::read_csv;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

fs::path run_md(const std::string& name, std::vector<std::string> overrides) {
  register_builtin_solvers();
  RunOptions o;
  o.deck_path = source_path("inputs/md/lj_melt.toml").string();
  o.output_dir = scratch_dir(name).string();
  o.overrides = std::move(overrides);
  o.overrides.insert(o.overrides.begin(), "output.every_steps=0");
  run(o);
  return fs::path(*o.output_dir);
}

double stddev(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (double x : v) m += x / v.size();
  for (double x : v) s += (x - m) * (x - m) / v.size();
  return std::sqrt(s);
}

// The md cases, once per pair precision; `run` adds the precision to the
// overrides and to the output directory's name.
class MdPrecision : public ::testing::TestWithParam<std::string> {
 protected:
  bool mixed() const { return GetParam() == "mixed"; }
  std::string precision_key() const { return "physics.precision=" + GetParam(); }
  fs::path run(const std::string& name, std::vector<std::string> overrides) const {
    overrides.push_back(precision_key());
    return run_md(name + "_" + GetParam(), std::move(overrides));
  }
};

std::string precision_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// Atoms of the in.lj lattice (4^3 fcc cells) as a LAMMPS data file.
io::LammpsData lattice_data(double jiggle) {
  md::Lattice lat = md::make_lattice("fcc", 0.8442, {4, 4, 4});
  io::LammpsData data;
  data.lower = {0, 0, 0};
  data.upper = lat.box;
  data.types = 1;
  data.masses = {1.0};
  const std::size_t n = lat.x.size();
  for (std::size_t i = 0; i < n; ++i) {
    data.id.push_back(static_cast<std::int64_t>(i + 1));
    data.type.push_back(1);
    data.vx.push_back(0.01 * (i % 7) - 0.03);
    data.vy.push_back(0.02 * (i % 5) - 0.04);
    data.vz.push_back(0.0);
    // Fixed, irregular displacements up to `jiggle` (no generator needed).
    auto d = [&](int k) { return jiggle * std::sin(1.7 * static_cast<double>(3 * i + k) + 0.3 * k); };
    data.x.push_back(lat.x[i] + d(0));
    data.y.push_back(lat.y[i] + d(1));
    data.z.push_back(lat.z[i] + d(2));
  }
  return data;
}

}  // namespace

using MdLammps = MdPrecision;
using MdNve = MdPrecision;
using MdLangevin = MdPrecision;
using MdThermostats = MdPrecision;
using MdMixtures = MdPrecision;
using MdRanks = MdPrecision;
using MdLammpsData = MdPrecision;
#define TESSERA_MD_BOTH_PRECISIONS(Suite) \
  INSTANTIATE_TEST_SUITE_P(Precision, Suite, ::testing::Values("double", "mixed"), precision_name)
TESSERA_MD_BOTH_PRECISIONS(MdLammps);
TESSERA_MD_BOTH_PRECISIONS(MdNve);
TESSERA_MD_BOTH_PRECISIONS(MdLangevin);
TESSERA_MD_BOTH_PRECISIONS(MdThermostats);
TESSERA_MD_BOTH_PRECISIONS(MdMixtures);
TESSERA_MD_BOTH_PRECISIONS(MdRanks);
TESSERA_MD_BOTH_PRECISIONS(MdLammpsData);

TEST_P(MdLammps, InLjStepZeroThermoMatchesLammps) {
  fs::path out = run("in_lj_step0", {"run.steps=0"});
  // LAMMPS prints 8 significant digits: double must reproduce them; mixed
  // to 1e-6 relative (float pairs are good to ~6e-8 each, and the perfect
  // lattice repeats the same few separations, so their errors add up
  // rather than average out).
  auto tol = [&](double lammps) { return mixed() ? 1e-6 * std::fabs(lammps) : 5e-8; };
  EXPECT_NEAR(diagnostics_column(out, "pe_per_atom")[0], -6.7733681, tol(-6.7733681));
  EXPECT_NEAR(diagnostics_column(out, "pressure")[0], -5.0197073, tol(-5.0197073));
  EXPECT_NEAR(diagnostics_column(out, "temperature")[0], 1.44, 1e-12);
  EXPECT_NEAR(diagnostics_column(out, "etotal_per_atom")[0], -4.6134356, tol(-4.6134356));
}

TEST_P(MdNve, EnergyFluctuationScalesAsDtSquaredAndMomentumStaysZero) {
  // 500 atoms of the in.lj liquid after melting, 0.5 time units.
  auto run_at = [&](double dt, const std::string& name) {
    // Shifted: an energy jump at the cutoff would add dt-independent noise.
    return run(name, {"box.cells=[5,5,5]", "physics.shift=true", strfmt("run.dt=%g", dt), strfmt("run.steps=%d", int(0.5 / dt)),
                      "run.diagnostics_every=2", "neighbor.every=1", "neighbor.check=true"});
  };
  fs::path a = run_at(0.004, "nve_a"), b = run_at(0.002, "nve_b");
  auto ea = diagnostics_column(a, "etotal_per_atom"), eb = diagnostics_column(b, "etotal_per_atom");
  // Skip the first tenth: the melt from the lattice.
  ea.erase(ea.begin(), ea.begin() + ea.size() / 10);
  eb.erase(eb.begin(), eb.begin() + eb.size() / 10);
  const double ratio = stddev(ea) / stddev(eb);
  EXPECT_GT(ratio, 4.0 * 0.7) << "halving dt should divide the fluctuation by about 4";
  EXPECT_LT(ratio, 4.0 * 1.3);
  // Also in mixed: pair forces are exactly antisymmetric and summed in double.
  for (const char* c : {"momentum_x", "momentum_y", "momentum_z"})
    for (double p : diagnostics_column(a, c)) EXPECT_LT(std::fabs(p), 1e-10) << c;
  // No drift: a trend over the run (from float forces that are not quite
  // conservative, in mixed) would show as the mean energy of the last
  // quarter leaving the fluctuation band of the whole run (both precisions
  // measure 0.5 sigma here).
  const std::size_t q = eb.size() / 4;
  double first = 0, last = 0;
  for (std::size_t i = 0; i < q; ++i) first += eb[i] / q, last += eb[eb.size() - q + i] / q;
  EXPECT_LT(std::fabs(last - first), 2 * stddev(eb)) << "mean energy of the last quarter vs the first";
}

TEST_P(MdLangevin, HoldsItsTemperature) {
  fs::path out = run("langevin", {"box.cells=[5,5,5]", "run.steps=1500", "run.diagnostics_every=10",
                                  "thermostat.type=langevin", "thermostat.temperature=1.2", "thermostat.damping=0.5",
                                  "neighbor.every=1", "neighbor.check=true"});
  auto t = diagnostics_column(out, "temperature");
  double mean = 0;
  int n = 0;
  for (std::size_t i = t.size() / 3; i < t.size(); ++i, ++n) mean += t[i];
  mean /= n;
  // 500 atoms: instantaneous fluctuations ~ T sqrt(2/(3N)) = 4 %, the mean
  // over ~200 samples is good to about 1 %.
  EXPECT_NEAR(mean, 1.2, 0.03) << "mean temperature over the last two thirds";
}

TEST_P(MdThermostats, NoseHooverAndBussiHoldTemperatureAndConserveTheirQuantity) {
  for (const char* kind : {"nose_hoover", "bussi"}) {
    fs::path out = run(std::string("thermo_") + kind,
                       {"box.cells=[5,5,5]", "physics.shift=true", "run.dt=0.004", "run.steps=2000",
                        "run.diagnostics_every=10", std::string("thermostat.type=") + kind,
                        "thermostat.temperature=1.2", "thermostat.damping=0.2", "neighbor.every=1"});
    auto t = diagnostics_column(out, "temperature");
    auto h = diagnostics_column(out, "conserved_per_atom");
    double mean = 0;
    int n = 0;
    for (std::size_t i = t.size() / 3; i < t.size(); ++i, ++n) mean += t[i];
    mean /= n;
    EXPECT_NEAR(mean, 1.2, 0.03) << kind;
    // The extended energy stays put while the physical energy changes a lot.
    double drift = 0;
    for (double v : h) drift = std::max(drift, std::fabs(v - h[0]));
    EXPECT_LT(drift, 2e-3) << kind;
    auto e = diagnostics_column(out, "etotal_per_atom");
    EXPECT_GT(std::fabs(e.back() - e.front()), 10 * drift) << kind << ": the thermostat did work";
  }
}

TEST_P(MdMixtures, TwoTypesMixWithLorentzBerthelot) {
  // A 50/50 mixture of sigma 1.0 and 1.2: equal to one type when both are 1.
  fs::path same = run("mix_same", {"box.cells=[4,4,4]", "run.steps=0", "box.types=2", "physics.type_epsilon=[1.0,1.0]",
                                   "physics.type_sigma=[1.0,1.0]", "physics.mixing=arithmetic"});
  fs::path one = run("mix_one", {"box.cells=[4,4,4]", "run.steps=0"});
  EXPECT_DOUBLE_EQ(diagnostics_column(same, "pe_per_atom")[0], diagnostics_column(one, "pe_per_atom")[0]);
  fs::path mix = run("mix_two", {"box.cells=[4,4,4]", "run.steps=0", "box.types=2", "physics.type_epsilon=[1.0,0.5]",
                                 "physics.type_sigma=[1.0,1.2]", "physics.mixing=arithmetic"});
  EXPECT_NE(diagnostics_column(mix, "pe_per_atom")[0], diagnostics_column(one, "pe_per_atom")[0]);
}

TEST_P(MdRanks, ThermoAgreesAtEveryRankCount) {
  auto thermo = [&](int ranks) {
    const fs::path out = scratch_dir(strfmt("md_ranks_%d_", ranks) + GetParam());
    auto r = tessera::testing::run_cli("run " + source_path("inputs/md/lj_melt.toml").string() + " --output " +
                                           out.string() +
                                           " --set box.cells=[6,6,6] --set run.steps=20 --set run.diagnostics_every=20"
                                           " --set output.every_steps=0 --set " + precision_key(),
                                       ".", strfmt("mpirun -np %d --oversubscribe", ranks));
    EXPECT_EQ(r.code, 0) << r.output;
    return read_csv(out / "diagnostics.csv").back();
  };
  // The order of each atom's neighbours follows its rank's bins, so the
  // double sums differ in the last bits between rank counts. Mixed does no
  // worse: each pair's float terms come from the same double separation at
  // any rank count, and only their double sums are reordered (both measure
  // ~1e-15 after 20 steps; the bound leaves room for chaotic growth).
  const double tol = 1e-10;
  const auto serial = thermo(1);
  double worst = 0;
  for (int ranks : {2, 4, 8}) {
    const auto par = thermo(ranks);
    for (std::size_t c = 3; c < 8; ++c) {
      EXPECT_NEAR(std::stod(par[c]), std::stod(serial[c]), tol * std::fabs(std::stod(serial[c])))
          << "column " << c << " at " << ranks << " ranks";
      worst = std::max(worst, std::fabs(std::stod(par[c]) / std::stod(serial[c]) - 1));
    }
  }
  std::printf("%s: worst relative difference over 2, 4, 8 ranks %.3g\n", GetParam().c_str(), worst);
}

// LAMMPS's own in.lj start (its velocities, written by LAMMPS at 500 atoms:
// tests/data/lammps/in.in_lj_500) followed for 100 steps through the melt:
// every 10th step's thermo against LAMMPS's 16 printed digits. In double the
// trajectory is LAMMPS's to round-off (seen: 2.5e-13 relative at worst, the
// step-0 energy's sum; 1e-14 later); mixed (float pairs) stays within 7e-7.
TEST_P(MdLammps, InLjTrajectoryFollowsLammpsForOneHundredSteps) {
  const fs::path out = run("in_lj_500", {"run.steps=100", "run.diagnostics_every=10", "neighbor.every=1",
                                         "neighbor.check=true",
                                         "box.data_file=\"" + source_path("tests/data/lammps/in_lj_500.data").string() +
                                             "\""});
  auto lmp = lammps_thermo(source_path("tests/data/lammps/log.in_lj_500"));
  ASSERT_EQ(lmp["Step"].size(), 11u);
  const std::vector<std::pair<std::string, std::string>> columns = {{"Temp", "temperature"},
                                                                    {"Press", "pressure"},
                                                                    {"PotEng", "pe_per_atom"},
                                                                    {"KinEng", "ke_per_atom"},
                                                                    {"TotEng", "etotal_per_atom"}};
  const double tol = mixed() ? 1e-5 : 1e-11;
  for (const auto& [theirs, ours] : columns) {
    const std::vector<double> got = diagnostics_column(out, ours);
    ASSERT_EQ(got.size(), 11u) << ours;
    for (std::size_t row = 0; row < got.size(); ++row)
      EXPECT_NEAR(got[row], lmp[theirs][row], tol * std::max(1.0, std::fabs(lmp[theirs][row])))
          << "step " << lmp["Step"][row] << ": " << ours << " vs LAMMPS " << theirs;
  }
}

TEST_P(MdLammpsData, StartsFromADataFileAndWritesH5md) {
  // The in.lj lattice (4^3 cells) written as a LAMMPS data file gives the
  // same potential energy as the lattice built in place; velocities in the
  // file are used as they are.
  const io::LammpsData data = lattice_data(0.0);
  const std::size_t n = data.x.size();
  const fs::path file = scratch_dir("lj.data");
  io::write_lammps_data(file.string(), data);
  fs::path from_file = run("md_from_data", {"run.steps=0", "box.data_file=\"" + file.string() + "\"",
                                            "output.every_steps=1", "output.h5md=true"});
  fs::path lattice = run("md_lattice_4", {"run.steps=0", "box.cells=[4,4,4]"});
  EXPECT_DOUBLE_EQ(diagnostics_column(from_file, "pe_per_atom")[0], diagnostics_column(lattice, "pe_per_atom")[0]);
  double ke = 0;
  for (std::size_t i = 0; i < n; ++i) ke += 0.5 * (data.vx[i] * data.vx[i] + data.vy[i] * data.vy[i]);
  EXPECT_NEAR(diagnostics_column(from_file, "ke_per_atom")[0], ke / n, 1e-15);
  h5::File traj((from_file / "trajectory.h5md").string(), h5::File::Mode::ReadOnly, false);
  EXPECT_EQ(traj.open_group("h5md").attribute_ints("version"), (std::vector<std::int64_t>{1, 1}));
  auto steps = traj.open_group("particles").open_group("all").open_group("position").open_dataset("step").read_all<std::int64_t>();
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0}));
}

TEST(MdMixedPrecision, PairFunctionsInFloatMatchDouble) {
  // The one evaluation, instantiated for float: force and energy within
  // float's relative error of double over the whole range, measured against
  // the size of the terms (the LJ force crosses zero at 2^(1/6) sigma). LJ
  // is a power of r^2 (condition number 7 at most); Morse's exp(-2 alpha r)
  // multiplies the relative error of r by 2 alpha r (about 25 at the cutoff).
  const md::PairCoeff lj = md::lennard_jones(1.0, 1.0, 2.5, true), morse = md::morse(1.0, 5.0, 1.0, 2.5, true);
  for (const md::PairCoeff& p : {lj, morse}) {
    const md::PairCoeffT<float> q = md::in_precision<float>(p);
    for (double r = 0.85; r < 2.5; r += 0.001) {
      const double r2 = r * r;
      double f, e;
      md::pair_evaluate(p, r2, f, e);
      float ff, ef;
      md::pair_evaluate(q, static_cast<float>(r2), ff, ef);
      // Term sizes: LJ a r^-14 + b r^-8 and c r^-12 + d r^-6 + offset; Morse
      // 2 alpha D0 (e1^2 + e1) / r and D0 (e1^2 + 2 e1).
      const double e1 = std::exp(-p.b * (r - p.c));
      const double fscale = p.kind == 0 ? p.a * std::pow(r, -14) + p.b * std::pow(r, -8) : 2 * p.b * p.a * (e1 * e1 + e1) / r;
      const double escale = p.kind == 0 ? p.c * std::pow(r, -12) + p.d * std::pow(r, -6) + std::fabs(p.offset)
                                        : p.a * (e1 * e1 + 2 * e1) + std::fabs(p.offset);
      const double rel = p.kind == 0 ? 1e-6 : 1e-7 * (1 + 2 * p.b * r);
      ASSERT_NEAR(ff, f, rel * fscale) << "kind " << p.kind << " r " << r;
      ASSERT_NEAR(ef, e, rel * escale) << "kind " << p.kind << " r " << r;
    }
  }
}

TEST(MdMixedPrecision, ForcesAndThermoAgreeWithDouble) {
  // 256 atoms displaced irregularly from the lattice (forces of order 10,
  // not the lattice's zero), step 0 in both precisions.
  const fs::path file = scratch_dir("lj_jiggled.data");
  io::write_lammps_data(file.string(), lattice_data(0.08));
  auto forces = [&](const std::string& precision, fs::path& out) {
    out = run_md("md_forces_" + precision, {"run.steps=0", "box.data_file=\"" + file.string() + "\"",
                                             "output.every_steps=1", "physics.precision=" + precision});
    h5::File f((out / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
    EXPECT_EQ(f.open_group("particles").open_dataset("id").read_all<std::int64_t>().size(), 256u);
    return f.open_group("particles").open_dataset("force").read_all<double>();
  };
  fs::path dout, mout;
  const auto fd = forces("double", dout), fm = forces("mixed", mout);
  ASSERT_EQ(fd.size(), fm.size());
  double rms = 0, rms_diff = 0, worst = 0;
  for (std::size_t k = 0; k < fd.size(); ++k) {
    rms += fd[k] * fd[k] / fd.size();
    rms_diff += (fm[k] - fd[k]) * (fm[k] - fd[k]) / fd.size();
    worst = std::max(worst, std::fabs(fm[k] - fd[k]));
  }
  rms = std::sqrt(rms), rms_diff = std::sqrt(rms_diff);
  EXPECT_GT(rms, 1.0) << "the displaced lattice should have real forces";
  // Each atom's force is a sum of pair forces up to ~10 times larger than
  // it, each good to float's 6e-8: 1e-6 in the rms, a few 1e-6 at worst.
  EXPECT_LT(rms_diff / rms, 1e-6) << "rms force difference relative to the rms force " << rms;
  EXPECT_LT(worst / rms, 1e-5) << "largest force difference relative to the rms force " << rms;
  for (const char* c : {"pe_per_atom", "pressure"})
    EXPECT_NEAR(diagnostics_column(mout, c)[0], diagnostics_column(dout, c)[0], 1e-6 * std::fabs(diagnostics_column(dout, c)[0])) << c;
  std::printf("mixed vs double: rms |df| / rms f = %.3g, max %.3g (rms f %.3g); pe %.3g, pressure %.3g relative\n",
              rms_diff / rms, worst / rms, rms, diagnostics_column(mout, "pe_per_atom")[0] / diagnostics_column(dout, "pe_per_atom")[0] - 1,
              diagnostics_column(mout, "pressure")[0] / diagnostics_column(dout, "pressure")[0] - 1);
}
