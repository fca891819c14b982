// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/atom_sort.hpp"

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/sort.hpp"

namespace tessera::md {

namespace {
constexpr int kIdBits = 40;  // ids below 2^40, bins below 2^24: one 64-bit key
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
  for (int c = 0; c < p.columns(); ++c)
    for (int q = 0; q < p.components(c); ++q) {
      const std::uint64_t* src = p.words(c, q);
      std::uint64_t* dst = p.alternate_words(c, q);
      for_each(dev_, n, [=] TESSERA_HD(int i) { dst[i] = src[from[i]]; });
    }
  p.swap_alternate();
}

}  // namespace tessera::md
