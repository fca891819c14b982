// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/euler_kernels.hpp"

#include "solvers/cfd/euler_faces.hpp"
#include "solvers/cfd/euler_primitives.hpp"

#include <cmath>

#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "physics/reconstruct/reconstruction.hpp"
#include "physics/riemann/riemann.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"
#include "runtime/row_scratch.hpp"

namespace tessera::cfd {

using namespace hydro;

void compute_primitives(const Device& dev, const EulerParams& p, const Range3& region, FieldView<double> u,
                        FieldView<double> w, Span3<std::uint8_t> status) {
  if (!dev.is_cuda()) {
    host_primitives(p, region, u, w, status);  // the same cells, row by row (euler_host_stage.cpp)
    return;
  }
  for_each(dev, region, [=] TESSERA_HD(int i, int j, int k) { primitives_of_cell(p, u, w, status, i, j, k); });
}

// A fixed conserved state, captured by value into the boundary kernel.
struct InflowState {
  double v[5] = {0, 0, 0, 0, 0};
};

void apply_boundaries(const Device& dev, const EulerParams& p, const EulerConfig& cfg, const bool physical[3][2],
                      const Range3& storage, FieldView<double> u) {
  const int g = p.ghosts, nvar = p.nvar;
  for (int axis = 0; axis < 3; ++axis) {
    if (!p.active[axis]) continue;
    for (int side = 0; side < 2; ++side) {
      if (!physical[axis][side]) continue;
      const Boundary kind = cfg.boundary[axis][side];
      const int n = p.n[axis];
      Range3 slab = storage;
      slab.lo[axis] = side ? n : -g;
      slab.hi[axis] = side ? n + g : 0;
      InflowState inflow;
      if (kind == Boundary::Inflow) IdealGas{p.gamma}.prim_to_cons(cfg.inflow[axis][side], inflow.v);
      const int mom = IM1 + axis;
      for_each(dev, slab, [=] TESSERA_HD(int i, int j, int k) {
        int at[3] = {i, j, k};
        const int ghost = at[axis];
        int src = 0;
        double sign = 1.0;
        if (kind == Boundary::Outflow) {
          src = side ? n - 1 : 0;
        } else {  // reflecting mirrors about the face; inflow ignores src
          src = side ? 2 * n - 1 - ghost : -1 - ghost;
          sign = -1.0;
        }
        int from[3] = {i, j, k};
        from[axis] = src;
        for (int c = 0; c < nvar; ++c) {
          if (kind == Boundary::Inflow) {
            u(c, i, j, k) = c < 5 ? inflow.v[c] : 0.0;
          } else {
            const double v = u(c, from[0], from[1], from[2]);
            u(c, i, j, k) = (c == mom) ? sign * v : v;
          }
        }
      });
    }
  }
}

namespace {

// Conservative finite-difference WENO5 (Shu & Osher 1988, 1989; Jiang & Shu
// 1996) at face `at` (between cells at - 1 and at) from the point values of
// cells at - 3 .. at + 2: the fluxes split as f+- = (F(U) +- alpha U) / 2,
// alpha = max |v_n| + c over those six cells (local Lax-Friedrichs), and
// F = WENO5(f+, upwinded from cell at - 1) + WENO5(f-, upwinded from cell at),
// component by component (passive scalars as rho s).
TESSERA_HD inline void fd_weno5_flux(const EulerParams& p, int axis, FieldView<const double> w,
                                     FieldView<double> flux, int i, int j, int k) {
  const int vn = IVX + axis;
  int d[3] = {0, 0, 0};
  d[axis] = 1;
  const IdealGas eos{p.gamma};
  const int nvar = p.nvar;
  double alpha = 0;
  for (int o = -3; o < 3; ++o) {
    const int a = i + o * d[0], b = j + o * d[1], c = k + o * d[2];
    const double s = fabs(w(vn, a, b, c)) + eos.sound_speed(w(IDN, a, b, c), w(IPR, a, b, c));
    alpha = s > alpha ? s : alpha;
  }
  // fp[o], fm[o]: split fluxes of cell at - 3 + o, one variable at a time.
  for (int q = 0; q < nvar; ++q) {
    double fp[6], fm[6];
    for (int o = 0; o < 6; ++o) {
      const int s = o - 3;
      const int a = i + s * d[0], b = j + s * d[1], c = k + s * d[2];
      const double rho = w(IDN, a, b, c), un = w(vn, a, b, c);
      double uq, fq;
      if (q == IDN) {
        uq = rho;
        fq = rho * un;
      } else if (q < IEN) {
        uq = rho * w(IVX + (q - IM1), a, b, c);
        fq = uq * un + (q - IM1 == axis ? w(IPR, a, b, c) : 0.0);
      } else if (q == IEN) {
        const double vx = w(IVX, a, b, c), vy = w(IVY, a, b, c), vz = w(IVZ, a, b, c), pr = w(IPR, a, b, c);
        uq = pr / (p.gamma - 1.0) + 0.5 * rho * (vx * vx + vy * vy + vz * vz);
        fq = (uq + pr) * un;
      } else {
        uq = rho * w(q, a, b, c);
        fq = uq * un;
      }
      fp[o] = 0.5 * (fq + alpha * uq);
      fm[o] = 0.5 * (fq - alpha * uq);
    }
    double lo, hi, plus, minus;
    weno5(fp[0], fp[1], fp[2], fp[3], fp[4], lo, plus);   // upper face of cell at - 1
    weno5(fm[1], fm[2], fm[3], fm[4], fm[5], minus, hi);  // lower face of cell at
    flux(q, i, j, k) = plus + minus;
  }
}

}  // namespace

namespace detail {

template <Reconstruction R, RiemannSolver S>
void fv_face_fluxes(const Device& dev, const EulerParams& p, int axis, FieldView<const double> w,
                    FieldView<double> flux) {
  Range3 faces(p.n[0], p.n[1], p.n[2]);
  faces.hi[axis] += 1;
  for_each(dev, faces, [=] TESSERA_HD(int i, int j, int k) {
    double f[5];
    fv_face_flux<R, S>(p, axis, w, i, j, k, f);
    for (int q = 0; q < 5; ++q) flux(q, i, j, k) = f[q];
    for (int s = 0; s < p.nscalar; ++s) flux(5 + s, i, j, k) = fv_scalar_flux<R>(p, axis, w, i, j, k, s, f[IDN]);
  });
}

}  // namespace detail

void face_fluxes(const Device& dev, const EulerParams& p, int axis, FieldView<const double> w, FieldView<double> flux) {
  if (p.finite_difference) {
    Range3 faces(p.n[0], p.n[1], p.n[2]);
    faces.hi[axis] += 1;
    for_each(dev, faces, [=] TESSERA_HD(int i, int j, int k) {
      fd_weno5_flux(p, axis, w, flux, i, j, k);
      if (p.mu > 0) {
        double f[5];
        for (int q = 0; q < 5; ++q) f[q] = flux(q, i, j, k);
        subtract_viscous_flux(p, axis, w, i, j, k, f);
        for (int q = 0; q < 5; ++q) flux(q, i, j, k) = f[q];
      }
    });
    return;
  }
  with_fv_scheme(p.recon, p.riemann, [&](auto recon, auto solver) {
    detail::fv_face_fluxes<decltype(recon)::value, decltype(solver)::value>(dev, p, axis, w, flux);
  });
}

void runge_kutta_update(const Device& dev, const EulerParams& p, FieldView<const double> u0, FieldView<const double> in,
                        FieldView<double> out,
                        FieldView<const double> fx, FieldView<const double> fy, FieldView<const double> fz, double dt,
                        double a, double b) {
  const double cx = p.active[0] ? dt / p.dx[0] : 0.0, cy = p.active[1] ? dt / p.dx[1] : 0.0,
               cz = p.active[2] ? dt / p.dx[2] : 0.0;
  const int nvar = p.nvar;
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    for (int c = 0; c < nvar; ++c) {
      double du = 0;
      if (cx != 0.0) du -= cx * (fx(c, i + 1, j, k) - fx(c, i, j, k));
      if (cy != 0.0) du -= cy * (fy(c, i, j + 1, k) - fy(c, i, j, k));
      if (cz != 0.0) du -= cz * (fz(c, i, j, k + 1) - fz(c, i, j, k));
      const double stage = in(c, i, j, k) + du;
      out(c, i, j, k) = a == 0.0 ? stage : a * u0(c, i, j, k) + b * stage;
    }
  });
}

double local_stable_dt(const Device& dev, const EulerParams& p, FieldView<const double> u, RowScratch* host_scratch) {
  if (!dev.is_cuda() && !(p.mu > 0)) {  // the same values, vectorised rows
    if (host_scratch) return host_stable_dt(p, *host_scratch, u);
    RowScratch once;
    return host_stable_dt(p, once, u);
  }
  return reduce_min(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const IdealGas eos{p.gamma};
    double uc[5], wc[5];
    for (int c = 0; c < 5; ++c) uc[c] = u(c, i, j, k);
    eos.cons_to_prim(uc, wc);
    const double rho = wc[IDN] > p.rho_floor ? wc[IDN] : p.rho_floor;
    const double pr = wc[IPR] > p.p_floor ? wc[IPR] : p.p_floor;
    const double cs = eos.sound_speed(rho, pr);
    double dt = 1e300;
    double dx2 = 1e300;
    for (int a = 0; a < 3; ++a) {
      if (!p.active[a]) continue;
      const double v = fabs(wc[IVX + a]) + cs;
      const double t = p.dx[a] / v;
      dt = t < dt ? t : dt;
      dx2 = p.dx[a] * p.dx[a] < dx2 ? p.dx[a] * p.dx[a] : dx2;
    }
    if (p.mu > 0) {
      // Explicit diffusion: dt <= dx^2 / (2 d nu), nu the larger of the
      // kinematic viscosity and the thermal diffusivity.
      int dims = p.active[0] + p.active[1] + p.active[2];
      const double nu_t = p.kappa * (p.gamma - 1.0) / rho;
      const double nu = (p.mu / rho > nu_t ? p.mu / rho : nu_t);
      const double tv = dx2 / (2.0 * dims * nu);
      dt = tv < dt ? tv : dt;
    }
    return dt;
  });
}

}  // namespace tessera::cfd
