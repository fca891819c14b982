// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/atom_sort.hpp"

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/sort.hpp"

namespace tessera::md {

namespace {
constexpr int kIdBits = 40;  // ids below 2^40, bins below 2^24: one 64-bit key

// Column components moved by one loop, passed to it by value.
constexpr int kMaxMoves = 32;
struct Moves {
  const std::uint64_t* src[kMaxMoves];
  std::uint64_t* dst[kMaxMoves];
  int count;
};

void permute(const Device& dev, const Moves& m, const std::int32_t* from, std::int64_t n) {
  if (m.count == 0) return;
  const int ni = static_cast<int>(n);
  for_each(dev, n * m.count, [=] TESSERA_HD(int idx) {
    const int w = idx / ni, i = idx - w * ni;
    m.dst[w][i] = m.src[w][from[i]];
  });
}

// Components per loop: at most kMaxMoves, and n times them within int.
int moves_per_loop(std::int64_t n) {
  const std::int64_t fit = std::int64_t{2147483647} / (n > 0 ? n : 1);
  return static_cast<int>(fit < 1 ? 1 : (fit < kMaxMoves ? fit : kMaxMoves));
}
}

void AtomSort::sort(Particles& p, const BinGrid& bins) {
  ++sorts_;
  const std::int64_t n = p.owned();
  p.resize_owned(n);  // drops the ghosts: their routes would point at moved atoms
  if (n == 0) return;
  TESSERA_REQUIRE(bins.count() < (std::int64_t{1} << (64 - kIdBits)), "atom sort: too many bins for the 64-bit key");
  if (keys_.size() != static_cast<std::size_t>(n)) {
    keys_ = Buffer<std::uint64_t>(dev_, static_cast<std::size_t>(n));
    order_ = Buffer<std::int32_t>(dev_, static_cast<std::size_t>(n));
  }
  const double *x = p.position(0), *y = p.position(1), *z = p.position(2);
  const std::int64_t* id = p.id();
  std::uint64_t* k = keys_.data();
  std::int32_t* o = order_.data();
  for_each(dev_, n, [=] TESSERA_HD(int i) {
    k[i] = (static_cast<std::uint64_t>(bins.index(x[i], y[i], z[i])) << kIdBits) |
           (static_cast<std::uint64_t>(id[i]) & ((std::uint64_t{1} << kIdBits) - 1));
    o[i] = i;
  });
  sort_pairs(keys_, order_);
  const std::int32_t* from = order_.data();
  // Every column component in one loop (one team start on the host, one
  // launch on a GPU, instead of one per component), component-major so a
  // thread's share is contiguous runs of each.
  Moves m{};
  const int per_loop = moves_per_loop(n);
  for (int c = 0; c < p.columns(); ++c)
    for (int q = 0; q < p.components(c); ++q) {
      if (m.count == per_loop) {
        permute(dev_, m, from, n);
        m.count = 0;
      }
      m.src[m.count] = p.words(c, q);
      m.dst[m.count++] = p.alternate_words(c, q);
    }
  permute(dev_, m, from, n);
  p.swap_alternate();
}

}  // namespace tessera::md
