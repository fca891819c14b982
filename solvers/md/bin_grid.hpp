#pragma once
// The cell bins of the md neighbour search: a rank's box widened by the list
// range on every side, cut into bins at least that range wide, so a pair
// within range lies in the same or adjacent bins. The atom sort and the list
// build share one grid: the sort's bin order is the list's.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "runtime/macros.hpp"

namespace tessera::md {

struct BinGrid {
  double lo[3], width[3];
  int n[3];
  // The bin along axis d; positions outside the grid go to the edge bins.
  TESSERA_HD int coord(int d, double x) const {
    int b = static_cast<int>(floor((x - lo[d]) / width[d]));
    return b < 0 ? 0 : (b >= n[d] ? n[d] - 1 : b);
  }
  TESSERA_HD int index(double x, double y, double z) const {
    return coord(0, x) + n[0] * (coord(1, y) + n[1] * coord(2, z));
  }
  std::int64_t count() const { return std::int64_t{n[0]} * n[1] * n[2]; }
};

// Bins tiling [lower - range, upper + range) per axis, each >= range wide.
inline BinGrid bin_grid(const std::array<double, 3>& lower, const std::array<double, 3>& upper, double range) {
  BinGrid g{};
  for (int d = 0; d < 3; ++d) {
    const double span = upper[d] - lower[d] + 2 * range;
    g.n[d] = std::max(1, static_cast<int>(std::floor(span / range)));
    g.width[d] = span / g.n[d];
    g.lo[d] = lower[d] - range;
  }
  return g;
}

}  // namespace tessera::md
