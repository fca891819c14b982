#pragma once
// for_each_row_block: a host-only loop shape for kernels that keep state from
// one x-row to the next (rolling face fluxes, SoA row buffers the compiler
// vectorises along x). The (j, k) rows of a box are cut into blocks of at
// most `j_block` rows in j times a run of k; each OpenMP thread takes whole
// blocks and calls
//
//   f(j0, j1, k0, k1)    rows j0 <= j < j1, k0 <= k < k1 of the box
//
// once per block, walking its rows itself (k outer, j inner keeps the rows of
// a j-slab of a few k-planes in cache). The cut depends on the thread count:
// a kernel must give the same result for any cut (each row's result a pure
// function of the input, as with for_each), which keeps the README's
// "same bits at any thread count" policy.
//
// Host backend only: there is no CUDA form (a GPU kernel gets its parallelism
// from cells, not rows; use for_each there).
#include <algorithm>
#include <cstddef>

#include "runtime/launch.hpp"
#include "runtime/row_scratch.hpp"
#include "runtime/span.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace tessera {

namespace detail {

// How for_each_row_block cuts r: blocks of jb j-rows times kchunks runs of k.
struct RowBlockCut {
  int jb = 1, jchunks = 1, kchunks = 1, threads = 1;
  int blocks() const { return jchunks * kchunks; }
};

inline RowBlockCut row_block_cut(const Range3& r, int j_block) {
  RowBlockCut c;
  const int ny = r.extent(1), nz = r.extent(2);
  c.jb = std::max(1, std::min(j_block, ny));
  c.jchunks = (ny + c.jb - 1) / c.jb;
#if defined(_OPENMP)
  if (r.size() > kHostParallelMin) c.threads = omp_get_max_threads();
#endif
  // Enough blocks that every thread has one: k is cut only as far as needed
  // (each k-cut costs the kernel one extra plane of state), then j (thin or
  // 2-D boxes; each j-cut costs one extra row per plane).
  c.kchunks = std::min(nz, std::max(1, (c.threads + c.jchunks - 1) / c.jchunks));
  if (c.jchunks * c.kchunks < c.threads) {
    const int want = std::min(ny, (c.threads + c.kchunks - 1) / c.kchunks);
    c.jb = (ny + want - 1) / want;
    c.jchunks = (ny + c.jb - 1) / c.jb;
  }
  return c;
}

template <class F>
void row_block(const Range3& r, const RowBlockCut& c, int b, F& f) {
  const int nz = r.extent(2);
  const int jc = b % c.jchunks, kc = b / c.jchunks;
  const int j0 = r.lo[1] + jc * c.jb, j1 = std::min(r.hi[1], j0 + c.jb);
  const int k0 = r.lo[2] + static_cast<int>(static_cast<long long>(nz) * kc / c.kchunks);
  const int k1 = r.lo[2] + static_cast<int>(static_cast<long long>(nz) * (kc + 1) / c.kchunks);
  f(j0, j1, k0, k1);
}

}  // namespace detail

template <class F>
void for_each_row_block(const Range3& r, int j_block, F f) {
  if (r.empty()) return;
  const detail::RowBlockCut c = detail::row_block_cut(r, j_block);
  const int blocks = c.blocks();
#pragma omp parallel for schedule(static) if (c.threads > 1)
  for (int b = 0; b < blocks; ++b) detail::row_block(r, c, b, f);
}

// The same loop with working memory that outlives it (runtime/row_scratch.hpp):
//
//   f(ws, j0, j1, k0, k1)    ws: the calling thread's `per_thread` bytes (std::byte*)
//
// `per_thread` must cover a block of min(j_block, r.extent(1)) j-rows (no
// block has more); a kernel that sizes it so asks the same of every call and
// allocates only on its first.
template <class F>
void for_each_row_block(const Range3& r, int j_block, RowScratch& scratch, std::size_t per_thread, F f) {
  if (r.empty()) return;
  const detail::RowBlockCut c = detail::row_block_cut(r, j_block);
  const int blocks = c.blocks();
  scratch.prepare(c.threads);
#pragma omp parallel if (c.threads > 1)
  {
    int t = 0;
#if defined(_OPENMP)
    t = omp_get_thread_num();
#endif
    std::byte* ws = nullptr;
    auto g = [&](int j0, int j1, int k0, int k1) { f(ws, j0, j1, k0, k1); };
#pragma omp for schedule(static)
    for (int b = 0; b < blocks; ++b) {
      if (!ws) ws = scratch.thread(t, per_thread);
      detail::row_block(r, c, b, g);
    }
  }
}

}  // namespace tessera
