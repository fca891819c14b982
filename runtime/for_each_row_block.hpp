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

#include "runtime/launch.hpp"
#include "runtime/span.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace tessera {

template <class F>
void for_each_row_block(const Range3& r, int j_block, F f) {
  if (r.empty()) return;
  const int ny = r.extent(1), nz = r.extent(2);
  int jb = std::max(1, std::min(j_block, ny));
  int jchunks = (ny + jb - 1) / jb;
  int threads = 1;
#if defined(_OPENMP)
  if (r.size() > detail::kHostParallelMin) threads = omp_get_max_threads();
#endif
  // Enough blocks that every thread has one: k is cut only as far as needed
  // (each k-cut costs the kernel one extra plane of state), then j (thin or
  // 2-D boxes; each j-cut costs one extra row per plane).
  const int kchunks = std::min(nz, std::max(1, (threads + jchunks - 1) / jchunks));
  if (jchunks * kchunks < threads) {
    const int want = std::min(ny, (threads + kchunks - 1) / kchunks);
    jb = (ny + want - 1) / want;
    jchunks = (ny + jb - 1) / jb;
  }
  const int blocks = jchunks * kchunks;
#pragma omp parallel for schedule(static) if (threads > 1)
  for (int b = 0; b < blocks; ++b) {
    const int jc = b % jchunks, kc = b / jchunks;
    const int j0 = r.lo[1] + jc * jb, j1 = std::min(r.hi[1], j0 + jb);
    const int k0 = r.lo[2] + static_cast<int>(static_cast<long long>(nz) * kc / kchunks);
    const int k1 = r.lo[2] + static_cast<int>(static_cast<long long>(nz) * (kc + 1) / kchunks);
    f(j0, j1, k0, k1);
  }
}

}  // namespace tessera
