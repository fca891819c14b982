#pragma once
// The one pair interaction both gravity implementations (gravity_forces.cu,
// gravity_forces_tiled.cu) evaluate, so that they differ only in how pairs are
// grouped, never in the arithmetic of a pair; and how both store a target's
// sums. Internal to solvers/nbody.
#include <cstddef>

#include "physics/gravity/softening.hpp"
#include "runtime/macros.hpp"
#include "solvers/nbody/gravity_forces.hpp"

namespace tessera::nbody::detail {

// Adds source (dx, dy, dz relative to the target, mass m) to one target's sums:
// a += m f d, pot += m g (G and the sign of phi are applied once at the end).
// kMaySkip: the pair may be the target itself (same_set, a tile on the
// diagonal); `self` then selects zero factors. A select, not a branch or a
// zero mass: with eps = 0 the factors at r = 0 are infinite and inf * 0 is NaN.
// r^2 starts from the kernel's bias (eps^2 for Plummer) so that the sum is
// three FMAs on the GPU.
template <bool kMaySkip, class Real, class Kernel>
TESSERA_HD TESSERA_INLINE void add_pair(const Kernel& kern, Real dx, Real dy, Real dz, Real m, bool self, Real& ax,
                                        Real& ay, Real& az, Real& pot) {
  const Real r2 = kern.r2_bias + dx * dx + dy * dy + dz * dz;
  gravity::PairFactors<Real> p = kern.biased(r2);
  if constexpr (kMaySkip) {
    p.f = self ? Real(0) : p.f;
    p.g = self ? Real(0) : p.g;
  } else {
    (void)self;
  }
  const Real mf = m * p.f;
  ax += mf * dx;
  ay += mf * dy;
  az += mf * dz;
  pot += m * p.g;
}

// One target's double sums at the end of a pass: with split sources
// (partial != nullptr), into split `split`'s planes of `partial` for
// combine_splits to add; otherwise times G into the outputs.
TESSERA_HD TESSERA_INLINE void store_target_sums(const Targets& t, double* partial, int split, int i, double ax,
                                                 double ay, double az, double pot, double G) {
  if (partial) {
    const std::size_t plane = static_cast<std::size_t>(t.n);
    double* p = partial + static_cast<std::size_t>(split) * 4 * plane + i;
    p[0] = ax;
    p[plane] = ay;
    p[2 * plane] = az;
    p[3 * plane] = pot;
  } else {
    t.ax[i] += G * ax;
    t.ay[i] += G * ay;
    t.az[i] += G * az;
    t.pot[i] -= G * pot;
  }
}

}  // namespace tessera::nbody::detail
