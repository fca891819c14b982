// The portable direct-summation gravity (any backend) and the dispatch to the
// tiled CUDA kernel. Compiled by nvcc in CUDA builds and as C++ in host-only
// builds.
//
// Work item = a block of B targets held in registers; every source is loaded
// once per block and reused B times, so on the host each OpenMP thread streams
// the sources once per B targets from cache (register blocking of targets,
// cache tiles of sources). Sources go in tiles of kSourceTile: each tile is
// summed in the working precision and then added to double accumulators, so in
// single precision the error of a long sum grows with the tile, not with N.
// On the host, small target sets also split the sources over work items (see
// portable_pass) so that OpenMP has enough items.
//
// The host's pair loop (host_source_tile) runs over the B targets of a block
// for one source at a time: the compiler turns it into full vectors (16
// floats: 2 AVX registers; 16 doubles: 4), check with -fopt-info-vec-optimized
// on this file. Its cost is the correctly rounded 1/sqrt (a sqrt, then a
// division, per pair: the host's reference arithmetic), which shares one
// unpipelined unit: the host pass runs at about that unit's rate, not at the
// multiply-add rate (bench/NOTES.md: "nbody.direct on the host").
#include "solvers/nbody/gravity_forces.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/launch.hpp"
#include "solvers/nbody/gravity_pair.hpp"

#if defined(__CUDA_ARCH__)
#define TESSERA_NBODY_UNROLL _Pragma("unroll")
#else
#define TESSERA_NBODY_UNROLL
#endif

namespace tessera::nbody {

namespace detail {

void check_gravity_arguments(const GravityParams& p, const Sources& s, const Targets& t, bool same_set) {
  if (!std::isfinite(p.G)) throw Error(strfmt("accumulate_gravity: G = %g is not finite", p.G));
  if (!std::isfinite(p.eps) || p.eps < 0)
    throw Error(strfmt("accumulate_gravity: softening length eps = %g must be finite and >= 0", p.eps));
  if (s.n < 0 || t.n < 0)
    throw Error(strfmt("accumulate_gravity: negative particle count (%lld sources, %lld targets)",
                       static_cast<long long>(s.n), static_cast<long long>(t.n)));
  if (s.n > INT_MAX || t.n > INT_MAX)
    throw Error(strfmt("accumulate_gravity: %lld sources / %lld targets exceed the 32-bit index range",
                       static_cast<long long>(s.n), static_cast<long long>(t.n)));
  if (same_set && s.n != t.n)
    throw Error(strfmt("accumulate_gravity: same_set with %lld sources but %lld targets",
                       static_cast<long long>(s.n), static_cast<long long>(t.n)));
  if (s.n > 0 && !(s.x && s.y && s.z && s.m)) throw Error("accumulate_gravity: null source array");
  if (t.n > 0 && !(t.x && t.y && t.z && t.ax && t.ay && t.az && t.pot))
    throw Error("accumulate_gravity: null target array");
}

void combine_splits(const Device& dev, const Targets& t, int splits, const double* partial, double G) {
  const std::size_t plane = static_cast<std::size_t>(t.n);
  for_each(dev, t.n, [=] TESSERA_HD(int i) {
    double a[4] = {0.0, 0.0, 0.0, 0.0};
    for (int sp = 0; sp < splits; ++sp)
      for (int c = 0; c < 4; ++c) a[c] += partial[(static_cast<std::size_t>(sp) * 4 + c) * plane + i];
    t.ax[i] += G * a[0];
    t.ay[i] += G * a[1];
    t.az[i] += G * a[2];
    t.pot[i] -= G * a[3];
  });
}

}  // namespace detail

namespace {

constexpr int kSourceTile = 256;
// Targets per work item: 16 on the host (enough reuse of each source load to
// be compute bound, and whole vectors in the inner loop over targets); 2 on a GPU, where
// the portable version is the test reference and needs threads more than reuse.
constexpr int kHostTargets = 16;
constexpr int kCudaTargets = 2;

template <class Real, int B>
struct TargetBlock {
  Real x[B], y[B], z[B];
};

template <class Acc, int B>
struct BlockSums {
  Acc ax[B], ay[B], az[B], pot[B];
};

// Sources [j0, j1) on the B targets of the block starting at i0; positions
// relative to (ox, oy, oz).
template <bool kMaySkip, class Real, int B, class Kernel>
TESSERA_HD TESSERA_INLINE void source_tile(const Kernel& kern, const Sources& s, int j0, int j1, double ox, double oy,
                                           double oz, const TargetBlock<Real, B>& tb, int i0,
                                           BlockSums<Real, B>& sum) {
  for (int j = j0; j < j1; ++j) {
    const Real xj = static_cast<Real>(s.x[j] - ox);
    const Real yj = static_cast<Real>(s.y[j] - oy);
    const Real zj = static_cast<Real>(s.z[j] - oz);
    const Real mj = static_cast<Real>(s.m[j]);
    TESSERA_NBODY_UNROLL
    for (int k = 0; k < B; ++k)
      detail::add_pair<kMaySkip>(kern, xj - tb.x[k], yj - tb.y[k], zj - tb.z[k], mj, j == i0 + k, sum.ax[k],
                                 sum.ay[k], sum.az[k], sum.pot[k]);
  }
}

// The host's tile: the sources converted once per tile to SoA arrays in the
// working precision (relative to the block's origin), so that the pair loop
// is loads, broadcasts and arithmetic over the B targets, one full vector (or
// several) per source, written without branches so that it vectorises. Per
// target the sum runs over j in the same order as source_tile's and every pair
// gets the same arithmetic: the same bits.
//
// The spline: for each source, r^2 to the B targets first; only when one of
// them is inside the support (pairs closer than 2.8 eps: few, at the
// softening lengths in use) does the source pay for the polynomials
// (factors_branch_free); otherwise every pair takes the point-mass factors,
// which is what the spline's own test would choose for each of them. In a
// dense core most sources may take the polynomials: slower, same results.
template <class Real>
struct SourceTileSoA {
  Real x[kSourceTile], y[kSourceTile], z[kSourceTile], m[kSourceTile];
};

template <class Kernel>
inline constexpr bool kIsSpline = false;
template <class Real>
inline constexpr bool kIsSpline<gravity::SplineKernel<Real>> = true;

template <bool kMaySkip, class Real, int B, class Kernel>
TESSERA_HD TESSERA_INLINE void host_source_tile(const Kernel& kern, const Sources& s, int j0, int j1, double ox,
                                                double oy, double oz, const TargetBlock<Real, B>& tb, int i0,
                                                BlockSums<Real, B>& sum) {
  SourceTileSoA<Real> st;
  const int n = j1 - j0;
  for (int jj = 0; jj < n; ++jj) {
    st.x[jj] = static_cast<Real>(s.x[j0 + jj] - ox);
    st.y[jj] = static_cast<Real>(s.y[j0 + jj] - oy);
    st.z[jj] = static_cast<Real>(s.z[j0 + jj] - oz);
    st.m[jj] = static_cast<Real>(s.m[j0 + jj]);
  }
  for (int jj = 0; jj < n; ++jj) {
    const Real xj = st.x[jj], yj = st.y[jj], zj = st.z[jj], mj = st.m[jj];
    const int j = j0 + jj;
    if constexpr (kIsSpline<Kernel>) {
      Real dx[B], dy[B], dz[B], r2[B];
      int near = 0;
      for (int k = 0; k < B; ++k) {
        dx[k] = xj - tb.x[k];
        dy[k] = yj - tb.y[k];
        dz[k] = zj - tb.z[k];
        r2[k] = kern.r2_bias + dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k];
        near |= r2[k] < kern.h2;
      }
      if (near) {
        for (int k = 0; k < B; ++k)
          detail::add_factors<kMaySkip>(detail::factors_branch_free(kern, r2[k]), dx[k], dy[k], dz[k], mj, j == i0 + k,
                                        sum.ax[k], sum.ay[k], sum.az[k], sum.pot[k]);
      } else {
        for (int k = 0; k < B; ++k)
          detail::add_factors<kMaySkip>(gravity::newtonian(r2[k]), dx[k], dy[k], dz[k], mj, j == i0 + k, sum.ax[k],
                                        sum.ay[k], sum.az[k], sum.pot[k]);
      }
    } else {
      for (int k = 0; k < B; ++k)
        detail::add_pair_branch_free<kMaySkip>(kern, xj - tb.x[k], yj - tb.y[k], zj - tb.z[k], mj, j == i0 + k,
                                               sum.ax[k], sum.ay[k], sum.az[k], sum.pot[k]);
    }
  }
}

// The host's tile or the scalar one. Chosen here, not in portable_pass's
// lambda: nvcc forbids an extended lambda's first capture inside if constexpr.
template <bool kHost, bool kMaySkip, class Real, int B, class Kernel>
TESSERA_HD TESSERA_INLINE void any_source_tile(const Kernel& kern, const Sources& s, int j0, int j1, double ox,
                                               double oy, double oz, const TargetBlock<Real, B>& tb, int i0,
                                               BlockSums<Real, B>& sum) {
  if constexpr (kHost)
    host_source_tile<kMaySkip>(kern, s, j0, j1, ox, oy, oz, tb, i0, sum);
  else
    source_tile<kMaySkip>(kern, s, j0, j1, ox, oy, oz, tb, i0, sum);
}

template <class Real, int B, bool kHost, class Kernel>
void portable_pass(const Device& dev, const Kernel& kern, double G, const Sources& s, const Targets& t,
                   bool same_set) {
  // Float works relative to the block's first target; double needs no origin
  // (x - 0.0 is exact, so double positions are used unchanged).
  constexpr bool kRelative = std::is_same_v<Real, float>;
  const int nt = static_cast<int>(t.n), ns = static_cast<int>(s.n);
  const int blocks = (nt + B - 1) / B;
  // The host for_each runs on one thread up to kHostParallelMin items, a
  // threshold meant for light bodies; a block of targets is heavy (B * ns
  // pairs). Below it, split the sources too (whole tiles, as many splits as
  // reach the threshold) so every thread gets work; the partial sums go to
  // Device::scratch (at most ~kHostParallelMin * B * 32 bytes, 2 MB) and are
  // added in a fixed order, so results do not depend on the thread count.
  int splits = 1;
  if (dev.is_host() && blocks <= tessera::detail::kHostParallelMin)
    splits = std::min(tessera::detail::kHostParallelMin / blocks + 1, std::max(1, ns / kSourceTile));
  const int tiles = (ns + kSourceTile - 1) / kSourceTile;
  const int tiles_per_split = (tiles + splits - 1) / splits;
  splits = (tiles + tiles_per_split - 1) / tiles_per_split;  // none empty
  const int split_len = tiles_per_split * kSourceTile;
  double* partial =
      splits > 1 ? static_cast<double*>(dev.scratch(sizeof(double) * 4 * static_cast<std::size_t>(splits) * nt))
                 : nullptr;

  // Split-major items: a thread's consecutive items share a source split,
  // which stays in its cache.
  for_each(dev, static_cast<std::int64_t>(blocks) * splits, [=] TESSERA_HD(int item) {
    const int split = item / blocks;
    const int i0 = (item - split * blocks) * B;
    const int count = nt - i0 < B ? nt - i0 : B;
    const int j_begin = split * split_len;
    const int j_end = ns - j_begin < split_len ? ns : j_begin + split_len;
    const double ox = kRelative ? t.x[i0] : 0.0;
    const double oy = kRelative ? t.y[i0] : 0.0;
    const double oz = kRelative ? t.z[i0] : 0.0;
    // A partial last block repeats its last target in the unused slots (their
    // sums are computed and dropped), so the inner loop has a fixed length.
    TargetBlock<Real, B> tb;
    TESSERA_NBODY_UNROLL
    for (int k = 0; k < B; ++k) {
      const int i = i0 + (k < count ? k : count - 1);
      tb.x[k] = static_cast<Real>(t.x[i] - ox);
      tb.y[k] = static_cast<Real>(t.y[i] - oy);
      tb.z[k] = static_cast<Real>(t.z[i] - oz);
    }
    BlockSums<double, B> acc{};
    for (int j0 = j_begin; j0 < j_end; j0 += kSourceTile) {
      const int j1 = j_end - j0 < kSourceTile ? j_end : j0 + kSourceTile;
      BlockSums<Real, B> tile{};
      // Only tiles that overlap the block's own indices can hold i == j.
      if (same_set && j0 < i0 + count && i0 < j1)
        any_source_tile<kHost, true>(kern, s, j0, j1, ox, oy, oz, tb, i0, tile);
      else
        any_source_tile<kHost, false>(kern, s, j0, j1, ox, oy, oz, tb, i0, tile);
      TESSERA_NBODY_UNROLL
      for (int k = 0; k < B; ++k) {
        acc.ax[k] += tile.ax[k];
        acc.ay[k] += tile.ay[k];
        acc.az[k] += tile.az[k];
        acc.pot[k] += tile.pot[k];
      }
    }
    for (int k = 0; k < count; ++k)
      detail::store_target_sums(t, partial, split, i0 + k, acc.ax[k], acc.ay[k], acc.az[k], acc.pot[k], G);
  });
  if (partial) detail::combine_splits(dev, t, splits, partial, G);
}

template <class Real, class Kernel>
void portable_for_backend(const Device& dev, const Kernel& kern, double G, const Sources& s, const Targets& t,
                          bool same_set) {
  if (dev.is_cuda())
    portable_pass<Real, kCudaTargets, false>(dev, kern, G, s, t, same_set);
  else
    portable_pass<Real, kHostTargets, true>(dev, kern, G, s, t, same_set);
}

}  // namespace

void accumulate_gravity_portable(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t,
                                 bool same_set) {
  detail::check_gravity_arguments(p, s, t, same_set);
  if (s.n == 0 || t.n == 0) return;
  detail::with_softening_kernel(p, [&](const auto& kern) {
    using Real = typename detail::kernel_real<std::decay_t<decltype(kern)>>::type;
    portable_for_backend<Real>(dev, kern, p.G, s, t, same_set);
  });
}

void accumulate_gravity(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t,
                        bool same_set) {
#if TESSERA_HAVE_CUDA
  if (dev.is_cuda()) {
    detail::accumulate_gravity_tiled(dev, p, s, t, same_set);
    return;
  }
#endif
  accumulate_gravity_portable(dev, p, s, t, same_set);
}

}  // namespace tessera::nbody
