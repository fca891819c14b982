// PencilLayout arithmetic at any rank count, in one process: every orientation
// tiles the global grid exactly once, the pencil axis is whole, the grid
// choice prefers slabs then balance, and impossible layouts are refused with
// the reason.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decomposition/pencil_layout.hpp"
#include "runtime/error.hpp"

using namespace tessera;

namespace {

std::string refusal(std::array<int, 3> cells, int nranks, std::array<int, 2> grid) {
  try {
    PencilLayout l(cells, nranks, 0, grid);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(PencilLayout, EveryOrientationTilesTheGridOnce) {
  const std::array<int, 3> n{17, 12, 9};
  for (int nranks : {1, 2, 3, 4, 6, 8, 9}) {
    for (int p1 = 1; p1 <= nranks; ++p1) {
      if (nranks % p1 || p1 > 9 || nranks / p1 > 9) continue;
      for (Pencil p : {Pencil::X, Pencil::Y, Pencil::Z}) {
        std::vector<int> owner(17 * 12 * 9, -1);
        for (int r = 0; r < nranks; ++r) {
          PencilLayout l(n, nranks, r, {p1, nranks / p1});
          const Range3 b = l.box(p);
          const int a = static_cast<int>(p);
          EXPECT_EQ(b.lo[a], 0);
          EXPECT_EQ(b.hi[a], n[a]) << "the pencil axis is whole";
          const auto ext = l.local_extents(p);
          EXPECT_EQ(ext[0], n[a]) << "the pencil axis is the fastest";
          EXPECT_EQ(static_cast<std::int64_t>(ext[0]) * ext[1] * ext[2], b.size());
          for (int k = b.lo[2]; k < b.hi[2]; ++k)
            for (int j = b.lo[1]; j < b.hi[1]; ++j)
              for (int i = b.lo[0]; i < b.hi[0]; ++i) {
                int& o = owner[i + 17 * (j + 12 * k)];
                EXPECT_EQ(o, -1) << "cell owned twice";
                o = r;
              }
        }
        for (int o : owner) ASSERT_NE(o, -1) << "cell owned by nobody, " << nranks << " ranks";
      }
    }
  }
}

TEST(PencilLayout, TransposePartnersShareTheUnsplitRanges) {
  // x <-> y within ranks sharing c2: same z range; y <-> z within ranks
  // sharing c1: same x range.
  PencilLayout l({20, 14, 10}, 6, 0, {2, 3});
  for (int r = 0; r < 6; ++r) {
    PencilLayout m({20, 14, 10}, 6, r, {2, 3});
    EXPECT_EQ(m.box(Pencil::X).lo[2], m.box(Pencil::Y).lo[2]);
    EXPECT_EQ(m.box(Pencil::X).hi[2], m.box(Pencil::Y).hi[2]);
    EXPECT_EQ(m.box(Pencil::Y).lo[0], m.box(Pencil::Z).lo[0]);
    EXPECT_EQ(m.box(Pencil::Y).hi[0], m.box(Pencil::Z).hi[0]);
    EXPECT_EQ(m.rank_at(m.c1(), m.c2()), r);
  }
  EXPECT_EQ(PencilLayout::memory_order(Pencil::Y), (std::array<int, 3>{1, 2, 0}));
  EXPECT_EQ(PencilLayout::memory_order(Pencil::Z), (std::array<int, 3>{2, 0, 1}));
}

TEST(PencilLayout, ChoosesSlabsThenBalancedPencils) {
  EXPECT_EQ(PencilLayout::choose_grid({64, 64, 64}, 1), (std::array<int, 2>{1, 1}));
  EXPECT_EQ(PencilLayout::choose_grid({64, 64, 64}, 8), (std::array<int, 2>{1, 8}));
  // 8 ranks do not fit a 4-cell z as slabs: p1 = 8 slabs along y/x then.
  EXPECT_EQ(PencilLayout::choose_grid({64, 64, 4}, 8), (std::array<int, 2>{8, 1}));
  // Neither slab fits: the most balanced pencils.
  EXPECT_EQ(PencilLayout::choose_grid({8, 8, 8}, 16), (std::array<int, 2>{4, 4}));
  EXPECT_EQ(PencilLayout::choose_grid({6, 6, 6}, 12), (std::array<int, 2>{3, 4}));
  // A fixed factor leaves the other.
  EXPECT_EQ(PencilLayout::choose_grid({64, 64, 64}, 8, {2, 0}), (std::array<int, 2>{2, 4}));
  EXPECT_EQ(PencilLayout::choose_grid({64, 64, 64}, 8, {0, 2}), (std::array<int, 2>{4, 2}));
  // 2-D grids (nz = 1) can only be split by p1.
  EXPECT_EQ(PencilLayout::choose_grid({32, 32, 1}, 4), (std::array<int, 2>{4, 1}));
}

TEST(PencilLayout, RefusesLayoutsTheSizesDoNotAdmit) {
  EXPECT_NE(refusal({16, 3, 16}, 4, {4, 1}).find("p1 = 4 ranks split y over x-pencils, which has only 3 cells"),
            std::string::npos)
      << refusal({16, 3, 16}, 4, {4, 1});
  EXPECT_NE(refusal({16, 16, 2}, 4, {1, 4}).find("p2 = 4 ranks split z over x- and y-pencils, which has only 2 cells"),
            std::string::npos);
  EXPECT_NE(refusal({16, 16, 16}, 6, {4, 2}).find("a 4 x 2 pencil grid has 8 ranks, but there are 6"),
            std::string::npos);
  EXPECT_NE(refusal({3, 3, 3}, 16, {0, 0}).find("no pencil grid of 16 ranks fits 3 x 3 x 3 cells"), std::string::npos)
      << refusal({3, 3, 3}, 16, {0, 0});
  EXPECT_NE(refusal({16, 16, 16}, 6, {4, 0}).find("p1 = 4 does not divide the 6 ranks"), std::string::npos);
  EXPECT_NE(refusal({16, 16, 16}, 0, {0, 0}).find("need at least one rank"), std::string::npos);
  // The complex half of an R2C transform is re-checked: 6 -> 4 along x.
  PencilLayout real({6, 8, 8}, 4, 0, {4, 1});
  EXPECT_THROW(real.with_cells({3, 8, 8}), InputError);
  EXPECT_EQ(real.with_cells({4, 8, 8}).p1(), 4);
}
