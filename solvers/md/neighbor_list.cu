// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/neighbor_list.hpp"

#include <cmath>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"
#include "runtime/sort.hpp"

namespace tessera::md {

namespace {

template <class T>
void ensure(Buffer<T>& b, const Device& dev, std::size_t n) {
  if (b.size() < n) b = Buffer<T>(dev, n + n / 4 + 16);
}

}  // namespace

NeighborList::NeighborList(const Device& dev, ListKind kind) : dev_(dev), kind_(kind) {
  if (kind == ListKind::Half && dev.is_cuda())
    throw Error("md: the half neighbour list is the host's; a GPU uses the full list (no atomics)");
}

void NeighborList::build(const Particles& p, const std::array<double, 3>& lower, const std::array<double, 3>& upper,
                         double cutoff) {
  ++builds_;
  const std::int64_t all = p.total(), owned = p.owned();
  owned_ = owned;
  TESSERA_REQUIRE(all < (std::int64_t{1} << 31), "neighbour list: too many particles for 32-bit indices");
  const BinGrid bins = bin_grid(lower, upper, cutoff);
  grid_ = bins;
  ghosts_ = all - owned;
  cutoff2_ = cutoff * cutoff;
  const std::int64_t nbins = bins.count();
  const bool half = kind_ == ListKind::Half;
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
    keys[i] = static_cast<std::uint32_t>(bins.index(x[i], y[i], z[i]));
    order[i] = i;
  });
  sort_pairs(keys_, order_);
  ensure(starts_, dev_, static_cast<std::size_t>(nbins + 1));
  ensure(owned_ends_, dev_, static_cast<std::size_t>(nbins));
  std::int32_t* starts = starts_.data();
  std::int32_t* owned_ends = owned_ends_.data();
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
  // The sort is stable from the identity: within a bin, owned particles
  // (the lower indices) come first, in ascending order.
  for_each(dev_, nbins, [=] TESSERA_HD(int b) {
    std::int32_t lo = starts[b], hi = starts[b + 1];
    while (lo < hi) {
      const std::int32_t mid = lo + (hi - lo) / 2;
      if (order[mid] < owned) lo = mid + 1;
      else hi = mid;
    }
    owned_ends[b] = lo;
  });

  // The half list scans sorted copies of the positions: each bin row is a
  // contiguous run the distance test vectorises over.
  if (half) {
    ensure(sorted_[0], dev_, static_cast<std::size_t>(std::max<std::int64_t>(all, 1)));
    ensure(sorted_[1], dev_, static_cast<std::size_t>(std::max<std::int64_t>(all, 1)));
    ensure(sorted_[2], dev_, static_cast<std::size_t>(std::max<std::int64_t>(all, 1)));
    double *xs = sorted_[0].data(), *ys = sorted_[1].data(), *zs = sorted_[2].data();
    for_each(dev_, all, [=] TESSERA_HD(int t) {
      const int j = order[t];
      xs[t] = x[j], ys[t] = y[j], zs[t] = z[j];
    });
  }

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
    if (half) {
      build_half(cap);
    } else {
    // One body per sorted position (its bin is keys[s]); ghosts return at once.
    for_each(dev_, all, [=] TESSERA_HD(int s) {
      const int i = order[s];
      if (i >= owned) return;
      const double xi = x[i], yi = y[i], zi = z[i];
      const int b = static_cast<int>(keys[s]);
      const int bx = b % bins.n[0], by = (b / bins.n[0]) % bins.n[1], bz = b / (bins.n[0] * bins.n[1]);
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
            const int c = cx + bins.n[0] * (cy + bins.n[1] * cz);
            for (int t = starts[c]; t < starts[c + 1]; ++t) {
              const int j = order[t];
              if (j == i) continue;
              const double ddx = x[j] - xi, ddy = y[j] - yi, ddz = z[j] - zi;
              if (ddx * ddx + ddy * ddy + ddz * ddz >= c2) continue;
              if (found < cap) list[column_major ? found * stride + i : static_cast<std::int64_t>(i) * cap + found] = j;
              ++found;
            }
          }
        }
      }
      counts[i] = found;
    });
    }
    const int most = owned > 0 ? reduce_max(dev_, owned, [=] TESSERA_HD(int i) { return counts[i]; }) : 0;
    // One slot to spare: the half list's compaction writes each rejected
    // candidate into the slot after the last accepted one (the last slot
    // once full), so a list must end before it.
    if (most < capacity_) break;
    capacity_ = most + most / 4 + 8;
  }
}

// The half list: owned partners in later bins or later in the own bin (by
// sorted position), ghosts from every bin. Bins cx - 1 .. cx + 1 of a row
// are adjacent in the sorted order, so a row past the own one is one run.
// Per run, a branch-free distance test over the sorted copies, then the
// accepted indices compacted in order (past the capacity the last slot is
// overwritten: build() then retries with a larger list).
void NeighborList::build_half(int cap) {
  constexpr int kRun = 64;
  const BinGrid bins = grid_;
  const std::int32_t *order = order_.data(), *starts = starts_.data(), *owned_ends = owned_ends_.data();
  const std::uint32_t* keys = keys_.data();
  const double *xs = sorted_[0].data(), *ys = sorted_[1].data(), *zs = sorted_[2].data();
  std::int32_t* list = list_.data();
  std::int32_t* counts = counts_.data();
  const std::int64_t owned = owned_;
  const double c2 = cutoff2_;
  for_each(dev_, owned_ + ghosts_, [=] TESSERA_HD(int s) {
    const int i = order[s];
    if (i >= owned) return;
    const double xi = xs[s], yi = ys[s], zi = zs[s];
    const int b = static_cast<int>(keys[s]);
    const int bx = b % bins.n[0], by = (b / bins.n[0]) % bins.n[1], bz = b / (bins.n[0] * bins.n[1]);
    const int x0 = bx > 0 ? bx - 1 : 0, x1 = bx + 1 < bins.n[0] ? bx + 1 : bins.n[0] - 1;
    std::int32_t* row = list + static_cast<std::int64_t>(i) * cap;
    int found = 0;
    auto scan = [&](int from, int to) {
      bool near[kRun];
      for (int t0 = from; t0 < to; t0 += kRun) {
        const int m = to - t0 < kRun ? to - t0 : kRun;
        for (int k = 0; k < m; ++k) {
          const double dx = xs[t0 + k] - xi, dy = ys[t0 + k] - yi, dz = zs[t0 + k] - zi;
          near[k] = dx * dx + dy * dy + dz * dz < c2;
        }
        for (int k = 0; k < m; ++k) {
          row[found < cap ? found : cap - 1] = order[t0 + k];
          found += near[k] ? 1 : 0;
        }
      }
    };
    for (int dz = -1; dz <= 1; ++dz) {
      const int cz = bz + dz;
      if (cz < 0 || cz >= bins.n[2]) continue;
      for (int dy = -1; dy <= 1; ++dy) {
        const int cy = by + dy;
        if (cy < 0 || cy >= bins.n[1]) continue;
        const int base = bins.n[0] * (cy + bins.n[1] * cz);
        if (dz < 0 || (dz == 0 && dy < 0)) {
          for (int cx = x0; cx <= x1; ++cx) scan(owned_ends[base + cx], starts[base + cx + 1]);
        } else if (dz == 0 && dy == 0) {
          if (x0 < bx) scan(owned_ends[base + x0], starts[base + x0 + 1]);
          scan(s + 1, starts[base + x1 + 1]);
        } else {
          scan(starts[base + x0], starts[base + x1 + 1]);
        }
      }
    }
    counts[i] = found;
  });
}

}  // namespace tessera::md
