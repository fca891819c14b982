#pragma once
// ParticleMesh: charge (or mass) assignment of particles to a periodic mesh
// with the cardinal B-spline of order 2 .. 7 (Hockney & Eastwood's charge
// assignment functions: 2 = cloud-in-cell, 3 = triangular-shaped cloud, ...),
// the sum of the ranks' pieces into the distributed FFT's x-pencils, and the
// way back: mesh fields from the x-pencils to each rank's piece and
// interpolated to its particles with the same weights. PPPM electrostatics
// (md) uses it; particle-mesh gravity (nbody) is meant to.
//
// Mesh point (i, j, k) sits at lower + (i hx, j hy, k hz), h = length / n.
// A particle at s = (x - lower) / h (mesh units, per axis) spreads onto the
// `order` points j0 .. j0 + order - 1 with j0 = floor(s - order/2 + 1), as
// LAMMPS's PPPM does (nearest point in the middle for odd orders).
//
// Each rank spreads its own particles into a brick: a box of global mesh
// indices, unwrapped (it may reach below 0 and past n), covering every
// stencil its particles touch. brick_to_pencil sums every rank's brick,
// periodic images folded, into the x-pencils; pencil_to_brick copies pencil
// fields back into the bricks (all their points, images included). The
// pieces that cross ranks travel as one message per peer over the
// transport; a rank's own images move in one kernel each way (on the host a
// row at a time, as contiguous segments). On one rank the pencil is the
// whole mesh and the field bricks are skipped altogether: add_interpolated
// reads the pencils at wrapped indices (the same values, summed in the same
// order). The x-pencils
// are the FFT's input, so no intermediate block layout (and no
// PencilRedistribution) is needed. The
// brick starts as the rank's physical box plus a margin; ensure_covers
// (collective) grows every brick when some particle has moved beyond it, so
// particles may leave their box between migrations.
//
// Spreading (Spreading, below) is race-free and deterministic by default:
// on a GPU each mesh point gathers the particles covering it, on the host
// alternate z-slabs of particles are spread in parallel.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/pencil_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/span.hpp"

namespace tessera::spectral {

// How assign() spreads: Default picks Gather on a GPU and Slabs on the
// host. Gather: particles sorted by stencil start, each mesh point sums
// the particles covering it (no atomics: the same result on every run, as
// the runtime's reductions). Slabs: host only, particles sorted into
// z-slabs `order` thick, alternate slabs in parallel. Atomic: GPU only, one
// thread per particle with floating-point atomic adds (fast, but the sums'
// order, hence the last bits, change from run to run).
enum class Spreading { Default, Gather, Slabs, Atomic };

struct MeshGeometry {
  std::array<int, 3> n{0, 0, 0};           // mesh points per axis
  std::array<double, 3> lower{0, 0, 0};    // physical box
  std::array<double, 3> length{1, 1, 1};
  int order = 5;                           // assignment order, 2 .. 7
};

// The `order` weights of one axis for a particle at mesh coordinate s:
// w[m] belongs to point first + m. They sum to 1.
struct StencilWeights {
  int first;
  double w[7];
};

TESSERA_HD inline StencilWeights stencil_weights(double s, int order) {
  StencilWeights out;
  const double start = s - 0.5 * order + 1.0;
  const double fl = floor(start);
  out.first = static_cast<int>(fl);
  const double t = start - fl;  // in [0, 1)
  // b[k] = M_p(t + k), the uncentred cardinal B-spline of order p (support
  // [0, p]), raised from M_1 = 1 on [0, 1) by
  // M_p(x) = (x M_{p-1}(x) + (p - x) M_{p-1}(x - 1)) / (p - 1).
  double b[7] = {1, 0, 0, 0, 0, 0, 0};
  for (int p = 2; p <= order; ++p) {
    const double inv = 1.0 / (p - 1);
    for (int k = p - 1; k >= 0; --k) {
      const double x = t + k;
      const double lower_part = k > 0 ? b[k - 1] : 0.0;
      b[k] = (x * b[k] + (p - x) * lower_part) * inv;
    }
  }
  // Point first + m is (s - first - m) from the particle: M_p at t + p - 1 - m.
  for (int m = 0; m < order; ++m) out.w[m] = b[order - 1 - m];
  return out;
}

class ParticleMesh {
 public:
  // `atoms` is the layout the particles are distributed by (its owned
  // physical boxes start the bricks); `pencils` the FFT's x-pencils over
  // g.n on the same ranks. Throws InputError for an order outside 2 .. 7 or
  // a mesh axis below 2 points.
  ParticleMesh(const MeshGeometry& g, const CartesianLayout& atoms, const PencilLayout& pencils, Transport& transport);

  const MeshGeometry& geometry() const { return geom_; }
  void set_spreading(Spreading s) { spreading_ = s; }
  // A new physical box over the same mesh (a barostat step): the bricks
  // stay, ensure_covers grows them if the particles now need more.
  void set_box(const std::array<double, 3>& lower, const std::array<double, 3>& length) {
    geom_.lower = lower;
    geom_.length = length;
  }
  const Range3& brick() const { return brick_; }
  double* brick_data() { return field_.data(); }

  // Collective: grows the bricks (every rank's plan) when some particle of
  // some rank has a stencil outside its brick. Returns true when it did.
  bool ensure_covers(std::int64_t n, const double* x, const double* y, const double* z);

  // brick = sum over particles of scale * q_p * W(point - particle) (the
  // brick is cleared first). q may be null (weight 1 each).
  void assign(std::int64_t n, const double* x, const double* y, const double* z, const double* q, double scale);

  // Sums every rank's brick into this rank's x-pencil (dense, x fastest);
  // the pencil is overwritten.
  void brick_to_pencil(double* pencil);

  // Brings `ncomp` pencil fields (each this rank's dense x-pencil) to the
  // brick for add_interpolated: their pieces from other ranks' pencils are
  // copied here. When this rank's pencil is the whole mesh (one rank) nothing
  // is copied: add_interpolated reads the pencils themselves, at the wrapped
  // indices, so they must stay unchanged until then.
  void pencil_to_brick(const double* const* pencils, int ncomp);

  // f_c[p] += scale * q_p * sum over the stencil of W * field c (c = 0, 1,
  // 2), for the three fields pencil_to_brick was last given.
  void add_interpolated(std::int64_t n, const double* x, const double* y, const double* z, const double* q,
                        double scale, double* fx, double* fy, double* fz) const;

  std::size_t memory_bytes() const;

  // assign() with Spreading::Gather (public only because nvcc refuses device
  // lambdas in private members).
  void spread_by_gather(std::int64_t n, const double* x, const double* y, const double* z, const double* q,
                        double scale);

  // A box of one rank's brick points whose periodic image lies in another
  // rank's pencil (public for the exchange helpers; not part of the interface).
  struct Piece {
    int peer;
    Range3 box;                // brick coordinates (global, unwrapped)
    std::array<int, 3> shift;  // box - shift * n lies in the pencil
    std::int64_t at;           // offset (elements, one component) in its buffer; -1 for my own
  };

 private:
  void plan(const std::vector<Range3>& bricks);

  MeshGeometry geom_;
  PencilLayout pencils_;
  Transport& transport_;
  int rank_ = 0, size_ = 1;
  Range3 brick_;
  Range3 pencil_;
  // Grouped by peer, in rank order; boxes in the brick's (unwrapped)
  // coordinates. My own pieces are listed too (they size and order the
  // plan) but move by one kernel each way, not through the buffers.
  std::vector<Piece> sends_;  // pieces of my brick, lying in each peer's pencil
  std::vector<Piece> recvs_;  // pieces of each peer's brick lying in my pencil
  std::int64_t send_total_ = 0, recv_total_ = 0;
  Buffer<double> field_, components_;
  // One rank: the pencil is the whole mesh and add_interpolated reads the
  // fields pencil_to_brick was given in place (components_ stays empty).
  bool whole_mesh_ = false;
  const double* in_place_[3] = {nullptr, nullptr, nullptr};
  Buffer<double> send_buf_, recv_buf_;
  Spreading spreading_ = Spreading::Default;
  // Host spreading: particle order by z-slab.
  std::vector<int> slab_order_, slab_start_;
  // Gather spreading: sort keys and order, and each brick point's range of
  // sorted particles whose stencil starts there.
  Buffer<std::uint32_t> keys_;
  Buffer<std::int32_t> sorted_, cell_start_, cell_end_;
  Buffer<double> weights_;  // per particle: q-scaled x weights, y weights, z weights
};

}  // namespace tessera::spectral
