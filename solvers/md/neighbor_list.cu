// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/neighbor_list.hpp"

#include <cmath>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"
#include "runtime/sort.hpp"

namespace tessera::md {

namespace {

struct Bins {
  double lo[3], width[3];
  int n[3];
  TESSERA_HD int coord(int d, double x) const {
    int b = static_cast<int>(floor((x - lo[d]) / width[d]));
    return b < 0 ? 0 : (b >= n[d] ? n[d] - 1 : b);
  }
};

template <class T>
void ensure(Buffer<T>& b, const Device& dev, std::size_t n) {
  if (b.size() < n) b = Buffer<T>(dev, n + n / 4 + 16);
}

}  // namespace

void NeighborList::build(const Particles& p, const std::array<double, 3>& lower, const std::array<double, 3>& upper,
                         double cutoff) {
  ++builds_;
  const std::int64_t all = p.total(), owned = p.owned();
  TESSERA_REQUIRE(all < (std::int64_t{1} << 31), "neighbour list: too many particles for 32-bit indices");
  Bins bins{};
  std::int64_t nbins = 1;
  for (int d = 0; d < 3; ++d) {
    const double span = upper[d] - lower[d] + 2 * cutoff;
    bins.n[d] = std::max(1, static_cast<int>(std::floor(span / cutoff)));
    bins.width[d] = span / bins.n[d];
    bins.lo[d] = lower[d] - cutoff;
    nbins *= bins.n[d];
  }
  // Sort particle indices by bin. Buffers are exactly `all` long: the sort
  // works on whole buffers.
  if (keys_.size() != static_cast<std::size_t>(all)) {
    keys_ = Buffer<std::uint32_t>(dev_, static_cast<std::size_t>(all));
    order_ = Buffer<std::int32_t>(dev_, static_cast<std::size_t>(all));
  }
  const double *x = p.position(0), *y = p.position(1), *z = p.position(2);
  std::uint32_t* keys = keys_.data();
  std::int32_t* order = order_.data();
  for_each(dev_, all, [=] TESSERA_HD(int i) {
    keys[i] = static_cast<std::uint32_t>(bins.coord(0, x[i]) + bins.n[0] * (bins.coord(1, y[i]) + bins.n[1] * bins.coord(2, z[i])));
    order[i] = i;
  });
  sort_pairs(keys_, order_);
  ensure(starts_, dev_, static_cast<std::size_t>(nbins + 1));
  std::int32_t* starts = starts_.data();
  const std::int64_t count = all;
  for_each(dev_, nbins + 1, [=] TESSERA_HD(int b) {
    // First sorted position whose bin is >= b.
    std::int64_t lo = 0, hi = count;
    while (lo < hi) {
      const std::int64_t mid = (lo + hi) / 2;
      if (keys[mid] < static_cast<std::uint32_t>(b)) lo = mid + 1;
      else hi = mid;
    }
    starts[b] = static_cast<std::int32_t>(lo);
  });

  stride_ = owned;
  ensure(counts_, dev_, static_cast<std::size_t>(std::max<std::int64_t>(owned, 1)));
  const double c2 = cutoff * cutoff;
  for (;;) {
    ensure(list_, dev_, static_cast<std::size_t>(std::max<std::int64_t>(owned, 1)) * capacity_);
    std::int32_t* list = list_.data();
    std::int32_t* counts = counts_.data();
    const int cap = capacity_;
    const std::int64_t stride = stride_;
    const bool column_major = dev_.is_cuda();
    for_each(dev_, owned, [=] TESSERA_HD(int i) {
      const int bx = bins.coord(0, x[i]), by = bins.coord(1, y[i]), bz = bins.coord(2, z[i]);
      int found = 0;
      for (int dz = -1; dz <= 1; ++dz) {
        const int cz = bz + dz;
        if (cz < 0 || cz >= bins.n[2]) continue;
        for (int dy = -1; dy <= 1; ++dy) {
          const int cy = by + dy;
          if (cy < 0 || cy >= bins.n[1]) continue;
          for (int dx = -1; dx <= 1; ++dx) {
            const int cx = bx + dx;
            if (cx < 0 || cx >= bins.n[0]) continue;
            const int b = cx + bins.n[0] * (cy + bins.n[1] * cz);
            for (int s = starts[b]; s < starts[b + 1]; ++s) {
              const int j = order[s];
              if (j == i) continue;
              const double ddx = x[j] - x[i], ddy = y[j] - y[i], ddz = z[j] - z[i];
              if (ddx * ddx + ddy * ddy + ddz * ddz >= c2) continue;
              if (found < cap) list[column_major ? found * stride + i : static_cast<std::int64_t>(i) * cap + found] = j;
              ++found;
            }
          }
        }
      }
      counts[i] = found;
    });
    const int most = owned > 0 ? reduce_max(dev_, owned, [=] TESSERA_HD(int i) { return counts[i]; }) : 0;
    if (most <= capacity_) break;
    capacity_ = most + most / 4 + 8;
  }
}

}  // namespace tessera::md
