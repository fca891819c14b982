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

// A pair's sums for factors already evaluated (kern.biased, factors_branch_free,
// or gravity::newtonian where the caller knows the pair is outside the
// spline's support).
template <bool kMaySkip, class Real>
TESSERA_HD TESSERA_INLINE void add_factors(gravity::PairFactors<Real> p, Real dx, Real dy, Real dz, Real m, bool self,
                                           Real& ax, Real& ay, Real& az, Real& pot) {
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
  add_factors<kMaySkip>(kern.biased(r2), dx, dy, dz, m, self, ax, ay, az, pot);
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

namespace tessera::nbody::detail {

// The pair factors of kern.biased(r2), bit for bit (the same operations in the
// same order, no contraction on the host), written without branches so that
// a host loop over several pairs vectorises: every piece of the spline is
// evaluated and one is selected (the pieces not taken may be inf or NaN at
// r = 0 and are dropped by the select). The GPU keeps biased's branches.
template <class Real>
TESSERA_HD TESSERA_INLINE gravity::PairFactors<Real> factors_branch_free(const gravity::PlummerKernel<Real>& kern,
                                                                         Real s2) {
  return kern.biased(s2);
}

template <class Real>
TESSERA_HD TESSERA_INLINE gravity::PairFactors<Real> factors_branch_free(const gravity::SplineKernel<Real>& kern,
                                                                         Real r2) {
  const Real rinv = gravity::detail::inverse_sqrt(r2);
  const Real hinv = kern.hinv;
  // SplineKernel::inside, both halves.
  const Real u = (r2 > Real(0) ? r2 * rinv : Real(0)) * hinv;
  const Real u2 = u * u;
  const Real h3inv = hinv * hinv * hinv;
  const Real f_in = Real(32) / Real(3) + u2 * (Real(-192) / Real(5) + Real(32) * u);
  const Real g_in = Real(14) / Real(5) + u2 * (Real(-16) / Real(3) + u2 * (Real(48) / Real(5) - Real(32) / Real(5) * u));
  const Real uinv = kern.h * rinv;
  const Real f_mid = Real(64) / Real(3) - Real(48) * u + u2 * (Real(192) / Real(5) - Real(32) / Real(3) * u) -
                     uinv * uinv * uinv * (Real(1) / Real(15));
  const Real g_mid = Real(16) / Real(5) - uinv * (Real(1) / Real(15)) +
                     u2 * (Real(-32) / Real(3) + u * (Real(16) + u * (Real(-48) / Real(5) + Real(32) / Real(15) * u)));
  const bool inner = u < Real(0.5);
  const Real f_soft = (inner ? f_in : f_mid) * h3inv;
  const Real g_soft = (inner ? g_in : g_mid) * hinv;
  // Outside the support (and for eps = 0): the point mass.
  const bool outside = !(r2 < kern.h2);
  return {outside ? rinv * rinv * rinv : f_soft, outside ? rinv : g_soft};
}

// add_pair with factors_branch_free: the same sums, bit for bit.
template <bool kMaySkip, class Real, class Kernel>
TESSERA_HD TESSERA_INLINE void add_pair_branch_free(const Kernel& kern, Real dx, Real dy, Real dz, Real m, bool self,
                                                    Real& ax, Real& ay, Real& az, Real& pot) {
  const Real r2 = kern.r2_bias + dx * dx + dy * dy + dz * dz;
  add_factors<kMaySkip>(factors_branch_free(kern, r2), dx, dy, dz, m, self, ax, ay, az, pot);
}

}  // namespace tessera::nbody::detail
