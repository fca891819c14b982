#pragma once
// Direct-summation gravity: accelerations and potentials on a set of targets
// from a set of sources, each pair softened (physics/gravity/softening.hpp).
// The force pass of nbody.direct; the ring over ranks calls it once per hop
// with the visiting sources, so results are added to what the targets hold.
//
// Two implementations of the same sum:
//   - portable (gravity_forces.cu): for_each over blocks of targets, sources
//     in cache-sized tiles; any backend, the reference for tests; on the host
//     its pair loop is vectorised over the targets of a block (the same
//     arithmetic and order, so the same bits as a scalar loop);
//   - tiled (gravity_forces_tiled.cu, CUDA builds only): shared-memory source
//     tiles, several targets per thread; what a CUDA device runs.
//
// Single precision: positions stay double in memory. Each block of targets
// takes its first target as the origin, converts positions relative to it to
// float (so close pairs far from the coordinate origin keep their digits),
// does the pair arithmetic in float, sums each source tile in float and adds
// the tile sums to double accumulators (so long sums do not lose digits).
// Double: all double.
#include <cstdint>
#include <type_traits>

#include "physics/gravity/softening.hpp"
#include "runtime/device.hpp"

namespace tessera::nbody {

enum class Precision { Single, Double };

struct GravityParams {
  double G = 1;
  double eps = 0.01;  // softening length (the Plummer scale; spline support h = 2.8 eps)
  gravity::Softening softening = gravity::Softening::Plummer;
  Precision precision = Precision::Double;
};

// Device pointers (on the Device passed with them).
struct Sources {
  const double* x;
  const double* y;
  const double* z;
  const double* m;
  std::int64_t n;
};

// Device pointers; results are ADDED to ax..pot (the ring accumulates over hops).
struct Targets {
  const double* x;
  const double* y;
  const double* z;
  std::int64_t n;
  double* ax;
  double* ay;
  double* az;
  double* pot;
};

// Adds the accelerations and potentials (phi_i = -G sum_j m_j g(r_ij), without
// the 1/2) on `t` from `s`. `same_set` = true when s and t are the same
// particles in the same order: the i == j term is skipped (s.n must equal t.n).
// Asynchronous on a CUDA device (ordered on its stream), like for_each.
// Throws tessera::Error on invalid parameters (eps < 0, non-finite G or eps).
void accumulate_gravity(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t, bool same_set);

// The portable version only (any backend): what tests compare the tuned kernel against.
void accumulate_gravity_portable(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t,
                                 bool same_set);

// Interactions per call: s.n * t.n (minus t.n when same_set) — for figures of merit.
inline std::int64_t gravity_interactions(const Sources& s, const Targets& t, bool same_set) {
  return s.n * t.n - (same_set ? t.n : 0);
}

namespace detail {
// Calls f(kernel) with the softening kernel `p` asks for, in its precision
// (PlummerKernel<float>, SplineKernel<double>, ...): the one place where the
// run-time choices become kernel types, for both implementations.
template <class F>
void with_softening_kernel(const GravityParams& p, F&& f) {
  const bool spline = p.softening == gravity::Softening::Spline;
  if (p.precision == Precision::Single) {
    const auto eps = static_cast<float>(p.eps);
    if (spline) f(gravity::SplineKernel<float>(eps));
    else f(gravity::PlummerKernel<float>(eps));
  } else {
    if (spline) f(gravity::SplineKernel<double>(p.eps));
    else f(gravity::PlummerKernel<double>(p.eps));
  }
}

// The real type of a softening kernel (float or double).
template <class Kernel>
struct kernel_real;
template <template <class> class K, class Real>
struct kernel_real<K<Real>> {
  using type = Real;
};

// Checks the arguments both implementations share; throws tessera::Error.
void check_gravity_arguments(const GravityParams& p, const Sources& s, const Targets& t, bool same_set);
// Both implementations split the sources of small target sets: split sp's
// partial sums (ax, ay, az, pot, each a plane of t.n) start at
// partial + 4 * sp * t.n. Adds them, in split order, times G into the outputs.
void combine_splits(const Device& dev, const Targets& t, int splits, const double* partial, double G);
#if TESSERA_HAVE_CUDA
// The tiled CUDA kernel (gravity_forces_tiled.cu); `dev` must be a CUDA device.
void accumulate_gravity_tiled(const Device& dev, const GravityParams& p, const Sources& s, const Targets& t,
                              bool same_set);
#endif
}  // namespace detail

}  // namespace tessera::nbody
