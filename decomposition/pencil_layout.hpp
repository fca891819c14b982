#pragma once
// PencilLayout: a global nx x ny x nz grid over P ranks as a p1 x p2 process
// grid, in the three pencil orientations a distributed 3-D FFT passes through.
// Pure arithmetic (no MPI calls), so any rank count can be checked in one
// process; `for_this_process` fills in the rank and size from MPI.
//
// Ranks: rank = c1 + p1 * c2. Which axis each of p1 and p2 splits:
//
//   orientation   whole axis   split over p1   split over p2   memory order (fastest first)
//   x-pencil      x            y               z               x, y, z
//   y-pencil      y            x               z               y, z, x
//   z-pencil      z            x               y               z, x, y
//
// The whole (pencil) axis is always the contiguous one, so local FFTs run
// along contiguous lines; the other two follow cyclically. A transpose x <-> y
// exchanges within the p1 ranks sharing c2, y <-> z within the p2 ranks
// sharing c1. Slabs are p1 = 1 (x <-> y is then a local permutation) or
// p2 = 1. Each split is a block distribution with the remainder going to the
// first blocks, as in CartesianLayout.
#include <array>
#include <cstdint>
#include <string>

#include "runtime/macros.hpp"
#include "runtime/span.hpp"

namespace tessera {

// An orientation names the axis a pencil holds whole: 0 = x, 1 = y, 2 = z.
enum class Pencil : int { X = 0, Y = 1, Z = 2 };

// Block distribution of n items over p parts, remainder to the first parts.
TESSERA_HD inline int block_start(int n, int p, int b) {
  const int base = n / p, rem = n % p;
  return b * base + (b < rem ? b : rem);
}
TESSERA_HD inline int block_size(int n, int p, int b) { return n / p + (b < n % p ? 1 : 0); }
TESSERA_HD inline int block_owner(int n, int p, int i) {
  const int base = n / p, rem = n % p, big = rem * (base + 1);
  return i < big ? i / (base + 1) : rem + (i - big) / base;
}

class PencilLayout {
 public:
  // grid = {p1, p2}; {0, 0} chooses (see choose_grid), one zero fixes the
  // other factor. Throws InputError saying why when the sizes do not admit
  // the grid (a split axis with fewer cells than ranks, a product that is not
  // nranks).
  PencilLayout(std::array<int, 3> cells, int nranks, int rank, std::array<int, 2> grid = {0, 0});
  static PencilLayout for_this_process(std::array<int, 3> cells, std::array<int, 2> grid = {0, 0});

  // The grid for nranks when not fixed: among all factorisations p1 * p2 =
  // nranks that the sizes admit, fewest transposes that communicate (a slab,
  // p1 = 1 then p2 = 1, moves the data once instead of twice), then fewest
  // messages per rank (p1 + p2: the most balanced pencils), then p1 <= p2.
  // Throws InputError when none works.
  static std::array<int, 2> choose_grid(std::array<int, 3> cells, int nranks, std::array<int, 2> fixed = {0, 0});

  // The same process grid over other global sizes (the complex half of an
  // R2C transform has nx / 2 + 1 along x); re-checked.
  PencilLayout with_cells(std::array<int, 3> cells) const;

  int rank() const { return rank_; }
  int size() const { return p1_ * p2_; }
  int p1() const { return p1_; }
  int p2() const { return p2_; }
  int c1() const { return rank_ % p1_; }
  int c2() const { return rank_ / p1_; }
  int rank_at(int c1, int c2) const { return c1 + p1_ * c2; }
  bool is_slab() const { return p1_ == 1 || p2_ == 1; }
  const std::array<int, 3>& cells() const { return cells_; }

  // This rank's (or another's) pencil in global indices; lo is its offset.
  Range3 box(Pencil p) const { return box_of(p, rank_); }
  Range3 box_of(Pencil p, int rank) const;
  // Local extents in memory order (fastest first) and the element count.
  std::array<int, 3> local_extents(Pencil p) const;
  std::int64_t local_size(Pencil p) const { return box(p).size(); }
  // Axes in memory order, fastest first: {a, a+1, a+2} cyclically.
  static std::array<int, 3> memory_order(Pencil p);

  // "2 x 4 pencils over 17 x 12 x 9 (rank 5: x-pencil [0,17) x [3,6) x [0,5))"
  std::string describe() const;

  bool operator==(const PencilLayout& o) const {
    return cells_ == o.cells_ && p1_ == o.p1_ && p2_ == o.p2_ && rank_ == o.rank_;
  }

 private:
  std::array<int, 3> cells_{1, 1, 1};
  int p1_ = 1, p2_ = 1, rank_ = 0;
};

const char* to_string(Pencil p);

}  // namespace tessera
