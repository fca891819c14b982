// md.lj's pair styles against their closed forms: Lennard-Jones (plain and
// shifted), WCA (LJ cut at 2^(1/6) sigma_ij, shifted by +epsilon_ij) and Morse,
// energy and force at several r, F = -dE/dr by central differences; then the
// same through the solver for isolated pairs of atoms (dimers), which checks
// the mixed epsilon_ij, sigma_ij and WCA cutoff of a two-type system under
// both mixing rules, the unmixed LJ cutoff, and the virial.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/lammps_data.hpp"
#include "physics/md/pair_potential.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::scratch_dir;
using tessera::testing::source_path;

namespace {

const double kWcaFactor = std::pow(2.0, 1.0 / 6.0);

// Closed forms, written out independently of physics/md.
struct LjForm {
  double eps, sigma, rc;
  bool shift;
  double raw(double r) const { return 4 * eps * (std::pow(sigma / r, 12) - std::pow(sigma / r, 6)); }
  double energy(double r) const { return r >= rc ? 0.0 : raw(r) - (shift ? raw(rc) : 0.0); }
  double force(double r) const {
    return r >= rc ? 0.0 : 24 * eps / r * (2 * std::pow(sigma / r, 12) - std::pow(sigma / r, 6));
  }
  // Size of the terms (for relative tolerances where E or F crosses zero).
  double scale(double r) const { return 4 * eps * (std::pow(sigma / r, 12) + std::pow(sigma / r, 6)) * 12 / r + 4 * eps; }
};

struct MorseForm {
  double d0, alpha, r0, rc;
  bool shift;
  double raw(double r) const {
    const double e = std::exp(-alpha * (r - r0));
    return d0 * (e * e - 2 * e);
  }
  double energy(double r) const { return r >= rc ? 0.0 : raw(r) - (shift ? raw(rc) : 0.0); }
  double force(double r) const {
    const double e = std::exp(-alpha * (r - r0));
    return r >= rc ? 0.0 : 2 * alpha * d0 * (e * e - e);
  }
  double scale(double r) const {
    const double e = std::exp(-alpha * (r - r0));
    return d0 * (e * e + 2 * e) * (1 + 2 * alpha) + d0;
  }
};

// The library's evaluation at r: force (-dE/dr) and energy. The cutoff test
// belongs to the force loop, so it is applied here as the solver does.
void evaluate(const md::PairCoeff& p, double r, double& force, double& energy) {
  if (r * r >= p.rc2) {
    force = energy = 0;
    return;
  }
  double fr;
  md::pair_evaluate(p, r * r, fr, energy);
  force = fr * r;
}

template <class Form>
void expect_matches(const md::PairCoeff& p, const Form& form, const std::vector<double>& radii, const std::string& what) {
  for (double r : radii) {
    double f, e;
    evaluate(p, r, f, e);
    EXPECT_NEAR(e, form.energy(r), 1e-13 * form.scale(r)) << what << " E(" << r << ")";
    EXPECT_NEAR(f, form.force(r), 1e-13 * form.scale(r)) << what << " F(" << r << ")";
    if (r * r < p.rc2 && (r + 1e-4) * (r + 1e-4) < p.rc2) {
      // F = -dE/dr: central difference, error ~ h^2 E''' / 6 + round-off / h.
      const double h = 1e-5;
      double fp, ep, fm, em;
      evaluate(p, r + h, fp, ep);
      evaluate(p, r - h, fm, em);
      EXPECT_NEAR(f, -(ep - em) / (2 * h), 1e-7 * form.scale(r)) << what << " -dE/dr at " << r;
    }
  }
}

}  // namespace

TEST(MdPairStyles, LennardJonesMatchesItsClosedForm) {
  const std::vector<double> radii = {0.8, 0.95, 1.0, 1.1, kWcaFactor * 1.1, 1.5, 2.0, 2.9, 3.2};
  for (bool shift : {false, true}) {
    const LjForm form{1.3, 1.1, 3.0, shift};
    expect_matches(md::lennard_jones(1.3, 1.1, 3.0, shift), form, radii, shift ? "lj shifted" : "lj");
  }
  // The shift makes E(rc-) zero; unshifted, E jumps by the raw value there.
  double f, e;
  evaluate(md::lennard_jones(1.3, 1.1, 3.0, true), 3.0 * (1 - 1e-12), f, e);
  EXPECT_NEAR(e, 0.0, 1e-12);
  evaluate(md::lennard_jones(1.3, 1.1, 3.0, false), 3.0 * (1 - 1e-12), f, e);
  EXPECT_NEAR(e, (LjForm{1.3, 1.1, 3.0, false}.raw(3.0)), 1e-12);
}

TEST(MdPairStyles, WcaIsLjCutAtTheMinimumAndShiftedByEpsilon) {
  const double eps = 0.7, sigma = 1.2, rc = kWcaFactor * sigma;
  const md::PairCoeff p = md::lennard_jones(eps, sigma, rc, true);  // what md.lj builds for potential = "wca"
  EXPECT_NEAR(p.offset, -eps, 1e-14) << "E_LJ(2^(1/6) sigma) = -epsilon, so the shift adds +epsilon";
  EXPECT_NEAR(std::sqrt(p.rc2), rc, 1e-15);
  // E = 4 eps ((s/r)^12 - (s/r)^6) + eps below rc, zero beyond; purely repulsive.
  const LjForm form{eps, sigma, rc, true};
  expect_matches(p, form, {0.9, 1.0, 1.1, 1.2, 1.3, rc - 1e-3, rc + 1e-3, 2.0}, "wca");
  for (double r : {0.9, 1.0, 1.1, 1.2, 1.3}) {
    double f, e;
    evaluate(p, r, f, e);
    EXPECT_NEAR(e, 4 * eps * (std::pow(sigma / r, 12) - std::pow(sigma / r, 6)) + eps, 1e-12 * form.scale(r)) << r;
    EXPECT_GT(e, 0.0) << r;
    EXPECT_GT(f, 0.0) << r;
  }
  // Continuous at the cutoff in both energy and force.
  double f, e;
  evaluate(p, rc * (1 - 1e-9), f, e);
  EXPECT_NEAR(e, 0.0, 1e-12);
  EXPECT_NEAR(f, 0.0, 1e-6);
}

TEST(MdPairStyles, MorseMatchesItsClosedForm) {
  const std::vector<double> radii = {0.7, 0.9, 1.0, 1.1, 1.25, 1.6, 2.0, 2.45, 2.6};
  for (bool shift : {false, true}) {
    const MorseForm form{0.7, 3.0, 1.1, 2.5, shift};
    expect_matches(md::morse(0.7, 3.0, 1.1, 2.5, shift), form, radii, shift ? "morse shifted" : "morse");
  }
  // The well: E(r0) = -D0 (unshifted) with zero force.
  double f, e;
  evaluate(md::morse(0.7, 3.0, 1.1, 2.5, false), 1.1, f, e);
  EXPECT_NEAR(e, -0.7, 1e-15);
  EXPECT_NEAR(f, 0.0, 1e-15);
}

namespace {

// Isolated pairs of atoms through md.lj: each dimer along its own direction,
// 8 apart from the next, in a periodic 32^3 box.
struct Dimer {
  int type_a, type_b;
  double r;
};

struct DimerResult {
  double pe_total = 0, pressure = 0, volume = 0;
  std::vector<std::array<double, 3>> force;  // by atom (file order: dimer k is atoms 2k, 2k + 1)
  std::vector<std::array<double, 3>> axis;   // unit vector from atom 2k to 2k + 1
};

DimerResult run_dimers(const std::string& name, const std::vector<Dimer>& dimers, std::vector<std::string> overrides) {
  io::LammpsData data;
  data.lower = {0, 0, 0};
  data.upper = {32, 32, 32};
  data.types = 1;
  for (const Dimer& d : dimers) data.types = std::max({data.types, d.type_a, d.type_b});
  data.masses.assign(static_cast<std::size_t>(data.types), 1.0);
  DimerResult out;
  for (std::size_t k = 0; k < dimers.size(); ++k) {
    const double c[3] = {4.0 + 8.0 * static_cast<double>(k % 4), 4.0 + 8.0 * static_cast<double>((k / 4) % 4),
                         4.0 + 8.0 * static_cast<double>(k / 16)};
    // Directions with all three components non-zero, different per dimer.
    double u[3] = {1.0, 2.0 + 0.1 * static_cast<double>(k), -2.0};
    const double norm = std::sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
    for (double& v : u) v /= norm;
    out.axis.push_back({u[0], u[1], u[2]});
    for (int end = 0; end < 2; ++end) {
      const double s = (end == 0 ? -0.5 : 0.5) * dimers[k].r;
      data.id.push_back(static_cast<std::int64_t>(data.id.size() + 1));
      data.type.push_back(end == 0 ? dimers[k].type_a : dimers[k].type_b);
      data.x.push_back(c[0] + s * u[0]);
      data.y.push_back(c[1] + s * u[1]);
      data.z.push_back(c[2] + s * u[2]);
    }
  }
  const fs::path file = scratch_dir(name + ".data");
  io::write_lammps_data(file.string(), data);
  register_builtin_solvers();
  RunOptions o;
  o.deck_path = source_path("inputs/md/lj_melt.toml").string();
  o.output_dir = scratch_dir(name).string();
  // At rest (no Velocities in the file, temperature 0): the pressure is the virial alone.
  o.overrides = {"run.steps=0", "output.every_steps=1", "problem.temperature=0",
                 "box.data_file=\"" + file.string() + "\""};
  for (auto& s : overrides) o.overrides.push_back(s);
  run(o);
  const fs::path dir(*o.output_dir);
  const double atoms = static_cast<double>(data.id.size());
  out.pe_total = diagnostics_column(dir, "pe_per_atom")[0] * atoms;
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

// Each dimer's force on its second atom is +F(r) along the axis (repulsion
// pushes it away), on the first -F(r); the energy sums E(r); the pressure
// (no velocities) is sum r F(r) / (3 V).
template <class PairOf>
void expect_dimers(const DimerResult& got, const std::vector<Dimer>& dimers, PairOf pair_of, const std::string& what) {
  double pe = 0, scale = 0, virial = 0;
  for (std::size_t k = 0; k < dimers.size(); ++k) {
    const auto form = pair_of(dimers[k].type_a, dimers[k].type_b);
    const double r = dimers[k].r, f = form.force(r);
    pe += form.energy(r);
    virial += r * f;
    scale += form.scale(r);
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(got.force[2 * k + 1][c], f * got.axis[k][c], 1e-12 * form.scale(r))
          << what << ": dimer " << k << " (types " << dimers[k].type_a << "-" << dimers[k].type_b << ", r " << r
          << ") component " << c;
      EXPECT_EQ(got.force[2 * k][c], -got.force[2 * k + 1][c]) << what << ": dimer " << k;
    }
  }
  EXPECT_NEAR(got.pe_total, pe, 1e-12 * scale) << what;
  EXPECT_NEAR(got.pressure, virial / (3 * got.volume), 1e-12 * scale / got.volume) << what;
}

const std::vector<double> kEps = {1.0, 0.4}, kSigma = {1.0, 1.5};

std::vector<std::string> two_types(const std::string& mixing) {
  return {"physics.type_epsilon=[1.0,0.4]", "physics.type_sigma=[1.0,1.5]", "physics.mixing=" + mixing};
}

}  // namespace

TEST(MdMixing, GeometricMixesEpsilonAndSigmaAsSquareRoots) {
  // 1-1, 2-2 and 1-2 pairs near their wells and in the repulsive core; 1-2
  // pairs just inside and just beyond the (unmixed, global) cutoff 3.
  const std::vector<Dimer> dimers = {{1, 1, 1.1}, {2, 2, 1.6}, {1, 2, 1.3}, {2, 1, 1.05}, {1, 2, 2.95}, {1, 2, 3.05}};
  auto overrides = two_types("geometric");
  overrides.push_back("physics.cutoff=3.0");
  const DimerResult got = run_dimers("mix_geometric", dimers, overrides);
  auto pair_of = [](int a, int b) {
    return LjForm{std::sqrt(kEps[a - 1] * kEps[b - 1]), std::sqrt(kSigma[a - 1] * kSigma[b - 1]), 3.0, false};
  };
  // The mixed values themselves: 1-2 has epsilon sqrt(0.4), sigma sqrt(1.5).
  EXPECT_NEAR(pair_of(1, 2).eps, 0.6324555320336759, 1e-15);
  EXPECT_NEAR(pair_of(1, 2).sigma, 1.2247448713915889, 1e-15);
  expect_dimers(got, dimers, pair_of, "geometric");
  for (int c = 0; c < 3; ++c) EXPECT_EQ(got.force[11][c], 0.0) << "the 1-2 pair beyond the cutoff";
}

TEST(MdMixing, LorentzBerthelotMixesSigmaArithmetically) {
  const std::vector<Dimer> dimers = {{1, 1, 1.1}, {2, 2, 1.6}, {1, 2, 1.3}, {2, 1, 1.2}, {1, 2, 2.4}};
  auto overrides = two_types("arithmetic");
  overrides.push_back("physics.shift=true");
  const DimerResult got = run_dimers("mix_arithmetic", dimers, overrides);
  auto pair_of = [](int a, int b) {
    return LjForm{std::sqrt(kEps[a - 1] * kEps[b - 1]), 0.5 * (kSigma[a - 1] + kSigma[b - 1]), 2.5, true};
  };
  EXPECT_EQ(pair_of(1, 2).sigma, 1.25);
  expect_dimers(got, dimers, pair_of, "Lorentz-Berthelot, shifted");
  // The geometric rule would give another 1-2 energy: the test tells them apart.
  const double geometric = LjForm{std::sqrt(0.4), std::sqrt(1.5), 2.5, true}.energy(1.3);
  EXPECT_GT(std::fabs(geometric - pair_of(1, 2).energy(1.3)), 0.1);
}

TEST(MdMixing, WcaCutoffFollowsTheMixedSigma) {
  // Cutoffs 2^(1/6) sigma_ij: 1.1225 (1-1), 1.4031 (1-2, sigma 1.25), 1.6837
  // (2-2). The 1-1 pair at 1.2 and the 1-2 pair at 1.45 are beyond their own
  // cutoffs (but within others'): no force, no energy.
  const std::vector<Dimer> dimers = {{1, 1, 1.0}, {1, 1, 1.2}, {1, 2, 1.3}, {2, 1, 1.45}, {2, 2, 1.6}};
  auto overrides = two_types("arithmetic");
  overrides.push_back("physics.potential=\"wca\"");
  const DimerResult got = run_dimers("mix_wca", dimers, overrides);
  auto pair_of = [](int a, int b) {
    const double sigma = 0.5 * (kSigma[a - 1] + kSigma[b - 1]);
    return LjForm{std::sqrt(kEps[a - 1] * kEps[b - 1]), sigma, kWcaFactor * sigma, true};
  };
  expect_dimers(got, dimers, pair_of, "wca, Lorentz-Berthelot");
  for (int atom : {2, 3, 6, 7})
    for (int c = 0; c < 3; ++c) EXPECT_EQ(got.force[atom][c], 0.0) << "atom " << atom << " is beyond its pair's cutoff";
  EXPECT_GT(got.force[4][0] * got.force[4][0], 1.0) << "the 1-2 pair at 1.3 is inside 2^(1/6) * 1.25";
}

TEST(MdMixing, MorseDimersMatchTheClosedForm) {
  const std::vector<Dimer> dimers = {{1, 1, 0.9}, {1, 1, 1.1}, {1, 1, 1.4}, {1, 1, 2.0}, {1, 1, 2.45}, {1, 1, 2.6}};
  const DimerResult got = run_dimers("morse_dimers", dimers,
                                     {"physics.potential=\"morse\"", "physics.morse_d0=0.7", "physics.morse_alpha=3.0",
                                      "physics.morse_r0=1.1", "physics.shift=true"});
  expect_dimers(got, dimers, [](int, int) { return MorseForm{0.7, 3.0, 1.1, 2.5, true}; }, "morse, shifted");
}
