// md.lj's Berendsen barostat: the time-averaged pressure relaxes to its
// target and the density moves the way the target asks; the same thermo at
// 1, 2 and 4 ranks; a clear refusal of bad [barostat] keys and of a box
// that shrinks below what the decomposition supports.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/format.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::read_csv;
using tessera::testing::run_cli;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

const std::string kDeck = source_path("inputs/md/lj_melt.toml").string();

// 500 atoms of a supercritical LJ fluid (T = 1.5, rc = 2.5) from the in.lj
// lattice at density 0.8442, where NVT gives P = 5.25.
const std::string kFluid =
    " --set box.cells=[5,5,5] --set problem.temperature=1.5 --set thermostat.type=bussi"
    " --set thermostat.temperature=1.5 --set thermostat.damping=0.1 --set neighbor.every=1"
    " --set neighbor.check=true --set output.every_steps=0";

fs::path run_ok(const std::string& name, const std::string& args, const std::string& prefix = "") {
  const fs::path out = scratch_dir(name);
  auto r = run_cli("run " + kDeck + " --output " + out.string() + args, ".", prefix);
  EXPECT_EQ(r.code, 0) << r.output;
  return out;
}

struct Average {
  double mean = 0, error = 0;  // error: standard error from 10 block means
};

Average block_average(const std::vector<double>& v, std::size_t from) {
  constexpr int kBlocks = 10;
  const std::size_t n = (v.size() - from) / kBlocks;
  double means[kBlocks], total = 0;
  for (int b = 0; b < kBlocks; ++b) {
    means[b] = 0;
    for (std::size_t i = 0; i < n; ++i) means[b] += v[from + b * n + i] / static_cast<double>(n);
    total += means[b] / kBlocks;
  }
  double var = 0;
  for (double m : means) var += (m - total) * (m - total) / (kBlocks - 1);
  return {total, std::sqrt(var / kBlocks)};
}

}  // namespace

// In both pair precisions ([physics] precision): mixed rounds each pair's
// force and virial to float, which must not bias the pressure.
class MdBarostatPrecision : public ::testing::TestWithParam<std::string> {};

TEST_P(MdBarostatPrecision, PressureRelaxesToTheTargetAndTheDensityFollowsIt) {
  // Below and above the NVT pressure at the start: the box must grow for
  // the lower target and shrink for the higher one.
  for (double target : {3.0, 7.0}) {
    const fs::path out = run_ok(strfmt("baro_%g_%s", target, GetParam().c_str()),
                                kFluid + strfmt(" --set run.steps=1600 --set run.diagnostics_every=4"
                                                " --set barostat.type=berendsen --set barostat.pressure=%g"
                                                " --set barostat.damping=0.5 --set physics.precision=%s",
                                                target, GetParam().c_str()));
    const auto p = diagnostics_column(out, "pressure"), rho = diagnostics_column(out, "density"), t = diagnostics_column(out, "temperature");
    ASSERT_EQ(p.size(), 401u);
    // Equilibrated after ~5 tau_P (500 steps); average over the rest.
    const Average pa = block_average(p, 125), rhoa = block_average(rho, 125);
    EXPECT_LT(std::fabs(pa.mean - target), 4 * pa.error + 1e-3)
        << "target " << target << ": <P> = " << pa.mean << " +- " << pa.error;
    EXPECT_LT(pa.error, 0.05) << "the average is long enough to mean something";
    if (target < 5.25)
      EXPECT_LT(rhoa.mean, 0.8442 - 10 * rhoa.error) << "a lower pressure expands the fluid";
    else
      EXPECT_GT(rhoa.mean, 0.8442 + 10 * rhoa.error) << "a higher pressure compresses it";
    // The volume column is the box the density comes from (m = 1).
    EXPECT_NEAR(diagnostics_column(out, "volume").back() * rho.back(), 500.0, 1e-9);
    EXPECT_NEAR(block_average(t, 125).mean, 1.5, 0.03) << "the thermostat still holds T";
  }
}

INSTANTIATE_TEST_SUITE_P(Precisions, MdBarostatPrecision, ::testing::Values("double", "mixed"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(MdBarostat, ThermoAgreesAtEveryRankCount) {
  // The box changes every step here, so the dilation, the migration into
  // dilated rank boxes and the ghost shifts all enter the comparison.
  auto thermo = [](int ranks) {
    const fs::path out = run_ok(strfmt("baro_ranks_%d", ranks),
                                " --set box.cells=[6,6,6] --set run.steps=30 --set run.diagnostics_every=30"
                                " --set output.every_steps=0 --set thermostat.type=nose_hoover"
                                " --set thermostat.temperature=1.0 --set barostat.type=berendsen"
                                " --set barostat.pressure=0.5 --set barostat.damping=0.1 --set neighbor.every=1",
                                strfmt("mpirun -np %d --oversubscribe", ranks));
    return std::vector<double>{diagnostics_column(out, "pressure").back(), diagnostics_column(out, "pe_per_atom").back(),
                               diagnostics_column(out, "temperature").back(), diagnostics_column(out, "volume").back()};
  };
  const auto serial = thermo(1);
  EXPECT_GT(std::fabs(serial[3] / 864.0 * 0.8442 - 1.0), 1e-3) << "the box moved";
  for (int ranks : {2, 4}) {
    const auto par = thermo(ranks);
    for (std::size_t c = 0; c < serial.size(); ++c)
      EXPECT_NEAR(par[c], serial[c], 1e-10 * std::fabs(serial[c])) << "value " << c << " at " << ranks << " ranks";
  }
}

TEST(MdBarostat, BadKeysAreRefusedWithTheReason) {
  struct Case {
    std::string set, expected;
  };
  const std::vector<Case> cases = {
      {"barostat.type=parrinello", "berendsen"},
      {"barostat.type=berendsen --set barostat.damping=1", "missing required key 'pressure' in [barostat]"},
      {"barostat.type=berendsen --set barostat.pressure=1", "missing required key 'damping' in [barostat]"},
      {"barostat.type=berendsen --set barostat.pressure=1 --set barostat.damping=-1", "damping"},
      {"barostat.type=berendsen --set barostat.pressure=1 --set barostat.damping=1 --set barostat.presure=2",
       "did you mean 'pressure'"},
      {"barostat.pressure=1", "applies only when type is 'berendsen'"},
      {"barostat.type=berendsen --set barostat.pressure=1 --set barostat.damping=1 --set barostat.coupling=aniso",
       "is not one of 'iso'"},
  };
  for (const Case& c : cases) {
    auto r = run_cli("check " + kDeck + " --set " + c.set);
    EXPECT_EQ(r.code, 2) << c.set << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.set << "\n" << r.output;
  }
  // Between keys: tau_P below the coupling interval; H5MD, whose box is fixed.
  const std::string npt = " --set barostat.type=berendsen --set barostat.pressure=1";
  auto tau = run_cli("check " + kDeck + npt + " --set barostat.damping=0.02 --set barostat.every=5");
  EXPECT_EQ(tau.code, 2) << tau.output;
  EXPECT_NE(tau.output.find("tau_P = 0.02 is shorter than the coupling interval every * dt = 0.025"),
            std::string::npos)
      << tau.output;
  auto h5md = run_cli("check " + kDeck + npt + " --set barostat.damping=1 --set output.h5md=true");
  EXPECT_EQ(h5md.code, 2) << h5md.output;
  EXPECT_NE(h5md.output.find("H5MD trajectory records one fixed box"), std::string::npos) << h5md.output;
}

TEST(MdBarostat, RefusesABoxTooSmallForTheRanks) {
  // 864 atoms at density 0.5: a 12 sigma box, 3 sigma per rank over 4 ranks
  // along x. Compressed toward the liquid, a rank box soon falls below
  // cutoff + skin = 2.8.
  const fs::path out = scratch_dir("baro_small");
  auto r = run_cli("run " + kDeck + " --output " + out.string() +
                       " --set box.cells=[6,6,6] --set box.density=0.5 --set parallel.ranks=[4,1,1]"
                       " --set run.steps=2000 --set output.every_steps=0 --set barostat.type=berendsen"
                       " --set barostat.pressure=10 --set barostat.damping=0.05 --set barostat.modulus=50",
                   ".", "mpirun -np 4 --oversubscribe");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("narrowest rank box"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("run on fewer ranks along x"), std::string::npos) << r.output;
}
