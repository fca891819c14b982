// The memory estimates at the job's rank count: the largest rank's share
// and the total against what each rank's setup really holds (host heap in
// use, glibc's mallinfo2, on the host backend), as `tessera check` under
// mpirun compares them with each node's memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/device.hpp"
#include "runtime/timers.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"
#include "tests/heap_in_use.hpp"

namespace {

using namespace tessera;

using tessera::testing::heap_in_use;
using tessera::testing::kHeapVisible;

void expect_estimate_holds(const std::string& deck, const std::vector<std::string>& overrides) {
  const deck::Deck d = load_deck(tessera::testing::source_path("inputs/" + deck).string(), overrides);
  const SolverInfo& info = *SolverRegistry::instance().find(d.string("run.solver"));
  ASSERT_TRUE(info.memory);
  const int ranks = collectives::size();
  const MemoryEstimate e = info.memory(d, ranks, Backend::Host);
  const Device dev = Device::host();
  Timers timers(dev, false);
  const RunContext ctx{dev, &timers, tessera::testing::scratch_dir("memory_ranks"), collectives::rank(), ranks};
  std::unique_ptr<Solver> solver = info.create();
  collectives::barrier();
  const double before = heap_in_use();
  solver->setup(d, ctx);
  for (int s = 0; s < 2; ++s) solver->advance(d.has("run.dt") ? d.real("run.dt") : solver->stable_dt());
  const double mine = heap_in_use() - before;
  const double largest = collectives::max(mine), total = collectives::sum(mine);
  if (collectives::rank() == 0)
    std::printf("%s on %d ranks: largest rank estimated %.4g MB, allocated %.4g MB; total %.4g MB vs %.4g MB\n",
                info.name.c_str(), ranks, e.per_rank_bytes / 1e6, largest / 1e6, e.total_bytes / 1e6, total / 1e6);
  EXPECT_NEAR(e.per_rank_bytes, largest, 0.25 * largest) << info.name << " on " << ranks << " ranks";
  EXPECT_NEAR(e.total_bytes, total, 0.25 * total) << info.name << " on " << ranks << " ranks";
}

}  // namespace

TEST(MemoryEstimateRanks, EulerLargestRankAndTotal) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_estimate_holds("cfd/taylor_green.toml", {"grid.cells=[40,40,40]", "physics.kernel=\"split\""});
}

TEST(MemoryEstimateRanks, LjLargestRankAndTotal) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_estimate_holds("md/lj_melt.toml", {"box.cells=[12,12,12]"});
}

TEST(MemoryEstimateRanks, NbodyLargestRankAndTotal) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_estimate_holds("nbody/plummer.toml", {"problem.n=6000"});
}

// nbody.tree's share shrinks with ranks (each rank holds its own bodies'
// tree and the essential part of the others').
TEST(MemoryEstimateRanks, NbodyTreeLargestRankAndTotal) {
  if (!kHeapVisible) GTEST_SKIP() << "heap accounting is not visible under AddressSanitizer";
  expect_estimate_holds("nbody/plummer.toml", {"problem.n=6000", "run.solver=\"nbody.tree\""});
}
