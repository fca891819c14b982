// Global reductions and the node-local rank, at whatever rank count mpirun gives.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "runtime/collectives.hpp"

using namespace tessera;

TEST(Collectives, ReductionsOverRanks) {
  const int r = collectives::rank(), n = collectives::size();
  EXPECT_EQ(collectives::sum(static_cast<std::int64_t>(r + 1)), static_cast<std::int64_t>(n) * (n + 1) / 2);
  EXPECT_EQ(collectives::min(10.0 - r), 10.0 - (n - 1));
  EXPECT_EQ(collectives::max(0.5 * r), 0.5 * (n - 1));
  EXPECT_EQ(collectives::sum(0.25), 0.25 * n);
  EXPECT_EQ(collectives::max(static_cast<std::int64_t>(r * r)), static_cast<std::int64_t>(n - 1) * (n - 1));
  EXPECT_EQ(collectives::any(r == n - 1), true);
  EXPECT_EQ(collectives::any(false), false);
  auto v = collectives::sum(std::vector<double>{1.0, static_cast<double>(r)});
  EXPECT_EQ(v[0], n);
  EXPECT_EQ(v[1], n * (n - 1) / 2.0);
}

// A NaN on any one rank (first, middle, last) reaches every rank through min
// and max: the driver's dt check and NaN stop rely on it.
TEST(Collectives, MinAndMaxPropagateNaNFromAnyRank) {
  const int n = collectives::size(), r = collectives::rank();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int bad : {0, n / 2, n - 1}) {
    const double local = r == bad ? nan : 1.0 + r;
    EXPECT_TRUE(std::isnan(collectives::min(local))) << "NaN on rank " << bad;
    EXPECT_TRUE(std::isnan(collectives::max(local))) << "NaN on rank " << bad;
  }
  EXPECT_EQ(collectives::min(1.0 + r), 1.0);
  EXPECT_EQ(collectives::max(1.0 + r), static_cast<double>(n));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(collectives::min(r == n - 1 ? -inf : 0.0), -inf);
  EXPECT_EQ(collectives::max(r == 0 ? inf : 0.0), inf);
}

TEST(Collectives, AllGatherStringsInRankOrderOnEveryRank) {
  auto all = collectives::all_gather(std::string(static_cast<std::size_t>(collectives::rank()), 'x'));
  ASSERT_EQ(static_cast<int>(all.size()), collectives::size());
  for (int i = 0; i < collectives::size(); ++i) EXPECT_EQ(all[i], std::string(static_cast<std::size_t>(i), 'x'));
}

TEST(Collectives, GatherStringsInRankOrder) {
  auto all = collectives::gather_to_root("rank-" + std::to_string(collectives::rank()));
  if (collectives::rank() == 0) {
    ASSERT_EQ(static_cast<int>(all.size()), collectives::size());
    for (int i = 0; i < collectives::size(); ++i) EXPECT_EQ(all[i], "rank-" + std::to_string(i));
  } else {
    EXPECT_TRUE(all.empty());
  }
}

TEST(Collectives, LocalRankIsWithinTheNode) {
  int lr = collectives::local_rank();
  EXPECT_GE(lr, 0);
  EXPECT_LT(lr, collectives::size());
}
