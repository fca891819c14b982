// Ewald and PPPM at whatever rank count mpirun gives: each rank passes the
// atoms of its own box (some pushed a little beyond it, as atoms drift
// between migrations), and energy, virial and every atom's force agree with
// a one-rank computation of the whole system (run on every rank) to 1e-10
// relative. Through the md solver: 20 NVE steps of molten NaCl with PPPM
// follow LAMMPS's trajectory at this rank count.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/counter_rng.hpp"
#include "solvers/driver.hpp"
#include "solvers/md/long_range.hpp"
#include "tests/cli_runner.hpp"
#include "tests/lammps_thermo.hpp"

using tessera::testing::lammps_thermo;
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::md;
using tessera::testing::test_device;
namespace fs = std::filesystem;

namespace {

Transport& transport() {
  static std::unique_ptr<Transport> t;
  if (!t || !(t->device() == test_device())) t = make_transport(TransportKind::Auto, test_device());
  return *t;
}

struct Atoms {
  std::vector<double> x, y, z, q;
  std::vector<int> id;
};

struct Result {
  LongRangeTerms terms;
  std::vector<double> f;  // 3 per atom
};

Result run(const LongRangeSpec& spec, const CartesianLayout& layout, const Atoms& a, std::int64_t natoms, double sq,
           double sq2) {
  const Device& dev = test_device();
  const std::size_t n = a.q.size();
  const std::size_t m = std::max<std::size_t>(n, 1);
  Buffer<double> x(dev, m), y(dev, m), z(dev, m), q(dev, m), fx(dev, m), fy(dev, m), fz(dev, m);
  const std::vector<double> zero(m, 0.0);
  if (n > 0) x.copy_from_host(a.x), y.copy_from_host(a.y), z.copy_from_host(a.z), q.copy_from_host(a.q);
  fx.copy_from_host(zero), fy.copy_from_host(zero), fz.copy_from_host(zero);
  auto lr = make_long_range(spec, transport(), dev);
  lr->setup(layout, natoms, sq, sq2);
  ChargedAtoms c{static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), fx.data(), fy.data(), fz.data()};
  Result r;
  r.terms = lr->compute(c, true);
  const auto hx = fx.to_host(), hy = fy.to_host(), hz = fz.to_host();
  for (std::size_t i = 0; i < n; ++i) r.f.insert(r.f.end(), {hx[i], hy[i], hz[i]});
  return r;
}

void check_rank_invariance(const std::string& style, int order, double net_charge,
                           std::array<int, 3> mesh = {0, 0, 0}, double g_ewald = 0) {
  const int natoms = 1200;
  const std::array<double, 3> length{9.0, 10.0, 8.0};
  LayoutSpec ls;
  ls.cells = {6, 6, 6};
  ls.periodic = {true, true, true};
  ls.upper = length;
  const CartesianLayout world = CartesianLayout::for_this_process(ls);
  const CartesianLayout one(ls, 1, 0);
  const CounterRng rng{77};
  Atoms all, mine;
  double sq = 0, sq2 = 0;
  for (int i = 0; i < natoms; ++i) {
    double p[3];
    for (int d = 0; d < 3; ++d) p[d] = rng.uniform(0, 3 * i + d) * length[d];
    const double q = (i % 2 ? -1.0 : 1.0) + (i == 0 ? net_charge : 0.0);
    bool owned = true;
    for (int d = 0; d < 3; ++d) owned = owned && p[d] >= world.owned_lower(d) && p[d] < world.owned_upper(d);
    // Atoms drift up to 0.4 past their box (and the periodic faces) before
    // they migrate; the result must not care.
    double shifted[3];
    for (int d = 0; d < 3; ++d) shifted[d] = p[d] + 0.8 * (rng.uniform(1, 3 * i + d) - 0.5);
    all.x.push_back(shifted[0]), all.y.push_back(shifted[1]), all.z.push_back(shifted[2]), all.q.push_back(q);
    all.id.push_back(i);
    if (owned) {
      mine.x.push_back(shifted[0]), mine.y.push_back(shifted[1]), mine.z.push_back(shifted[2]), mine.q.push_back(q);
      mine.id.push_back(i);
    }
    sq += q, sq2 += q * q;
  }
  LongRangeSpec spec;
  spec.style = style;
  spec.accuracy = 1e-5;
  spec.order = order;
  spec.cutoff = 3.0;
  spec.qqrd2e = 1.7;
  spec.mesh = mesh;
  spec.g_ewald = g_ewald;
  const Result ref = run(spec, one, all, natoms, sq, sq2);
  const Result got = run(spec, world, mine, natoms, sq, sq2);
  EXPECT_EQ(collectives::sum(static_cast<std::int64_t>(mine.q.size())), natoms);
  EXPECT_NEAR(got.terms.energy / ref.terms.energy, 1.0, 1e-10) << style;
  double vscale = 0;
  for (int k = 0; k < 3; ++k) vscale += std::abs(ref.terms.virial[k]);
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(got.terms.virial[k], ref.terms.virial[k], 1e-10 * vscale) << style << k;
  double fscale = 0;
  for (double v : ref.f) fscale += v * v;
  fscale = std::sqrt(fscale / ref.f.size());
  double worst = 0;
  for (std::size_t i = 0; i < mine.id.size(); ++i)
    for (int d = 0; d < 3; ++d) worst = std::max(worst, std::abs(got.f[3 * i + d] - ref.f[3 * mine.id[i] + d]));
  const double worst_all = collectives::max(worst) / fscale;  // every rank calls the collective
  EXPECT_LT(worst_all, 1e-10) << style << " order " << order;
}

}  // namespace

// inputs/md/molten_salt.toml on LAMMPS's data file (charges and masses from
// it), cutoff 6 and skin 1 (so that 3 ranks fit along x), with LAMMPS's PPPM
// parameters, against tests/data/lammps/
// log.molten_salt_nve (erfc tabulated with 2^16 points there, ~1e-8 from the
// exact one here): thermo at steps 0, 10, 20 to 1e-7 at any rank count.
TEST(LongRangeRanks, MoltenSaltNveFollowsLammpsAtThisRankCount) {
  using tessera::testing::source_path;
  const std::string tag = std::to_string(collectives::size());
  const fs::path out = fs::temp_directory_path() / ("tessera_mpi_pppm_salt_" + tag);
  const fs::path deck = fs::temp_directory_path() / ("tessera_mpi_pppm_salt_" + tag + ".toml");
  if (collectives::rank() == 0) {
    fs::remove_all(out);
    std::istringstream in(tessera::testing::read_file(source_path("inputs/md/molten_salt.toml")));
    std::ofstream d(deck);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("type_charge", 0) != 0 && line.rfind("type_mass", 0) != 0) d << line << "\n";
  }
  collectives::barrier();
  RunOptions o;
  o.deck_path = deck.string();
  o.output_dir = out.string();
  o.overrides = {"run.steps=20", "run.diagnostics_every=10", "output.every_steps=0",
                 "box.data_file=\"" + source_path("tests/data/lammps/molten_salt.data").string() + "\"",
                 "physics.cutoff=6.0", "neighbor.skin=1.0", "kspace.mesh=[30,30,30]", "kspace.order=5",
                 "kspace.g_ewald=0.45"};
  run(o);
  if (collectives::rank() != 0) return;
  auto lmp = lammps_thermo(source_path("tests/data/lammps/log.molten_salt_nve"));
  ASSERT_EQ(lmp["Step"].size(), 3u);
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"Temp", "temperature"}, {"Press", "pressure"}, {"PotEng", "pe_per_atom"},
      {"TotEng", "etotal_per_atom"}, {"E_long", "elong"}};
  for (const auto& [theirs, ours] : columns) {
    const std::vector<double> got = tessera::testing::diagnostics_column(out, ours);
    ASSERT_EQ(got.size(), 3u) << ours;
    const double scale = ours.find("per_atom") != std::string::npos ? 512.0 : 1.0;
    for (std::size_t row = 0; row < got.size(); ++row)
      EXPECT_NEAR(got[row] * scale, lmp[theirs][row], 1e-7 * std::fabs(lmp[theirs][row]))
          << collectives::size() << " ranks, step " << lmp["Step"][row] << ": " << ours;
  }
}

TEST(LongRangeRanks, PppmMatchesOneRank) {
  check_rank_invariance("pppm", 5, 0.0);
  // Order 2 needs a huge mesh for 1e-5: a small one given explicitly.
  check_rank_invariance("pppm", 2, 0.0, {17, 20, 15}, 0.9);
  check_rank_invariance("pppm", 7, 0.0);
}

TEST(LongRangeRanks, PppmNonNeutralMatchesOneRank) { check_rank_invariance("pppm", 4, 0.5); }

TEST(LongRangeRanks, EwaldMatchesOneRank) { check_rank_invariance("ewald", 5, 0.0); }
