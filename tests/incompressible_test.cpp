// cfd.incompressible against exact solutions: the 2-D Taylor-Green vortex
// (second order in space, the kinetic-energy decay rate), Poiseuille and
// Couette flow (exact steady profiles to round-off), the divergence after
// the projection, bit-for-bit restarts (and from 2 ranks on 3, through
// mpirun), deck errors that name the key, output fields, scalars, memory.
// Results at 1-8 ranks against one rank: mpi/incompressible_ranks_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "decomposition/transport.hpp"
#include "io/grid_io.hpp"
#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/timers.hpp"
#include "solvers/cfd/incompressible_boundary.hpp"
#include "solvers/cfd/incompressible_config.hpp"
#include "solvers/cfd/incompressible_kernels.hpp"
#include "solvers/cfd/incompressible_projection.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"
#include "tests/euler_runs.hpp"
#include "tests/heap_in_use.hpp"
#include "tests/test_device.hpp"

namespace fs = std::filesystem;
using namespace tessera;
using tessera::testing::diagnostics_column;
using tessera::testing::last_snapshot;
using tessera::testing::run_euler_deck;
using tessera::testing::scratch_dir;

namespace {

constexpr double kPi = 3.14159265358979323846;
using IncompBoundaryTriple = std::array<cfd::IncompBoundary, 3>;

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

struct TaylorGreenResult {
  double l2 = 0;          // velocity error at the cell centres
  double decay_rate = 0;  // -d ln K / dt from the first and last diagnostics rows
};

// The 2-D vortex on [0, 2 pi)^2 at n^2 with a fixed small dt (the spatial
// error dominates), compared with the exact u = sin x cos y F, v = -cos x
// sin y F, F = exp(-2 nu t). Snapshot velocities are the means of the two
// faces around a cell, so the exact values carry the same cos(h / 2).
TaylorGreenResult taylor_green(int n, double nu, double t_end, double dt) {
  const fs::path out =
      run_euler_deck("incompressible_taylor_green_2d.toml", "itg" + std::to_string(n),
                     {strfmt("grid.cells=[%d,%d,1]", n, n), strfmt("physics.viscosity=%.17g", nu),
                      strfmt("physics.dt=%.17g", dt), strfmt("run.t_end=%.17g", t_end),
                      strfmt("output.every_time=%.17g", t_end), "run.diagnostics_every=100000"});
  const auto u = io::read_global_field(last_snapshot(out), "velocity_x");
  const auto v = io::read_global_field(last_snapshot(out), "velocity_y");
  const auto time = diagnostics_column(out, "time");
  const auto ke = diagnostics_column(out, "kinetic_energy");
  EXPECT_NEAR(time.back(), t_end, 1e-12);
  const double h = 2 * kPi / n, f = std::exp(-2 * nu * t_end) * std::cos(0.5 * h);
  double sum = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double x = (i + 0.5) * h, y = (j + 0.5) * h;
      const auto c = static_cast<std::size_t>(i + n * j);
      sum += std::pow(u[c] - std::sin(x) * std::cos(y) * f, 2) + std::pow(v[c] + std::cos(x) * std::sin(y) * f, 2);
    }
  return {std::sqrt(sum / (n * n)), std::log(ke.front() / ke.back()) / (time.back() - time.front())};
}

}  // namespace

TEST(IncompressibleTaylorGreen, SecondOrderInSpaceAndTheExactEnergyDecayRate) {
  const double nu = 0.05, t = 1.0, dt = 0.005;
  const auto e32 = taylor_green(32, nu, t, dt), e64 = taylor_green(64, nu, t, dt), e128 = taylor_green(128, nu, t, dt);
  const double order = std::log(e32.l2 / e128.l2) / std::log(4.0);
  std::printf("Taylor-Green L2: %.3e (32^2) %.3e (64^2) %.3e (128^2): order %.3f; decay rate %.6f (exact %.6f)\n",
              e32.l2, e64.l2, e128.l2, order, e128.decay_rate, 4 * nu);
  EXPECT_GE(order, 1.9);
  EXPECT_GE(std::log2(e64.l2 / e128.l2), 1.9);
  EXPECT_LT(e128.l2, 1e-4);
  // K = F^2 / 4 decays at 4 nu; the discrete Laplacian's eigenvalue is
  // short by h^2 / 12 of it (2e-4 at 128^2).
  EXPECT_NEAR(e128.decay_rate / (4 * nu), 1.0, 1e-3);
  EXPECT_NEAR(e64.decay_rate / (4 * nu), 1.0, 1e-3);
}

TEST(IncompressibleTaylorGreen, DissipationIsTheEnergyDecayOfThePeriodicFlow) {
  // Periodic and energy-conserving advection: -dK/dt = 2 nu enstrophy
  // (the discrete identity), so K(t) - K(0) = -integral of dissipation.
  const fs::path out = run_euler_deck("incompressible_taylor_green_2d.toml", "itg_diss",
                                      {"grid.cells=[32,32,1]", "physics.dt=0.01", "run.t_end=1.0",
                                       "physics.viscosity=0.05", "run.diagnostics_every=1", "output.every_time=1.0"});
  const auto t = diagnostics_column(out, "time"), ke = diagnostics_column(out, "kinetic_energy"),
             eps = diagnostics_column(out, "dissipation");
  double integral = 0;
  for (std::size_t r = 1; r < t.size(); ++r) integral += 0.5 * (eps[r] + eps[r - 1]) * (t[r] - t[r - 1]);
  std::printf("K(0) - K(1) = %.9e, integral of dissipation %.9e\n", ke.front() - ke.back(), integral);
  EXPECT_NEAR(ke.front() - ke.back(), integral, 1e-6 * ke.front());  // the trapezoid rule's error
}

TEST(IncompressibleProjection, DivergenceIsRoundOffAfterEveryStep) {
  // Periodic (3-D vortex), walls with a moving lid (2-D and 3-D cavity),
  // walls + periodic + random start + flow rate (channel).
  struct Case {
    std::string deck;
    std::vector<std::string> sets;
  };
  const std::vector<Case> cases = {
      {"incompressible_taylor_green_3d.toml", {"grid.cells=[16,16,16]", "run.steps=8"}},
      {"lid_driven_cavity.toml", {"grid.cells=[32,24,1]", "run.steps=20"}},
      {"lid_driven_cavity.toml", {"grid.cells=[12,10,9]", "run.steps=8"}},
      {"channel.toml", {"grid.cells=[12,10,8]", "run.steps=8"}},
      {"lid_driven_cavity.toml",
       {"grid.cells=[16,12,1]", "run.steps=10", "boundary.x_lower=free_slip", "boundary.x_upper=free_slip"}}};
  int k = 0;
  for (const auto& c : cases) {
    auto sets = c.sets;
    sets.push_back("run.diagnostics_every=1");
    sets.push_back("output.every_steps=1000");
    sets.push_back("output.every_time=0");
    const fs::path out = run_euler_deck(c.deck, "idiv" + std::to_string(k++), sets);
    const auto div = diagnostics_column(out, "max_divergence");
    ASSERT_GE(div.size(), 8u);
    for (std::size_t r = 0; r < div.size(); ++r) EXPECT_LT(div[r], 1e-12) << c.deck << " row " << r;
  }
}

TEST(IncompressibleWalls, PoiseuilleReachesTheExactParabolaToRoundOff) {
  // Between no-slip walls at y = 0 and 1 a body force g drives u = g / (2 nu)
  // y (1 - y). The quadratic wall ghost makes the parabola a discrete steady
  // state; from rest the flow reaches it to round-off.
  const double g = 2.0, nu = 1.0;
  const fs::path dir = scratch_dir("ipoiseuille_deck");
  fs::create_directories(dir);
  std::ofstream(dir / "poiseuille.toml")
      << "[run]\nsolver = \"cfd.incompressible\"\nt_end = 5.0\ndiagnostics_every = 1000\n"
      << "[grid]\ncells = [4, 16, 1]\nupper = [0.25, 1.0, 1.0]\n"
      << "[physics]\nviscosity = 1.0\npressure_gradient = [2.0, 0.0, 0.0]\n"
      << "[problem]\ntype = \"channel\"\nstart = \"rest\"\n[output]\nevery_time = 5.0\n";
  const fs::path out = run_euler_deck((dir / "poiseuille.toml").string(), "ipoiseuille", {});
  const auto u = io::read_global_field(last_snapshot(out), "velocity_x");
  const auto v = io::read_global_field(last_snapshot(out), "velocity_y");
  double worst = 0;
  for (int j = 0; j < 16; ++j)
    for (int i = 0; i < 4; ++i) {
      const double y = (j + 0.5) / 16;
      worst = std::max(worst, std::fabs(u[static_cast<std::size_t>(i + 4 * j)] - g / (2 * nu) * y * (1 - y)));
    }
  std::printf("Poiseuille: max |u - exact| / max u = %.3e\n", worst / 0.25);
  EXPECT_LT(worst / 0.25, 1e-13);
  EXPECT_LT(max_abs(v), 1e-14);
  const auto shear = diagnostics_column(out, "wall_shear");
  EXPECT_NEAR(shear.back(), g * 0.5, 1e-12);  // tau_w = nu du/dy = g h
}

TEST(IncompressibleWalls, CouetteReachesTheExactLineToRoundOff) {
  const fs::path out = run_euler_deck("couette.toml", "icouette", {"run.t_end=5.0", "output.every_time=5.0"});
  const auto u = io::read_global_field(last_snapshot(out), "velocity_x");
  double worst = 0;
  for (int j = 0; j < 32; ++j)
    for (int i = 0; i < 4; ++i)
      worst = std::max(worst, std::fabs(u[static_cast<std::size_t>(i + 4 * j)] - (j + 0.5) / 32));
  std::printf("Couette: max |u - exact| / U = %.3e\n", worst);
  EXPECT_LT(worst, 1e-13);
  EXPECT_LT(diagnostics_column(out, "steady_residual").back(), 1e-10);
}

TEST(IncompressibleWalls, InviscidSkewSymmetricAdvectionConservesEnergy) {
  // nu = 0 in a periodic box: the spatial scheme conserves K exactly; RK3
  // loses O(dt^4) per step. Both advection forms (the velocity is
  // divergence-free to round-off).
  for (const char* form : {"skew_symmetric", "divergence"}) {
    const fs::path out =
        run_euler_deck("shear_layer.toml", std::string("ienergy_") + form,
                       {"grid.cells=[32,32,1]", "physics.viscosity=0.0", "run.t_end=0.2", "physics.dt=0.002",
                        std::string("physics.advection=") + form, "output.every_time=0.2"});
    const auto ke = diagnostics_column(out, "kinetic_energy");
    std::printf("inviscid %s: K(0.2) / K(0) - 1 = %.3e\n", form, ke.back() / ke.front() - 1);
    EXPECT_NEAR(ke.back() / ke.front(), 1.0, 1e-9) << form;
  }
}

TEST(IncompressibleRestart, ContinuesBitForBit) {
  register_builtin_solvers();
  const std::vector<std::string> base = {"grid.cells=[24,20,1]", "output.every_steps=40", "output.every_time=0",
                                         "run.diagnostics_every=5", "physics.scalars=1",
                                         "physics.scalar_diffusivity=0.001"};
  auto with = [&](std::vector<std::string> extra) {
    auto v = base;
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  };
  const fs::path straight = run_euler_deck("lid_driven_cavity.toml", "irestart_straight", with({"run.steps=40"}));
  const fs::path split = run_euler_deck("lid_driven_cavity.toml", "irestart_split",
                                        with({"run.steps=15", "checkpoint.at_end=true"}));
  RunOptions o;
  o.deck_path = tessera::testing::source_path("inputs/cfd/lid_driven_cavity.toml").string();
  o.output_dir = split.string();
  o.overrides = with({"run.steps=40"});
  o.restart = "latest";
  run(o);
  for (const char* f : {"velocity_x", "velocity_y", "pressure", "scalar_0"})
    EXPECT_EQ(io::read_global_field(last_snapshot(straight), f), io::read_global_field(last_snapshot(split), f)) << f;
  for (const char* c : {"kinetic_energy", "steady_residual", "cfl", "max_divergence"})
    EXPECT_EQ(diagnostics_column(straight, c).back(), diagnostics_column(split, c).back()) << c;
}

namespace {
void expect_refused(const std::string& deck, std::vector<std::string> overrides,
                    const std::vector<std::string>& needles) {
  try {
    run_euler_deck(deck, "irefused", std::move(overrides));
    ADD_FAILURE() << deck << " should have been refused";
  } catch (const InputError& e) {
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(IncompressibleDeck, ErrorsNameTheKey) {
  expect_refused("incompressible_taylor_green_2d.toml", {"boundary.x_upper=no_slip"},
                 {"'x_lower' in [boundary]", "periodic partner", "x_upper is a wall"});
  expect_refused("lid_driven_cavity.toml", {"boundary.y_upper_velocity=[1.0,0.5,0.0]"},
                 {"y_upper_velocity", "wall-normal"});
  expect_refused("lid_driven_cavity.toml", {"physics.flow_rate=1.0"}, {"physics.flow_rate", "x periodic"});
  expect_refused("couette.toml", {"boundary.y_lower=free_slip"}, {"couette needs no_slip"});
  expect_refused("incompressible_taylor_green_2d.toml", {"boundary.x_lower_velocity=[0.0,1.0,0.0]"},
                 {"x_lower_velocity", "no_slip"});
}

TEST(IncompressibleDecomposition, CheckpointOnTwoRanksContinuesOnThree) {
  // Checkpoints hold global arrays: a run stopped on 2 ranks continues on 3
  // to the uninterrupted 1-rank run's fields (to round-off).
  const std::string sets = " --set grid.cells=[12,10,9] --set output.every_steps=10 --set output.every_time=0";
  const fs::path straight = tessera::testing::run_euler_ranks("channel.toml", "ichan_straight", 1,
                                                              sets + " --set run.steps=10");
  const fs::path split = scratch_dir("ichan_split");
  const std::string deck = " " + tessera::testing::source_path("inputs/cfd/channel.toml").string();
  auto first = tessera::testing::run_cli("run" + deck + sets + " --set run.steps=4 --set checkpoint.at_end=true"
                                         " --output " + split.string(), ".", "mpirun -np 2 --oversubscribe");
  ASSERT_EQ(first.code, 0) << first.output;
  auto rest = tessera::testing::run_cli("run" + deck + sets + " --set run.steps=10 --restart latest --output " +
                                            split.string(), ".", "mpirun -np 3 --oversubscribe");
  ASSERT_EQ(rest.code, 0) << rest.output;
  for (const char* f : {"velocity_x", "velocity_y", "velocity_z", "pressure"}) {
    const auto a = io::read_global_field(last_snapshot(straight), f), b = io::read_global_field(last_snapshot(split), f);
    ASSERT_EQ(a.size(), b.size());
    double worst = 0;
    for (std::size_t e = 0; e < a.size(); ++e) worst = std::max(worst, std::fabs(a[e] - b[e]));
    EXPECT_LE(worst, 1e-12 * max_abs(a)) << f;
  }
}

namespace {
// The estimate for one host rank against the heap the solver holds after
// setup and two steps (as memory_estimate_test.cpp does for the others).
void expect_memory_estimate(const std::string& deck, const std::vector<std::string>& overrides) {
  register_builtin_solvers();
  const deck::Deck d = load_deck(tessera::testing::source_path("inputs/cfd/" + deck).string(), overrides);
  const SolverInfo& info = *SolverRegistry::instance().find("cfd.incompressible");
  const double estimate = info.memory(d, 1, Backend::Host).per_rank_bytes;
  const Device dev = Device::host();
  Timers timers(dev, false);
  const RunContext ctx{dev, &timers, scratch_dir("imemory"), 0, 1};
  auto solver = info.create();
  const double before = tessera::testing::heap_in_use();
  solver->setup(d, ctx);
  for (int s = 0; s < 2; ++s) solver->advance(solver->stable_dt());
  const double allocated = tessera::testing::heap_in_use() - before;
  std::printf("%s: estimated %.4g MB, allocated %.4g MB\n", deck.c_str(), estimate / 1e6, allocated / 1e6);
  EXPECT_GT(allocated, 1e6);
  EXPECT_NEAR(estimate, allocated, 0.15 * allocated) << deck;
}
}  // namespace

TEST(IncompressibleMemory, EstimateMatchesTheAllocations) {
  if (!tessera::testing::kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_memory_estimate("incompressible_taylor_green_3d.toml", {"grid.cells=[40,40,40]"});
  expect_memory_estimate("lid_driven_cavity.toml", {"grid.cells=[256,192,1]"});
  expect_memory_estimate("channel.toml", {"grid.cells=[32,24,20]"});
  expect_memory_estimate("channel.toml", {"grid.cells=[32,24,20]", "physics.scalars=3"});
}

TEST(IncompressibleOutput, VorticityAndQCriterionOfTheTaylorGreenVortex) {
  // At t = 0: |omega| = 2 |sin x sin y|, Q = sin^2 x sin^2 y - cos^2 x cos^2 y;
  // cell-centred from edge and face differences, second order.
  const int n = 64;
  const fs::path out = run_euler_deck(
      "incompressible_taylor_green_2d.toml", "ioutput",
      {strfmt("grid.cells=[%d,%d,1]", n, n), "run.steps=0", "output.every_time=1.0",
       "output.fields=[\"velocity_x\",\"velocity_y\",\"velocity_z\",\"pressure\",\"vorticity\",\"q_criterion\"]"});
  const auto w = io::read_global_field(last_snapshot(out), "vorticity");
  const auto q = io::read_global_field(last_snapshot(out), "q_criterion");
  const auto p = io::read_global_field(last_snapshot(out), "pressure");
  const auto vz = io::read_global_field(last_snapshot(out), "velocity_z");
  const double h = 2 * kPi / n;
  double ew = 0, eq = 0, ep = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double x = (i + 0.5) * h, y = (j + 0.5) * h;
      const auto c = static_cast<std::size_t>(i + n * j);
      ew = std::max(ew, std::fabs(w[c] - 2 * std::fabs(std::sin(x) * std::sin(y))));
      eq = std::max(eq, std::fabs(q[c] - (std::pow(std::sin(x) * std::sin(y), 2) - std::pow(std::cos(x) * std::cos(y), 2))));
      ep = std::max(ep, std::fabs(p[c] - 0.25 * (std::cos(2 * x) + std::cos(2 * y))));
    }
  EXPECT_LT(ew, 4 * h * h);
  EXPECT_LT(eq, 4 * h * h);
  EXPECT_LT(ep, 1e-14);  // the exact initial pressure
  EXPECT_EQ(max_abs(vz), 0.0);
}

TEST(IncompressibleScalars, TheMeanIsConservedWithWallsAndPeriodicFaces) {
  // Zero-flux walls, no-penetration faces and a divergence-free velocity:
  // advection and diffusion only move the scalar around.
  struct Case {
    std::string deck, form;
  };
  for (const Case& c : {Case{"lid_driven_cavity.toml", "skew_symmetric"}, Case{"lid_driven_cavity.toml", "divergence"},
                        Case{"channel.toml", "skew_symmetric"}}) {
    const fs::path out = run_euler_deck(
        c.deck, "iscalar_" + c.form,
        {c.deck == "channel.toml" ? "grid.cells=[12,16,8]" : "grid.cells=[32,24,1]", "run.steps=40",
         "physics.scalars=2", "physics.scalar_diffusivity=0.002", "physics.advection=" + c.form,
         "run.diagnostics_every=40", "output.every_steps=40", "output.every_time=0"});
    for (const char* col : {"scalar_0_mean", "scalar_1_mean"}) {
      const auto m = diagnostics_column(out, col);
      EXPECT_NEAR(m.back(), m.front(), 1e-14) << c.deck << " " << c.form << " " << col;
      EXPECT_NEAR(m.front(), 0.5, 1e-4);
    }
    const auto s = io::read_global_field(last_snapshot(out), "scalar_0");
    EXPECT_GT(max_abs(s), 0.5);  // written, and not diffused away
  }
}

namespace {
// A random staggered field (walls' normal faces zero) through one
// projection: max |div u| h / max |u| afterwards.
double projected_divergence(std::array<int, 3> cells, const IncompBoundaryTriple& bc, double factor) {
  cfd::IncompConfig cfg;
  cfg.cells = cells;
  cfg.upper = {1.0, 0.7, 1.3};
  for (int a = 0; a < 3; ++a) cfg.boundary[a][0] = cfg.boundary[a][1] = bc[a];
  LayoutSpec spec;
  spec.cells = cells;
  spec.upper = cfg.upper;
  spec.ghosts = 1;
  for (int a = 0; a < 3; ++a) spec.periodic[a] = !cfg.wall(a, 0);
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  const Device dev = tessera::testing::test_device();
  auto transport = make_transport(TransportKind::Auto, dev);
  HaloExchange<double> halo(layout, *transport, 3, 1);
  const Range3 box = halo.storage_box();
  cfd::IncompParams p;
  for (int a = 0; a < 3; ++a) {
    p.n[a] = layout.local_cells()[a];
    p.active[a] = cfg.active(a);
    p.dx[a] = (cfg.upper[a] - cfg.lower[a]) / cells[a];
    p.inv_dx[a] = 1 / p.dx[a];
    p.inv_dx2[a] = p.inv_dx[a] * p.inv_dx[a];
    for (int s = 0; s < 2; ++s) {
      p.wall[a][s] = cfg.active(a) && cfg.wall(a, s);
      p.noslip[a][s] = p.wall[a][s] && bc[a] == cfd::IncompBoundary::NoSlip;
    }
  }
  std::vector<double> host(static_cast<std::size_t>(3 * box.size()), 0.0);
  const FieldView<double> hv(host.data(), box);
  unsigned state = 12345;
  for (int c = 0; c < 3; ++c)
    for (int k = 0; k < p.n[2]; ++k)
      for (int j = 0; j < p.n[1]; ++j)
        for (int i = 0; i < p.n[0]; ++i) {
          state = state * 1664525u + 1013904223u;
          hv(c, i, j, k) = p.active[c] ? static_cast<double>(state >> 8) / (1u << 24) - 0.5 : 0.0;
        }
  Buffer<double> u(dev, host.size()), phi(dev, static_cast<std::size_t>(box.size()));
  u.copy_from_host(host);
  phi.copy_from_host(std::vector<double>(phi.size(), 0.0));  // a .cpp: no kernels of its own (CUDA builds)
  const FieldView<double> uv(u.data(), box);
  halo.exchange(u.data());
  cfd::fill_velocity_walls(dev, p, box, uv);
  cfd::Projection projection(layout, *transport, cfg, box);
  projection.project(p, uv, phi.data(), factor);
  halo.exchange(u.data());
  cfd::fill_velocity_walls(dev, p, box, uv);
  const FieldView<const double> cu(u.data(), box);
  const double h = std::min({p.dx[0], p.dx[1], cfg.active(2) ? p.dx[2] : 1e300});
  return cfd::max_divergence(dev, p, cu) * h / cfd::max_speed(dev, p, cu);
}
}  // namespace

TEST(IncompressibleProjection, RandomFieldsAreMadeDivergenceFreeToRoundOff) {
  // Every kind of face, 2-D and 3-D, with the factors of the three RK3
  // stages (the projection's result must not depend on them).
  using B = cfd::IncompBoundary;
  const double dt = 0.013;
  double largest = 0;
  for (const auto& bc : {IncompBoundaryTriple{B::Periodic, B::Periodic, B::Periodic},
                         IncompBoundaryTriple{B::Periodic, B::NoSlip, B::FreeSlip},
                         IncompBoundaryTriple{B::NoSlip, B::NoSlip, B::NoSlip},
                         IncompBoundaryTriple{B::FreeSlip, B::Periodic, B::NoSlip}})
    for (double factor : {8.0 / 15.0 * dt, (5.0 / 12.0 - 17.0 / 60.0) * dt, (3.0 / 4.0 - 5.0 / 12.0) * dt}) {
      for (const std::array<int, 3>& cells : {std::array<int, 3>{14, 11, 9}, std::array<int, 3>{16, 13, 1}}) {
        const double d = projected_divergence(cells, bc, factor);
        EXPECT_LT(d, 1e-12);
        largest = std::max(largest, d);
      }
    }
  std::printf("projected random fields: largest max |div u| h / max |u| = %.2e\n", largest);
}

TEST(IncompressibleRobustness, ABlowUpStopsTheRunNamingTheStep) {
  // Inviscid with a fixed dt far beyond the advective limit: the run must
  // stop with an error, not carry NaNs on.
  try {
    run_euler_deck("shear_layer.toml", "iblowup",
                   {"grid.cells=[32,32,1]", "physics.viscosity=0.0", "run.dt=0.5", "run.steps=200", "run.t_end=1000",
                    "output.every_time=0"});
    ADD_FAILURE() << "an unstable run completed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not finite at step"), std::string::npos) << e.what();
  }
}
