// md.lj's starting lattices (fcc, bcc, sc) against their formulas: atom
// count, box for the density, number density, nearest-neighbour distance and
// coordination (no overlaps, no missing sites), and through the solver the
// step-0 energy of each perfect lattice against a direct lattice sum.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

struct Kind {
  std::string name;
  int basis;         // atoms per cubic cell
  double nn;         // nearest-neighbour distance in units of the cell length
  int coordination;  // neighbours at that distance
  std::vector<std::array<double, 3>> sites;  // the basis, in cell lengths
};

const std::vector<Kind> kKinds = {
    {"fcc", 4, 1.0 / std::sqrt(2.0), 12, {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}}},
    {"bcc", 2, std::sqrt(3.0) / 2.0, 8, {{0, 0, 0}, {0.5, 0.5, 0.5}}},
    {"sc", 1, 1.0, 6, {{0, 0, 0}}}};

// LJ energy of the atom at the origin of an infinite lattice of cell length
// a: the sum over every other site within rc.
double lattice_sum(const Kind& k, double a, double rc) {
  const int reach = static_cast<int>(std::ceil(rc / a)) + 1;
  double sum = 0;
  for (int i = -reach; i <= reach; ++i)
    for (int j = -reach; j <= reach; ++j)
      for (int l = -reach; l <= reach; ++l)
        for (const auto& b : k.sites) {
          const double d[3] = {(i + b[0]) * a, (j + b[1]) * a, (l + b[2]) * a};
          const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
          if (r2 == 0 || r2 >= rc * rc) continue;
          const double s6 = 1.0 / (r2 * r2 * r2);
          sum += 4 * (s6 * s6 - s6);
        }
  return sum;
}

// Squared minimum-image distance in a periodic box.
double image_distance2(const md::Lattice& l, std::size_t i, std::size_t j) {
  const double d[3] = {l.x[i] - l.x[j], l.y[i] - l.y[j], l.z[i] - l.z[j]};
  double r2 = 0;
  for (int a = 0; a < 3; ++a) {
    const double w = d[a] - l.box[a] * std::round(d[a] / l.box[a]);
    r2 += w * w;
  }
  return r2;
}

}  // namespace

TEST(MdLattice, CountBoxDensityAndNeighboursMatchTheFormulas) {
  const double density = 0.7;
  const std::array<int, 3> cells = {3, 4, 5};
  for (const Kind& k : kKinds) {
    const md::Lattice l = md::make_lattice(k.name, density, cells);
    const std::size_t n = static_cast<std::size_t>(k.basis) * 3 * 4 * 5;
    ASSERT_EQ(l.x.size(), n) << k.name;
    ASSERT_EQ(l.y.size(), n);
    ASSERT_EQ(l.z.size(), n);
    // The cubic cell holds `basis` atoms at the density: a = (basis / rho)^(1/3).
    const double a = std::cbrt(k.basis / density);
    EXPECT_NEAR(l.cell, a, 1e-14) << k.name;
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(l.box[d], cells[d] * a, 1e-13) << k.name << " axis " << d;
    EXPECT_NEAR(static_cast<double>(n) / (l.box[0] * l.box[1] * l.box[2]), density, 1e-13) << k.name;
    EXPECT_NEAR(md::lattice_constant(k.name, density), a, 1e-14) << k.name;
    EXPECT_NEAR(md::nearest_neighbour_distance(k.name, density), k.nn * a, 1e-14) << k.name;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_GE(l.x[i], 0.0);
      EXPECT_LT(l.x[i], l.box[0]);
      EXPECT_GE(l.y[i], 0.0);
      EXPECT_LT(l.y[i], l.box[1]);
      EXPECT_GE(l.z[i], 0.0);
      EXPECT_LT(l.z[i], l.box[2]);
    }
    // Every atom: its nearest neighbours at the formula's distance, as many
    // as the lattice's coordination, none closer (so no two sites coincide).
    const double nn2 = k.nn * a * k.nn * a;
    for (std::size_t i = 0; i < n; ++i) {
      double closest = 1e300;
      int at_nn = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double r2 = image_distance2(l, i, j);
        closest = std::min(closest, r2);
        if (std::fabs(r2 - nn2) < 1e-9 * nn2) ++at_nn;
      }
      ASSERT_NEAR(std::sqrt(closest), k.nn * a, 1e-12) << k.name << " atom " << i;
      ASSERT_EQ(at_nn, k.coordination) << k.name << " atom " << i;
    }
  }
}

TEST(MdLattice, StepZeroEnergyIsTheLatticeSum) {
  // A perfect lattice: every atom has the same surroundings, so pe per atom
  // is half the LJ energy of one atom with the infinite lattice (built here
  // from the basis and a = (basis / rho)^(1/3), not by md::make_lattice).
  register_builtin_solvers();
  const double density = 0.8, rc = 2.5;
  for (const Kind& k : kKinds) {
    const int c = k.basis == 1 ? 6 : 4;  // box 6.5 (sc), 5.4 (bcc), 6.3 (fcc) > 2 rc
    const double a = std::cbrt(k.basis / density);
    const double sum = lattice_sum(k, a, rc);
    const md::Lattice l = md::make_lattice(k.name, density, {c, c, c});
    RunOptions o;
    o.deck_path = source_path("inputs/md/lj_melt.toml").string();
    o.output_dir = scratch_dir("lattice_" + k.name).string();
    o.overrides = {"run.steps=0", "output.every_steps=0", "box.lattice=\"" + k.name + "\"",
                   "box.density=0.8", strfmt("box.cells=[%d,%d,%d]", c, c, c)};
    run(o);
    const fs::path out(*o.output_dir);
    EXPECT_NEAR(diagnostics_column(out, "pe_per_atom")[0], 0.5 * sum, 1e-12 * std::fabs(sum)) << k.name;
    EXPECT_NEAR(diagnostics_column(out, "density")[0], density, 1e-13) << k.name;
    EXPECT_NEAR(diagnostics_column(out, "volume")[0], l.box[0] * l.box[1] * l.box[2], 1e-10) << k.name;
  }
}
