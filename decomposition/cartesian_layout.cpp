#include "decomposition/cartesian_layout.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera {

namespace {

constexpr const char* kAxis[3] = {"x", "y", "z"};

// Cells of the smallest rank when n cells are split over p ranks.
int smallest_share(int n, int p) { return n / p; }

// Why a grid cannot carry this spec, or "" when it can.
std::string grid_problem(const std::array<int, 3>& grid, const LayoutSpec& spec) {
  for (int d = 0; d < 3; ++d) {
    const int n = spec.cells[d], p = grid[d];
    if (p < 1) return strfmt("%d ranks along %s", p, kAxis[d]);
    if (p > n)
      return strfmt("%d ranks along %s but only %d cells: at most one rank per cell", p, kAxis[d], n);
    // A ghost layer must come from one neighbour (or the rank itself).
    if (n > 1 && (p > 1 || spec.periodic[d]) && smallest_share(n, p) < spec.ghosts)
      return strfmt("%d cells along %s over %d ranks leaves %d cells on some ranks, fewer than the %d ghost layers "
                    "the solver needs; use fewer ranks along %s ([parallel] ranks)",
                    n, kAxis[d], p, smallest_share(n, p), spec.ghosts, kAxis[d]);
  }
  return {};
}

}  // namespace

std::array<int, 3> CartesianLayout::choose_process_grid(int nranks, const LayoutSpec& spec) {
  if (nranks < 1) throw InputError(strfmt("cannot lay out %d ranks", nranks));
  const auto& fixed = spec.ranks;
  std::array<int, 3> best{0, 0, 0};
  // Lexicographic cost: halo surface per rank, largest factor, then prefer
  // more ranks along z, then y (negated to minimise).
  auto best_cost = std::make_tuple(std::numeric_limits<double>::infinity(), 0, 0, 0);
  for (int px = 1; px <= nranks; ++px) {
    if (nranks % px) continue;
    for (int py = 1; py <= nranks / px; ++py) {
      if ((nranks / px) % py) continue;
      const std::array<int, 3> g{px, py, nranks / px / py};
      bool matches = true;
      for (int d = 0; d < 3; ++d)
        if (fixed[d] > 0 && g[d] != fixed[d]) matches = false;
      if (!matches || !grid_problem(g, spec).empty()) continue;
      double surface = 0;
      for (int d = 0; d < 3; ++d) {
        if (g[d] == 1) continue;
        double face = 1;
        for (int e = 0; e < 3; ++e)
          if (e != d) face *= static_cast<double>(spec.cells[e]) / g[e];
        surface += face;
      }
      auto cost = std::make_tuple(surface, std::max({g[0], g[1], g[2]}), -g[2], -g[1]);
      if (cost < best_cost) {
        best_cost = cost;
        best = g;
      }
    }
  }
  if (best[0] == 0) {
    std::string cells = strfmt("%d x %d x %d cells", spec.cells[0], spec.cells[1], spec.cells[2]);
    if (fixed[0] > 0 && fixed[1] > 0 && fixed[2] > 0) {
      if (fixed[0] * fixed[1] * fixed[2] != nranks)
        throw InputError(strfmt("[parallel] ranks = [%d, %d, %d] asks for %d ranks, but the job has %d", fixed[0],
                                fixed[1], fixed[2], fixed[0] * fixed[1] * fixed[2], nranks));
      throw InputError("cannot split " + cells + " as [parallel] ranks asks: " + grid_problem(fixed, spec));
    }
    // Report the problem of the most natural candidate: everything along the
    // longest splittable axis.
    std::array<int, 3> naive{1, 1, 1};
    int longest = static_cast<int>(std::max_element(spec.cells.begin(), spec.cells.end()) - spec.cells.begin());
    naive[longest] = nranks;
    std::string why = grid_problem(naive, spec);
    throw InputError(strfmt("cannot split %s over %d ranks%s%s", cells.c_str(), nranks, why.empty() ? "" : ": ",
                            why.c_str()));
  }
  return best;
}

CartesianLayout::CartesianLayout(const LayoutSpec& spec, int nranks, int rank) : spec_(spec), size_(nranks), rank_(rank) {
  for (int d = 0; d < 3; ++d) {
    if (spec.cells[d] < 1) throw InputError(strfmt("%d cells along %s: need at least 1", spec.cells[d], kAxis[d]));
    if (!(spec.upper[d] > spec.lower[d]))
      throw InputError(strfmt("box along %s is [%g, %g): upper must exceed lower", kAxis[d], spec.lower[d],
                              spec.upper[d]));
    if (spec.ranks[d] < 0) throw InputError(strfmt("[parallel] ranks along %s is %d: must be >= 0", kAxis[d], spec.ranks[d]));
  }
  if (spec.ghosts < 0) throw Error("negative ghost layer count");
  TESSERA_REQUIRE(rank >= 0 && rank < nranks, "rank outside the job");
  grid_ = choose_process_grid(nranks, spec);
  coords_ = coords_of(rank);
}

CartesianLayout CartesianLayout::for_this_process(const LayoutSpec& spec) {
  return CartesianLayout(spec, collectives::size(), collectives::rank());
}

int CartesianLayout::dimensions() const {
  int n = 0;
  for (int d = 0; d < 3; ++d) n += active(d) ? 1 : 0;
  return std::max(n, 1);
}

std::array<int, 3> CartesianLayout::coords_of(int rank) const {
  return {rank % grid_[0], (rank / grid_[0]) % grid_[1], rank / (grid_[0] * grid_[1])};
}

int CartesianLayout::rank_at(std::array<int, 3> c) const { return c[0] + grid_[0] * (c[1] + grid_[1] * c[2]); }

Range3 CartesianLayout::owned_of(int rank) const {
  const auto c = coords_of(rank);
  Range3 r;
  for (int d = 0; d < 3; ++d) {
    const int n = spec_.cells[d], p = grid_[d], base = n / p, extra = n % p;
    r.lo[d] = c[d] * base + std::min(c[d], extra);
    r.hi[d] = r.lo[d] + base + (c[d] < extra ? 1 : 0);
  }
  return r;
}

std::array<int, 3> CartesianLayout::local_cells() const {
  const Range3 r = owned();
  return {r.extent(0), r.extent(1), r.extent(2)};
}

double CartesianLayout::face_position(int axis, int cell_index) const {
  // The ends are exact so the global box closes on itself.
  if (cell_index <= 0) return spec_.lower[axis];
  if (cell_index >= spec_.cells[axis]) return spec_.upper[axis];
  return spec_.lower[axis] + length(axis) * (static_cast<double>(cell_index) / spec_.cells[axis]);
}

Neighbour CartesianLayout::neighbour(std::array<int, 3> direction) const {
  Neighbour nb;
  nb.direction = direction;
  std::array<int, 3> c = coords_;
  for (int d = 0; d < 3; ++d) {
    if (direction[d] == 0) continue;
    if (!active(d)) return nb;  // no neighbours across an unused axis
    c[d] += direction[d];
    if (c[d] < 0 || c[d] >= grid_[d]) {
      if (!spec_.periodic[d]) return nb;
      // Crossing the lower global face lands at the top: positions gain +L.
      nb.image[d] = c[d] < 0 ? 1 : -1;
      c[d] = (c[d] + grid_[d]) % grid_[d];
    }
  }
  nb.rank = rank_at(c);
  return nb;
}

std::vector<Neighbour> CartesianLayout::neighbours() const {
  std::vector<Neighbour> out;
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        if (dx == 0 && dy == 0 && dz == 0) continue;
        Neighbour nb = neighbour({dx, dy, dz});
        if (nb.rank >= 0) out.push_back(nb);
      }
  return out;
}

std::string CartesianLayout::describe() const {
  std::string per;
  for (int d = 0; d < 3; ++d)
    if (spec_.periodic[d] && active(d)) per += std::string(per.empty() ? "" : " ") + kAxis[d];
  const Range3 o = owned();
  return strfmt("%d x %d x %d ranks over %d x %d x %d cells (periodic: %s); rank %d owns [%d,%d) x [%d,%d) x [%d,%d)",
                grid_[0], grid_[1], grid_[2], spec_.cells[0], spec_.cells[1], spec_.cells[2],
                per.empty() ? "none" : per.c_str(), rank_, o.lo[0], o.hi[0], o.lo[1], o.hi[1], o.lo[2], o.hi[2]);
}

}  // namespace tessera
