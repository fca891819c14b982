// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/spectral/particle_mesh.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <sstream>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/reduce.hpp"
#include "runtime/sort.hpp"
#include "solvers/spectral/particle_mesh_host.hpp"

namespace tessera::spectral {

namespace {

// Every rank's brick, on every rank (collective when there are several).
std::vector<Range3> gather_bricks(const Range3& b, int size) {
  std::vector<Range3> bricks(size);
  if (size == 1) {
    bricks[0] = b;
    return bricks;
  }
  std::ostringstream os;
  os << b.lo[0] << ' ' << b.lo[1] << ' ' << b.lo[2] << ' ' << b.hi[0] << ' ' << b.hi[1] << ' ' << b.hi[2];
  const auto all = collectives::all_gather(os.str());
  for (int r = 0; r < size; ++r) {
    std::istringstream is(all[r]);
    Range3& o = bricks[r];
    is >> o.lo[0] >> o.lo[1] >> o.lo[2] >> o.hi[0] >> o.hi[1] >> o.hi[2];
  }
  return bricks;
}

Range3 intersect(const Range3& a, const Range3& b) {
  Range3 r;
  for (int d = 0; d < 3; ++d) {
    r.lo[d] = std::max(a.lo[d], b.lo[d]);
    r.hi[d] = std::max(r.lo[d], std::min(a.hi[d], b.hi[d]));
  }
  return r;
}

Range3 shifted(const Range3& b, const std::array<int, 3>& s, const std::array<int, 3>& n, int sign) {
  Range3 r = b;
  for (int d = 0; d < 3; ++d) r.lo[d] += sign * s[d] * n[d], r.hi[d] += sign * s[d] * n[d];
  return r;
}

TESSERA_HD inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Lowest and highest stencil points of a set of particles, per axis, as one
// reduction: lo[d] and -hi[d] are both minimised.
struct Bounds6 {
  int v[6];
};
struct MinBounds {
  TESSERA_HD Bounds6 operator()(Bounds6 a, Bounds6 b) const {
    Bounds6 r;
    for (int d = 0; d < 6; ++d) r.v[d] = a.v[d] < b.v[d] ? a.v[d] : b.v[d];
    return r;
  }
};

struct Scaled {
  double lower[3], inv_h[3];
  TESSERA_HD double s(int d, double x) const { return (x - lower[d]) * inv_h[d]; }
};

Scaled scaled_of(const MeshGeometry& g) {
  Scaled sc{};
  for (int d = 0; d < 3; ++d) sc.lower[d] = g.lower[d], sc.inv_h[d] = g.n[d] / g.length[d];
  return sc;
}

TESSERA_HD inline void atomic_add(double* p, double v) {
#if TESSERA_ON_DEVICE
  atomicAdd(p, v);
#else
  *p += v;
#endif
}

// One particle's stencil added into the brick (plain or atomic adds).
template <bool Atomic>
TESSERA_HD inline void spread_one(const Span3<double>& rho, const Scaled& sc, int order, double x, double y, double z,
                                  double qs) {
  const StencilWeights wx = stencil_weights(sc.s(0, x), order);
  const StencilWeights wy = stencil_weights(sc.s(1, y), order);
  const StencilWeights wz = stencil_weights(sc.s(2, z), order);
  for (int c = 0; c < order; ++c) {
    const double zc = qs * wz.w[c];
    for (int b = 0; b < order; ++b) {
      const double yb = zc * wy.w[b];
      double* row = &rho(wx.first, wy.first + b, wz.first + c);
      for (int a = 0; a < order; ++a) {
        if constexpr (Atomic) atomic_add(row + a, yb * wx.w[a]);
        else row[a] += yb * wx.w[a];
      }
    }
  }
}

// Host spreading of particles sorted by slab (below), instantiated per
// order: the stencil loops get fixed trip counts the compiler unrolls (the
// same operations in the same order as with a run-time order).
struct SlabSpread {
  Span3<double> rho;
  Scaled sc;
  const int* start;
  const int* idx;
  int nslab;
  const double *x, *y, *z, *q;
  double scale;
};

template <int Order>
void spread_slabs(const SlabSpread& a) {
  // A slab's stencils reach at most 2 order - 1 planes from its start, so
  // slabs two apart never touch the same point.
  for (int colour = 0; colour < 2; ++colour) {
    const int count = (a.nslab - colour + 1) / 2;
    for_each(Device::host(), count, [=] TESSERA_HD(int m) {
      const int s = colour + 2 * m;
      for (int k = a.start[s]; k < a.start[s + 1]; ++k) {
        const int i = a.idx[k];
        spread_one<false>(a.rho, a.sc, Order, a.x[i], a.y[i], a.z[i], a.scale * (a.q ? a.q[i] : 1.0));
      }
    });
  }
}

// Host spreading: particles sorted into z-slabs `order` planes thick (a
// stable counting sort), every other slab spread in parallel.
void spread_by_slabs(const MeshGeometry& geom, const Range3& brick, double* field, std::vector<int>& slab_start,
                     std::vector<int>& slab_order, std::int64_t n, const double* x, const double* y, const double* z,
                     const double* q, double scale) {
  // Counting sort by z-slab (stable: each slab keeps the particles' order).
  const int order = geom.order;
  const Scaled sc = scaled_of(geom);
  const int nslab = (brick.extent(2) + order - 1) / order;
  slab_start.assign(nslab + 1, 0);
  slab_order.resize(n);
  std::vector<int> slab_of(n);
  for (std::int64_t i = 0; i < n; ++i) {
    const int first = stencil_weights(sc.s(2, z[i]), order).first;
    const int s = std::min(nslab - 1, std::max(0, (first - brick.lo[2]) / order));
    slab_of[i] = s;
    ++slab_start[s + 1];
  }
  for (int s = 0; s < nslab; ++s) slab_start[s + 1] += slab_start[s];
  std::vector<int> cursor(slab_start.begin(), slab_start.end() - 1);
  for (std::int64_t i = 0; i < n; ++i) slab_order[cursor[slab_of[i]]++] = static_cast<int>(i);
  const SlabSpread a{Span3<double>(field, brick), sc, slab_start.data(), slab_order.data(), nslab, x, y, z, q, scale};
  switch (order) {
    case 2: spread_slabs<2>(a); break;
    case 3: spread_slabs<3>(a); break;
    case 4: spread_slabs<4>(a); break;
    case 5: spread_slabs<5>(a); break;
    case 6: spread_slabs<6>(a); break;
    default: spread_slabs<7>(a); break;
  }
}

}  // namespace

ParticleMesh::ParticleMesh(const MeshGeometry& g, const CartesianLayout& atoms, const PencilLayout& pencils,
                           Transport& transport)
    : geom_(g), pencils_(pencils), transport_(transport), rank_(pencils.rank()), size_(pencils.size()) {
  if (g.order < 2 || g.order > 7) throw InputError(strfmt("particle-mesh assignment order %d: 2 .. 7 supported", g.order));
  for (int d = 0; d < 3; ++d) {
    if (g.n[d] < 2) throw InputError(strfmt("particle mesh: %d points along axis %d; at least 2", g.n[d], d));
    if (!(g.length[d] > 0)) throw InputError("particle mesh: box length must be positive");
  }
  if (pencils.cells() != g.n) throw Error("ParticleMesh: the pencils do not cover the mesh");
  if (atoms.size() != pencils.size() || atoms.rank() != pencils.rank())
    throw Error("ParticleMesh: the particle layout and the pencils are on different ranks");
  pencil_ = pencils.box(Pencil::X);
  // Start: the stencils of particles within one mesh spacing of the owned box.
  Range3 b;
  for (int d = 0; d < 3; ++d) {
    const double h = g.length[d] / g.n[d];
    const double lo = (atoms.owned_lower(d) - g.lower[d]) / h - 1.0, hi = (atoms.owned_upper(d) - g.lower[d]) / h + 1.0;
    b.lo[d] = static_cast<int>(std::floor(lo - 0.5 * g.order + 1.0));
    b.hi[d] = static_cast<int>(std::floor(hi - 0.5 * g.order + 1.0)) + g.order;
  }
  plan(gather_bricks(b, size_));
}

void ParticleMesh::plan(const std::vector<Range3>& bricks) {
  brick_ = bricks[rank_];
  const auto& n = geom_.n;
  sends_.clear(), recvs_.clear();
  send_total_ = recv_total_ = 0;
  // Periodic images of each brick that meet the mesh [0, n): shifts s with
  // brick - s n intersecting it.
  auto pieces = [&](const Range3& brick, const Range3& pencil, int peer, std::vector<Piece>& out, std::int64_t& total) {
    std::array<int, 3> slo, shi;
    for (int d = 0; d < 3; ++d) slo[d] = floor_div(brick.lo[d], n[d]), shi[d] = floor_div(brick.hi[d] - 1, n[d]);
    for (int sz = slo[2]; sz <= shi[2]; ++sz)
      for (int sy = slo[1]; sy <= shi[1]; ++sy)
        for (int sx = slo[0]; sx <= shi[0]; ++sx) {
          const std::array<int, 3> s{sx, sy, sz};
          const Range3 box = intersect(brick, shifted(pencil, s, n, +1));
          if (box.empty()) continue;
          // My own pieces never travel: they take no room in the buffers.
          out.push_back({peer, box, s, peer == rank_ ? -1 : total});
          if (peer != rank_) total += box.size();
        }
  };
  for (int r = 0; r < size_; ++r) pieces(brick_, pencils_.box_of(Pencil::X, r), r, sends_, send_total_);
  for (int r = 0; r < size_; ++r) pieces(bricks[r], pencil_, r, recvs_, recv_total_);
  const Device& dev = transport_.device();
  field_ = Buffer<double>(dev, static_cast<std::size_t>(brick_.size()));
  cell_start_ = Buffer<std::int32_t>(), cell_end_ = Buffer<std::int32_t>();  // sized by the gather, if used
  whole_mesh_ = true;
  for (int d = 0; d < 3; ++d) whole_mesh_ = whole_mesh_ && pencil_.lo[d] == 0 && pencil_.hi[d] == n[d];
  components_ = whole_mesh_ ? Buffer<double>() : Buffer<double>(dev, static_cast<std::size_t>(3 * brick_.size()));
  send_buf_ = Buffer<double>(dev, static_cast<std::size_t>(3 * std::max<std::int64_t>(send_total_, 1)));
  recv_buf_ = Buffer<double>(dev, static_cast<std::size_t>(3 * std::max<std::int64_t>(recv_total_, 1)));
}

bool ParticleMesh::ensure_covers(std::int64_t n, const double* x, const double* y, const double* z) {
  const Scaled sc = scaled_of(geom_);
  const int order = geom_.order;
  Bounds6 need{{INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX}};
  if (n > 0) {
    need = detail::reduce<Bounds6>(
        transport_.device(), n,
        [=] TESSERA_HD(int i) {
          Bounds6 b;
          const double p[3] = {x[i], y[i], z[i]};
          for (int d = 0; d < 3; ++d) {
            const StencilWeights w = stencil_weights(sc.s(d, p[d]), order);
            b.v[d] = w.first;
            b.v[d + 3] = -(w.first + order);
          }
          return b;
        },
        MinBounds{}, need);
  }
  bool outside = false;
  for (int d = 0; d < 3; ++d)
    if (n > 0 && (need.v[d] < brick_.lo[d] || -need.v[d + 3] > brick_.hi[d])) outside = true;
  if (!(size_ > 1 ? collectives::any(outside) : outside)) return false;
  // Grow by the overshoot plus two spacings, so a drifting particle does
  // not make every step re-plan.
  Range3 b = brick_;
  if (n > 0)
    for (int d = 0; d < 3; ++d) {
      b.lo[d] = std::min(b.lo[d], need.v[d] - 2);
      b.hi[d] = std::max(b.hi[d], -need.v[d + 3] + 2);
    }
  plan(gather_bricks(b, size_));
  return true;
}

namespace {

// Index of cell (i, j, k) of `box` in a dense array of it, x fastest.
TESSERA_HD inline std::int64_t dense(const Range3& box, int i, int j, int k) {
  return (i - box.lo[0]) +
         static_cast<std::int64_t>(box.extent(0)) * ((j - box.lo[1]) + static_cast<std::int64_t>(box.extent(1)) * (k - box.lo[2]));
}

TESSERA_HD inline int wrap(int i, int n) {
  const int r = i % n;
  return r < 0 ? r + n : r;
}

// The rank's own brick folded into its pencil: pencil point p is the sum of
// the brick points p + s n (every periodic image s inside the brick), added
// in the order of increasing (sz, sy, sx) starting from 0. Both forms below
// keep that order, hence the same bits.
//
// GPU: one thread per pencil point, each axis's images counted directly.
// Host: one (j, k) row at a time: the row is cleared, then each image's
// contiguous x-segment is added to it (a plain vector loop over a row that
// stays in L1), instead of a 27-way image test per point.
void fold_own_images(const Device& dev, const std::array<int, 3>& n, const Range3& bb, const double* brick,
                     const Range3& pb, double* pencil) {
  const Span3<const double> rho(brick, bb);
  const Span3<double> out(pencil, pb);
  const int nx = n[0], ny = n[1], nz = n[2];
  if (dev.is_cuda()) {
    for_each(dev, pb, [=] TESSERA_HD(int i, int j, int k) {
      double sum = 0;
      const int z1 = floor_div(bb.hi[2] - 1 - k, nz), y1 = floor_div(bb.hi[1] - 1 - j, ny),
                x1 = floor_div(bb.hi[0] - 1 - i, nx);
      for (int sz = -floor_div(k - bb.lo[2], nz); sz <= z1; ++sz)
        for (int sy = -floor_div(j - bb.lo[1], ny); sy <= y1; ++sy)
          for (int sx = -floor_div(i - bb.lo[0], nx); sx <= x1; ++sx) sum += rho(i + sx * nx, j + sy * ny, k + sz * nz);
      out(i, j, k) = sum;
    });
    return;
  }
  const int ex = pb.extent(0), ey = pb.extent(1);
  const int sx0 = floor_div(bb.lo[0], nx), sx1 = floor_div(bb.hi[0] - 1, nx);
  for_each(dev, static_cast<std::int64_t>(ey) * pb.extent(2), [=] TESSERA_HD(int r) {
    const int j = pb.lo[1] + r % ey, k = pb.lo[2] + r / ey;
    double* o = &out(pb.lo[0], j, k);
    for (int m = 0; m < ex; ++m) o[m] = 0.0;
    const int z1 = floor_div(bb.hi[2] - 1 - k, nz), y1 = floor_div(bb.hi[1] - 1 - j, ny);
    for (int sz = -floor_div(k - bb.lo[2], nz); sz <= z1; ++sz)
      for (int sy = -floor_div(j - bb.lo[1], ny); sy <= y1; ++sy)
        for (int sx = sx0; sx <= sx1; ++sx) {
          // Pencil points i whose image i + sx nx lies in the brick.
          const int ilo = bb.lo[0] - sx * nx > pb.lo[0] ? bb.lo[0] - sx * nx : pb.lo[0];
          const int ihi = bb.hi[0] - sx * nx < pb.hi[0] ? bb.hi[0] - sx * nx : pb.hi[0];
          if (ilo >= ihi) continue;
          const double* src = &rho(ilo + sx * nx, j + sy * ny, k + sz * nz);
          double* dst = o + (ilo - pb.lo[0]);
          for (int m = 0; m < ihi - ilo; ++m) dst[m] += src[m];
        }
  });
}

// The reverse: every brick point whose periodic image lies in the rank's
// own pencil gets the `ncomp` pencil values there (exact copies). GPU: one
// thread per brick point. Host: one brick row at a time, as contiguous
// segments (one per x-image of the pencil) instead of three wraps per point.
void copy_own_images(const Device& dev, const std::array<int, 3>& n, const Range3& pb, const double* const* pencils,
                     int ncomp, const Range3& bb, double* comp) {
  const std::int64_t bcells = bb.size();
  const Span3<const double> f0(pencils[0], pb), f1(pencils[ncomp > 1 ? 1 : 0], pb), f2(pencils[ncomp > 2 ? 2 : 0], pb);
  const int nx = n[0], ny = n[1], nz = n[2];
  if (dev.is_cuda()) {
    for_each(dev, bb, [=] TESSERA_HD(int i, int j, int k) {
      const int wi = wrap(i, nx), wj = wrap(j, ny), wk = wrap(k, nz);
      if (wi < pb.lo[0] || wi >= pb.hi[0] || wj < pb.lo[1] || wj >= pb.hi[1] || wk < pb.lo[2] || wk >= pb.hi[2]) return;
      const std::int64_t at = dense(bb, i, j, k);
      comp[at] = f0(wi, wj, wk);
      if (ncomp > 1) comp[bcells + at] = f1(wi, wj, wk);
      if (ncomp > 2) comp[2 * bcells + at] = f2(wi, wj, wk);
    });
    return;
  }
  const int ey = bb.extent(1);
  const int sx0 = floor_div(bb.lo[0], nx), sx1 = floor_div(bb.hi[0] - 1, nx);
  for_each(dev, static_cast<std::int64_t>(ey) * bb.extent(2), [=] TESSERA_HD(int r) {
    const int j = bb.lo[1] + r % ey, k = bb.lo[2] + r / ey;
    const int wj = wrap(j, ny), wk = wrap(k, nz);
    if (wj < pb.lo[1] || wj >= pb.hi[1] || wk < pb.lo[2] || wk >= pb.hi[2]) return;
    const std::int64_t row = dense(bb, bb.lo[0], j, k);
    for (int sx = sx0; sx <= sx1; ++sx) {
      // Brick points i whose image i - sx nx lies in the pencil.
      const int ilo = pb.lo[0] + sx * nx > bb.lo[0] ? pb.lo[0] + sx * nx : bb.lo[0];
      const int ihi = pb.hi[0] + sx * nx < bb.hi[0] ? pb.hi[0] + sx * nx : bb.hi[0];
      if (ilo >= ihi) continue;
      const std::int64_t at = row + (ilo - bb.lo[0]);
      const int len = ihi - ilo, wi = ilo - sx * nx;
      const double* a = &f0(wi, wj, wk);
      for (int m = 0; m < len; ++m) comp[at + m] = a[m];
      if (ncomp > 1) {
        const double* b = &f1(wi, wj, wk);
        for (int m = 0; m < len; ++m) comp[bcells + at + m] = b[m];
      }
      if (ncomp > 2) {
        const double* c = &f2(wi, wj, wk);
        for (int m = 0; m < len; ++m) comp[2 * bcells + at + m] = c[m];
      }
    }
  });
}

// add_interpolated's kernel, instantiated per order (fixed trip counts the
// compiler unrolls; the same operations in the same order). The fields are
// dense over `box`: the brick, or with `wrapped` the whole periodic mesh
// read at wrapped indices (one rank, in place). Either way a stencil point
// reads the same value, and the sums run in the same order.
struct Interpolation {
  Scaled sc;
  const double *x, *y, *z, *q;
  double scale;
  double *fx, *fy, *fz;
  const double* field[3];
  Range3 box;
  bool wrapped;
};

template <int Order>
void interpolate(const Device& dev, std::int64_t n, const Interpolation& a) {
  const double *ex = a.field[0], *ey = a.field[1], *ez = a.field[2];
  const int nx = a.box.extent(0), ny = a.box.extent(1), nz = a.box.extent(2);
  const int lx = a.box.lo[0], ly = a.box.lo[1], lz = a.box.lo[2];
  const Scaled sc = a.sc;
  const double *x = a.x, *y = a.y, *z = a.z, *q = a.q;
  double *fx = a.fx, *fy = a.fy, *fz = a.fz;
  const double scale = a.scale;
  const bool wrapped = a.wrapped;
  for_each(dev, n, [=] TESSERA_HD(int i) {
    const StencilWeights wx = stencil_weights(sc.s(0, x[i]), Order);
    const StencilWeights wy = stencil_weights(sc.s(1, y[i]), Order);
    const StencilWeights wz = stencil_weights(sc.s(2, z[i]), Order);
    // Offsets of the stencil's points along each axis in the dense arrays.
    std::int64_t ox[Order], oy[Order], oz[Order];
    for (int m = 0; m < Order; ++m) {
      const int ii = wrapped ? wrap(wx.first + m, nx) : wx.first + m - lx;
      const int jj = wrapped ? wrap(wy.first + m, ny) : wy.first + m - ly;
      const int kk = wrapped ? wrap(wz.first + m, nz) : wz.first + m - lz;
      ox[m] = ii;
      oy[m] = static_cast<std::int64_t>(nx) * jj;
      oz[m] = static_cast<std::int64_t>(nx) * ny * kk;
    }
    double ax = 0, ay = 0, az = 0;
    for (int c = 0; c < Order; ++c)
      for (int b = 0; b < Order; ++b) {
        const double wbc = wz.w[c] * wy.w[b];
        const std::int64_t row = oz[c] + oy[b];
        for (int m = 0; m < Order; ++m) {
          const double w = wbc * wx.w[m];
          const std::int64_t at = row + ox[m];
          ax += w * ex[at];
          ay += w * ey[at];
          az += w * ez[at];
        }
      }
    const double f = scale * (q ? q[i] : 1.0);
    fx[i] += f * ax;
    fy[i] += f * ay;
    fz[i] += f * az;
  });
}

// dst = src (or dst += src with Add) over `box`, both views in the box's
// coordinates: the packs and unpacks of the pieces that cross ranks. GPU: one
// thread per point. Host: a contiguous x-row at a time (one vector loop per row).
template <bool Add>
void move_box(const Device& dev, const Range3& box, const Span3<const double>& src, const Span3<double>& dst) {
  if (box.empty()) return;
  if (dev.is_cuda()) {
    for_each(dev, box, [=] TESSERA_HD(int i, int j, int k) {
      if (Add) dst(i, j, k) += src(i, j, k);
      else dst(i, j, k) = src(i, j, k);
    });
    return;
  }
  const int ex = box.extent(0), ey = box.extent(1);
  for_each(dev, static_cast<std::int64_t>(ey) * box.extent(2), [=] TESSERA_HD(int r) {
    const int j = box.lo[1] + r % ey, k = box.lo[2] + r / ey;
    const double* s = &src(box.lo[0], j, k);
    double* d = &dst(box.lo[0], j, k);
    for (int m = 0; m < ex; ++m) {
      if (Add) d[m] += s[m];
      else d[m] = s[m];
    }
  });
}

// Messages for a list of pieces grouped by peer (this rank's own left out):
// one per peer, `stride` values per cell.
template <class Message, class Ptr>
std::vector<Message> messages(const std::vector<ParticleMesh::Piece>& pieces, int self, int tag, Ptr base, int stride) {
  std::vector<Message> out;
  for (std::size_t a = 0; a < pieces.size();) {
    std::size_t b = a;
    std::int64_t count = 0;
    while (b < pieces.size() && pieces[b].peer == pieces[a].peer) count += pieces[b].box.size(), ++b;
    if (pieces[a].peer != self)
      out.push_back({pieces[a].peer, tag, base + stride * pieces[a].at,
                     static_cast<std::size_t>(stride * count) * sizeof(double)});
    a = b;
  }
  return out;
}

}  // namespace

void ParticleMesh::assign(std::int64_t n, const double* x, const double* y, const double* z, const double* q,
                          double scale) {
  const Device& dev = transport_.device();
  // Slabs need the particles on the host, atomics a GPU: otherwise the default.
  Spreading how = spreading_;
  if (how == Spreading::Default || (how == Spreading::Slabs && dev.is_cuda()) ||
      (how == Spreading::Atomic && !dev.is_cuda()))
    how = dev.is_cuda() ? Spreading::Gather : Spreading::Slabs;
  if (how == Spreading::Gather) {
    spread_by_gather(n, x, y, z, q, scale);
    return;
  }
  {
    // Not tessera::fill: its extended lambda, instantiated in several .cu
    // files of one program, crashed a CUDA build on the host backend
    // (null call through the nvcc wrapper of another unit's instance).
    double* f = field_.data();
    for_each(dev, brick_.size(), [=] TESSERA_HD(int i) { f[i] = 0.0; });
  }
  if (n <= 0) return;
  if (how == Spreading::Atomic && dev.is_cuda()) {
    const Span3<double> rho(field_.data(), brick_);
    const Scaled sc = scaled_of(geom_);
    const int order = geom_.order;
    for_each(dev, n, [=] TESSERA_HD(int i) {
      spread_one<true>(rho, sc, order, x[i], y[i], z[i], scale * (q ? q[i] : 1.0));
    });
    return;
  }
  spread_by_slabs(geom_, brick_, field_.data(), slab_start_, slab_order_, n, x, y, z, q, scale);
}

void ParticleMesh::spread_by_gather(std::int64_t n, const double* x, const double* y, const double* z,
                                    const double* q, double scale) {
  const Device& dev = transport_.device();
  const Range3 bb = brick_;
  const int order = geom_.order;
  const Scaled sc = scaled_of(geom_);
  // Particles sorted (stably) by the brick point their stencil starts at.
  const std::int64_t cap = std::max<std::int64_t>(n, 1);
  if (static_cast<std::int64_t>(keys_.size()) < cap) {
    keys_ = Buffer<std::uint32_t>(dev, static_cast<std::size_t>(cap + cap / 8));
    sorted_ = Buffer<std::int32_t>(dev, keys_.size());
    weights_ = Buffer<double>(dev, keys_.size() * 3 * geom_.order);
  }
  if (cell_start_.size() != static_cast<std::size_t>(bb.size())) {
    cell_start_ = Buffer<std::int32_t>(dev, static_cast<std::size_t>(bb.size()));
    cell_end_ = Buffer<std::int32_t>(dev, static_cast<std::size_t>(bb.size()));
  }
  std::uint32_t* key = keys_.data();
  std::int32_t* idx = sorted_.data();
  std::int32_t* start = cell_start_.data();
  std::int32_t* end = cell_end_.data();
  const int ni = static_cast<int>(n);
  // Each particle's weights once (x weights times q scale), 3 order per particle.
  double* wt = weights_.data();
  for_each(dev, static_cast<std::int64_t>(keys_.size()), [=] TESSERA_HD(int i) {
    idx[i] = i;
    if (i >= ni) {
      key[i] = 0xffffffffu;  // unused capacity sorts last
      return;
    }
    const StencilWeights wx = stencil_weights(sc.s(0, x[i]), order), wy = stencil_weights(sc.s(1, y[i]), order),
                         wz = stencil_weights(sc.s(2, z[i]), order);
    const double qs = scale * (q ? q[i] : 1.0);
    double* w = wt + static_cast<std::int64_t>(3 * order) * i;
    for (int m = 0; m < order; ++m) {
      w[m] = qs * wx.w[m];
      w[order + m] = wy.w[m];
      w[2 * order + m] = wz.w[m];
    }
    key[i] = static_cast<std::uint32_t>(dense(bb, wx.first, wy.first, wz.first));
  });
  sort_pairs(keys_, sorted_);
  for_each(dev, bb.size(), [=] TESSERA_HD(int c) { start[c] = end[c] = 0; });
  for_each(dev, n, [=] TESSERA_HD(int m) {
    const std::uint32_t k = key[m];
    if (m == 0 || key[m - 1] != k) start[k] = m;
    if (m == ni - 1 || key[m + 1] != k) end[k] = m + 1;
  });
  // Each brick point sums the particles whose stencils cover it, in a fixed
  // order (stencil offset, then sorted particle): no atomics, the same sums
  // on every run.
  double* rho = field_.data();
  for_each(dev, bb, [=] TESSERA_HD(int i, int j, int k) {
    double sum = 0;
    for (int c = 0; c < order; ++c) {
      const int kk = k - c;
      if (kk < bb.lo[2] || kk > bb.hi[2] - order) continue;
      for (int b = 0; b < order; ++b) {
        const int jj = j - b;
        if (jj < bb.lo[1] || jj > bb.hi[1] - order) continue;
        for (int a = 0; a < order; ++a) {
          const int ii = i - a;
          if (ii < bb.lo[0] || ii > bb.hi[0] - order) continue;
          const std::int64_t cell = dense(bb, ii, jj, kk);
          for (int m = start[cell]; m < end[cell]; ++m) {
            const double* w = wt + static_cast<std::int64_t>(3 * order) * idx[m];
            sum += w[a] * w[order + b] * w[2 * order + c];
          }
        }
      }
    }
    rho[dense(bb, i, j, k)] = sum;
  });
}


void ParticleMesh::brick_to_pencil(double* pencil) {
  const Device& dev = transport_.device();
  const Span3<const double> rho(field_.data(), brick_);
  double* sbuf = send_buf_.data();
  for (const Piece& p : sends_)
    if (p.peer != rank_) move_box<false>(dev, p.box, rho, Span3<double>(sbuf + p.at, p.box));
  double* rbuf = recv_buf_.data();
  const auto sends = messages<SendMessage>(sends_, rank_, 0, static_cast<const double*>(sbuf), 1);
  const auto recvs = messages<RecvMessage>(recvs_, rank_, 0, rbuf, 1);
  if (!sends.empty() || !recvs.empty()) transport_.exchange(sends, recvs);
  // My own brick first, every periodic image of it in one pass (one kernel
  // instead of a pack and an unpack per image), then the peers' pieces one
  // after another in a fixed order (they may overlap).
  fold_own_images(dev, geom_.n, brick_, field_.data(), pencil_, pencil);
  const Span3<double> out(pencil, pencil_);
  for (const Piece& p : recvs_) {
    if (p.peer == rank_) continue;
    const Range3 box = shifted(p.box, p.shift, geom_.n, -1);
    move_box<true>(dev, box, Span3<const double>(rbuf + p.at, box), out);
  }
}

void ParticleMesh::pencil_to_brick(const double* const* pencils, int ncomp) {
  if (ncomp < 1 || ncomp > 3) throw Error("ParticleMesh::pencil_to_brick: 1 .. 3 components");
  if (whole_mesh_) {
    // Nothing to move: add_interpolated reads these in place.
    for (int c = 0; c < 3; ++c) in_place_[c] = pencils[c < ncomp ? c : ncomp - 1];
    return;
  }
  const Device& dev = transport_.device();
  // The reverse of brick_to_pencil: my pencil's pieces go to the bricks that
  // hold them (recvs_ become sends), the components one after another.
  const Range3 pb = pencil_, bb = brick_;
  const std::int64_t bcells = bb.size();
  double* sbuf = recv_buf_.data();
  for (const Piece& p : recvs_) {
    if (p.peer == rank_) continue;
    const Range3 box = shifted(p.box, p.shift, geom_.n, -1);
    for (int c = 0; c < ncomp; ++c)
      move_box<false>(dev, box, Span3<const double>(pencils[c], pb),
                      Span3<double>(sbuf + 3 * p.at + c * box.size(), box));
  }
  double* rbuf = send_buf_.data();
  const auto sends = messages<SendMessage>(recvs_, rank_, 1, static_cast<const double*>(sbuf), 3);
  const auto recvs = messages<RecvMessage>(sends_, rank_, 1, rbuf, 3);
  if (!sends.empty() || !recvs.empty()) transport_.exchange(sends, recvs);
  // Every brick point whose periodic image lies in my own pencil, in one pass.
  double* comp = components_.data();
  copy_own_images(dev, geom_.n, pb, pencils, ncomp, bb, comp);
  for (const Piece& p : sends_) {
    if (p.peer == rank_) continue;
    for (int c = 0; c < ncomp; ++c)
      move_box<false>(dev, p.box, Span3<const double>(rbuf + 3 * p.at + c * p.box.size(), p.box),
                      Span3<double>(comp + c * bcells, bb));
  }
}

void ParticleMesh::add_interpolated(std::int64_t n, const double* x, const double* y, const double* z, const double* q,
                                    double scale, double* fx, double* fy, double* fz) const {
  if (n <= 0) return;
  Interpolation a{};
  a.sc = scaled_of(geom_);
  a.x = x, a.y = y, a.z = z, a.q = q, a.fx = fx, a.fy = fy, a.fz = fz;
  a.scale = scale;
  if (whole_mesh_) {
    for (int c = 0; c < 3; ++c) a.field[c] = in_place_[c];
    a.box = Range3(geom_.n[0], geom_.n[1], geom_.n[2]);
  } else {
    for (int c = 0; c < 3; ++c) a.field[c] = components_.data() + c * brick_.size();
    a.box = brick_;
  }
  a.wrapped = whole_mesh_;
  const Device& dev = transport_.device();
  if (!dev.is_cuda()) {
    // Host: eight particles in vector lanes (particle_mesh_host.cpp), the same bits.
    host_kernels::InterpolationArgs h{};
    for (int d = 0; d < 3; ++d) h.lower[d] = a.sc.lower[d], h.inv_h[d] = a.sc.inv_h[d];
    h.x = x, h.y = y, h.z = z, h.q = q, h.scale = scale, h.fx = fx, h.fy = fy, h.fz = fz;
    for (int c = 0; c < 3; ++c) h.field[c] = a.field[c];
    h.box = a.box;
    h.wrapped = a.wrapped;
    host_kernels::interpolate_host(geom_.order, n, h);
    return;
  }
  switch (geom_.order) {
    case 2: interpolate<2>(dev, n, a); break;
    case 3: interpolate<3>(dev, n, a); break;
    case 4: interpolate<4>(dev, n, a); break;
    case 5: interpolate<5>(dev, n, a); break;
    case 6: interpolate<6>(dev, n, a); break;
    default: interpolate<7>(dev, n, a); break;
  }
}

std::size_t ParticleMesh::memory_bytes() const {
  return sizeof(double) * (field_.size() + components_.size() + send_buf_.size() + recv_buf_.size());
}

}  // namespace tessera::spectral
