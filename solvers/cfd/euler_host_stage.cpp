// The split Runge-Kutta stage of cfd.euler on the host backend, organised
// for the CPU's vector units and caches (README, cfd.euler):
//
// - Rows along x. For one (j, k) row of cells the kernel computes the faces
//   it needs as whole rows, in stages over small SoA row buffers: reconstruct
//   the five primitives of a row of cells -> first-order fallback (tested per
//   row, rare) -> Riemann solver -> flux row; every stage a loop over i the
//   compiler vectorises (loads are contiguous along x for all three axes).
// - Each face once, each cell reconstructed once per axis. The y-faces below
//   a row are the ones computed above the previous row (and the upper y-face
//   values of the row come from that step too); the z-faces behind a row,
//   and its upper z-face values, are kept from the same row of the previous
//   k-plane (a plane of rows per block). The update differences the fluxes
//   as soon as the row's upper faces exist: no flux arrays over the grid.
// - Blocks of rows (runtime/for_each_row_block.hpp): a slab of j-rows walked
//   through k, sized so the W rows of the k-planes the z-faces read stay in
//   L2 while they are reused.
// - No allocation in the step: a block's row buffers are cut (StageRows)
//   from its thread's workspace in the solver's RowScratch, sized for the
//   largest block at the first call; the stable dt's row minima likewise.
//
// Results: the same operations in the same order as fv_face_flux +
// runge_kutta_update (the fused kernel, euler_stage.cu, shares those), with
// branches written as selects of values computed with the same arithmetic:
// bit for bit the per-face kernels' results (EulerHostStage and
// EulerStageKernel tests), at any thread count (a face's flux depends only on
// W, not on the block it lies in).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "physics/hydro/state.hpp"
#include "physics/reconstruct/reconstruction.hpp"
#include "physics/riemann/riemann.hpp"
#include "runtime/for_each_row_block.hpp"
#include "runtime/row_scratch.hpp"
#include "solvers/cfd/euler_faces.hpp"
#include "solvers/cfd/euler_kernels.hpp"
#include "solvers/cfd/euler_primitives.hpp"

namespace tessera::cfd {

using namespace hydro;

namespace {

// fmin/fmax as glibc computes them (a NaN argument loses; on ties the second
// argument), as selects the compiler vectorises; libm's fmin is a call.
#define TESSERA_ROW_INLINE [[gnu::always_inline]] inline
TESSERA_ROW_INLINE double min_of(double a, double b) { return (a < b || b != b) ? a : b; }
TESSERA_ROW_INLINE double max_of(double a, double b) { return (a > b || b != b) ? a : b; }

// physics/reconstruct/limiters.hpp in select form (same operations). Every
// candidate is computed before the select: with trapping math (the default)
// the compiler would not hoist a division out of a branch itself.
template <Limiter L>
TESSERA_ROW_INLINE double slope(double dql, double dqr) {
  const double prod = dql * dqr;
  if constexpr (L == Limiter::VanLeer) {
    const double harmonic = 2.0 * prod / (dql + dqr);
    return prod <= 0.0 ? 0.0 : harmonic;
  } else if constexpr (L == Limiter::Minmod) {
    const double m = dql > 0.0 ? min_of(dql, dqr) : max_of(dql, dqr);
    return prod <= 0.0 ? 0.0 : m;
  } else {
    const double central = 0.5 * (dql + dqr);
    const double bound = 2.0 * min_of(std::fabs(dql), std::fabs(dqr));
    const double m = std::copysign(min_of(std::fabs(central), bound), central);
    return prod <= 0.0 ? 0.0 : m;
  }
}

// Face values of one cell from q[0..4] = cells i-2..i+2 (reconstruct<R>).
template <Reconstruction R, Limiter L>
TESSERA_ROW_INLINE void cell_faces(const double* q, double& qm, double& qp) {
  if constexpr (R == Reconstruction::PLM) {
    const double dq = slope<L>(q[2] - q[1], q[3] - q[2]);
    qm = q[2] - 0.5 * dq;
    qp = q[2] + 0.5 * dq;
  } else {
    reconstruct<R>(L, q, qm, qp);
  }
}

// The fluxes of an ideal gas along x (IdealGas::flux_x) and the conserved
// state (prim_to_cons) of one primitive state, sharing its total energy.
struct FluxAndState {
  double f[5], u[5];
};

TESSERA_ROW_INLINE FluxAndState flux_and_state(double gamma, double rho, double vx, double vy, double vz, double pr) {
  FluxAndState r;
  const double e = pr / (gamma - 1.0) + 0.5 * rho * (vx * vx + vy * vy + vz * vz);
  const double mx = rho * vx;
  r.f[IDN] = mx;
  r.f[IM1] = mx * vx + pr;
  r.f[IM2] = mx * vy;
  r.f[IM3] = mx * vz;
  r.f[IEN] = (e + pr) * vx;
  r.u[IDN] = rho;
  r.u[IM1] = rho * vx;
  r.u[IM2] = rho * vy;
  r.u[IM3] = rho * vz;
  r.u[IEN] = e;
  return r;
}

// physics/riemann/hllc.hpp (with wave_speeds.hpp) without branches: all
// three candidate fluxes, then the one the wave speeds pick.
TESSERA_ROW_INLINE void hllc_select(const double* wl, const double* wr, double gamma, double* flux) {
  // einfeldt_speeds / roe_average
  const double sl = std::sqrt(wl[IDN]), sr = std::sqrt(wr[IDN]);
  const double inv = 1.0 / (sl + sr);
  const double gm1 = gamma - 1.0;
  const double v2l = wl[IVX] * wl[IVX] + wl[IVY] * wl[IVY] + wl[IVZ] * wl[IVZ];
  const double v2r = wr[IVX] * wr[IVX] + wr[IVY] * wr[IVY] + wr[IVZ] * wr[IVZ];
  const double hl = gamma * wl[IPR] / (gm1 * wl[IDN]) + 0.5 * v2l;
  const double hr = gamma * wr[IPR] / (gm1 * wr[IDN]) + 0.5 * v2r;
  const double au = (sl * wl[IVX] + sr * wr[IVX]) * inv;
  const double av = (sl * wl[IVY] + sr * wr[IVY]) * inv;
  const double aw = (sl * wl[IVZ] + sr * wr[IVZ]) * inv;
  const double ah = (sl * hl + sr * hr) * inv;
  const double c2 = gm1 * (ah - 0.5 * (au * au + av * av + aw * aw));
  const double ac = std::sqrt(max_of(c2, 0.0));
  const double cl = std::sqrt(gamma * wl[IPR] / wl[IDN]);
  const double cr = std::sqrt(gamma * wr[IPR] / wr[IDN]);
  const double s_l = min_of(wl[IVX] - cl, au - ac);
  const double s_r = max_of(wr[IVX] + cr, au + ac);

  const FluxAndState L = flux_and_state(gamma, wl[IDN], wl[IVX], wl[IVY], wl[IVZ], wl[IPR]);
  const FluxAndState R = flux_and_state(gamma, wr[IDN], wr[IVX], wr[IVY], wr[IVZ], wr[IPR]);

  const double dl = wl[IDN] * (s_l - wl[IVX]);
  const double dr = wr[IDN] * (s_r - wr[IVX]);
  const double s_m = ((wr[IPR] - wl[IPR]) + (dl * wl[IVX] - dr * wr[IVX])) / (dl - dr);
  const double p_star = 0.5 * ((wl[IPR] + dl * (s_m - wl[IVX])) + (wr[IPR] + dr * (s_m - wr[IVX])));
  const bool left_star = s_m >= 0.0;
  const double s_k = left_star ? s_l : s_r;
  const double a = s_m / (s_k - s_m);
  const double b = s_k / (s_k - s_m) * p_star;
  const bool left = s_l >= 0.0, right = s_r <= 0.0;
  for (int n = 0; n < NHYDRO; ++n) {
    const double u = left_star ? L.u[n] : R.u[n], f = left_star ? L.f[n] : R.f[n];
    double star = a * (s_k * u - f);
    if (n == IM1) star += b;
    if (n == IEN) star += b * s_m;
    flux[n] = left ? L.f[n] : (right ? R.f[n] : star);
  }
}

template <RiemannSolver S>
TESSERA_ROW_INLINE void riemann(const double* wl, const double* wr, double gamma, double* flux) {
  if constexpr (S == RiemannSolver::HLLC) {
    hllc_select(wl, wr, gamma, flux);
  } else {
    riemann_flux<S>(wl, wr, gamma, flux);
  }
}

// First order where the reconstruction overshoots to a non-physical state:
// the face states wl, wr (SoA, leading dimension bl) of nf faces become the
// cells' own (cell[q]: component q of the cell above face 0). Rare: a
// vectorised test first, the replacement only for rows that need it (the
// replacement in the Riemann loop itself stopped its vectorisation).
inline void first_order_fallback(int nf, int bl, double* __restrict__ wl, double* __restrict__ wr,
                                 const double* const* cell, std::int64_t stride) {
  int bad = 0;
  for (int i = 0; i < nf; ++i)
    bad |= !((wl[IDN * bl + i] > 0) & (wr[IDN * bl + i] > 0) & (wl[IPR * bl + i] > 0) & (wr[IPR * bl + i] > 0));
  if (!bad) return;
  for (int i = 0; i < nf; ++i) {
    if (!(wl[IDN * bl + i] > 0 && wr[IDN * bl + i] > 0 && wl[IPR * bl + i] > 0 && wr[IPR * bl + i] > 0)) {
      for (int q = 0; q < 5; ++q) {
        wl[q * bl + i] = cell[q][i - stride];
        wr[q * bl + i] = cell[q][i];
      }
    }
  }
}

// Riemann fluxes through nf faces from the face states wl, wr (SoA, leading
// dimension bl). A function of its own with restrict parameters, so the
// compiler knows the rows do not overlap.
template <RiemannSolver S>
[[gnu::noinline]] void riemann_row(int nf, int bl, const double* __restrict__ wl, const double* __restrict__ wr,
                                   double gamma, double* __restrict__ fr) {
  for (int i = 0; i < nf; ++i) {
    double sl[5], sr[5], f[5];
    for (int q = 0; q < 5; ++q) {
      sl[q] = wl[q * bl + i];
      sr[q] = wr[q * bl + i];
    }
    riemann<S>(sl, sr, gamma, f);
    for (int q = 0; q < 5; ++q) fr[q * bl + i] = f[q];
  }
}

// A row of face states: component q of entry i at [q * ld + i] (SoA), cut
// from a thread's workspace.
struct StateRows {
  int ld = 0;
  double* v = nullptr;
  StateRows(ScratchCarver& c, int len, int rows)
      : ld((len + 7) / 8 * 8), v(c.take<double>(static_cast<std::size_t>(5) * ld * rows)) {}
  double* row(int r) { return v + static_cast<std::size_t>(5) * ld * r; }
};

// j-rows per block of the stage: the W rows of the four k-planes the z-faces
// read (and the block's plane of z-face states) in about 1 MiB of L2.
int stage_j_block(const EulerParams& p, std::int64_t sy) {
  const std::size_t w_row_bytes = static_cast<std::size_t>(sy) * p.nvar * sizeof(double);
  return static_cast<int>(std::max<std::size_t>(8, (std::size_t{1} << 20) / (6 * w_row_bytes)));
}

// The row buffers of one block of nj j-rows (host_stage), cut one after
// another from a carver: with a null base it sizes a thread's workspace for
// the largest block, then each block cuts its own from that workspace.
struct StageRows {
  StateRows xs, ys, zs, zplane, fr;
  double *du, *fx, *ylo, *yhi, *zhi, *plane;
  double **zlo, **zqp;
  StageRows(ScratchCarver& c, const EulerParams& p, int nj)
      : xs(c, p.n[0] + 2, 2),                          // qm, qp of cells -1 .. nx along x
        ys(c, p.n[0], 3),                              // qm of the row above, qp of this row and of the row above
        zs(c, p.n[0], 2),                              // qm, qp of the row in front
        zplane(c, p.n[0], p.active[2] ? nj : 0),       // qp of the block's rows
        fr(c, p.n[0] + 2, 1) {                         // Riemann fluxes (face-normal frame), ld >= every state row's
    const std::size_t row = flux_row(p);
    du = c.take<double>(row / p.nvar);
    fx = c.take<double>(p.active[0] ? row : 0);
    ylo = c.take<double>(p.active[1] ? row : 0);
    yhi = c.take<double>(p.active[1] ? row : 0);
    zhi = c.take<double>(p.active[2] ? row : 0);
    plane = c.take<double>(p.active[2] ? row * nj : 0);  // z-fluxes behind the block's rows
    zlo = c.take<double*>(nj);
    zqp = c.take<double*>(nj);
  }
  // Flux rows: nx + 1 x-faces of every variable, leading dimension flux_ld.
  static int flux_ld(const EulerParams& p) { return (p.n[0] + 1 + 7) / 8 * 8; }
  static std::size_t flux_row(const EulerParams& p) { return static_cast<std::size_t>(p.nvar) * flux_ld(p); }
};

// A thread's workspace: the stage's largest block, or a row of cell dt values.
std::size_t thread_bytes(const EulerParams& p, std::int64_t sy) {
  ScratchCarver c;
  const StageRows largest(c, p, std::max(1, std::min(stage_j_block(p, sy), p.n[1])));
  return std::max(c.bytes(), static_cast<std::size_t>(p.n[0]) * sizeof(double));
}

// The five primitives (face-normal frame: rho, v_n, v_t1, v_t2, p) of cells
// (i0 + i, j, k), i < nc, reconstructed along `axis`: their lower (qm) and
// upper (qp) face values, each cell once (face_values reconstructs the two
// cells of a face with the same function and stencil).
template <Reconstruction R, Limiter L>
void reconstruct_cells(int axis, FieldView<const double> w, int i0, int nc, int j, int k, double* __restrict__ qm,
                       double* __restrict__ qp, int ld) {
  using St = ReconstructionStencil<R>;
  const int comp[5] = {IDN, IVX + axis, IVX + (axis + 1) % 3, IVX + (axis + 2) % 3, IPR};
  const std::int64_t stride = axis == 0 ? 1 : axis == 1 ? w.sy : w.sz;
  for (int q = 0; q < 5; ++q) {
    const double* at[5];  // rows of the cells -2 .. +2 along the axis
    for (int o = 0; o < 5; ++o) at[o] = &w(comp[q], i0, j, k) + (o - 2) * stride;
    double* __restrict__ m = qm + q * ld;
    double* __restrict__ pl = qp + q * ld;
    for (int i = 0; i < nc; ++i) {
      double st[5] = {0, 0, 0, 0, 0};
      for (int o = St::first; o <= St::last; ++o) st[o] = at[o][i];
      double lo, hi;
      cell_faces<R, L>(st, lo, hi);
      m[i] = lo;
      pl[i] = hi;
    }
  }
}

// Fluxes (all nvar components, global frame) through `nf` faces of one row
// along `axis`, faces (i0 + i, j, k), i < nf, each between the cell there and
// the one below it along the axis, from their states wl (the upper face value
// of the cell below) and wr (the lower one of the cell above), SoA with
// leading dimension sl; the first-order fallback rewrites them in place.
// Flux component c of face i goes to out[c * ld + i].
template <Reconstruction R, Limiter L, RiemannSolver S>
void face_fluxes_of_row(const EulerParams& p, int axis, FieldView<const double> w, int i0, int nf, int j, int k,
                        double* wl, double* wr, int sl, double* fr, double* __restrict__ out, int ld) {
  using St = ReconstructionStencil<R>;
  const int comp[5] = {IDN, IVX + axis, IVX + (axis + 1) % 3, IVX + (axis + 2) % 3, IPR};
  const std::int64_t stride = axis == 0 ? 1 : axis == 1 ? w.sy : w.sz;
  const double* cell[5];  // component q of the cell above face 0
  for (int q = 0; q < 5; ++q) cell[q] = &w(comp[q], i0, j, k);
  first_order_fallback(nf, sl, wl, wr, cell, stride);
  riemann_row<S>(nf, sl, wl, wr, p.gamma, fr);
  // Back to the global frame.
  const int dst[5] = {IDN, IM1 + axis, IM1 + (axis + 1) % 3, IM1 + (axis + 2) % 3, IEN};
  for (int q = 0; q < 5; ++q) std::copy(fr + q * sl, fr + q * sl + nf, out + dst[q] * ld);
  if (p.mu > 0) {
    for (int i = 0; i < nf; ++i) {
      double f[5];
      for (int q = 0; q < 5; ++q) f[q] = out[q * ld + i];
      subtract_viscous_flux(p, axis, w, i0 + i, j, k, f);
      for (int q = 0; q < 5; ++q) out[q * ld + i] = f[q];
    }
  }
  // Passive scalars, upwinded by the mass flux (fv_scalar_flux).
  for (int s = 0; s < p.nscalar; ++s) {
    const double* c = &w(5 + s, i0, j, k);
    const double* at[6];
    for (int o = 0; o < 6; ++o) at[o] = c + (o - 3) * stride;
    const double* mass = out + IDN * ld;
    double* __restrict__ o_s = out + (5 + s) * ld;
    for (int i = 0; i < nf; ++i) {
      double st[6] = {0, 0, 0, 0, 0, 0};
      for (int o = St::first; o <= St::last + 1; ++o) st[o] = at[o][i];
      double qm, qp;
      cell_faces<R, L>(st, qm, qp);
      const double left = qp;
      cell_faces<R, L>(st + 1, qm, qp);
      const double right = qm;
      o_s[i] = mass[i] * (mass[i] >= 0 ? left : right);
    }
  }
}

// runge_kutta_update of one component over a row with all three axes
// active: du = 0, minus the x, y, z differences in that order. u_out may be
// u_in (in-place stages): each element is read before it is written, so they
// are not restrict.
[[gnu::noinline]] void update_row_3d(int n, const double* __restrict__ fx, const double* __restrict__ ylo,
                                     const double* __restrict__ yhi, const double* __restrict__ zlo,
                                     const double* __restrict__ zhi, const double* u_in, const double* __restrict__ u_0,
                                     double* u_out, double cx, double cy, double cz, double a, double b) {
  if (a == 0.0) {
#pragma GCC ivdep
    for (int i = 0; i < n; ++i) {
      double d = 0;
      d -= cx * (fx[i + 1] - fx[i]);
      d -= cy * (yhi[i] - ylo[i]);
      d -= cz * (zhi[i] - zlo[i]);
      u_out[i] = u_in[i] + d;
    }
  } else {
#pragma GCC ivdep
    for (int i = 0; i < n; ++i) {
      double d = 0;
      d -= cx * (fx[i + 1] - fx[i]);
      d -= cy * (yhi[i] - ylo[i]);
      d -= cz * (zhi[i] - zlo[i]);
      u_out[i] = a * u_0[i] + b * (u_in[i] + d);
    }
  }
}

// The stage over blocks of rows. Per row (j, k): the x-faces from one
// reconstruction of the row's cells -1 .. nx along x; the y-faces above the
// row from the upper y-face values of the row (kept from the previous row)
// and the lower ones of the row above; the z-faces in front likewise, the
// upper z-face values of the rows of the previous k-plane kept per block.
template <Reconstruction R, Limiter L, RiemannSolver S>
void host_stage(const EulerParams& p, RowScratch& pool, FieldView<const double> w, FieldView<const double> u0,
                FieldView<const double> in, FieldView<double> out, double dt, double a, double b) {
  const int nx = p.n[0], nvar = p.nvar;
  const bool ax = p.active[0], ay = p.active[1], az = p.active[2];
  // The same dt / dx as runge_kutta_update and the fused stage.
  const double cx = ax ? dt / p.dx[0] : 0.0, cy = ay ? dt / p.dx[1] : 0.0, cz = az ? dt / p.dx[2] : 0.0;
  const int ld = StageRows::flux_ld(p);
  const std::size_t row = StageRows::flux_row(p);
  const int j_block = stage_j_block(p, w.sy);
  const std::size_t per_thread = thread_bytes(p, w.sy);
  for_each_row_block(Range3(nx, p.n[1], p.n[2]), j_block, pool, per_thread, [&](std::byte* ws, int j0, int j1,
                                                                                     int k0, int k1) {
    const int nj = j1 - j0;
    ScratchCarver carve(ws);
    StageRows rows(carve, p, nj);
    StateRows& xs = rows.xs;
    StateRows& ys = rows.ys;
    StateRows& zs = rows.zs;
    StateRows& zplane = rows.zplane;
    StateRows& fr = rows.fr;
    double* const du = rows.du;
    double* const fx = rows.fx;
    double* const plane = rows.plane;
    double** const zlo = rows.zlo;
    double** const zqp = rows.zqp;
    double* scratch = zs.row(0);  // lower face values of the row being reconstructed
    double* z_free = zs.row(1);   // a spare row of upper z-face values (rows rotate through zqp)
    if (az) {
      for (int j = j0; j < j1; ++j) {
        zlo[j - j0] = plane + row * (j - j0);
        zqp[j - j0] = zplane.row(j - j0);
        reconstruct_cells<R, L>(2, w, 0, nx, j, k0 - 1, scratch, zqp[j - j0], zs.ld);
        reconstruct_cells<R, L>(2, w, 0, nx, j, k0, scratch, z_free, zs.ld);
        face_fluxes_of_row<R, L, S>(p, 2, w, 0, nx, j, k0, zqp[j - j0], scratch, zs.ld, fr.row(0), zlo[j - j0], ld);
        std::swap(zqp[j - j0], z_free);
      }
    }
    double* y_lo = rows.ylo;
    double* y_hi = rows.yhi;
    double* z_hi = rows.zhi;
    double* y_qp = ys.row(1);    // upper y-face values of the current row
    double* y_next = ys.row(2);  // ... of the row above
    for (int k = k0; k < k1; ++k) {
      if (ay) {
        reconstruct_cells<R, L>(1, w, 0, nx, j0 - 1, k, ys.row(0), y_qp, ys.ld);
        reconstruct_cells<R, L>(1, w, 0, nx, j0, k, ys.row(0), y_next, ys.ld);
        face_fluxes_of_row<R, L, S>(p, 1, w, 0, nx, j0, k, y_qp, ys.row(0), ys.ld, fr.row(0), y_lo, ld);
        std::swap(y_qp, y_next);
      }
      for (int j = j0; j < j1; ++j) {
        if (ax) {
          reconstruct_cells<R, L>(0, w, -1, nx + 2, j, k, xs.row(0), xs.row(1), xs.ld);
          face_fluxes_of_row<R, L, S>(p, 0, w, 0, nx + 1, j, k, xs.row(1), xs.row(0) + 1, xs.ld, fr.row(0), fx,
                                      ld);
        }
        if (ay) {
          reconstruct_cells<R, L>(1, w, 0, nx, j + 1, k, ys.row(0), y_next, ys.ld);
          face_fluxes_of_row<R, L, S>(p, 1, w, 0, nx, j + 1, k, y_qp, ys.row(0), ys.ld, fr.row(0), y_hi, ld);
          std::swap(y_qp, y_next);
        }
        if (az) {
          reconstruct_cells<R, L>(2, w, 0, nx, j, k + 1, scratch, z_free, zs.ld);
          face_fluxes_of_row<R, L, S>(p, 2, w, 0, nx, j, k + 1, zqp[j - j0], scratch, zs.ld, fr.row(0), z_hi, ld);
          std::swap(zqp[j - j0], z_free);
        }
        double* z_lo = zlo[j - j0];
        for (int c = 0; c < nvar; ++c) {
          // runge_kutta_update: du = 0, then x, y, z in that order.
          double* __restrict__ d = du;
          const double* f = fx + c * ld;
          const double* u_in = &in(c, 0, j, k);
          const double* u_0 = &u0(c, 0, j, k);
          double* u_out = &out(c, 0, j, k);
          if (ax && ay && az) {  // 3-D: one pass, the same operations in the same order
            update_row_3d(nx, f, y_lo + c * ld, y_hi + c * ld, z_lo + c * ld, z_hi + c * ld, u_in, u_0, u_out, cx, cy,
                          cz, a, b);
            continue;
          }
          for (int i = 0; i < nx; ++i) d[i] = 0;
          if (ax)
            for (int i = 0; i < nx; ++i) d[i] -= cx * (f[i + 1] - f[i]);
          if (ay) {
            const double* lo = y_lo + c * ld;
            const double* hi = y_hi + c * ld;
            for (int i = 0; i < nx; ++i) d[i] -= cy * (hi[i] - lo[i]);
          }
          if (az) {
            const double* lo = z_lo + c * ld;
            const double* hi = z_hi + c * ld;
            for (int i = 0; i < nx; ++i) d[i] -= cz * (hi[i] - lo[i]);
          }
          // u_out may be u_in (in-place stages): each element is read before it is written.
          if (a == 0.0) {
            for (int i = 0; i < nx; ++i) u_out[i] = u_in[i] + d[i];
          } else {
            for (int i = 0; i < nx; ++i) u_out[i] = a * u_0[i] + b * (u_in[i] + d[i]);
          }
        }
        if (ay) std::swap(y_lo, y_hi);
        if (az) std::swap(zlo[j - j0], z_hi);
      }
    }
  });
}

template <Reconstruction R, RiemannSolver S>
void host_stage_by_limiter(const EulerParams& p, RowScratch& scratch, FieldView<const double> w, FieldView<const double> u0,
                           FieldView<const double> in, FieldView<double> out, double dt, double a, double b) {
  // Only PLM reads the limiter: one instantiation for the others.
  if constexpr (R != Reconstruction::PLM) {
    host_stage<R, Limiter::VanLeer, S>(p, scratch, w, u0, in, out, dt, a, b);
  } else {
    switch (p.limiter) {
      case Limiter::VanLeer: host_stage<R, Limiter::VanLeer, S>(p, scratch, w, u0, in, out, dt, a, b); return;
      case Limiter::Minmod: host_stage<R, Limiter::Minmod, S>(p, scratch, w, u0, in, out, dt, a, b); return;
      case Limiter::MC: host_stage<R, Limiter::MC, S>(p, scratch, w, u0, in, out, dt, a, b); return;
    }
  }
}

// IdealGas::cons_to_prim over a row (the same operations); nonzero if any
// cell is not finite or below a floor (its W is then not final).
[[gnu::noinline]] int primitives_row(int n, const double* __restrict__ d, const double* __restrict__ m1,
                                     const double* __restrict__ m2, const double* __restrict__ m3,
                                     const double* __restrict__ e, double* __restrict__ wd, double* __restrict__ wx,
                                     double* __restrict__ wy, double* __restrict__ wz, double* __restrict__ wp,
                                     double gamma, double rho_floor, double p_floor) {
  int special = 0;
  for (int i = 0; i < n; ++i) {
    const double rho = d[i];
    const double inv_rho = 1.0 / rho;
    const double m2sum = m1[i] * m1[i] + m2[i] * m2[i] + m3[i] * m3[i];
    const double pr = (gamma - 1.0) * (e[i] - 0.5 * m2sum * inv_rho);
    const bool finite = is_finite(rho) & is_finite(m1[i]) & is_finite(m2[i]) & is_finite(m3[i]) & is_finite(e[i]);
    special |= !(finite & (rho >= rho_floor) & (pr >= p_floor));
    wd[i] = rho;
    wx[i] = m1[i] * inv_rho;
    wy[i] = m2[i] * inv_rho;
    wz[i] = m3[i] * inv_rho;
    wp[i] = pr;
  }
  return special;
}

// local_stable_dt's cell values over a row (the same operations, inviscid):
// dt[i] for cells (i0 + i, j, k).
[[gnu::noinline]] void stable_dt_row(int n, const double* __restrict__ d, const double* __restrict__ m1,
                                     const double* __restrict__ m2, const double* __restrict__ m3,
                                     const double* __restrict__ e, double* __restrict__ dt, double gamma,
                                     double rho_floor, double p_floor, const double* dx, const int* active) {
  const bool a0 = active[0], a1 = active[1], a2 = active[2];
  const double dx0 = dx[0], dx1 = dx[1], dx2 = dx[2];
  for (int i = 0; i < n; ++i) {
    const double rho = d[i];
    const double inv_rho = 1.0 / rho;
    const double vx = m1[i] * inv_rho, vy = m2[i] * inv_rho, vz = m3[i] * inv_rho;
    const double m2sum = m1[i] * m1[i] + m2[i] * m2[i] + m3[i] * m3[i];
    const double pr = (gamma - 1.0) * (e[i] - 0.5 * m2sum * inv_rho);
    const double r = rho > rho_floor ? rho : rho_floor;
    const double pf = pr > p_floor ? pr : p_floor;
    const double cs = std::sqrt(gamma * pf / r);
    const double t0 = dx0 / (std::fabs(vx) + cs), t1 = dx1 / (std::fabs(vy) + cs), t2 = dx2 / (std::fabs(vz) + cs);
    double m = 1e300;
    m = a0 && t0 < m ? t0 : m;
    m = a1 && t1 < m ? t1 : m;
    m = a2 && t2 < m ? t2 : m;
    dt[i] = m;
  }
}

#undef TESSERA_ROW_INLINE

}  // namespace

void host_primitives(const EulerParams& p, const Range3& region, FieldView<double> u, FieldView<double> w,
                     Span3<std::uint8_t> status) {
  const int i0 = region.lo[0], n = region.extent(0), nscalar = p.nscalar;
  const double gamma = p.gamma, rho_floor = p.rho_floor, p_floor = p.p_floor;
  for_each_row_block(region, region.extent(1), [&](int j0, int j1, int k0, int k1) {
    for (int k = k0; k < k1; ++k)
      for (int j = j0; j < j1; ++j) {
        // Fast pass; a row where any cell needs a floor (or is not finite)
        // is redone cell by cell.
        const int special = primitives_row(n, &u(IDN, i0, j, k), &u(IM1, i0, j, k), &u(IM2, i0, j, k),
                                           &u(IM3, i0, j, k), &u(IEN, i0, j, k), &w(IDN, i0, j, k),
                                           &w(IVX, i0, j, k), &w(IVY, i0, j, k), &w(IVZ, i0, j, k),
                                           &w(IPR, i0, j, k), gamma, rho_floor, p_floor);
        if (special) {
          for (int i = i0; i < i0 + n; ++i) primitives_of_cell(p, u, w, status, i, j, k);
          continue;
        }
        for (int s = 0; s < nscalar; ++s) {
          const double* __restrict__ us = &u(5 + s, i0, j, k);
          double* __restrict__ ws = &w(5 + s, i0, j, k);
          const double* __restrict__ d = &u(IDN, i0, j, k);
          for (int i = 0; i < n; ++i) ws[i] = us[i] / d[i];
        }
      }
  });
}

double host_stable_dt(const EulerParams& p, RowScratch& scratch, FieldView<const double> u) {
  const Range3 own(p.n[0], p.n[1], p.n[2]);
  const int n = p.n[0], ny = p.n[1];
  // One minimum per row, then the minimum of those: min is exact in any
  // order (the cell values are never NaN: a NaN t fails t < m).
  const std::size_t rows = static_cast<std::size_t>(p.n[1]) * p.n[2];
  double* const row_min = reinterpret_cast<double*>(scratch.shared(rows * sizeof(double)));
  for_each_row_block(own, ny, scratch, thread_bytes(p, u.sy), [&](std::byte* ws, int j0, int j1, int k0, int k1) {
    double* const dt = reinterpret_cast<double*>(ws);
    for (int k = k0; k < k1; ++k)
      for (int j = j0; j < j1; ++j) {
        stable_dt_row(n, &u(IDN, 0, j, k), &u(IM1, 0, j, k), &u(IM2, 0, j, k), &u(IM3, 0, j, k), &u(IEN, 0, j, k),
                      dt, p.gamma, p.rho_floor, p.p_floor, p.dx, p.active);
        double m = 1e300;
        for (int i = 0; i < n; ++i) m = dt[i] < m ? dt[i] : m;
        row_min[static_cast<std::size_t>(k) * ny + j] = m;
      }
  });
  double m = 1e300;
  for (std::size_t r = 0; r < rows; ++r) m = row_min[r] < m ? row_min[r] : m;
  return m;
}

std::size_t host_stage_scratch_bytes(const EulerParams& p, std::int64_t sy, int threads) {
  return static_cast<std::size_t>(std::max(1, threads)) * thread_bytes(p, sy) +
         static_cast<std::size_t>(p.n[1]) * p.n[2] * sizeof(double);
}

void host_split_stage(const EulerParams& p, RowScratch& scratch, FieldView<const double> w, FieldView<const double> u0,
                      FieldView<const double> in, FieldView<double> out, double dt, double a, double b) {
  with_fv_scheme(p.recon, p.riemann, [&](auto recon, auto solver) {
    host_stage_by_limiter<decltype(recon)::value, decltype(solver)::value>(p, scratch, w, u0, in, out, dt, a, b);
  });
}

}  // namespace tessera::cfd
