// md.lj against LAMMPS and physics: LAMMPS's in.lj step-0 thermo to its
// printed digits, NVE energy fluctuations scaling as dt^2 with zero total
// momentum, Langevin holding its temperature, identical thermo at 1, 2, 4
// and 8 ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/lammps_data.hpp"
#include "runtime/format.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
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

// Column `name` of diagnostics.csv, one value per row.
std::vector<double> column(const fs::path& out, const std::string& name) {
  auto rows = read_csv(out / "diagnostics.csv");
  std::size_t c = 0;
  while (c < rows[0].size() && rows[0][c] != name) ++c;
  EXPECT_LT(c, rows[0].size()) << name;
  std::vector<double> v;
  for (std::size_t r = 1; r < rows.size(); ++r) v.push_back(std::stod(rows[r][c]));
  return v;
}

double stddev(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (double x : v) m += x / v.size();
  for (double x : v) s += (x - m) * (x - m) / v.size();
  return std::sqrt(s);
}

}  // namespace

TEST(MdLammps, InLjStepZeroThermoMatchesLammps) {
  fs::path out = run_md("in_lj_step0", {"run.steps=0"});
  // LAMMPS prints 8 significant digits.
  EXPECT_NEAR(column(out, "pe_per_atom")[0], -6.7733681, 5e-8);
  EXPECT_NEAR(column(out, "pressure")[0], -5.0197073, 5e-8);
  EXPECT_NEAR(column(out, "temperature")[0], 1.44, 1e-12);
  EXPECT_NEAR(column(out, "etotal_per_atom")[0], -4.6134356, 5e-8);
}

TEST(MdNve, EnergyFluctuationScalesAsDtSquaredAndMomentumStaysZero) {
  // 500 atoms of the in.lj liquid after melting, 0.5 time units.
  auto run_at = [](double dt, const std::string& name) {
    // Shifted: an energy jump at the cutoff would add dt-independent noise.
    return run_md(name, {"box.cells=[5,5,5]", "physics.shift=true", strfmt("run.dt=%g", dt), strfmt("run.steps=%d", int(0.5 / dt)),
                         "run.diagnostics_every=2", "neighbor.every=1", "neighbor.check=true"});
  };
  fs::path a = run_at(0.004, "nve_a"), b = run_at(0.002, "nve_b");
  auto ea = column(a, "etotal_per_atom"), eb = column(b, "etotal_per_atom");
  // Skip the first tenth: the melt from the lattice.
  ea.erase(ea.begin(), ea.begin() + ea.size() / 10);
  eb.erase(eb.begin(), eb.begin() + eb.size() / 10);
  const double ratio = stddev(ea) / stddev(eb);
  EXPECT_GT(ratio, 4.0 * 0.7) << "halving dt should divide the fluctuation by about 4";
  EXPECT_LT(ratio, 4.0 * 1.3);
  for (const char* c : {"momentum_x", "momentum_y", "momentum_z"})
    for (double p : column(a, c)) EXPECT_LT(std::fabs(p), 1e-10) << c;
}

TEST(MdLangevin, HoldsItsTemperature) {
  fs::path out = run_md("langevin", {"box.cells=[5,5,5]", "run.steps=1500", "run.diagnostics_every=10",
                                     "thermostat.type=langevin", "thermostat.temperature=1.2",
                                     "thermostat.damping=0.5", "neighbor.every=1", "neighbor.check=true"});
  auto t = column(out, "temperature");
  double mean = 0;
  int n = 0;
  for (std::size_t i = t.size() / 3; i < t.size(); ++i, ++n) mean += t[i];
  mean /= n;
  // 500 atoms: instantaneous fluctuations ~ T sqrt(2/(3N)) = 4 %, the mean
  // over ~200 samples is good to about 1 %.
  EXPECT_NEAR(mean, 1.2, 0.03) << "mean temperature over the last two thirds";
}

TEST(MdThermostats, NoseHooverAndBussiHoldTemperatureAndConserveTheirQuantity) {
  for (const char* kind : {"nose_hoover", "bussi"}) {
    fs::path out = run_md(std::string("thermo_") + kind,
                          {"box.cells=[5,5,5]", "physics.shift=true", "run.dt=0.004", "run.steps=2000",
                           "run.diagnostics_every=10", std::string("thermostat.type=") + kind,
                           "thermostat.temperature=1.2", "thermostat.damping=0.2", "neighbor.every=1"});
    auto t = column(out, "temperature");
    auto h = column(out, "conserved_per_atom");
    double mean = 0;
    int n = 0;
    for (std::size_t i = t.size() / 3; i < t.size(); ++i, ++n) mean += t[i];
    mean /= n;
    EXPECT_NEAR(mean, 1.2, 0.03) << kind;
    // The extended energy stays put while the physical energy changes a lot.
    double drift = 0;
    for (double v : h) drift = std::max(drift, std::fabs(v - h[0]));
    EXPECT_LT(drift, 2e-3) << kind;
    auto e = column(out, "etotal_per_atom");
    EXPECT_GT(std::fabs(e.back() - e.front()), 10 * drift) << kind << ": the thermostat did work";
  }
}

TEST(MdMixtures, TwoTypesMixWithLorentzBerthelot) {
  // A 50/50 mixture of sigma 1.0 and 1.2: equal to one type when both are 1.
  fs::path same = run_md("mix_same", {"box.cells=[4,4,4]", "run.steps=0", "box.types=2",
                                      "physics.type_epsilon=[1.0,1.0]", "physics.type_sigma=[1.0,1.0]",
                                      "physics.mixing=arithmetic"});
  fs::path one = run_md("mix_one", {"box.cells=[4,4,4]", "run.steps=0"});
  EXPECT_DOUBLE_EQ(column(same, "pe_per_atom")[0], column(one, "pe_per_atom")[0]);
  fs::path mix = run_md("mix_two", {"box.cells=[4,4,4]", "run.steps=0", "box.types=2",
                                    "physics.type_epsilon=[1.0,0.5]", "physics.type_sigma=[1.0,1.2]",
                                    "physics.mixing=arithmetic"});
  EXPECT_NE(column(mix, "pe_per_atom")[0], column(one, "pe_per_atom")[0]);
}

TEST(MdRanks, ThermoAgreesAtEveryRankCount) {
  auto thermo = [](int ranks) {
    const fs::path out = scratch_dir(strfmt("md_ranks_%d", ranks));
    auto r = tessera::testing::run_cli("run " + source_path("inputs/md/lj_melt.toml").string() + " --output " +
                                           out.string() +
                                           " --set box.cells=[6,6,6] --set run.steps=20 --set run.diagnostics_every=20"
                                           " --set output.every_steps=0",
                                       ".", strfmt("mpirun -np %d --oversubscribe", ranks));
    EXPECT_EQ(r.code, 0) << r.output;
    return read_csv(out / "diagnostics.csv").back();
  };
  const auto serial = thermo(1);
  for (int ranks : {2, 4, 8}) {
    const auto par = thermo(ranks);
    for (std::size_t c = 3; c < 8; ++c)
      EXPECT_NEAR(std::stod(par[c]), std::stod(serial[c]), 1e-10 * std::fabs(std::stod(serial[c])))
          << "column " << c << " at " << ranks << " ranks";
  }
}

TEST(MdLammpsData, StartsFromADataFileAndWritesH5md) {
  // The in.lj lattice (4^3 cells) written as a LAMMPS data file gives the
  // same potential energy as the lattice built in place; velocities in the
  // file are used as they are.
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
  }
  data.x = lat.x, data.y = lat.y, data.z = lat.z;
  const fs::path file = scratch_dir("lj.data");
  io::write_lammps_data(file.string(), data);
  fs::path from_file = run_md("md_from_data", {"run.steps=0", "box.data_file=\"" + file.string() + "\"",
                                               "output.every_steps=1", "output.h5md=true"});
  fs::path lattice = run_md("md_lattice_4", {"run.steps=0", "box.cells=[4,4,4]"});
  EXPECT_DOUBLE_EQ(column(from_file, "pe_per_atom")[0], column(lattice, "pe_per_atom")[0]);
  double ke = 0;
  for (std::size_t i = 0; i < n; ++i) ke += 0.5 * (data.vx[i] * data.vx[i] + data.vy[i] * data.vy[i]);
  EXPECT_NEAR(column(from_file, "ke_per_atom")[0], ke / n, 1e-15);
  h5::File traj((from_file / "trajectory.h5md").string(), h5::File::Mode::ReadOnly, false);
  EXPECT_EQ(traj.open_group("h5md").attribute_ints("version"), (std::vector<std::int64_t>{1, 1}));
  auto steps = traj.open_group("particles").open_group("all").open_group("position").open_dataset("step").read_all<std::int64_t>();
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0}));
}
