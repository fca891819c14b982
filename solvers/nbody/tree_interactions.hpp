#pragma once
// The two interactions of a tree walk and the host's interaction lists.
// Internal to nbody.tree (octree.cu).
//
// Every walk evaluates in the solver's precision Real on coordinates
// relative to its group's centre (the group's box centre, in double):
// source and target positions are each rounded to Real once, so single
// precision keeps its digits near the group however far it lies from the
// origin, and the host's lists hold Real values ready for the vector units.
// The CUDA walk (a thread per target) calls the same two functions on the
// same relative coordinates.
#include "runtime/macros.hpp"
#include "physics/gravity/softening.hpp"
#include "solvers/nbody/gravity_pair.hpp"

namespace tessera::nbody::tree_terms {

// A kernel's pair factors at r^2 (its bias already added): kern.biased's
// values written as selects (detail::factors_branch_free, gravity_pair.hpp),
// so the host's list loops vectorise with the same bits.
template <class Kernel, class Real>
TESSERA_HD TESSERA_INLINE gravity::PairFactors<Real> factors(const Kernel& kern, Real r2) {
  return detail::factors_branch_free(kern, r2);
}

// A body's softened monopole on a target: d = source - target, sums
// a += m f d, phi += m g (G and the sign of phi applied at the end).
// kMaySkip: the source may be the target itself (`self`); a select, not a
// branch (with eps = 0 the factors at r = 0 are infinite, inf * 0 is NaN).
template <bool kMaySkip, class Real, class Kernel>
TESSERA_HD TESSERA_INLINE void body_term(const Kernel& kern, Real dx, Real dy, Real dz, Real m, bool self, Real& ax,
                                         Real& ay, Real& az, Real& pot) {
  const Real r2 = kern.r2_bias + dx * dx + dy * dy + dz * dz;
  detail::add_factors<kMaySkip>(factors(kern, r2), dx, dy, dz, m, self, ax, ay, az, pot);
}

// A node's softened monopole (as a body of its mass at its centre of mass)
// and its traceless quadrupole q (xx, yy, zz, xy, xz, yz) about that centre:
// phi += -d.Q.d / (2 r^5), a += -Q d / r^5 + 5/2 (d.Q.d) d / r^7, d = com - target.
template <bool kQuadrupole, class Real, class Kernel>
TESSERA_HD TESSERA_INLINE void node_term(const Kernel& kern, Real dx, Real dy, Real dz, Real m, Real qxx, Real qyy,
                                         Real qzz, Real qxy, Real qxz, Real qyz, Real& ax, Real& ay, Real& az,
                                         Real& pot) {
  body_term<false>(kern, dx, dy, dz, m, false, ax, ay, az, pot);
  if constexpr (kQuadrupole) {
    const Real d2 = dx * dx + dy * dy + dz * dz;
    const Real rinv = gravity::detail::inverse_sqrt(d2), rinv2 = rinv * rinv;
    const Real rinv5 = rinv2 * rinv2 * rinv;
    const Real qx = qxx * dx + qxy * dy + qxz * dz, qy = qxy * dx + qyy * dy + qyz * dz,
               qz = qxz * dx + qyz * dy + qzz * dz;
    const Real dqd = dx * qx + dy * qy + dz * qz;
    const Real f = Real(2.5) * dqd * rinv5 * rinv2;
    ax += f * dx - qx * rinv5;
    ay += f * dy - qy * rinv5;
    az += f * dz - qz * rinv5;
    pot += Real(0.5) * dqd * rinv5;
  } else {
    (void)qxx, (void)qyy, (void)qzz, (void)qxy, (void)qxz, (void)qyz;
  }
}

// The host walk's lists, structure of arrays (one traversal per group fills
// them; every target of the group then runs through them). Fixed capacity:
// a full list is applied and emptied, so the lists live on the stack of the
// thread walking the group and the sums' order is the traversal's.
template <class Real, int kCap>
struct NodeList {
  static constexpr int capacity = kCap;
  int n = 0;
  Real x[kCap], y[kCap], z[kCap], m[kCap];
  Real qxx[kCap], qyy[kCap], qzz[kCap], qxy[kCap], qxz[kCap], qyz[kCap];
};

template <class Real, int kCap>
struct BodyList {
  static constexpr int capacity = kCap;
  int n = 0;
  Real x[kCap], y[kCap], z[kCap], m[kCap];
  int id[kCap];  // source index (the self test of a group's own leaves)
};

// A list on `count` targets (relative positions xt, yt, zt): each entry's
// terms summed per target in Real over the list, then added to the double
// sums. The loops over targets are innermost and branch-free, so they
// vectorise; each target's sum runs over the list in order.
template <int kMaxTargets, bool kQuadrupole, class Real, int kCap, class Kernel>
TESSERA_HD TESSERA_INLINE void apply_nodes(const Kernel& kern, const NodeList<Real, kCap>& l, int count,
                                           const Real* xt, const Real* yt, const Real* zt, double* ax, double* ay,
                                           double* az, double* phi) {
  Real px[kMaxTargets], py[kMaxTargets], pz[kMaxTargets], pp[kMaxTargets];
  for (int t = 0; t < count; ++t) px[t] = py[t] = pz[t] = pp[t] = Real(0);
  for (int j = 0; j < l.n; ++j) {
    const Real x = l.x[j], y = l.y[j], z = l.z[j], m = l.m[j];
    const Real qxx = l.qxx[j], qyy = l.qyy[j], qzz = l.qzz[j], qxy = l.qxy[j], qxz = l.qxz[j], qyz = l.qyz[j];
    for (int t = 0; t < count; ++t)
      node_term<kQuadrupole>(kern, x - xt[t], y - yt[t], z - zt[t], m, qxx, qyy, qzz, qxy, qxz, qyz, px[t], py[t],
                             pz[t], pp[t]);
  }
  for (int t = 0; t < count; ++t) ax[t] += px[t], ay[t] += py[t], az[t] += pz[t], phi[t] += pp[t];
}

// kMaySkip: the list holds the group's own leaves; me[t] is target t's
// source index (-1: none) and its own term is skipped.
template <int kMaxTargets, bool kMaySkip, class Real, int kCap, class Kernel>
TESSERA_HD TESSERA_INLINE void apply_bodies(const Kernel& kern, const BodyList<Real, kCap>& l, int count,
                                            const Real* xt, const Real* yt, const Real* zt, const int* me, double* ax,
                                            double* ay, double* az, double* phi) {
  Real px[kMaxTargets], py[kMaxTargets], pz[kMaxTargets], pp[kMaxTargets];
  for (int t = 0; t < count; ++t) px[t] = py[t] = pz[t] = pp[t] = Real(0);
  for (int j = 0; j < l.n; ++j) {
    const Real x = l.x[j], y = l.y[j], z = l.z[j], m = l.m[j];
    const int id = l.id[j];
    for (int t = 0; t < count; ++t)
      body_term<kMaySkip>(kern, x - xt[t], y - yt[t], z - zt[t], m, id == me[t], px[t], py[t], pz[t], pp[t]);
  }
  for (int t = 0; t < count; ++t) ax[t] += px[t], ay[t] += py[t], az[t] += pz[t], phi[t] += pp[t];
}

}  // namespace tessera::nbody::tree_terms
