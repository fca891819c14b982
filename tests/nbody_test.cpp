// nbody.direct against exact two-body motion: energy bounded without drift
// over 10 orbits and second order in dt; the orbit closes after one period
// to the expected phase error; Hermite is fourth order; the GADGET layout is
// what its tools expect; the virial-equilibrium option scales velocities
// only, by one factor, to 2K/|W| = 1, keeping the Hermite jerk consistent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/format.hpp"
#include "solvers/nbody/initial_conditions.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

constexpr double kTwoPi = 6.283185307179586;

// Runs `deck` with its outputs in `out`; returns `out`.
fs::path run_deck_at(const fs::path& deck, const fs::path& out, std::vector<std::string> overrides) {
  register_builtin_solvers();
  RunOptions o;
  o.deck_path = deck.string();
  o.output_dir = out.string();
  o.overrides = std::move(overrides);
  run(o);
  return out;
}

// inputs/nbody/<deck>, outputs in a fresh scratch directory.
fs::path run_deck(const std::string& deck, const std::string& name, std::vector<std::string> overrides) {
  return run_deck_at(source_path("inputs/nbody/" + deck), scratch_dir(name), std::move(overrides));
}

struct EnergyHistory {
  std::vector<double> t, e;
};

EnergyHistory kepler(double e, double dt, double orbits, const std::string& integrator = "leapfrog") {
  fs::path out = run_deck("kepler.toml", strfmt("kepler_%g_%g_%s", e, dt, integrator.c_str()),
                          {strfmt("problem.eccentricity=%g", e), strfmt("run.dt=%.17g", dt),
                           strfmt("run.t_end=%.17g", orbits * kTwoPi), "run.diagnostics_every=5",
                           "physics.integrator=" + integrator, "output.every_time=0"});
  return {diagnostics_column(out, "time"), diagnostics_column(out, "total_energy")};
}

// Largest |E - E0| / |E0| over [t0, t1).
double max_error(const EnergyHistory& h, double t0, double t1) {
  double worst = 0;
  for (std::size_t i = 0; i < h.e.size(); ++i)
    if (h.t[i] >= t0 && h.t[i] < t1) worst = std::max(worst, std::fabs(h.e[i] - h.e[0]) / std::fabs(h.e[0]));
  return worst;
}

}  // namespace

TEST(NbodyKepler, EnergyBoundedWithoutDriftAndSecondOrder) {
  for (double e : {0.0, 0.5}) {
    const EnergyHistory a = kepler(e, 0.004, 10), b = kepler(e, 0.002, 10);
    const double first = max_error(a, 0, kTwoPi), last = max_error(a, 9 * kTwoPi, 10 * kTwoPi + 1);
    EXPECT_LT(last, 1.3 * first + 1e-14) << "energy drifts at e = " << e;
    EXPECT_LT(max_error(a, 0, 11 * kTwoPi), e == 0 ? 1e-9 : 1e-4) << "e = " << e;
    if (e > 0) {
      const double ratio = max_error(a, 0, 11 * kTwoPi) / max_error(b, 0, 11 * kTwoPi);
      EXPECT_GT(ratio, 3.0) << "halving dt should divide the error by about 4";
      EXPECT_LT(ratio, 5.0);
    }
  }
}

TEST(NbodyKepler, HermiteIsFourthOrder) {
  const EnergyHistory a = kepler(0.5, 0.01, 1, "hermite"), b = kepler(0.5, 0.005, 1, "hermite");
  const double ratio = max_error(a, 0, 2 * kTwoPi) / max_error(b, 0, 2 * kTwoPi);
  EXPECT_GT(ratio, 10.0) << "halving dt should divide a 4th-order error by about 16";
}

TEST(NbodyKepler, OrbitClosesAfterOnePeriod) {
  // e = 0.5 from apocentre (0.75, 0) for body 2: back there after one period,
  // up to leapfrog's phase error O(dt^2).
  for (double dt : {0.002, 0.001}) {
    fs::path out = run_deck("kepler.toml", strfmt("kepler_period_%g", dt),
                            {"problem.eccentricity=0.5", strfmt("run.dt=%.17g", dt),
                             strfmt("run.t_end=%.17g", kTwoPi), "output.every_time=6.283185307179586"});
    h5::File f((out / "snapshots" / "snapshot_00001.h5").string(), h5::File::Mode::ReadOnly, false);
    auto pos = f.open_group("particles").open_dataset("position").read_all<double>();
    auto ids = f.open_group("particles").open_dataset("id").read_all<std::int64_t>();
    const std::size_t k = ids[0] == 1 ? 0 : 1;
    const double dx = pos[3 * k] - 0.75, dy = pos[3 * k + 1];
    EXPECT_LT(std::hypot(dx, dy), 60 * dt * dt) << "dt = " << dt;
  }
}

TEST(NbodyOutput, GadgetLayoutHasTheHeaderItsToolsRead) {
  fs::path out = run_deck("cold_collapse.toml", "gadget", {"problem.n=300", "run.t_end=0.05", "output.every_time=0.05"});
  h5::File f((out / "snapshots" / "snapshot_00001.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location header = f.open_group("Header");
  EXPECT_EQ(header.attribute_ints("NumPart_ThisFile"), (std::vector<std::int64_t>{0, 300, 0, 0, 0, 0}));
  EXPECT_EQ(header.attribute_ints("NumPart_Total"), (std::vector<std::int64_t>{0, 300, 0, 0, 0, 0}));
  EXPECT_EQ(header.attribute_doubles("MassTable"), std::vector<double>(6, 0.0));
  EXPECT_DOUBLE_EQ(header.attribute_double("Time"), 0.05);
  const h5::Location p = f.open_group("PartType1");
  EXPECT_EQ(p.open_dataset("Coordinates").dims(), (std::vector<std::uint64_t>{300, 3}));
  EXPECT_EQ(p.open_dataset("Velocities").dims(), (std::vector<std::uint64_t>{300, 3}));
  auto ids = p.open_dataset("ParticleIDs").read_all<std::int64_t>();
  std::sort(ids.begin(), ids.end());
  for (int i = 0; i < 300; ++i) EXPECT_EQ(ids[i], i);
  auto m = p.open_dataset("Masses").read_all<double>();
  EXPECT_DOUBLE_EQ(m[17], 1.0 / 300);
  EXPECT_TRUE(fs::exists(out / "snapshot.xmf"));
}

namespace {

std::vector<double> snapshot_column(const fs::path& out, int index, const std::string& name) {
  h5::File f((out / "snapshots" / strfmt("snapshot_%05d.h5", index)).string(), h5::File::Mode::ReadOnly, false);
  return f.open_group("particles").open_dataset(name).read_all<double>();
}

}  // namespace

TEST(NbodyVirial, ScalingLeavesPositionsAndScalesVelocitiesByOneFactor) {
  // N = 512: the sample's own 2K/|W| is a few per cent from 1.
  const std::vector<std::string> base = {"problem.n=512", "run.t_end=1", "run.steps=0", "output.every_time=1"};
  auto with = base;
  with.push_back("problem.virial_equilibrium=true");
  const fs::path plain = run_deck("plummer.toml", "virial_off", base), scaled = run_deck("plummer.toml", "virial_on", with);
  const double q0 = diagnostics_column(plain, "virial_ratio").at(0), q1 = diagnostics_column(scaled, "virial_ratio").at(0);
  EXPECT_GT(std::fabs(q0 - 1), 1e-3) << "the test needs a sample out of equilibrium";
  EXPECT_NEAR(q1, 1.0, 1e-12);
  // Potential energy is a function of positions only: unchanged.
  EXPECT_EQ(diagnostics_column(plain, "potential_energy").at(0), diagnostics_column(scaled, "potential_energy").at(0));

  const auto x0 = snapshot_column(plain, 0, "position"), x1 = snapshot_column(scaled, 0, "position");
  const auto v0 = snapshot_column(plain, 0, "velocity"), v1 = snapshot_column(scaled, 0, "velocity");
  ASSERT_EQ(x0.size(), 3u * 512);
  EXPECT_EQ(x0, x1);
  // The default is the sampler's bodies, bit for bit (single rank: ids in order).
  const nbody::Bodies b = nbody::plummer(512, 1, 0.999);
  for (std::size_t i = 0; i < 512; ++i) {
    ASSERT_EQ(v0[3 * i], b.vx[i]);
    ASSERT_EQ(v0[3 * i + 1], b.vy[i]);
    ASSERT_EQ(v0[3 * i + 2], b.vz[i]);
  }
  // One common factor, and it is the one that makes 2K/|W| = 1: 1/sqrt(q0).
  const double s = 1 / std::sqrt(q0);
  for (std::size_t k = 0; k < v0.size(); ++k) EXPECT_NEAR(v1[k], s * v0[k], 1e-14 * std::fabs(v0[k]) + 1e-300) << k;
}

TEST(NbodyVirial, HermiteFirstStepMatchesAFreshStartFromTheScaledBodies) {
  // The Hermite predictor uses the jerk of setup's force pass; after the
  // velocity scaling it must be the jerk of the scaled velocities. A run
  // started from a snapshot of the scaled bodies computes that jerk afresh:
  // the first step must agree to round-off. (With the unscaled jerk the
  // positions after one step differ by ~1e-7 here: checked.)
  const std::vector<std::string> common = {"physics.integrator=hermite", "run.dt=0.0078125", "run.t_end=1", "run.steps=1",
                                           "output.every_time=0", "output.every_steps=1"};
  auto a = common;
  a.insert(a.end(), {"problem.n=256", "problem.virial_equilibrium=true"});
  const fs::path scaled = run_deck("plummer.toml", "virial_hermite", a);

  // Restart from snapshot 0 with a deck of its own: type = "file" cannot carry
  // the sampler's n and seed.
  const fs::path dir = scratch_dir("virial_hermite_file");
  const fs::path deck = dir / "from_file.toml";
  fs::create_directories(dir);
  {
    std::ofstream f(deck);
    f << "[run]\nsolver = \"nbody.direct\"\ndiagnostics_every = 1\n"
         "[physics]\nepsilon = 0.015625\n"
         "[problem]\ntype = \"file\"\npath = \"" << (scaled / "snapshots" / "snapshot_00000.h5").string() << "\"\n";
  }
  const fs::path fresh = run_deck_at(deck, dir / "out", common);
  EXPECT_NEAR(diagnostics_column(fresh, "virial_ratio").at(0), 1.0, 1e-12);
  const auto xa = snapshot_column(scaled, 1, "position"), xb = snapshot_column(fresh, 1, "position");
  const auto va = snapshot_column(scaled, 1, "velocity"), vb = snapshot_column(fresh, 1, "velocity");
  ASSERT_EQ(xa.size(), xb.size());
  double dx = 0, dv = 0;
  for (std::size_t k = 0; k < xa.size(); ++k) dx = std::max(dx, std::fabs(xa[k] - xb[k])), dv = std::max(dv, std::fabs(va[k] - vb[k]));
  EXPECT_LT(dx, 1e-13);
  EXPECT_LT(dv, 1e-12);
}
