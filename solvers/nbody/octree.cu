// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/octree.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/for_each_task.hpp"
#include "runtime/launch.hpp"
#include "runtime/format.hpp"
#include "runtime/memory.hpp"
#include "runtime/reduce.hpp"
#include "runtime/scan.hpp"
#include "runtime/sort.hpp"
#include "solvers/nbody/gravity_pair.hpp"
#include "solvers/nbody/tree_interactions.hpp"
#include "solvers/nbody/tree_walk.hpp"

namespace tessera::nbody {

using namespace tree_walk;

namespace {

constexpr int kKeyBits = 21;  // per dimension: 63-bit keys
constexpr int kMaxLevel = kKeyBits;
// DFS stack of the host's group walk: as one target's (tree_walk.hpp).
static_assert(kMaxLevel == 21, "tree_walk.hpp's stack assumes 21 levels");
constexpr int kStack = kTargetStack;

// Spreads the low 21 bits of v to every third bit.
TESSERA_HD TESSERA_INLINE std::uint64_t spread3(std::uint64_t v) {
  v &= 0x1fffffULL;
  v = (v | v << 32) & 0x1f00000000ffffULL;
  v = (v | v << 16) & 0x1f0000ff0000ffULL;
  v = (v | v << 8) & 0x100f00f00f00f00fULL;
  v = (v | v << 4) & 0x10c30c30c30c30c3ULL;
  v = (v | v << 2) & 0x1249249249249249ULL;
  return v;
}

struct KeyFrame {
  double lo[3];
  double scale;  // cells per length unit
  TESSERA_HD TESSERA_INLINE std::uint64_t key(double x, double y, double z) const {
    const double c[3] = {(x - lo[0]) * scale, (y - lo[1]) * scale, (z - lo[2]) * scale};
    std::uint64_t k[3];
    for (int d = 0; d < 3; ++d) {
      // Clamped: targets of a walk may lie outside the sources' cube.
      const double v = c[d] < 0 ? 0.0 : (c[d] > double((1 << kKeyBits) - 1) ? double((1 << kKeyBits) - 1) : c[d]);
      k[d] = static_cast<std::uint64_t>(v);
    }
    return spread3(k[0]) << 2 | spread3(k[1]) << 1 | spread3(k[2]);
  }
};

void compute_keys(const Device& dev, KeyFrame f, const double* x, const double* y, const double* z, std::int64_t n,
                  std::uint64_t* keys, std::int32_t* index) {
  for_each(dev, n, [=] TESSERA_HD(int i) {
    keys[i] = f.key(x[i], y[i], z[i]);
    index[i] = i;
  });
}

// First j in [b, e) whose octant below the shared prefix is >= c.
TESSERA_HD TESSERA_INLINE int octant_bound(const std::uint64_t* keys, int b, int e, int shift, std::uint64_t c) {
  while (b < e) {
    const int mid = b + (e - b) / 2;
    if (((keys[mid] >> shift) & 7) < c) b = mid + 1;
    else e = mid;
  }
  return b;
}

template <class T>
void grow(const Device& dev, Buffer<T>& b, std::size_t keep, std::size_t n) {
  Buffer<T> g(dev, n);
  if (keep > 0) memory::copy(g.data(), dev, b.data(), dev, keep * sizeof(T));
  b = std::move(g);
}

template <class T>
void ensure_size(const Device& dev, Buffer<T>& b, std::size_t n) {
  if (b.size() < n) b = Buffer<T>(dev, std::max<std::size_t>(n, b.size() + b.size() / 2));
}

struct NodeArrays {
  std::int32_t *begin, *end, *child, *nchild, *parent;
  double *centre, *moment, *rcrit2;
};

void count_children(const Device& dev, NodeArrays a, const std::uint64_t* keys, std::int64_t first, std::int64_t count,
                    int level, int leaf_size, std::int32_t* split) {
  const int shift = 3 * (kMaxLevel - 1 - level);
  const bool last = level >= kMaxLevel;
  for_each(dev, count, [=] TESSERA_HD(int i) {
    const std::int64_t k = first + i;
    const int b = a.begin[k], e = a.end[k];
    a.child[k] = -1;
    a.nchild[k] = 0;
    int n = 0;
    if (!last && e - b > leaf_size) {
      int lo = b;
      for (std::uint64_t c = 0; c < 8; ++c) {
        const int hi = c == 7 ? e : octant_bound(keys, lo, e, shift, c + 1);
        n += hi > lo;
        lo = hi;
      }
    }
    split[i] = n;
  });
}

void write_children(const Device& dev, NodeArrays a, const std::uint64_t* keys, std::int64_t first,
                    std::int64_t count, int level, std::int64_t next, std::int32_t total, const std::int32_t* offset) {
  const int shift = 3 * (kMaxLevel - 1 - level);
  for_each(dev, count, [=] TESSERA_HD(int i) {
    const std::int64_t k = first + i;
    const int n = (i + 1 < count ? offset[i + 1] : total) - offset[i];
    if (n == 0) return;
    const std::int64_t c0 = next + offset[i];
    a.child[k] = static_cast<std::int32_t>(c0);
    a.nchild[k] = n;
    const int b = a.begin[k], e = a.end[k];
    const double* pc = a.centre + 4 * k;
    const double h = 0.5 * pc[3];
    int lo = b, slot = 0;
    for (std::uint64_t c = 0; c < 8; ++c) {
      const int hi = c == 7 ? e : octant_bound(keys, lo, e, shift, c + 1);
      if (hi > lo) {
        const std::int64_t j = c0 + slot++;
        a.begin[j] = lo;
        a.end[j] = hi;
        a.parent[j] = static_cast<std::int32_t>(k);
        a.child[j] = -1;
        a.nchild[j] = 0;
        double* cc = a.centre + 4 * j;
        cc[0] = pc[0] + ((c & 4) ? h : -h);
        cc[1] = pc[1] + ((c & 2) ? h : -h);
        cc[2] = pc[2] + ((c & 1) ? h : -h);
        cc[3] = h;
      }
      lo = hi;
    }
  });
}

// Moments of one level's nodes from their bodies (leaves) or children
// (already done: deeper level). Quadrupole traceless, about the centre of mass.
void level_moments(const Device& dev, NodeArrays a, const double* x, const double* y, const double* z,
                   const double* m, std::int64_t first, std::int64_t count, double theta) {
  const double inv_theta = theta > 0 ? 1.0 / theta : 0.0;
  for_each(dev, count, [=] TESSERA_HD(int i) {
    const std::int64_t k = first + i;
    const double* ce = a.centre + 4 * k;
    double M = 0, c[3] = {0, 0, 0}, q[6] = {0, 0, 0, 0, 0, 0};
    const int ch = a.child[k];
    if (ch < 0) {
      const int b = a.begin[k], e = a.end[k];
      for (int j = b; j < e; ++j) M += m[j], c[0] += m[j] * x[j], c[1] += m[j] * y[j], c[2] += m[j] * z[j];
      if (M > 0) c[0] /= M, c[1] /= M, c[2] /= M;
      else c[0] = ce[0], c[1] = ce[1], c[2] = ce[2];
      for (int j = b; j < e; ++j) {
        const double d[3] = {x[j] - c[0], y[j] - c[1], z[j] - c[2]};
        const double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        q[0] += m[j] * (3 * d[0] * d[0] - d2), q[1] += m[j] * (3 * d[1] * d[1] - d2);
        q[2] += m[j] * (3 * d[2] * d[2] - d2), q[3] += m[j] * 3 * d[0] * d[1];
        q[4] += m[j] * 3 * d[0] * d[2], q[5] += m[j] * 3 * d[1] * d[2];
      }
    } else {
      const int nc = a.nchild[k];
      for (int j = ch; j < ch + nc; ++j) {
        const double* mo = a.moment + 10 * j;
        M += mo[0], c[0] += mo[0] * mo[1], c[1] += mo[0] * mo[2], c[2] += mo[0] * mo[3];
      }
      if (M > 0) c[0] /= M, c[1] /= M, c[2] /= M;
      else c[0] = ce[0], c[1] = ce[1], c[2] = ce[2];
      for (int j = ch; j < ch + nc; ++j) {
        const double* mo = a.moment + 10 * j;
        const double mc = mo[0], d[3] = {mo[1] - c[0], mo[2] - c[1], mo[3] - c[2]};
        const double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        q[0] += mo[4] + mc * (3 * d[0] * d[0] - d2), q[1] += mo[5] + mc * (3 * d[1] * d[1] - d2);
        q[2] += mo[6] + mc * (3 * d[2] * d[2] - d2), q[3] += mo[7] + mc * 3 * d[0] * d[1];
        q[4] += mo[8] + mc * 3 * d[0] * d[2], q[5] += mo[9] + mc * 3 * d[1] * d[2];
      }
    }
    double* mo = a.moment + 10 * k;
    mo[0] = M, mo[1] = c[0], mo[2] = c[1], mo[3] = c[2];
    for (int j = 0; j < 6; ++j) mo[4 + j] = q[j];
    // Barnes-Hut with the offset correction (Barnes 1994; Bonsai): side l over
    // theta plus the centre of mass's distance from the geometric centre.
    const double off = sqrt((c[0] - ce[0]) * (c[0] - ce[0]) + (c[1] - ce[1]) * (c[1] - ce[1]) +
                            (c[2] - ce[2]) * (c[2] - ce[2]));
    const double r = theta > 0 ? 2 * ce[3] * inv_theta + off : 1e300;
    a.rcrit2[k] = r * r;
  });
}

// Heavy items (a group's walk: thousands of interactions each) on every host
// thread: the runtime's for_each keeps host loops shorter than
// kHostParallelMin on one thread (it expects cheap bodies), which would walk
// N = 65536 (2048 groups) serially; for_each_task hands them out one at a
// time (each writes only its own bodies, so the thread that runs it does
// not change a bit). CUDA: plain for_each.
template <class F>
void for_each_heavy(const Device& dev, std::int64_t n, F f) {
  if (dev.is_cuda()) for_each(dev, n, f);
  else for_each_task(dev, n, f);
}

// Bounding boxes and smallest |a_old| (amag, by target index, or null) of
// groups g0 .. g0 + count - 1.
void group_boxes(const Device& dev, const WalkArgs w, std::int64_t n, std::int64_t g0, std::int64_t count,
                 const double* amag, double* gbox) {
  const int gs = w.group_size;
  for_each(dev, count, [=] TESSERA_HD(int k) {
    const std::int64_t g = g0 + k;
    double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300}, amin = 1e300;
    const std::int64_t e = (g + 1) * gs < n ? (g + 1) * gs : n;
    for (std::int64_t s = g * gs; s < e; ++s) {
      const int i = w.tperm[s];
      const double p[3] = {w.tx[i], w.ty[i], w.tz[i]};
      for (int d = 0; d < 3; ++d) lo[d] = p[d] < lo[d] ? p[d] : lo[d], hi[d] = p[d] > hi[d] ? p[d] : hi[d];
      if (amag) amin = amag[i] < amin ? amag[i] : amin;
    }
    double* b = gbox + 7 * g;
    for (int d = 0; d < 3; ++d) b[d] = lo[d], b[3 + d] = hi[d];
    b[6] = amin;
  });
}

// CUDA (and host groups larger than kHostGroup): a thread per target. The
// targets of a group are consecutive threads that take the same path
// through the tree (the criterion sees only the group's box), so a warp
// walks one interaction list in lockstep, reading each node once for all its
// threads. The arithmetic is the host lists': coordinates relative to the
// group's centre rounded to Real, the terms of tree_interactions.hpp.
template <class Kernel>
void walk_per_target(const Device& dev, Kernel kern, const WalkArgs w, std::int64_t count) {
  const std::int64_t s0 = w.first_group * w.group_size;
  for_each_heavy(dev, count, [=] TESSERA_HD(int k) { walk_one_target(kern, w, static_cast<int>(s0 + k)); });
}

constexpr int kHostGroup = 64;   // most targets a host group walk holds
constexpr int kHostNodes = 512;  // list entries gathered before they are applied
constexpr int kHostBodies = 512;
constexpr int kHostOwn = 128;    // bodies of the group's own leaves (the self test)

// A node record (10 doubles: M, com, Q) and a body into the host lists, in
// Real relative to the centre c; a full list is applied by the caller.
template <class List>
TESSERA_HD TESSERA_INLINE void push_node(List& l, const double* mo, const double c[3]) {
  using Real = std::remove_reference_t<decltype(l.x[0])>;
  const int j = l.n++;
  l.x[j] = static_cast<Real>(mo[1] - c[0]), l.y[j] = static_cast<Real>(mo[2] - c[1]);
  l.z[j] = static_cast<Real>(mo[3] - c[2]), l.m[j] = static_cast<Real>(mo[0]);
  l.qxx[j] = static_cast<Real>(mo[4]), l.qyy[j] = static_cast<Real>(mo[5]), l.qzz[j] = static_cast<Real>(mo[6]);
  l.qxy[j] = static_cast<Real>(mo[7]), l.qxz[j] = static_cast<Real>(mo[8]), l.qyz[j] = static_cast<Real>(mo[9]);
}

template <class List>
TESSERA_HD TESSERA_INLINE void push_body(List& l, double x, double y, double z, double m, int id, const double c[3]) {
  using Real = std::remove_reference_t<decltype(l.x[0])>;
  const int j = l.n++;
  l.x[j] = static_cast<Real>(x - c[0]), l.y[j] = static_cast<Real>(y - c[1]), l.z[j] = static_cast<Real>(z - c[2]);
  l.m[j] = static_cast<Real>(m), l.id[j] = id;
}

// Host: a loop iteration per group (OpenMP over groups; each group's targets
// written by its thread only, so the bits do not depend on the thread
// count). One traversal against the group's box fills structure-of-arrays
// lists (tree_interactions.hpp) with the accepted nodes' multipoles and the
// opened leaves' bodies, in Real relative to the group's centre, on the
// walking thread's stack; every target of the group then runs through them
// in loops over the targets that the compiler vectorises. The traversal is
// paid once per group. The group's own leaves go to a list of their own,
// the only one that needs the self test.
template <class Kernel>
void walk_per_group(const Device& dev, Kernel kern, const WalkArgs w, std::int64_t n, std::int64_t groups) {
  using Real = typename detail::kernel_real<Kernel>::type;
  for_each_heavy(dev, groups, [=] TESSERA_HD(int k) {
    const int g = static_cast<int>(w.first_group + k);
    const int first = g * w.group_size;
    const int count = static_cast<int>(n - first < w.group_size ? n - first : w.group_size);
    const double* gb = w.gbox + 7 * g;
    double c[3];
    group_centre(gb, c);
    Real xt[kHostGroup], yt[kHostGroup], zt[kHostGroup];
    double ax[kHostGroup], ay[kHostGroup], az[kHostGroup], phi[kHostGroup];
    int me[kHostGroup], skipped[kHostGroup];
    for (int t = 0; t < count; ++t) {
      const int s = first + t, i = w.tperm[s];
      xt[t] = static_cast<Real>(w.tx[i] - c[0]), yt[t] = static_cast<Real>(w.ty[i] - c[1]);
      zt[t] = static_cast<Real>(w.tz[i] - c[2]), me[t] = self_index(w, s, i);
      ax[t] = ay[t] = az[t] = phi[t] = 0, skipped[t] = 0;
    }
    int me_lo = 0x7fffffff, me_hi = -1;  // the group's own source indices (-1: none)
    for (int t = 0; t < count; ++t)
      if (me[t] >= 0) me_lo = me[t] < me_lo ? me[t] : me_lo, me_hi = me[t] > me_hi ? me[t] : me_hi;
    tree_terms::NodeList<Real, kHostNodes> nl;
    tree_terms::BodyList<Real, kHostBodies> bl;
    tree_terms::BodyList<Real, kHostOwn> own;
    int nodes = 0, listed = 0;
    auto flush_nodes = [&]() {
      if (w.quadrupole) tree_terms::apply_nodes<kHostGroup, true>(kern, nl, count, xt, yt, zt, ax, ay, az, phi);
      else tree_terms::apply_nodes<kHostGroup, false>(kern, nl, count, xt, yt, zt, ax, ay, az, phi);
      nodes += nl.n;
      nl.n = 0;
    };
    auto flush_bodies = [&]() {
      tree_terms::apply_bodies<kHostGroup, false>(kern, bl, count, xt, yt, zt, me, ax, ay, az, phi);
      bl.n = 0;
    };
    auto flush_own = [&]() {
      tree_terms::apply_bodies<kHostGroup, true>(kern, own, count, xt, yt, zt, me, ax, ay, az, phi);
      own.n = 0;
    };
    int stack[kStack];
    int sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const int k = stack[--sp];
      if (!(w.moment[10 * k] != 0)) continue;
      if (!opens(w, gb, k)) {
        push_node(nl, w.moment + 10 * k, c);
        if (nl.n == kHostNodes) flush_nodes();
      } else if (w.child[k] < 0) {
        const int b = w.begin[k], e = w.end[k];
        // Only a leaf holding some of the group's own bodies needs the self test.
        const bool may_hold_self = me_hi >= b && me_lo < e;
        for (int j = b; j < e; ++j) {
          if (may_hold_self) {
            push_body(own, w.sx[j], w.sy[j], w.sz[j], w.sm[j], j, c);
            if (own.n == kHostOwn) flush_own();
          } else {
            push_body(bl, w.sx[j], w.sy[j], w.sz[j], w.sm[j], j, c);
            if (bl.n == kHostBodies) flush_bodies();
          }
        }
        listed += e - b;
        if (may_hold_self)
          for (int t = 0; t < count; ++t) skipped[t] += me[t] >= b && me[t] < e;
      } else {
        const int c0 = w.child[k];
        for (int c = c0 + w.nchild[k] - 1; c >= c0; --c) stack[sp++] = c;
      }
    }
    flush_nodes();
    flush_bodies();
    flush_own();
    for (int t = 0; t < count; ++t) {
      const double at[3] = {ax[t], ay[t], az[t]};
      store(w, first + t, w.tperm[first + t], at, phi[t], listed - skipped[t], nodes);
    }
  });
}

void invert(const Device& dev, const std::int32_t* perm, std::int32_t* inverse, std::int64_t n) {
  for_each(dev, n, [=] TESSERA_HD(int s) { inverse[perm[s]] = s; });
}

void gather(const Device& dev, const std::int32_t* perm, const double* in, double* out, std::int64_t n) {
  for_each(dev, n, [=] TESSERA_HD(int s) { out[s] = in[perm[s]]; });
}

// Whether any of a domain's `per` boxes opens node k.
TESSERA_HD TESSERA_INLINE bool any_opens(const WalkArgs& w, const double* db, int per, int k) {
  for (int b = 0; b < per; ++b)
    if (opens(w, db + 7 * b, k)) return true;
  return false;
}

}  // namespace

void morton_keys(const Device& dev, const double lo[3], double size, const double* x, const double* y,
                 const double* z, std::int64_t n, std::uint64_t* keys, std::int32_t* index) {
  KeyFrame f{{lo[0], lo[1], lo[2]}, double(1 << kKeyBits) / size};
  compute_keys(dev, f, x, y, z, n, keys, index);
}

namespace {
WalkArgs export_args(const std::int32_t* begin, const std::int32_t* end, const std::int32_t* child,
                     const std::int32_t* nchild, const double* centre, const double* moment, const double* rcrit2,
                     const double* sx, const double* sy, const double* sz, const double* sm, const GravityParams& g,
                     const OpeningParams& p, bool relative) {
  WalkArgs w{};
  w.begin = begin, w.end = end, w.child = child, w.nchild = nchild;
  w.centre = centre, w.moment = moment, w.rcrit2 = rcrit2;
  w.sx = sx, w.sy = sy, w.sz = sz, w.sm = sm;
  w.G = g.G, w.accuracy = p.force_accuracy, w.relative = relative, w.quadrupole = p.quadrupole;
  w.group_size = std::max(1, p.group_size);
  return w;
}
}  // namespace

// What domain d does with each node, level by level from the root (a node's
// parent is on the level above): 0 not reached, 1 kept as a multipole (or
// massless: kept so that its siblings stay consecutive, never applied), 2 an
// opened leaf, 3 opened.
void Octree::export_classify(const GravityParams& g, const OpeningParams& p, bool relative, const double* boxes,
                             int domains, int per_domain, int skip) {
  const WalkArgs w = export_args(begin_.data(), end_.data(), child_.data(), nchild_.data(), centre_.data(),
                                 moment_.data(), rcrit2_.data(), sx_.data(), sy_.data(), sz_.data(), sm_.data(), g, p,
                                 relative);
  export_domains_ = domains;
  const std::int64_t all = static_cast<std::int64_t>(domains) * nodes_;
  ensure_size(dev_, export_state_, static_cast<std::size_t>(all));
  ensure_size(dev_, export_node_, static_cast<std::size_t>(all));
  ensure_size(dev_, export_body_, static_cast<std::size_t>(all));
  std::int32_t* state = export_state_.data();
  const std::int32_t* parent = parent_.data();
  const std::int64_t nodes = nodes_;
  for (int level = 0; level < levels_; ++level) {
    const std::int64_t first = level_start_[level], count = level_start_[level + 1] - first;
    if (count <= 0) continue;
    for_each(dev_, static_cast<std::int64_t>(domains) * count, [=] TESSERA_HD(int item) {
      const int d = static_cast<int>(item / count);
      const int k = static_cast<int>(first + item % count);
      std::int32_t* st = state + static_cast<std::int64_t>(d) * nodes;
      const int up = parent[k];
      const bool reached = d != skip && (up < 0 || st[up] == 3);
      std::int32_t s = 0;
      if (reached) {
        if (!(w.moment[10 * k] != 0) ||
            !any_opens(w, boxes + 7 * static_cast<std::int64_t>(d) * per_domain, per_domain, k))
          s = 1;
        else
          s = w.child[k] < 0 ? 2 : 3;
      }
      st[k] = s;
    });
  }
}

void Octree::export_count(const GravityParams& g, const OpeningParams& p, bool relative, const double* boxes,
                          int domains, int per_domain, int skip, std::int64_t* counts) {
  if (n_ == 0) throw Error("nbody.tree: export before build");
  export_classify(g, p, relative, boxes, domains, per_domain, skip);
  const std::int64_t nodes = nodes_, all = static_cast<std::int64_t>(domains) * nodes;
  const std::int32_t* state = export_state_.data();
  const std::int32_t *begin = begin_.data(), *end = end_.data();
  std::int64_t *node_at = export_node_.data(), *body_at = export_body_.data();
  for_each(dev_, all, [=] TESSERA_HD(int i) {
    const int k = static_cast<int>(i % nodes);
    node_at[i] = state[i] > 0;
    body_at[i] = state[i] == 2 ? end[k] - begin[k] : 0;
  });
  // One scan over every domain's nodes at once; a domain's counts are the
  // scan's step across its nodes plus its last node's own.
  for_each(dev_, domains, [=] TESSERA_HD(int d) {
    const std::int64_t last = static_cast<std::int64_t>(d + 1) * nodes - 1;
    counts[2 * d] = node_at[last], counts[2 * d + 1] = body_at[last];
  });
  exclusive_scan(dev_, node_at, node_at, all);
  exclusive_scan(dev_, body_at, body_at, all);
  for_each(dev_, domains, [=] TESSERA_HD(int d) {
    const std::int64_t first = static_cast<std::int64_t>(d) * nodes, last = first + nodes - 1;
    counts[2 * d] += node_at[last] - node_at[first];
    counts[2 * d + 1] += body_at[last] - body_at[first];
  });
}

void Octree::export_write(const GravityParams&, const OpeningParams&, bool, const double*, int domains, int,
                          const std::int64_t* counts, const std::int64_t* offsets, double* out) {
  if (n_ == 0) throw Error("nbody.tree: export before build");
  if (domains != export_domains_) throw Error("nbody.tree: export_write without its export_count");
  const std::int64_t nodes = nodes_, all = static_cast<std::int64_t>(domains) * nodes;
  const std::int32_t* state = export_state_.data();
  const std::int64_t *node_at = export_node_.data(), *body_at = export_body_.data();
  const std::int32_t *begin = begin_.data(), *end = end_.data(), *child = child_.data(), *nchild = nchild_.data();
  const double *centre = centre_.data(), *moment = moment_.data(), *rcrit2 = rcrit2_.data();
  const double *sx = sx_.data(), *sy = sy_.data(), *sz = sz_.data(), *sm = sm_.data();
  constexpr int kRec = kEssentialNode;
  for_each(dev_, all, [=] TESSERA_HD(int i) {
    const int d = static_cast<int>(i / nodes), k = static_cast<int>(i % nodes);
    const std::int32_t s = state[i];
    if (s == 0 || counts[2 * d] + counts[2 * d + 1] == 0) return;
    const std::int64_t first = static_cast<std::int64_t>(d) * nodes;
    const std::int64_t j = node_at[i] - node_at[first];
    double* o = out + offsets[d] + kRec * j;
    for (int c = 0; c < 10; ++c) o[c] = moment[10 * k + c];
    if (s == 1) {
      // Accepted by every box: the receiver must take it whole.
      o[10] = o[11] = o[12] = 1e300, o[13] = 0, o[14] = -1;
      o[15] = -1, o[16] = 0, o[17] = o[18] = 0;
      return;
    }
    for (int c = 0; c < 4; ++c) o[10 + c] = centre[4 * k + c];
    o[14] = rcrit2[k];
    if (s == 3) {
      o[15] = static_cast<double>(node_at[first + child[k]] - node_at[first]);
      o[16] = nchild[k], o[17] = o[18] = 0;
      return;
    }
    const std::int64_t b0 = body_at[i] - body_at[first];
    o[15] = -1, o[16] = 0;
    o[17] = static_cast<double>(b0), o[18] = static_cast<double>(b0 + end[k] - begin[k]);
    double* ob = out + offsets[d] + kRec * counts[2 * d] + 4 * b0;
    for (int q = begin[k]; q < end[k]; ++q, ob += 4) ob[0] = sx[q], ob[1] = sy[q], ob[2] = sz[q], ob[3] = sm[q];
  });
}

void Octree::load_essential(const double* records, const std::vector<std::int64_t>& at,
                            const std::vector<std::int64_t>& nodes, const std::vector<std::int64_t>& bodies,
                            const double lo[3], double size, const OpeningParams& p) {
  // The blocks' roots under always-opened joints of at most 8 children each,
  // level by level (children consecutive): width[0] roots, width[l] joints
  // on level l, one on top; the walk's stack has room for kForestLevels.
  std::int64_t roots = 0, total_nodes = 0, total_bodies = 0;
  for (std::size_t q = 0; q < nodes.size(); ++q)
    if (nodes[q] > 0) ++roots, total_nodes += nodes[q], total_bodies += bodies[q];
  std::vector<std::int64_t> width{roots};
  while (width.back() > 1 || width.size() < 2) width.push_back((width.back() + 7) / 8);
  const int top = static_cast<int>(width.size()) - 1;
  if (top > kForestLevels)
    throw Error(strfmt("nbody.tree: essential trees from %lld ranks, more than the walk's stack holds (%d)",
                       static_cast<long long>(roots), 1 << (3 * kForestLevels)));
  std::vector<std::int64_t> start(width.size());
  std::int64_t slot = 0;
  for (int l = top; l >= 0; --l) start[l] = slot, slot += width[l];
  const std::int64_t joints = start[0];  // the roots follow the joints
  nodes_ = 0;  // nothing to keep when the arrays grow
  ensure_node_capacity(joints + total_nodes);
  nodes_ = joints + total_nodes;
  n_ = total_bodies;
  levels_ = 0;  // only walked: no levels, no export
  for (int d = 0; d < 3; ++d) lo_[d] = lo[d];
  size_ = size;
  theta_built_ = p.theta;
  for (Buffer<double>* b : {&sx_, &sy_, &sz_, &sm_})
    ensure_size(dev_, *b, static_cast<std::size_t>(std::max<std::int64_t>(1, n_)));
  std::int32_t *begin = begin_.data(), *end = end_.data(), *child = child_.data(), *nchild = nchild_.data();
  std::int32_t* parent = parent_.data();
  double *centre = centre_.data(), *moment = moment_.data(), *rcrit2 = rcrit2_.data();
  std::vector<std::int32_t> joint(static_cast<std::size_t>(2 * joints));
  for (int l = 1; l <= top; ++l)
    for (std::int64_t i = 0; i < width[l]; ++i) {
      joint[2 * (start[l] + i)] = static_cast<std::int32_t>(start[l - 1] + 8 * i);
      joint[2 * (start[l] + i) + 1] = static_cast<std::int32_t>(std::min<std::int64_t>(8, width[l - 1] - 8 * i));
    }
  ensure_size(dev_, split_, joint.size());
  memory::copy(split_.data(), dev_, joint.data(), Device::host(), joint.size() * sizeof(std::int32_t));
  const std::int32_t* jc = split_.data();
  // Mass 1 only so that the walk does not skip a joint as empty: a half side
  // of 1e300 reaches into every group's box, so it is always opened, never
  // applied.
  for_each(dev_, joints, [=] TESSERA_HD(int k) {
    begin[k] = end[k] = 0, child[k] = jc[2 * k], nchild[k] = jc[2 * k + 1], parent[k] = -1;
    centre[4 * k] = centre[4 * k + 1] = centre[4 * k + 2] = 0, centre[4 * k + 3] = 1e300;
    moment[10 * k] = 1;
    for (int c = 1; c < 10; ++c) moment[10 * k + c] = 0;
    rcrit2[k] = 1e300;
  });
  double *sx = sx_.data(), *sy = sy_.data(), *sz = sz_.data(), *sm = sm_.data();
  std::int64_t root_slot = joints, rest = joints + roots, body0 = 0;
  constexpr int kRec = kEssentialNode;
  for (std::size_t q = 0; q < nodes.size(); ++q) {
    if (nodes[q] == 0) continue;
    const double* r = records + at[q];
    const double* b = r + kRec * nodes[q];
    // Record 0 (the block's root) to its slot, record j > 0 to base + j.
    const std::int64_t root = root_slot, base = rest - 1, bb = body0;
    for_each(dev_, nodes[q], [=] TESSERA_HD(int j) {
      const std::int64_t k = j == 0 ? root : base + j;
      const double* x = r + kRec * static_cast<std::int64_t>(j);
      for (int c = 0; c < 10; ++c) moment[10 * k + c] = x[c];
      for (int c = 0; c < 4; ++c) centre[4 * k + c] = x[10 + c];
      rcrit2[k] = x[14];
      child[k] = x[15] < 0 ? -1 : static_cast<std::int32_t>(base + static_cast<std::int64_t>(x[15]));
      nchild[k] = static_cast<std::int32_t>(x[16]);
      begin[k] = static_cast<std::int32_t>(bb + static_cast<std::int64_t>(x[17]));
      end[k] = static_cast<std::int32_t>(bb + static_cast<std::int64_t>(x[18]));
      parent[k] = -1;
    });
    for_each(dev_, bodies[q], [=] TESSERA_HD(int j) {
      const double* x = b + 4 * static_cast<std::int64_t>(j);
      sx[bb + j] = x[0], sy[bb + j] = x[1], sz[bb + j] = x[2], sm[bb + j] = x[3];
    });
    ++root_slot, rest += nodes[q] - 1, body0 += bodies[q];
  }
}

namespace {
// Node k is in the cut: it holds at most `most` bodies (or is a leaf) and its
// parent holds more.
TESSERA_HD TESSERA_INLINE bool in_cut(const std::int32_t* begin, const std::int32_t* end, const std::int32_t* child,
                                      const std::int32_t* parent, int k, std::int64_t most) {
  const int p = parent[k];
  const bool small = end[k] - begin[k] <= most || child[k] < 0;
  return small && (p < 0 || end[p] - begin[p] > most);
}
}  // namespace

std::int64_t Octree::domain_boxes(std::int64_t most, const double* amag, Buffer<double>& out) {
  const std::int32_t *begin = begin_.data(), *end = end_.data(), *child = child_.data(), *parent = parent_.data();
  ensure_size(dev_, split_, static_cast<std::size_t>(nodes_));
  ensure_size(dev_, cut_, static_cast<std::size_t>(nodes_));
  std::int32_t* flag = split_.data();
  std::int32_t* index = cut_.data();
  for_each(dev_, nodes_, [=] TESSERA_HD(int k) { flag[k] = in_cut(begin, end, child, parent, k, most) ? 1 : 0; });
  const std::int64_t boxes = exclusive_scan(dev_, flag, index, nodes_);
  if (out.size() < static_cast<std::size_t>(7 * std::max<std::int64_t>(1, boxes)))
    out = Buffer<double>(dev_, static_cast<std::size_t>(7 * std::max<std::int64_t>(1, boxes)));
  const double *x = sx_.data(), *y = sy_.data(), *z = sz_.data();
  const std::int32_t* perm = perm_.data();
  double* o = out.data();
  for_each(dev_, nodes_, [=] TESSERA_HD(int k) {
    if (!in_cut(begin, end, child, parent, k, most)) return;
    double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300}, amin = 1e300;
    for (int s = begin[k]; s < end[k]; ++s) {
      const double p[3] = {x[s], y[s], z[s]};
      for (int d = 0; d < 3; ++d) lo[d] = p[d] < lo[d] ? p[d] : lo[d], hi[d] = p[d] > hi[d] ? p[d] : hi[d];
      if (amag) amin = amag[perm[s]] < amin ? amag[perm[s]] : amin;
    }
    double* b = o + 7 * static_cast<std::int64_t>(index[k]);
    for (int d = 0; d < 3; ++d) b[d] = lo[d], b[3 + d] = hi[d];
    b[6] = amag ? amin : 0.0;
  });
  return boxes;
}

void Octree::target_costs(double* out, double extra, bool add) const {
  const std::int32_t* perm = tperm_.data();
  const std::int32_t* work = work_.data();
  for_each(dev_, walked_, [=] TESSERA_HD(int s) {
    const int i = perm[s];
    out[i] = (add ? out[i] : 0.0) + work[2 * s] + work[2 * s + 1] + extra;
  });
}

void Octree::compute_box(const Sources& s) {
  const double *x = s.x, *y = s.y, *z = s.z;
  const std::int64_t n = s.n;
  double lo[3], hi[3];
  const double* c[3] = {x, y, z};
  for (int d = 0; d < 3; ++d) {
    const double* v = c[d];
    lo[d] = reduce_min(dev_, n, [=] TESSERA_HD(int i) { return v[i]; });
    hi[d] = reduce_max(dev_, n, [=] TESSERA_HD(int i) { return v[i]; });
    if (!std::isfinite(lo[d]) || !std::isfinite(hi[d]))
      throw Error(strfmt("nbody.tree: a body's position is not finite (axis %d)", d));
  }
  size_ = std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]});
  // A little room so that the largest coordinate falls inside the last cell.
  size_ = size_ > 0 ? size_ * (1 + 1e-9) : 1.0;
  for (int d = 0; d < 3; ++d) lo_[d] = 0.5 * (lo[d] + hi[d]) - 0.5 * size_;
}

void Octree::sort_sources(const Sources& s) {
  // The sort takes whole buffers: exactly n each.
  if (keys_.size() != static_cast<std::size_t>(n_)) {
    keys_ = Buffer<std::uint64_t>(dev_, n_);
    perm_ = Buffer<std::int32_t>(dev_, n_);
  }
  KeyFrame f{{lo_[0], lo_[1], lo_[2]}, double(1 << kKeyBits) / size_};
  compute_keys(dev_, f, s.x, s.y, s.z, n_, keys_.data(), perm_.data());
  sort_pairs(keys_, perm_);
  for (auto* b : {&sx_, &sy_, &sz_, &sm_}) ensure_size(dev_, *b, n_);
  ensure_size(dev_, inverse_, n_);
  gather(dev_, perm_.data(), s.x, sx_.data(), n_);
  gather(dev_, perm_.data(), s.y, sy_.data(), n_);
  gather(dev_, perm_.data(), s.z, sz_.data(), n_);
  gather(dev_, perm_.data(), s.m, sm_.data(), n_);
  invert(dev_, perm_.data(), inverse_.data(), n_);
}

void Octree::ensure_node_capacity(std::int64_t n) {
  if (n <= capacity_) return;
  const std::int64_t cap = std::max<std::int64_t>(n, capacity_ + capacity_ / 2);
  const auto keep = static_cast<std::size_t>(nodes_), c = static_cast<std::size_t>(cap);
  for (auto* b : {&begin_, &end_, &child_, &nchild_, &parent_}) grow(dev_, *b, keep, c);
  grow(dev_, centre_, 4 * keep, 4 * c);
  grow(dev_, moment_, 10 * keep, 10 * c);
  grow(dev_, rcrit2_, keep, c);
  capacity_ = cap;
}

void Octree::build_levels(int leaf_size) {
  // About n / leaf_size * 2.2 nodes for Plummer and Hernquist samples
  // (1M bodies, leaf 16: 241946): 4 n / leaf_size rarely needs to grow.
  ensure_node_capacity(std::max<std::int64_t>(64, 4 * n_ / std::max(1, leaf_size)));
  // The root: every source, the whole cube.
  const std::int32_t root[2] = {0, static_cast<std::int32_t>(n_)};
  memory::copy(begin_.data(), dev_, &root[0], Device::host(), sizeof(std::int32_t));
  memory::copy(end_.data(), dev_, &root[1], Device::host(), sizeof(std::int32_t));
  const std::int32_t none = -1;
  memory::copy(parent_.data(), dev_, &none, Device::host(), sizeof(std::int32_t));
  const double rc[4] = {lo_[0] + 0.5 * size_, lo_[1] + 0.5 * size_, lo_[2] + 0.5 * size_, 0.5 * size_};
  memory::copy(centre_.data(), dev_, rc, Device::host(), sizeof(rc));
  nodes_ = 1;
  level_start_.assign({0, 1});
  levels_ = 1;
  for (int level = 0;; ++level) {
    const std::int64_t first = level_start_[level], count = level_start_[level + 1] - first;
    ensure_size(dev_, split_, static_cast<std::size_t>(count));
    NodeArrays a{begin_.data(), end_.data(), child_.data(), nchild_.data(), parent_.data(),
                 centre_.data(), moment_.data(), rcrit2_.data()};
    count_children(dev_, a, keys_.data(), first, count, level, leaf_size, split_.data());
    const std::int32_t total = exclusive_scan(dev_, split_.data(), split_.data(), count);
    if (total == 0) break;
    ensure_node_capacity(nodes_ + total);
    a = NodeArrays{begin_.data(), end_.data(), child_.data(), nchild_.data(), parent_.data(),
                   centre_.data(), moment_.data(), rcrit2_.data()};
    write_children(dev_, a, keys_.data(), first, count, level, nodes_, total, split_.data());
    nodes_ += total;
    level_start_.push_back(nodes_);
    levels_ = level + 2;
  }
}

void Octree::compute_moments(const OpeningParams& p) {
  NodeArrays a{begin_.data(), end_.data(), child_.data(), nchild_.data(), parent_.data(),
               centre_.data(), moment_.data(), rcrit2_.data()};
  for (int level = levels_ - 1; level >= 0; --level) {
    const std::int64_t first = level_start_[level], count = level_start_[level + 1] - first;
    level_moments(dev_, a, sx_.data(), sy_.data(), sz_.data(), sm_.data(), first, count, p.theta);
  }
}

void Octree::build(const Sources& s, const OpeningParams& p, Timers* timers) {
  if (s.n <= 0) throw Error("nbody.tree: a tree needs at least one body");
  if (s.n > 0x7fffffff) throw Error("nbody.tree: more than 2^31 - 1 bodies on one rank");
  if (p.leaf_size < 1 || p.group_size < 1) throw Error("nbody.tree: leaf and group sizes must be positive");
  n_ = s.n;
  // Without the run's timers the phases go to a private set nobody reads.
  Timers& tm = timers ? *timers : untimed_;
  {
    auto t = tm.scope("tree sort");
    compute_box(s);
    sort_sources(s);
  }
  {
    auto t = tm.scope("tree build");
    build_levels(p.leaf_size);
  }
  {
    auto t = tm.scope("tree moments");
    compute_moments(p);
  }
  theta_built_ = p.theta;
}

WalkCounts Octree::walk(const GravityParams& g, const OpeningParams& p, const Targets& t, std::int64_t self_offset,
                        const double* amag) {
  if (nodes_ == 0) throw Error("nbody.tree: walk before build");
  if (p.theta != theta_built_) throw Error("nbody.tree: the walk's theta differs from the build's");
  if (t.n <= 0) return {};
  if (self_offset >= 0 && self_offset + t.n > n_) throw Error("nbody.tree: targets reach past the sources");
  const std::int64_t n = t.n;
  const bool same_order = self_offset == 0 && n == n_;
  if (same_order) {
    ensure_size(dev_, tperm_, n);
    memory::copy(tperm_.data(), dev_, perm_.data(), dev_, static_cast<std::size_t>(n) * sizeof(std::int32_t));
  } else {
    // Groups of consecutive targets in key order: sort the targets' own keys.
    if (tkeys_.size() != static_cast<std::size_t>(n) || tperm_.size() != static_cast<std::size_t>(n)) {
      tkeys_ = Buffer<std::uint64_t>(dev_, n);
      tperm_ = Buffer<std::int32_t>(dev_, n);
    }
    KeyFrame f{{lo_[0], lo_[1], lo_[2]}, double(1 << kKeyBits) / size_};
    compute_keys(dev_, f, t.x, t.y, t.z, n, tkeys_.data(), tperm_.data());
    sort_pairs(tkeys_, tperm_);
  }
  const int gs = std::max(1, p.group_size);
  walked_ = n;
  return run_walk(g, p, t, self_offset, same_order, amag, 0, (n + gs - 1) / gs, -1, nullptr);
}

std::int64_t Octree::groups(const OpeningParams& p) const {
  const int gs = std::max(1, p.group_size);
  return (n_ + gs - 1) / gs;
}

WalkCounts Octree::walk_groups(const GravityParams& g, const OpeningParams& p, std::int64_t first_group,
                               std::int64_t last_group, const double* amag, double* out, std::int64_t stride,
                               std::vector<double>* group_cost) {
  if (n_ == 0) throw Error("nbody.tree: walk before build");
  if (p.theta != theta_built_) throw Error("nbody.tree: the walk's theta differs from the build's");
  if (first_group < 0 || last_group > groups(p) || first_group > last_group)
    throw Error(strfmt("nbody.tree: groups [%lld, %lld) outside the tree's %lld", static_cast<long long>(first_group),
                       static_cast<long long>(last_group), static_cast<long long>(groups(p))));
  ensure_size(dev_, tperm_, n_);
  memory::copy(tperm_.data(), dev_, perm_.data(), dev_, static_cast<std::size_t>(n_) * sizeof(std::int32_t));
  const int gs = std::max(1, p.group_size);
  // The sources are the targets, in key order; results go to `out` planes.
  const Targets t{sx_.data(), sy_.data(), sz_.data(), n_, out, out + stride, out + 2 * stride, out + 3 * stride};
  return run_walk(g, p, t, 0, true, amag, first_group, last_group, first_group * gs, group_cost);
}

WalkCounts Octree::run_walk(const GravityParams& g, const OpeningParams& p, const Targets& t, std::int64_t self_offset,
                            bool same_order, const double* amag, std::int64_t g0, std::int64_t g1,
                            std::int64_t out_offset, std::vector<double>* group_cost) {
  const int gs = std::max(1, p.group_size);
  const std::int64_t n = t.n, all_groups = (n + gs - 1) / gs, count = g1 - g0;
  const std::int64_t s0 = g0 * gs, s1 = std::min(n, g1 * gs);
  ensure_size(dev_, gbox_, static_cast<std::size_t>(7 * all_groups));
  ensure_size(dev_, work_, static_cast<std::size_t>(2 * n));
  if (count <= 0) {
    if (group_cost) group_cost->clear();
    return {};
  }
  const bool relative = p.criterion == OpeningParams::Criterion::Relative && amag != nullptr;
  // With out_offset the targets are the sorted sources (walk_groups): the
  // target index of sorted position s is perm_[s], so the source arrays in
  // input order are not needed; tx.. below are read through tperm.
  WalkArgs w{begin_.data(), end_.data(), child_.data(), nchild_.data(), centre_.data(), moment_.data(),
             rcrit2_.data(), sx_.data(), sy_.data(), sz_.data(), sm_.data(), t.x, t.y, t.z, tperm_.data(), nullptr,
             static_cast<std::int32_t>(self_offset), inverse_.data(), gbox_.data(), work_.data(), t.ax, t.ay, t.az,
             t.pot, g.G, p.force_accuracy, gs, relative, p.quadrupole, same_order, g0, out_offset};
  if (out_offset >= 0) {
    // Sorted sources as targets: target "index" = sorted position.
    w.tperm = identity(n);
    w.same_order = true;
  }
  group_boxes(dev_, w, n, g0, count, relative ? amag_for(amag, out_offset >= 0, n) : nullptr, gbox_.data());
  const bool per_group = !dev_.is_cuda() && gs <= kHostGroup;
  const bool warp = dev_.is_cuda() && p.gpu_walk == OpeningParams::GpuWalk::Warp && gs <= 32;
  std::int64_t fallbacks = 0;
  detail::with_softening_kernel(g, [&](auto kern) {
    if (per_group) walk_per_group(dev_, kern, w, n, count);
#if TESSERA_HAVE_CUDA
    else if (warp) fallbacks = walk_warp(dev_, kern, w, n, count);
#endif
    else walk_per_target(dev_, kern, w, s1 - s0);
  });
  (void)warp;
  const std::int32_t* work = work_.data() + 2 * s0;
  WalkCounts c;
  c.warp_fallback_groups = fallbacks;
  c.body_interactions = reduce_sum(dev_, s1 - s0, [=] TESSERA_HD(int s) { return static_cast<double>(work[2 * s]); });
  c.node_interactions = reduce_sum(dev_, s1 - s0, [=] TESSERA_HD(int s) { return static_cast<double>(work[2 * s + 1]); });
  if (group_cost) {
    ensure_size(dev_, cost_, static_cast<std::size_t>(count));
    double* cost = cost_.data();
    const std::int64_t m = s1 - s0;
    for_each(dev_, count, [=] TESSERA_HD(int k) {
      double sum = 0;
      for (std::int64_t s = static_cast<std::int64_t>(k) * gs; s < (k + 1) * static_cast<std::int64_t>(gs) && s < m; ++s)
        sum += work[2 * s] + work[2 * s + 1];
      cost[k] = sum;
    });
    group_cost->resize(static_cast<std::size_t>(count));
    memory::copy(group_cost->data(), Device::host(), cost, dev_, static_cast<std::size_t>(count) * sizeof(double));
  }
  return c;
}

const std::int32_t* Octree::identity(std::int64_t n) {
  if (iota_.size() != static_cast<std::size_t>(n)) {
    iota_ = Buffer<std::int32_t>(dev_, static_cast<std::size_t>(n));
    std::int32_t* v = iota_.data();
    for_each(dev_, n, [=] TESSERA_HD(int i) { v[i] = i; });
  }
  return iota_.data();
}

// |a_old| by target index as group_boxes reads it: for sorted sources as
// targets (walk_groups), amag (input order) reordered to key order.
const double* Octree::amag_for(const double* amag, bool sorted_targets, std::int64_t n) {
  if (!sorted_targets) return amag;
  ensure_size(dev_, amag_sorted_, static_cast<std::size_t>(n));
  gather(dev_, perm_.data(), amag, amag_sorted_.data(), n);
  return amag_sorted_.data();
}

}  // namespace tessera::nbody
