#pragma once
// The one pair interaction both gravity implementations (gravity_forces.cu,
// gravity_forces_tiled.cu) evaluate, so that they differ only in how pairs are
// grouped, never in the arithmetic of a pair. Internal to solvers/nbody.
#include "physics/gravity/softening.hpp"
#include "runtime/macros.hpp"

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

}  // namespace tessera::nbody::detail
