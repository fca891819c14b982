// The hand-tuned CUDA tree walk (CUDA builds only): a warp walks a group
// cooperatively, as Bonsai does (Bedorf, Gaburov & Portegies Zwart 2012,
// JCP 231, 2825). The portable walk (octree.cu, a thread per target) is the
// reference it is tested against and stays selectable ([physics]
// tree_gpu_walk = "portable").
//
// Why: in the thread-per-target walk every lane of a warp visits the same
// nodes in the same order (the opening test sees only the group's box), so
// each node visit is a chain of dependent global loads done 32 times over
// with one useful result, and the depth-first stack lives in local memory.
// Here the 32 lanes instead test 32 different candidate nodes at once:
//   - the walk is breadth first, a level at a time: the candidates of the
//     current level are a queue, read 32 at a time (one node per lane);
//   - accepted nodes go to a node list, the bodies of opened leaves to a body
//     list, the children of opened inner nodes to the next level's queue;
//     each lane's slot comes from a ballot + popc (nodes) or a warp prefix sum
//     (children, bodies), so the lists are compact and in a fixed order;
//   - as soon as a list holds 32 entries the lanes stage one entry each in
//     shared memory (Real, relative to the group's centre, exactly as the
//     other walks round them) and every lane runs its own target against all
//     32 entries (broadcast reads), summing the batch in Real and adding it
//     to double sums (as the host lists do).
// Decisions (opens), terms (node_term, body_term), the self skip and the
// interaction counts are the other walks' (tree_walk.hpp), so the counts are
// identical and the forces agree to round-off; only the order of the sums
// differs (a fixed order: no float atomics, the same bits on every run).
//
// Queues: each level's queue has kShared entries per warp in shared memory
// and kSpill more in a per-warp slice of Device::scratch (the grid is at most
// the resident blocks, and warps take groups from an integer counter, so the
// scratch is bounded by the GPU, not by N). A group whose level needs more
// than both holds is not dropped: the warp redoes it with the per-target
// walk (walk_one_target, the portable code: the same bits as the portable
// walk for that group) and counts it (WalkCounts::warp_fallback_groups).
// Scratch: 2 x kSpill ints a warp, 128 KiB a block of 4 warps (an H100's
// 132 SMs x 7 resident blocks in single precision: about 116 MiB; not in
// nbody_memory.cpp's estimate, which covers the default portable walk).
// Sizes seen in a host emulation of this kernel (bench/NOTES.md): nearly
// every group's widest level passes 256 entries at 262144 bodies, so the
// spill is the normal case (L2 serves it); about 0.1 % pass 4352.
// Lists hold at most 63 entries (< 32 before a chunk adds at most 32).
// Indices are int32 like the rest of the octree; the group counter is 64-bit.
#if defined(__CUDACC__)

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "runtime/cuda_check.hpp"
#include "runtime/error.hpp"
#include "runtime/launch.hpp"
#include "runtime/memory.hpp"
#include "solvers/nbody/tree_walk.hpp"

namespace tessera::nbody::tree_walk {

namespace {

constexpr int kWarps = 4;         // warps (groups walked at once) per block
constexpr int kShared = 256;      // queue entries per level in shared memory, per warp
constexpr int kSpill = 4096;      // more in global scratch, per warp and level buffer
constexpr int kList = 64;         // node and body list slots
constexpr unsigned kAll = 0xffffffffu;

template <class Real>
struct WarpShared {
  int queue[2][kShared];        // this level's candidates, the next level's
  int nodes[kList];             // accepted nodes, in order
  int bodies[kList];            // bodies of opened leaves, in order
  int leaf_begin[32], leaf_end[32];  // a chunk's opened leaves: first body, inclusive prefix of counts
  Real x[32], y[32], z[32], m[32];   // a staged batch (nodes or bodies)
  Real q[6][32];
  int id[32];
};

__device__ __forceinline__ int inclusive_scan(int v, int lane) {
#pragma unroll
  for (int d = 1; d < 32; d <<= 1) {
    const int t = __shfl_up_sync(kAll, v, d);
    if (lane >= d) v += t;
  }
  return v;
}

__device__ __forceinline__ int queue_get(const int* sh, const int* gl, int q) {
  return q < kShared ? sh[q] : gl[q - kShared];
}

__device__ __forceinline__ void queue_put(int* sh, int* gl, int q, int v) {
  if (q < kShared) sh[q] = v;
  else gl[q - kShared] = v;
}

// Moves list entries [32, n) to the front (n < 64) after the first 32 were applied.
__device__ __forceinline__ void shift_list(int* list, int n, int lane) {
  const int v = lane < n - 32 ? list[32 + lane] : 0;
  __syncwarp();
  if (lane < n - 32) list[lane] = v;
  __syncwarp();
}

// The first `cnt` (<= 32) accepted nodes on every lane's target.
template <bool kQuadrupole, class Real, class Kernel>
__device__ __forceinline__ void apply_nodes(const Kernel& kern, const WalkArgs& w, WarpShared<Real>& sh, int cnt,
                                            const double c[3], int lane, Real xr, Real yr, Real zr, double acc[4]) {
  if (lane < cnt) {
    const double* mo = w.moment + 10 * static_cast<std::int64_t>(sh.nodes[lane]);
    sh.x[lane] = static_cast<Real>(mo[1] - c[0]), sh.y[lane] = static_cast<Real>(mo[2] - c[1]);
    sh.z[lane] = static_cast<Real>(mo[3] - c[2]), sh.m[lane] = static_cast<Real>(mo[0]);
#pragma unroll
    for (int d = 0; d < 6; ++d) sh.q[d][lane] = static_cast<Real>(mo[4 + d]);
  }
  __syncwarp();
  Real px = 0, py = 0, pz = 0, pp = 0;
  for (int j = 0; j < cnt; ++j)
    tree_terms::node_term<kQuadrupole>(kern, sh.x[j] - xr, sh.y[j] - yr, sh.z[j] - zr, sh.m[j], sh.q[0][j],
                                       sh.q[1][j], sh.q[2][j], sh.q[3][j], sh.q[4][j], sh.q[5][j], px, py, pz, pp);
  acc[0] += px, acc[1] += py, acc[2] += pz, acc[3] += pp;
  __syncwarp();  // the batch is read before the next one is staged
}

// The first `cnt` (<= 32) listed bodies; me: the lane's own source index (-1: none).
template <class Real, class Kernel>
__device__ __forceinline__ void apply_bodies(const Kernel& kern, const WalkArgs& w, WarpShared<Real>& sh, int cnt,
                                             const double c[3], int lane, Real xr, Real yr, Real zr, int me,
                                             double acc[4], int& bodies) {
  if (lane < cnt) {
    const int j = sh.bodies[lane];
    sh.x[lane] = static_cast<Real>(w.sx[j] - c[0]), sh.y[lane] = static_cast<Real>(w.sy[j] - c[1]);
    sh.z[lane] = static_cast<Real>(w.sz[j] - c[2]), sh.m[lane] = static_cast<Real>(w.sm[j]);
    sh.id[lane] = j;
  }
  __syncwarp();
  Real px = 0, py = 0, pz = 0, pp = 0;
  int counted = 0;
  for (int j = 0; j < cnt; ++j) {
    const bool self = sh.id[j] == me;
    tree_terms::body_term<true>(kern, sh.x[j] - xr, sh.y[j] - yr, sh.z[j] - zr, sh.m[j], self, px, py, pz, pp);
    counted += !self;
  }
  acc[0] += px, acc[1] += py, acc[2] += pz, acc[3] += pp;
  bodies += counted;
  __syncwarp();
}

template <class Real, class Kernel>
__device__ __forceinline__ void apply_node_batch(const Kernel& kern, const WalkArgs& w, WarpShared<Real>& sh, int cnt,
                                                 const double c[3], int lane, Real xr, Real yr, Real zr,
                                                 double acc[4]) {
  if (w.quadrupole) apply_nodes<true>(kern, w, sh, cnt, c, lane, xr, yr, zr, acc);
  else apply_nodes<false>(kern, w, sh, cnt, c, lane, xr, yr, zr, acc);
}

// Walks group g with this warp; false when a level's queue overflowed (then
// nothing was stored and the caller falls back). Every lane runs every line
// (lanes past the group's end walk the last target and store nothing), so
// the ballots and __syncwarp calls always see the full warp.
template <class Real, class Kernel>
__device__ bool walk_group(const Kernel& kern, const WalkArgs& w, WarpShared<Real>& sh, int* spill, int g, int first,
                           int count, int lane) {
  const bool active = lane < count;
  const int s = first + (active ? lane : count - 1);
  const int i = w.tperm[s];
  const double* gb = w.gbox + 7 * static_cast<std::int64_t>(g);
  double c[3];
  group_centre(gb, c);
  const Real xr = static_cast<Real>(w.tx[i] - c[0]), yr = static_cast<Real>(w.ty[i] - c[1]),
             zr = static_cast<Real>(w.tz[i] - c[2]);
  const int me = self_index(w, s, i);
  double acc[4] = {0, 0, 0, 0};
  int bodies = 0, nodes = 0;
  int nn = 0, nb = 0;  // entries in the node and body lists (warp-uniform)
  int *cur = sh.queue[0], *nxt = sh.queue[1];
  int *gcur = spill, *gnxt = spill + kSpill;
  if (lane == 0) cur[0] = 0;  // the root
  __syncwarp();
  int ncur = 1;
  const unsigned below = (1u << lane) - 1u;
  while (ncur > 0) {
    int nnext = 0;
    for (int base = 0; base < ncur; base += 32) {
      const int q = base + lane;
      const int k = q < ncur ? queue_get(cur, gcur, q) : -1;
      const bool live = k >= 0 && w.moment[10 * static_cast<std::int64_t>(k)] != 0;
      const bool open = live && opens(w, gb, k);
      const int ch = open ? w.child[k] : -1;
      const bool accept = live && !open, leaf = open && ch < 0, inner = open && ch >= 0;

      // Accepted nodes to the node list.
      const unsigned am = __ballot_sync(kAll, accept);
      if (accept) sh.nodes[nn + __popc(am & below)] = k;
      nn += __popc(am);
      __syncwarp();
      if (nn >= 32) {
        apply_node_batch(kern, w, sh, 32, c, lane, xr, yr, zr, acc);
        nodes += 32;
        shift_list(sh.nodes, nn, lane);
        nn -= 32;
      }

      // Children of opened inner nodes to the next level.
      const int nc = inner ? w.nchild[k] : 0;
      const int cincl = inclusive_scan(nc, lane);
      const int ctotal = __shfl_sync(kAll, cincl, 31);
      if (nnext + ctotal > kShared + kSpill) return false;  // warp-uniform
      for (int t = 0, p = nnext + cincl - nc; t < nc; ++t) queue_put(nxt, gnxt, p + t, ch + t);
      nnext += ctotal;

      // Bodies of opened leaves to the body list, 32 at a time.
      const int nbod = leaf ? w.end[k] - w.begin[k] : 0;
      const int bincl = inclusive_scan(nbod, lane);
      const int btotal = __shfl_sync(kAll, bincl, 31);
      if (btotal > 0) {
        sh.leaf_begin[lane] = leaf ? w.begin[k] : 0;
        sh.leaf_end[lane] = bincl;
        __syncwarp();
        for (int q0 = 0; q0 < btotal; q0 += 32) {
          const int qq = q0 + lane;
          if (qq < btotal) {
            // The lane whose leaf holds entry qq: the first with leaf_end > qq.
            int lo = 0, hi = 31;
            while (lo < hi) {
              const int mid = (lo + hi) >> 1;
              if (sh.leaf_end[mid] > qq) hi = mid;
              else lo = mid + 1;
            }
            const int start = lo > 0 ? sh.leaf_end[lo - 1] : 0;
            sh.bodies[nb + lane] = sh.leaf_begin[lo] + (qq - start);
          }
          nb += min(32, btotal - q0);
          __syncwarp();
          if (nb >= 32) {
            apply_bodies(kern, w, sh, 32, c, lane, xr, yr, zr, me, acc, bodies);
            shift_list(sh.bodies, nb, lane);
            nb -= 32;
          }
        }
        __syncwarp();  // the leaf tables are read before the next chunk writes them
      }
    }
    // The next level's queue becomes the current one (its writes are ordered
    // before the reads by the __syncwarp below).
    int* t = cur;
    cur = nxt, nxt = t;
    t = gcur;
    gcur = gnxt, gnxt = t;
    ncur = nnext;
    __syncwarp();
  }
  if (nn > 0) {
    apply_node_batch(kern, w, sh, nn, c, lane, xr, yr, zr, acc);
    nodes += nn;
  }
  if (nb > 0) apply_bodies(kern, w, sh, nb, c, lane, xr, yr, zr, me, acc, bodies);
  if (active) store(w, s, i, acc, acc[3], bodies, nodes);
  return true;
}

// counters[0]: the next group to take (64-bit); counters[1]: groups that fell back.
template <class Real, class Kernel>
__global__ void __launch_bounds__(kWarps * 32)
    warp_walk_kernel(const Kernel kern, const WalkArgs w, const std::int64_t n, const std::int64_t groups,
                     unsigned long long* counters, int* spill) {
  __shared__ WarpShared<Real> shared[kWarps];
  const int lane = static_cast<int>(threadIdx.x) & 31, wid = static_cast<int>(threadIdx.x) >> 5;
  WarpShared<Real>& sh = shared[wid];
  int* my_spill = spill + (static_cast<std::size_t>(blockIdx.x) * kWarps + wid) * 2 * kSpill;
  for (;;) {
    unsigned long long gk = 0;
    if (lane == 0) gk = atomicAdd(&counters[0], 1ull);
    gk = __shfl_sync(kAll, gk, 0);
    if (gk >= static_cast<unsigned long long>(groups)) break;
    const std::int64_t g = w.first_group + static_cast<std::int64_t>(gk);
    const std::int64_t first = g * w.group_size;
    const int count = static_cast<int>(n - first < w.group_size ? n - first : w.group_size);
    if (!walk_group<Real>(kern, w, sh, my_spill, static_cast<int>(g), static_cast<int>(first), count, lane)) {
      if (lane < count) walk_one_target(kern, w, static_cast<int>(first) + lane);
      if (lane == 0) atomicAdd(&counters[1], 1ull);
    }
    __syncwarp();
  }
}

}  // namespace

template <class Kernel>
std::int64_t walk_warp(const Device& dev, const Kernel& kern, const WalkArgs& w, std::int64_t n, std::int64_t groups) {
  using Real = typename detail::kernel_real<Kernel>::type;
  if (!dev.is_cuda()) throw Error("nbody.tree: the warp walk needs a CUDA device");
  if (w.group_size < 1 || w.group_size > 32) throw Error("nbody.tree: the warp walk needs a group size of 1 to 32");
  if (groups <= 0) return 0;
  constexpr int kThreads = kWarps * 32;
  const auto kernel = warp_walk_kernel<Real, Kernel>;
  int sms = 0, per_sm = 0;
  TESSERA_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev.gpu()));
  TESSERA_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kThreads, 0));
  const std::int64_t resident = static_cast<std::int64_t>(std::max(sms, 1)) * std::max(per_sm, 1);
  const int blocks = static_cast<int>(std::min<std::int64_t>(resident, (groups + kWarps - 1) / kWarps));
  // Two counters, then each warp's two spill levels.
  const std::size_t counter_bytes = 2 * sizeof(unsigned long long);
  const std::size_t spill_ints = static_cast<std::size_t>(blocks) * kWarps * 2 * kSpill;
  auto* base = static_cast<unsigned char*>(dev.scratch(counter_bytes + spill_ints * sizeof(int)));
  auto* counters = reinterpret_cast<unsigned long long*>(base);
  int* spill = reinterpret_cast<int*>(base + counter_bytes);
  const unsigned long long zero[2] = {0, 0};
  memory::copy(counters, dev, zero, Device::host(), counter_bytes);
  kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(dev.stream())>>>(kern, w, n, groups, counters, spill);
  tessera::detail::check_launch("tree walk (warp)", __FILE__, __LINE__);
  // Read now (the copy waits for the walk): the scratch is reused by the next scratch() call.
  unsigned long long fell_back = 0;
  memory::copy(&fell_back, Device::host(), counters + 1, dev, sizeof(fell_back));
  return static_cast<std::int64_t>(fell_back);
}

template std::int64_t walk_warp(const Device&, const gravity::PlummerKernel<float>&, const WalkArgs&, std::int64_t,
                                std::int64_t);
template std::int64_t walk_warp(const Device&, const gravity::PlummerKernel<double>&, const WalkArgs&, std::int64_t,
                                std::int64_t);
template std::int64_t walk_warp(const Device&, const gravity::SplineKernel<float>&, const WalkArgs&, std::int64_t,
                                std::int64_t);
template std::int64_t walk_warp(const Device&, const gravity::SplineKernel<double>&, const WalkArgs&, std::int64_t,
                                std::int64_t);

}  // namespace tessera::nbody::tree_walk

#endif  // __CUDACC__
