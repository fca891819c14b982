// md.lj's Langevin thermostat promises "the same forces at any rank count":
// its random kick is a function of (seed, atom id, step) only. Tested at 1,
// 2 and 4 ranks (the CLI under mpirun, as users run it):
// - atoms that never interact (sparse lattice, short cutoff) feel only the
//   thermostat, so each atom's trajectory is the same bit for bit at every
//   rank count, whatever atoms share its rank;
// - the interacting liquid agrees within round-off (the pair sums run in
//   another order on another decomposition), as md.lj does without a
//   thermostat (md_test's MdRanks).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/format.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::run_cli;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

struct State {
  fs::path out;
  std::vector<double> position, velocity;  // by atom id, 3 per atom
};

// The final snapshot's positions and velocities in id order.
State run_langevin(const std::string& name, int ranks, const std::string& sets, int steps) {
  State s;
  s.out = scratch_dir(strfmt("%s_np%d", name.c_str(), ranks));
  auto r = run_cli("run " + source_path("inputs/md/lj_melt.toml").string() + " --output " + s.out.string() +
                       " --set thermostat.type=langevin --set thermostat.temperature=1.2 --set thermostat.damping=0.5"
                       " --set thermostat.seed=2024 --set output.initial=false" +
                       strfmt(" --set run.steps=%d --set output.every_steps=%d --set run.diagnostics_every=10", steps,
                              steps) +
                       sets,
                   ".", strfmt("mpirun -np %d --oversubscribe", ranks));
  EXPECT_EQ(r.code, 0) << r.output;
  if (r.code != 0) return s;
  h5::File f((s.out / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location p = f.open_group("particles");
  const auto ids = p.open_dataset("id").read_all<std::int64_t>();
  const auto x = p.open_dataset("position").read_all<double>(), v = p.open_dataset("velocity").read_all<double>();
  s.position.assign(x.size(), 0.0);
  s.velocity.assign(v.size(), 0.0);
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (int c = 0; c < 3; ++c) {
      s.position[3 * static_cast<std::size_t>(ids[i]) + c] = x[3 * i + c];
      s.velocity[3 * static_cast<std::size_t>(ids[i]) + c] = v[3 * i + c];
    }
  return s;
}

}  // namespace

TEST(MdLangevinRanks, LoneAtomsFollowTheSameTrajectoryBitForBitAtAnyRankCount) {
  // sc at density 0.05 (spacing 2.71, box 10.9), cutoff 0.5: no pair comes
  // near the cutoff in 0.4 time units; 4 ranks split the box 4 x 1 x 1 or
  // 2 x 2 x 1, so atoms cross rank boundaries and migrate.
  const std::string sets =
      " --set box.lattice=sc --set box.density=0.05 --set box.cells=[4,4,4] --set physics.cutoff=0.5"
      " --set neighbor.every=1 --set neighbor.check=true --set problem.temperature=1.0";
  const State one = run_langevin("langevin_lone", 1, sets, 80);
  ASSERT_EQ(one.position.size(), 64u * 3);
  for (double pe : diagnostics_column(one.out, "pe_per_atom")) ASSERT_EQ(pe, 0.0) << "the atoms must not interact";
  // The thermostat did act: the kinetic energy is no longer the initial one.
  const auto ke = diagnostics_column(one.out, "ke_per_atom");
  EXPECT_GT(std::fabs(ke.back() - ke.front()), 1e-3);
  for (int ranks : {2, 4}) {
    const State many = run_langevin("langevin_lone", ranks, sets, 80);
    EXPECT_EQ(many.position, one.position) << ranks << " ranks: positions differ";
    EXPECT_EQ(many.velocity, one.velocity) << ranks << " ranks: velocities differ";
  }
}

TEST(MdLangevinRanks, LiquidAgreesWithinRoundOffAtAnyRankCount) {
  // 864 atoms of the in.lj liquid, 40 steps with the thermostat on.
  const std::string sets = " --set box.cells=[6,6,6] --set neighbor.every=1 --set neighbor.check=true";
  const State one = run_langevin("langevin_liquid", 1, sets, 40);
  ASSERT_EQ(one.position.size(), 864u * 3);
  const auto t1 = diagnostics_column(one.out, "temperature");
  double worst = 0;
  for (int ranks : {2, 4}) {
    const State many = run_langevin("langevin_liquid", ranks, sets, 40);
    ASSERT_EQ(many.position.size(), one.position.size());
    const double box = 6 * std::cbrt(4 / 0.8442);
    for (std::size_t k = 0; k < one.position.size(); ++k) {
      // Positions may differ by a box length when an atom sits on a face.
      const double dx = many.position[k] - one.position[k];
      ASSERT_NEAR(dx - box * std::round(dx / box), 0.0, 1e-10) << ranks << " ranks, position " << k;
      ASSERT_NEAR(many.velocity[k], one.velocity[k], 1e-10) << ranks << " ranks, velocity " << k;
      worst = std::max(worst, std::fabs(many.velocity[k] - one.velocity[k]));
    }
    const auto t = diagnostics_column(many.out, "temperature");
    ASSERT_EQ(t.size(), t1.size());
    for (std::size_t row = 0; row < t.size(); ++row) EXPECT_NEAR(t[row], t1[row], 1e-10 * t1[row]) << ranks << " ranks";
  }
  std::printf("Langevin liquid: largest velocity difference over 2 and 4 ranks %.3g\n", worst);
}
