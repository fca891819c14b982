// Each solver's memory estimate (SolverInfo::memory, what `tessera check`
// compares with the device) against what its setup really holds: the host
// heap in use (glibc's mallinfo2, every arena and mmapped block) after setup
// and two steps, on the host backend where every Buffer is host memory.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device.hpp"
#include "runtime/format.hpp"
#include "runtime/timers.hpp"
#include "solvers/driver.hpp"
#include "solvers/memory_check.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"
#include "tests/heap_in_use.hpp"

namespace {

using namespace tessera;

using tessera::testing::heap_in_use;
using tessera::testing::kHeapVisible;

struct Measured {
  double estimate = 0, allocated = 0;
};

// Sets up `deck` (relative to inputs/) with `overrides` on the host and
// advances two steps; returns the estimate for one host rank and the heap
// the solver holds by then.
Measured measure(const std::string& deck, const std::vector<std::string>& overrides) {
  register_builtin_solvers();
  const deck::Deck d = load_deck(tessera::testing::source_path("inputs/" + deck).string(), overrides);
  const SolverInfo& info = *SolverRegistry::instance().find(d.string("run.solver"));
  EXPECT_TRUE(info.memory) << info.name << " declares no memory estimate";
  Measured m;
  if (!info.memory) return m;
  m.estimate = info.memory(d, 1, Backend::Host).per_rank_bytes;
  const Device dev = Device::host();
  Timers timers(dev, false);
  const RunContext ctx{dev, &timers, tessera::testing::scratch_dir("memory_" + info.name), 0, 1};
  std::unique_ptr<Solver> solver = info.create();
  const double before = heap_in_use();
  solver->setup(d, ctx);
  for (int s = 0; s < 2; ++s) solver->advance(d.has("run.dt") ? d.real("run.dt") : solver->stable_dt());
  m.allocated = heap_in_use() - before;
  return m;
}

void expect_within(const Measured& m, double tolerance, const std::string& what) {
  EXPECT_GT(m.allocated, 1e6) << what << ": too small a deck to measure";
  EXPECT_NEAR(m.estimate, m.allocated, tolerance * m.allocated)
      << what << ": estimated " << format_bytes(m.estimate) << ", allocated " << format_bytes(m.allocated);
  std::printf("%s: estimated %.4g MB, allocated %.4g MB (%+.1f %%)\n", what.c_str(), m.estimate / 1e6,
              m.allocated / 1e6, 100 * (m.estimate / m.allocated - 1));
}

}  // namespace

TEST(MemoryEstimate, EulerSplitAndFusedMatchTheirAllocations) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  // 40^3 with WENO5's three ghost layers. On the host the split kernel keeps
  // its fluxes in row buffers (euler_host_stage.cpp), so it holds what the
  // fused one does plus a workspace of rows per thread; on GPUs it adds
  // three flux arrays.
  const std::vector<std::string> grid{"grid.cells=[40,40,40]", "run.output_dir=unused"};
  auto split = grid, fused = grid;
  split.push_back("physics.kernel=\"split\"");
  fused.push_back("physics.kernel=\"fused\"");
  const Measured s = measure("cfd/taylor_green.toml", split), f = measure("cfd/taylor_green.toml", fused);
  expect_within(s, 0.25, "cfd.euler 40^3 split");
  expect_within(f, 0.25, "cfd.euler 40^3 fused");
  EXPECT_GT(s.estimate, f.estimate);
  EXPECT_LT(s.estimate, 1.05 * f.estimate) << "the row workspace is a few rows and planes, not a grid";
  EXPECT_NEAR(s.allocated - f.allocated, s.estimate - f.estimate, 0.01 * f.allocated);
  const deck::Deck ds = load_deck(tessera::testing::source_path("inputs/cfd/taylor_green.toml").string(), split);
  const deck::Deck df = load_deck(tessera::testing::source_path("inputs/cfd/taylor_green.toml").string(), fused);
  const SolverInfo& info = *SolverRegistry::instance().find("cfd.euler");
  const double flux_arrays = 3.0 * 41 * 40 * 40 * 5 * 8;
  EXPECT_NEAR(info.memory(ds, 1, Backend::Cuda).per_rank_bytes - info.memory(df, 1, Backend::Cuda).per_rank_bytes,
              flux_arrays, 1e-9 * flux_arrays);
}

TEST(MemoryEstimate, EulerTwoDimensionalWithScalars) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_within(measure("cfd/kelvin_helmholtz.toml", {"grid.cells=[256,256,1]", "physics.scalars=3"}), 0.25,
                "cfd.euler 256^2 3 scalars");
}

TEST(MemoryEstimate, LjMatchesItsAllocations) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_within(measure("md/lj_melt.toml", {"box.cells=[10,10,10]"}), 0.25, "md.lj fcc 4000 atoms");
  expect_within(measure("md/lj_melt.toml", {"box.cells=[14,14,14]", "box.density=0.6"}), 0.25,
                "md.lj fcc 10976 atoms rho 0.6");
  expect_within(measure("md/lj_melt.toml", {"box.cells=[12,12,12]", "box.lattice=\"bcc\"", "physics.cutoff=3.0"}),
                0.25, "md.lj bcc 3456 atoms rc 3");
}

// A charged melt whose PPPM mesh outweighs its atoms (accuracy 1e-5: a 40^3
// mesh for 4000 atoms), and one where the atoms dominate.
TEST(MemoryEstimate, ChargedMdCountsThePppmMesh) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_within(measure("md/charged_lj.toml", {"kspace.accuracy=1e-5"}), 0.25, "md charged LJ 4000 atoms, PPPM 1e-5");
  expect_within(measure("md/charged_lj.toml", {"kspace.mesh=[48,48,48]"}), 0.25, "md charged LJ 4000 atoms, mesh 48^3");
  expect_within(measure("md/charged_lj.toml", {"box.cells=[14,14,14]"}), 0.25, "md charged LJ 10976 atoms, PPPM 1e-4");
}

TEST(MemoryEstimate, NbodyMatchesItsAllocations) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_within(measure("nbody/plummer.toml", {"problem.n=6000"}), 0.25, "nbody.direct leapfrog 6000");
  expect_within(measure("nbody/plummer.toml", {"problem.n=6000", "physics.integrator=\"hermite\"", "run.dt=1e-3"}),
                0.25, "nbody.direct hermite 6000");
  expect_within(measure("nbody/plummer.toml", {"problem.n=6000", "run.solver=\"nbody.tree\""}), 0.25,
                "nbody.tree 6000");
}

TEST(MemoryEstimate, PerRankShareShrinksWithRanks) {
  register_builtin_solvers();
  for (const char* deck : {"cfd/taylor_green.toml", "md/lj_melt.toml", "nbody/plummer.toml"}) {
    const deck::Deck d = load_deck(tessera::testing::source_path(std::string("inputs/") + deck).string(), {});
    const auto& memory = SolverRegistry::instance().find(d.string("run.solver"))->memory;
    // On a GPU (the host's nbody pass adds scratch that depends on the share).
    const MemoryEstimate one = memory(d, 1, Backend::Cuda), eight = memory(d, 8, Backend::Cuda);
    EXPECT_NEAR(one.total_bytes, one.per_rank_bytes, 1e-9 * one.total_bytes) << deck;
    // Ghosts and halos make eight ranks hold a little more in all, each about an eighth.
    EXPECT_GE(eight.total_bytes, one.total_bytes) << deck;
    EXPECT_LT(eight.total_bytes, 1.6 * one.total_bytes) << deck;
    EXPECT_LT(eight.per_rank_bytes, 0.2 * one.per_rank_bytes) << deck;
    EXPECT_GE(eight.per_rank_bytes * 8, eight.total_bytes * (1 - 1e-12)) << deck;
  }
}

TEST(MemoryEstimate, VerdictComparesTheShareWithTheDevice) {
  register_builtin_solvers();
  const deck::Deck d = load_deck(tessera::testing::source_path("inputs/cfd/taylor_green.toml").string(), {});
  const double need = SolverRegistry::instance().find("cfd.euler")->memory(d, 2, Backend::Host).per_rank_bytes;
  MemoryBudget host{4 * need, 2, "host"};
  const std::string line = memory_verdict(d, 2, Backend::Host, host);
  EXPECT_EQ(line.rfind("memory: ", 0), 0u) << line;
  EXPECT_NE(line.find("per rank (cfd.euler 64^3 cells on 2 ranks), host has"), std::string::npos) << line;
  host.sharing = 5;  // five ranks on the node: 5 shares > 4
  try {
    memory_verdict(d, 2, Backend::Host, host);
    ADD_FAILURE() << "five shares of " << need << " bytes fit in four";
  } catch (const InputError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_NE(e.problems()[0].find("not enough memory: cfd.euler 64^3 cells on 2 ranks needs"), std::string::npos)
        << e.problems()[0];
  }
  const MemoryBudget gpu{1.5 * need, 1, "cuda:0 (test GPU)"};
  EXPECT_NE(memory_verdict(d, 2, Backend::Cuda, gpu).find("cuda:0 (test GPU) has"), std::string::npos);
  EXPECT_THROW(memory_verdict(d, 2, Backend::Cuda, MemoryBudget{0.5 * need, 1, "cuda:0"}), InputError);
}
