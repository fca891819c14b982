#pragma once
// What the tree walks share (internal to nbody.tree): the walk's arguments,
// the opening test, the node term, the group's centre, the self index, the
// result store, and one target's depth-first walk. octree.cu's walks (host
// lists, a thread per target) and the CUDA warp walk (tree_walk_warp.cu) use
// these same functions, so every walk makes the same decisions and counts
// the same interactions; only the order of the sums differs between them.
#include <cstdint>

#include "runtime/device.hpp"
#include "runtime/macros.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/tree_interactions.hpp"

namespace tessera::nbody::tree_walk {

// Levels of always-opened joints above the other ranks' essential trees
// (Octree::load_essential: 8 children each, so 4096 ranks).
constexpr int kForestLevels = 4;
// Depth-first stack of one target's walk: each level pops one node and pushes
// at most 8, so 7 per level of the 21-bit-per-axis keys (and of the joints)
// plus the root.
constexpr int kTargetStack = 7 * (21 + 1 + kForestLevels) + 8;

struct WalkArgs {
  const std::int32_t *begin, *end, *child, *nchild;
  const double *centre, *moment, *rcrit2;
  const double *sx, *sy, *sz, *sm;  // sources in key order
  const double *tx, *ty, *tz;       // targets, input order
  const std::int32_t* tperm;        // sorted target position -> target index
  const std::int32_t* self;         // source sorted index of each target, or null
  std::int32_t self_offset;
  const std::int32_t* inverse;      // source input index -> sorted index
  const double* gbox;
  std::int32_t* work;
  double *ax, *ay, *az, *pot;
  double G, accuracy;
  int group_size;
  bool relative, quadrupole, same_order;
  std::int64_t first_group = 0;  // the walk covers groups from here on
  std::int64_t out_offset = -1;   // >= 0: results at sorted position - out_offset, else at the target index
};

// Whether the group with box gb (lo x, y, z, hi x, y, z, smallest |a_old|)
// must open node k rather than take its multipole.
TESSERA_HD TESSERA_INLINE bool opens(const WalkArgs& w, const double* gb, int k) {
  const double* mo = w.moment + 10 * k;
  const double* ce = w.centre + 4 * k;
  // A group reaching into the node (its box grown by 10%) always opens it.
  const double hh = 1.1 * ce[3];
  if (gb[0] <= ce[0] + hh && gb[3] >= ce[0] - hh && gb[1] <= ce[1] + hh && gb[4] >= ce[1] - hh &&
      gb[2] <= ce[2] + hh && gb[5] >= ce[2] - hh)
    return true;
  // The nearest point of the group's box to the centre of mass.
  double r2 = 0;
  for (int d = 0; d < 3; ++d) {
    const double c = mo[1 + d];
    const double t = c < gb[d] ? gb[d] - c : (c > gb[3 + d] ? c - gb[3 + d] : 0.0);
    r2 += t * t;
  }
  if (w.relative) {
    const double l = 2 * ce[3];
    return w.G * mo[0] * l * l > w.accuracy * gb[6] * r2 * r2;
  }
  return r2 <= w.rcrit2[k];
}

// A node's record (10 doubles: M, com, Q) on a target at d = com - target,
// the difference formed by the caller (relative coordinates in the walks).
template <bool kQuadrupole, class Kernel, class Real>
TESSERA_HD TESSERA_INLINE void add_node(const Kernel& kern, const double* mo, Real dx, Real dy, Real dz, Real& px,
                                        Real& py, Real& pz, Real& pp) {
  tree_terms::node_term<kQuadrupole>(kern, dx, dy, dz, static_cast<Real>(mo[0]), static_cast<Real>(mo[4]),
                               static_cast<Real>(mo[5]), static_cast<Real>(mo[6]), static_cast<Real>(mo[7]),
                               static_cast<Real>(mo[8]), static_cast<Real>(mo[9]), px, py, pz, pp);
}

// The centre the walk of group box gb measures coordinates from.
TESSERA_HD TESSERA_INLINE void group_centre(const double* gb, double c[3]) {
  for (int d = 0; d < 3; ++d) c[d] = 0.5 * (gb[d] + gb[3 + d]);
}

TESSERA_HD TESSERA_INLINE int self_index(const WalkArgs& w, int s, int i) {
  return w.same_order ? s : (w.self_offset >= 0 ? w.inverse[w.self_offset + i] : -1);
}

TESSERA_HD TESSERA_INLINE void store(const WalkArgs& w, int s, int i, const double* a, double phi, int bodies,
                                     int nodes) {
  const std::int64_t o = w.out_offset >= 0 ? s - w.out_offset : i;
  w.ax[o] = w.G * a[0];
  w.ay[o] = w.G * a[1];
  w.az[o] = w.G * a[2];
  w.pot[o] = -w.G * phi;
  w.work[2 * s] = bodies;
  w.work[2 * s + 1] = nodes;
}

// One target's walk (sorted position s of a group whose first sorted position
// is a multiple of group_size): depth first, in the node order of the
// children, each node's terms summed in Real and added to double sums. The
// CUDA per-target walk, and the warp walk's fallback for a group whose
// candidate queue overflows.
template <class Kernel>
TESSERA_HD TESSERA_INLINE void walk_one_target(const Kernel& kern, const WalkArgs& w, int s) {
  using Real = typename detail::kernel_real<Kernel>::type;
  const int i = w.tperm[s];
  const double* gb = w.gbox + 7 * (s / w.group_size);
  double c[3];
  group_centre(gb, c);
  const Real xr = static_cast<Real>(w.tx[i] - c[0]), yr = static_cast<Real>(w.ty[i] - c[1]),
             zr = static_cast<Real>(w.tz[i] - c[2]);
  const int me = self_index(w, s, i);
  double a[3] = {0, 0, 0}, phi = 0;
  int bodies = 0, nodes = 0;
  int stack[kTargetStack];
  int sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const int k = stack[--sp];
    if (!(w.moment[10 * k] != 0)) continue;
    Real px = 0, py = 0, pz = 0, pp = 0;
    if (!opens(w, gb, k)) {
      const double* mo = w.moment + 10 * k;
      const Real dx = static_cast<Real>(mo[1] - c[0]) - xr, dy = static_cast<Real>(mo[2] - c[1]) - yr,
                 dz = static_cast<Real>(mo[3] - c[2]) - zr;
      if (w.quadrupole) add_node<true>(kern, mo, dx, dy, dz, px, py, pz, pp);
      else add_node<false>(kern, mo, dx, dy, dz, px, py, pz, pp);
      ++nodes;
    } else if (w.child[k] < 0) {
      const int b = w.begin[k], e = w.end[k];
      for (int j = b; j < e; ++j)
        tree_terms::body_term<true>(kern, static_cast<Real>(w.sx[j] - c[0]) - xr,
                                    static_cast<Real>(w.sy[j] - c[1]) - yr, static_cast<Real>(w.sz[j] - c[2]) - zr,
                                    static_cast<Real>(w.sm[j]), j == me, px, py, pz, pp);
      bodies += e - b - (me >= b && me < e);
    } else {
      const int c0 = w.child[k];
      for (int c = c0 + w.nchild[k] - 1; c >= c0; --c) stack[sp++] = c;
      continue;
    }
    a[0] += px, a[1] += py, a[2] += pz, phi += pp;
  }
  store(w, s, i, a, phi, bodies, nodes);
}

// The CUDA warp walk (tree_walk_warp.cu, CUDA builds only): groups
// [first_group, first_group + groups) of `w` (n targets in all), a warp
// each; w.group_size <= 32. `dev` must be a CUDA device. Returns the groups
// that fell back to the per-target walk (queue overflow).
template <class Kernel>
std::int64_t walk_warp(const Device& dev, const Kernel& kern, const WalkArgs& w, std::int64_t n, std::int64_t groups);

}  // namespace tessera::nbody::tree_walk
