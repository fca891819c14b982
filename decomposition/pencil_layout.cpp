#include "decomposition/pencil_layout.hpp"

#include <limits>
#include <tuple>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera {

namespace {

constexpr const char* kAxis[3] = {"x", "y", "z"};

std::string sizes(const std::array<int, 3>& n) { return strfmt("%d x %d x %d", n[0], n[1], n[2]); }

// Why p1 x p2 pencils cannot hold this grid, or "" when they can. p1 splits y
// (x-pencil) and x (y-, z-pencils); p2 splits z (x-, y-pencils) and y (z-pencil).
std::string grid_problem(const std::array<int, 3>& n, int p1, int p2) {
  if (p1 < 1 || p2 < 1) return strfmt("a %d x %d process grid is not a grid", p1, p2);
  struct Split {
    int p, axis;
    const char* factor;
    const char* where;
  };
  const Split splits[] = {{p1, 1, "p1", "x-pencils"}, {p1, 0, "p1", "y- and z-pencils"},
                          {p2, 2, "p2", "x- and y-pencils"}, {p2, 1, "p2", "z-pencils"}};
  for (const Split& s : splits)
    if (s.p > n[s.axis])
      return strfmt("%s = %d ranks split %s over %s, which has only %d cells: every rank needs at least one", s.factor,
                    s.p, kAxis[s.axis], s.where, n[s.axis]);
  return {};
}

}  // namespace

const char* to_string(Pencil p) {
  switch (p) {
    case Pencil::X: return "x-pencil";
    case Pencil::Y: return "y-pencil";
    case Pencil::Z: return "z-pencil";
  }
  return "?";
}

std::array<int, 2> PencilLayout::choose_grid(std::array<int, 3> cells, int nranks, std::array<int, 2> fixed) {
  if (nranks < 1) throw InputError(strfmt("pencils over %d ranks: need at least one rank", nranks));
  for (int d = 0; d < 3; ++d)
    if (cells[d] < 1) throw InputError(strfmt("pencils over %s cells: every axis needs at least one cell", sizes(cells).c_str()));
  if (fixed[0] > 0 && fixed[1] > 0) {
    if (fixed[0] * fixed[1] != nranks)
      throw InputError(strfmt("a %d x %d pencil grid has %d ranks, but there are %d", fixed[0], fixed[1],
                              fixed[0] * fixed[1], nranks));
    if (auto why = grid_problem(cells, fixed[0], fixed[1]); !why.empty())
      throw InputError(strfmt("%d x %d pencils do not fit %s cells: %s", fixed[0], fixed[1], sizes(cells).c_str(),
                              why.c_str()));
    return fixed;
  }
  for (int f = 0; f < 2; ++f)
    if (fixed[f] > 0 && nranks % fixed[f])
      throw InputError(strfmt("p%d = %d does not divide the %d ranks", f + 1, fixed[f], nranks));
  std::array<int, 2> best{0, 0};
  auto best_cost = std::make_tuple(std::numeric_limits<int>::max(), 0, 0, 0);
  std::string first_problem;
  for (int p1 = 1; p1 <= nranks; ++p1) {
    if (nranks % p1) continue;
    const int p2 = nranks / p1;
    if ((fixed[0] > 0 && p1 != fixed[0]) || (fixed[1] > 0 && p2 != fixed[1])) continue;
    if (auto why = grid_problem(cells, p1, p2); !why.empty()) {
      if (first_problem.empty()) first_problem = strfmt("%d x %d: %s", p1, p2, why.c_str());
      continue;
    }
    const int transposes = (p1 > 1) + (p2 > 1);
    // Slabs: p1 = 1 (split z, then y) before p2 = 1; then balanced; then p1 <= p2.
    auto cost = std::make_tuple(transposes, p1 == 1 ? 0 : 1, p1 + p2, p1 > p2 ? 1 : 0);
    if (cost < best_cost) best_cost = cost, best = {p1, p2};
  }
  if (best[0] == 0)
    throw InputError(strfmt("no pencil grid of %d ranks fits %s cells (for instance %s); use fewer ranks or a larger grid",
                            nranks, sizes(cells).c_str(), first_problem.c_str()));
  return best;
}

PencilLayout::PencilLayout(std::array<int, 3> cells, int nranks, int rank, std::array<int, 2> grid)
    : cells_(cells), rank_(rank) {
  const auto g = choose_grid(cells, nranks, grid);
  p1_ = g[0];
  p2_ = g[1];
  if (rank < 0 || rank >= nranks) throw Error(strfmt("PencilLayout: rank %d outside [0, %d)", rank, nranks));
}

PencilLayout PencilLayout::for_this_process(std::array<int, 3> cells, std::array<int, 2> grid) {
  return PencilLayout(cells, collectives::size(), collectives::rank(), grid);
}

PencilLayout PencilLayout::with_cells(std::array<int, 3> cells) const {
  return PencilLayout(cells, size(), rank_, {p1_, p2_});
}

std::array<int, 3> PencilLayout::memory_order(Pencil p) {
  const int a = static_cast<int>(p);
  return {a, (a + 1) % 3, (a + 2) % 3};
}

Range3 PencilLayout::box_of(Pencil p, int rank) const {
  TESSERA_REQUIRE(rank >= 0 && rank < size(), "PencilLayout::box_of: rank out of range");
  const int c1 = rank % p1_, c2 = rank / p1_;
  // The axis p1 splits and the axis p2 splits in this orientation.
  const int a1 = p == Pencil::X ? 1 : 0, a2 = p == Pencil::Z ? 1 : 2;
  Range3 r(cells_[0], cells_[1], cells_[2]);
  r.lo[a1] = block_start(cells_[a1], p1_, c1);
  r.hi[a1] = r.lo[a1] + block_size(cells_[a1], p1_, c1);
  r.lo[a2] = block_start(cells_[a2], p2_, c2);
  r.hi[a2] = r.lo[a2] + block_size(cells_[a2], p2_, c2);
  return r;
}

std::array<int, 3> PencilLayout::local_extents(Pencil p) const {
  const Range3 b = box(p);
  const auto o = memory_order(p);
  return {b.extent(o[0]), b.extent(o[1]), b.extent(o[2])};
}

std::string PencilLayout::describe() const {
  const Range3 b = box(Pencil::X);
  return strfmt("%d x %d %s over %s cells (rank %d: x-pencil [%d,%d) x [%d,%d) x [%d,%d))", p1_, p2_,
                is_slab() ? "slabs" : "pencils", sizes(cells_).c_str(), rank_, b.lo[0], b.hi[0], b.lo[1], b.hi[1],
                b.lo[2], b.hi[2]);
}

}  // namespace tessera
