// The hand-tuned CUDA direct-summation gravity kernel (CUDA builds only; the
// portable version in gravity_forces.cu is the reference it is tested against).
//
// The idea (Nyland, Harris & Prins, GPU Gems 3 ch. 31): the N^2 pair sum is
// compute bound if every source read from memory serves many targets. A
// block of kThreads threads owns kThreads * K targets (K per thread, in
// registers); the block walks the sources in tiles of kThreads, each thread
// staging one source into shared memory as a packed (x, y, z, m) vector, and
// then every thread runs its K targets against the whole tile. All threads of
// a warp read the same shared element at once (a broadcast, no bank
// conflicts), and one 16-byte shared load feeds K pairs. The pair itself is
// gravity_pair.hpp, shared with the portable version.
//
// Small target sets (few blocks) would leave most of the GPU idle, so the
// sources are also split over blockIdx.y: each split writes its partial sums
// to Device::scratch and combine_splits (gravity_forces.cu, shared with the
// portable version) adds the splits in a fixed order (deterministic, no
// atomics) into the outputs.
//
// Single precision: a block's origin is its first target; targets and staged
// sources are converted to float relative to it. Each tile is summed in float
// and added to per-target double accumulators.
#if defined(__CUDACC__)

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "runtime/cuda_check.hpp"
#include "runtime/launch.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/gravity_pair.hpp"

namespace tessera::nbody::detail {

namespace {

// Threads per block and sources per shared tile.
constexpr int kThreads = 128;
// Aim for this many blocks per SM before splitting the sources...
constexpr int kBlocksPerSm = 16;
// ...but give each split at least this many tiles (its fixed costs: loading
// targets, writing partial sums).
constexpr int kMinTilesPerSplit = 4;

// Targets per thread: enough to amortise the shared load over several pairs
// within the register budget (double needs twice the registers per value).
template <class Real>
constexpr int kTargetsPerThread = std::is_same_v<Real, float> ? 4 : 2;

template <class Real>
struct Packed;
template <>
struct Packed<float> {
  using type = float4;
  static __device__ __forceinline__ float4 make(float x, float y, float z, float m) { return make_float4(x, y, z, m); }
};
template <>
struct Packed<double> {
  // double4 is deprecated in CUDA 13 in favour of the explicitly aligned kinds.
  using type = double4_32a;
  static __device__ __forceinline__ double4_32a make(double x, double y, double z, double m) {
    double4_32a v;
    v.x = x;
    v.y = y;
    v.z = z;
    v.w = m;
    return v;
  }
};

// One staged tile of `count` sources (kCount > 0: a full tile, known at
// compile time, so the loop unrolls without a remainder) on the thread's K
// targets. j0: the tile's first source index, for the i == j test.
template <bool kMaySkip, int kCount, class Real, int K, class Kernel, class P>
__device__ __forceinline__ void tile_pass(const Kernel& kern, const P* tile, int count, int j0, const Real (&x)[K],
                                          const Real (&y)[K], const Real (&z)[K], const int (&idx)[K],
                                          Real (&ax)[K], Real (&ay)[K], Real (&az)[K], Real (&pot)[K]) {
  const int n = kCount > 0 ? kCount : count;
#pragma unroll 4
  for (int jj = 0; jj < n; ++jj) {
    const P q = tile[jj];
#pragma unroll
    for (int k = 0; k < K; ++k)
      add_pair<kMaySkip>(kern, q.x - x[k], q.y - y[k], q.z - z[k], q.w, j0 + jj == idx[k], ax[k], ay[k], az[k],
                         pot[k]);
  }
}

template <class Real, class Kernel>
__global__ void __launch_bounds__(kThreads)
    gravity_tiled_kernel(const Kernel kern, const Sources s, const Targets t, const bool same_set, const int split_len,
                         const double G, double* __restrict__ partial) {
  constexpr int K = kTargetsPerThread<Real>;
  constexpr int kBlockTargets = K * kThreads;
  constexpr bool kRelative = std::is_same_v<Real, float>;
  using P = typename Packed<Real>::type;
  __shared__ P tile[kThreads];

  const int nt = static_cast<int>(t.n), ns = static_cast<int>(s.n);
  const int tid = static_cast<int>(threadIdx.x);
  const int i0 = static_cast<int>(blockIdx.x) * kBlockTargets;
  const int i_end = min(nt, i0 + kBlockTargets);
  const int j_begin = static_cast<int>(blockIdx.y) * split_len;
  const int j_end = min(ns, j_begin + split_len);

  // Same address in every thread: one broadcast load. Double needs no origin.
  const double ox = kRelative ? t.x[i0] : 0.0;
  const double oy = kRelative ? t.y[i0] : 0.0;
  const double oz = kRelative ? t.z[i0] : 0.0;

  // Thread tid owns targets i0 + tid + k * kThreads: consecutive threads,
  // consecutive targets, so loads and stores coalesce. Slots past the end
  // repeat the last target and are never stored.
  Real x[K], y[K], z[K];
  int idx[K];
  double ax[K], ay[K], az[K], pot[K];
#pragma unroll
  for (int k = 0; k < K; ++k) {
    idx[k] = i0 + k * kThreads + tid;
    const int i = min(idx[k], i_end - 1);
    x[k] = static_cast<Real>(t.x[i] - ox);
    y[k] = static_cast<Real>(t.y[i] - oy);
    z[k] = static_cast<Real>(t.z[i] - oz);
    ax[k] = ay[k] = az[k] = pot[k] = 0.0;
  }

  for (int j0 = j_begin; j0 < j_end; j0 += kThreads) {
    const int count = min(kThreads, j_end - j0);
    if (tid < count) {
      const int j = j0 + tid;
      tile[tid] = Packed<Real>::make(static_cast<Real>(s.x[j] - ox), static_cast<Real>(s.y[j] - oy),
                                     static_cast<Real>(s.z[j] - oz), static_cast<Real>(s.m[j]));
    }
    __syncthreads();

    Real tx[K], ty[K], tz[K], tp[K];
#pragma unroll
    for (int k = 0; k < K; ++k) tx[k] = ty[k] = tz[k] = tp[k] = Real(0);
    // Uniform over the block: only tiles overlapping the block's own indices
    // can hold i == j, and only those pay for the test.
    const bool diagonal = same_set && j0 < i_end && i0 < j0 + count;
    if (count == kThreads) {
      if (diagonal)
        tile_pass<true, kThreads>(kern, tile, count, j0, x, y, z, idx, tx, ty, tz, tp);
      else
        tile_pass<false, kThreads>(kern, tile, count, j0, x, y, z, idx, tx, ty, tz, tp);
    } else {
      if (diagonal)
        tile_pass<true, 0>(kern, tile, count, j0, x, y, z, idx, tx, ty, tz, tp);
      else
        tile_pass<false, 0>(kern, tile, count, j0, x, y, z, idx, tx, ty, tz, tp);
    }
#pragma unroll
    for (int k = 0; k < K; ++k) {
      ax[k] += tx[k];
      ay[k] += ty[k];
      az[k] += tz[k];
      pot[k] += tp[k];
    }
    __syncthreads();  // everyone is done with the tile before it is overwritten
  }

#pragma unroll
  for (int k = 0; k < K; ++k) {
    if (idx[k] < i_end)
      store_target_sums(t, partial, static_cast<int>(blockIdx.y), idx[k], ax[k], ay[k], az[k], pot[k], G);
  }
}

template <class Real, class Kernel>
void launch_tiled(const Device& dev, const Kernel& kern, double G, const Sources& s, const Targets& t,
                  bool same_set) {
  constexpr int kBlockTargets = kTargetsPerThread<Real> * kThreads;
  const int nt = static_cast<int>(t.n), ns = static_cast<int>(s.n);
  const int target_blocks = (nt + kBlockTargets - 1) / kBlockTargets;
  const int tiles = (ns + kThreads - 1) / kThreads;

  int sms = 0;
  TESSERA_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev.gpu()));
  int splits = 1;
  const int wanted_blocks = kBlocksPerSm * std::max(sms, 1);
  if (target_blocks < wanted_blocks) {
    splits = (wanted_blocks + target_blocks - 1) / target_blocks;
    splits = std::min({splits, std::max(1, tiles / kMinTilesPerSplit), 65535});
  }
  // Whole tiles per split; recount so that no split is empty.
  const int tiles_per_split = (tiles + splits - 1) / splits;
  splits = (tiles + tiles_per_split - 1) / tiles_per_split;
  const int split_len = tiles_per_split * kThreads;

  double* partial = nullptr;
  if (splits > 1)
    partial = static_cast<double*>(dev.scratch(sizeof(double) * 4 * static_cast<std::size_t>(splits) * nt));
  const auto stream = static_cast<cudaStream_t>(dev.stream());
  const dim3 grid(static_cast<unsigned>(target_blocks), static_cast<unsigned>(splits));
  gravity_tiled_kernel<Real><<<grid, kThreads, 0, stream>>>(kern, s, t, same_set, split_len, G, partial);
  tessera::detail::check_launch("gravity (tiled)", __FILE__, __LINE__);
  if (partial) combine_splits(dev, t, splits, partial, G);
}

}  // namespace

void accumulate_gravity_tiled(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t,
                              bool same_set) {
  check_gravity_arguments(p, s, t, same_set);
  if (!dev.is_cuda()) throw Error("accumulate_gravity_tiled: the tiled kernel needs a CUDA device");
  if (s.n == 0 || t.n == 0) return;
  with_softening_kernel(p, [&](const auto& kern) {
    using Real = typename kernel_real<std::decay_t<decltype(kern)>>::type;
    launch_tiled<Real>(dev, kern, p.G, s, t, same_set);
  });
}

}  // namespace tessera::nbody::detail

#endif  // __CUDACC__
