// CartesianLayout arithmetic at any rank count, in one process.
#include <gtest/gtest.h>

#include <set>

#include "decomposition/cartesian_layout.hpp"
#include "runtime/error.hpp"

using namespace tessera;

namespace {

LayoutSpec spec(std::array<int, 3> cells, std::array<bool, 3> periodic = {true, true, true}, int ghosts = 0,
                std::array<int, 3> ranks = {0, 0, 0}) {
  LayoutSpec s;
  s.cells = cells;
  s.periodic = periodic;
  s.ghosts = ghosts;
  s.ranks = ranks;
  return s;
}

std::string refusal(const LayoutSpec& s, int nranks) {
  try {
    CartesianLayout l(s, nranks, 0);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(Layout, OwnedBoxesTileTheGlobalBoxWithRemaindersFirst) {
  for (int nranks : {1, 2, 3, 4, 5, 6, 7, 8, 12}) {
    const LayoutSpec s = spec({37, 23, 11}, {true, false, true}, 2);
    std::vector<int> owner(37 * 23 * 11, -1);
    for (int r = 0; r < nranks; ++r) {
      CartesianLayout l(s, nranks, r);
      const Range3 o = l.owned();
      EXPECT_EQ(l.rank_at(l.coords()), r);
      for (int d = 0; d < 3; ++d) {
        const int n = s.cells[d], p = l.process_grid()[d];
        // Shares differ by at most one; the larger shares come first.
        EXPECT_TRUE(o.extent(d) == n / p || o.extent(d) == n / p + 1);
        if (l.coords()[d] < n % p) {
          EXPECT_EQ(o.extent(d), n / p + 1);
        }
      }
      for (int k = o.lo[2]; k < o.hi[2]; ++k)
        for (int j = o.lo[1]; j < o.hi[1]; ++j)
          for (int i = o.lo[0]; i < o.hi[0]; ++i) {
            int& w = owner[i + 37 * (j + 23 * k)];
            EXPECT_EQ(w, -1) << "cell owned twice";
            w = r;
          }
    }
    for (int w : owner) ASSERT_GE(w, 0) << "cell owned by nobody at " << nranks << " ranks";
  }
}

TEST(Layout, ProcessGridMinimisesHaloSurface) {
  // A cube splits like MPI_Dims_create; z first on ties (contiguous faces).
  EXPECT_EQ(CartesianLayout::choose_process_grid(8, spec({64, 64, 64})), (std::array<int, 3>{2, 2, 2}));
  EXPECT_EQ(CartesianLayout::choose_process_grid(4, spec({64, 64, 64})), (std::array<int, 3>{1, 2, 2}));
  // A long box splits along its length.
  EXPECT_EQ(CartesianLayout::choose_process_grid(4, spec({1024, 16, 16})), (std::array<int, 3>{4, 1, 1}));
  // 2-D and 1-D: unused axes are never split.
  EXPECT_EQ(CartesianLayout::choose_process_grid(6, spec({60, 40, 1})), (std::array<int, 3>{3, 2, 1}));
  EXPECT_EQ(CartesianLayout::choose_process_grid(3, spec({100, 1, 1})), (std::array<int, 3>{3, 1, 1}));
  // A fixed axis is honoured, the rest chosen.
  EXPECT_EQ(CartesianLayout::choose_process_grid(8, spec({64, 64, 64}, {true, true, true}, 0, {8, 0, 0})),
            (std::array<int, 3>{8, 1, 1}));
}

TEST(Layout, NeighboursWrapOnPeriodicAxesOnly) {
  const LayoutSpec s = spec({16, 16, 16}, {true, false, true}, 1, {2, 2, 2});
  CartesianLayout l(s, 8, 0);  // coords (0, 0, 0)
  Neighbour left = l.neighbour({-1, 0, 0});
  EXPECT_EQ(left.rank, 1);  // periodic x: wraps to coords (1, 0, 0)
  EXPECT_EQ(left.image, (std::array<int, 3>{1, 0, 0}));
  EXPECT_EQ(l.neighbour({1, 0, 0}).rank, 1);
  EXPECT_EQ(l.neighbour({1, 0, 0}).image, (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(l.neighbour({0, -1, 0}).rank, -1);  // y is a wall
  EXPECT_EQ(l.neighbour({0, 1, 0}).rank, 2);
  Neighbour corner = l.neighbour({-1, 1, -1});
  EXPECT_EQ(corner.rank, 1 + 2 * (1 + 2 * 1));
  EXPECT_EQ(corner.image, (std::array<int, 3>{1, 0, 1}));
  // 26 directions, minus the 9 below the y wall.
  EXPECT_EQ(l.neighbours().size(), 17u);
}

TEST(Layout, PhysicalFacesAreSharedExactly) {
  LayoutSpec s = spec({7, 1, 1}, {true, false, false});
  s.lower = {-1.5, 0, 0};
  s.upper = {2.3, 1, 1};
  double previous_upper = -1.5;
  for (int r = 0; r < 3; ++r) {
    CartesianLayout l(s, 3, r);
    EXPECT_EQ(l.owned_lower(0), previous_upper);
    previous_upper = l.owned_upper(0);
  }
  EXPECT_EQ(previous_upper, 2.3);
}

TEST(Layout, BadLayoutsAreRefusedWithTheirReason) {
  EXPECT_EQ(refusal(spec({64, 64, 64}, {true, true, true}, 0, {2, 2, 2}), 4),
            "[parallel] ranks = [2, 2, 2] asks for 8 ranks, but the job has 4");
  EXPECT_EQ(refusal(spec({3, 1, 1}, {true, false, false}, 0, {4, 1, 1}), 4),
            "cannot split 3 x 1 x 1 cells as [parallel] ranks asks: 4 ranks along x but only 3 cells: at most one "
            "rank per cell");
  EXPECT_EQ(refusal(spec({40, 1, 1}, {true, false, false}, 3, {16, 1, 1}), 16),
            "cannot split 40 x 1 x 1 cells as [parallel] ranks asks: 40 cells along x over 16 ranks leaves 2 cells on "
            "some ranks, fewer than the 3 ghost layers the solver needs; use fewer ranks along x ([parallel] ranks)");
  EXPECT_EQ(refusal(spec({5, 1, 1}, {true, false, false}), 7),
            "cannot split 5 x 1 x 1 cells over 7 ranks: 7 ranks along x but only 5 cells: at most one rank per cell");
  // One rank along a periodic axis still needs as many cells as ghost layers.
  EXPECT_NE(refusal(spec({2, 8, 1}, {true, true, false}, 3), 1).find("fewer than the 3 ghost layers"),
            std::string::npos);
  EXPECT_EQ(refusal(spec({64, 64, 1}, {true, true, false}, 2), 6), "(accepted)");
}
