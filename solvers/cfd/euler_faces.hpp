#pragma once
// Finite-volume face fluxes of cfd.euler, written once and used by both
// update paths: the split one (face fluxes stored per axis, then the update)
// and the fused one (each cell computes the fluxes through its own faces and
// updates itself in the same pass). Both call the same function for a face,
// so the two paths agree bit for bit and a face shared by two cells gets the
// same flux from each side (conservation to round-off).
//
// The reconstruction and the Riemann solver are template parameters: each
// scheme pair is its own kernel, without a branch per face or the registers
// of the schemes not in use. with_fv_scheme() maps the deck's choice onto
// them.
#include <cstdint>
#include <type_traits>

#include "physics/hydro/state.hpp"
#include "physics/reconstruct/reconstruction.hpp"
#include "physics/riemann/riemann.hpp"
#include "runtime/macros.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/euler_kernels.hpp"

namespace tessera::cfd {

// Calls f(R, S) with std::integral_constant tags for the run's scheme pair.
template <class F>
void with_fv_scheme(hydro::Reconstruction r, hydro::RiemannSolver s, F&& f) {
  using hydro::Reconstruction;
  using hydro::RiemannSolver;
  auto by_solver = [&](auto recon) {
    switch (s) {
      case RiemannSolver::HLLC: f(recon, std::integral_constant<RiemannSolver, RiemannSolver::HLLC>{}); return;
      case RiemannSolver::HLLE: f(recon, std::integral_constant<RiemannSolver, RiemannSolver::HLLE>{}); return;
      case RiemannSolver::Rusanov: f(recon, std::integral_constant<RiemannSolver, RiemannSolver::Rusanov>{}); return;
      case RiemannSolver::Roe: f(recon, std::integral_constant<RiemannSolver, RiemannSolver::Roe>{}); return;
    }
  };
  switch (r) {
    case Reconstruction::PCM: by_solver(std::integral_constant<Reconstruction, Reconstruction::PCM>{}); return;
    case Reconstruction::PLM: by_solver(std::integral_constant<Reconstruction, Reconstruction::PLM>{}); return;
    case Reconstruction::PPM: by_solver(std::integral_constant<Reconstruction, Reconstruction::PPM>{}); return;
    case Reconstruction::WENO5: by_solver(std::integral_constant<Reconstruction, Reconstruction::WENO5>{}); return;
  }
}

// Left and right values at face `at` along an axis of one component: the
// upper face value of cell at - 1 and the lower face value of cell at. `w`
// points at component c of cell `at`, `stride` is the distance to the next
// cell along the axis. Only the cells the scheme reads are loaded, so the
// stencil never leaves the ghost layers.
template <hydro::Reconstruction R>
TESSERA_HD inline void face_values(const double* w, std::int64_t stride, hydro::Limiter lim, double& left, double& right) {
  using St = hydro::ReconstructionStencil<R>;
  double st[6] = {0, 0, 0, 0, 0, 0};  // cells at - 3 .. at + 2
  TESSERA_UNROLL
  for (int o = St::first; o <= St::last + 1; ++o) st[o] = w[(o - 3) * stride];
  double qm, qp;
  hydro::reconstruct<R>(lim, st, qm, qp);
  left = qp;
  hydro::reconstruct<R>(lim, st + 1, qm, qp);
  right = qm;
}

// Navier-Stokes: second-order central differences at face (i, j, k) normal to
// `axis`, subtracted from the inviscid flux f (conserved components, global
// frame).
TESSERA_HD inline void subtract_viscous_flux(const EulerParams& p, int axis, FieldView<const double> w, int i, int j,
                                             int k, double* f) {
  using namespace hydro;
  int d[3] = {0, 0, 0};
  d[axis] = 1;
  const int im = i - d[0], jm = j - d[1], km = k - d[2];
  double grad[3][3];  // grad[a][b] = d v_b / d x_a at the face
  for (int b = 0; b < 3; ++b) {
    for (int a = 0; a < 3; ++a) {
      if (!p.active[a]) {
        grad[a][b] = 0;
      } else if (a == axis) {
        grad[a][b] = (w(IVX + b, i, j, k) - w(IVX + b, im, jm, km)) / p.dx[a];
      } else {
        const int ea[3] = {a == 0, a == 1, a == 2};
        const double here = w(IVX + b, i + ea[0], j + ea[1], k + ea[2]) - w(IVX + b, i - ea[0], j - ea[1], k - ea[2]);
        const double there =
            w(IVX + b, im + ea[0], jm + ea[1], km + ea[2]) - w(IVX + b, im - ea[0], jm - ea[1], km - ea[2]);
        grad[a][b] = 0.25 * (here + there) / p.dx[a];
      }
    }
  }
  const double div = grad[0][0] + grad[1][1] + grad[2][2];
  double work = 0;
  for (int b = 0; b < 3; ++b) {
    const double tau = p.mu * (grad[axis][b] + grad[b][axis] - (b == axis ? 2.0 / 3.0 * div : 0.0));
    f[IM1 + b] -= tau;
    work += tau * 0.5 * (w(IVX + b, i, j, k) + w(IVX + b, im, jm, km));
  }
  const double t_here = w(IPR, i, j, k) / w(IDN, i, j, k), t_there = w(IPR, im, jm, km) / w(IDN, im, jm, km);
  f[IEN] -= work + p.kappa * (t_here - t_there) / p.dx[axis];
}

// Flux of the five conserved components (global frame) through the face of
// cell (i, j, k) at its lower side along `axis`: reconstruction of the
// primitives in the face-normal frame, first order where that overshoots to
// a non-physical state, the Riemann solver, the viscous terms.
template <hydro::Reconstruction R, hydro::RiemannSolver S>
TESSERA_HD inline void fv_face_flux(const EulerParams& p, int axis, FieldView<const double> w, int i, int j, int k,
                                    double* f) {
  using namespace hydro;
  const int comp[5] = {IDN, IVX + axis, IVX + (axis + 1) % 3, IVX + (axis + 2) % 3, IPR};
  const std::int64_t stride = axis == 0 ? 1 : axis == 1 ? w.sy : w.sz;
  double wl[5], wr[5], fr[5];
  TESSERA_UNROLL
  for (int q = 0; q < 5; ++q) face_values<R>(&w(comp[q], i, j, k), stride, p.limiter, wl[q], wr[q]);
  if (!(wl[IDN] > 0 && wr[IDN] > 0 && wl[IPR] > 0 && wr[IPR] > 0)) {
    TESSERA_UNROLL
    for (int q = 0; q < 5; ++q) {
      const double* c = &w(comp[q], i, j, k);
      wl[q] = c[-stride];
      wr[q] = c[0];
    }
  }
  riemann_flux<S>(wl, wr, p.gamma, fr);
  f[IDN] = fr[IDN];
  f[IM1 + axis] = fr[IM1];
  f[IM1 + (axis + 1) % 3] = fr[IM2];
  f[IM1 + (axis + 2) % 3] = fr[IM3];
  f[IEN] = fr[IEN];
  if (p.mu > 0) subtract_viscous_flux(p, axis, w, i, j, k, f);
}

// Flux of passive scalar s through the same face, upwinded by the mass flux.
template <hydro::Reconstruction R>
TESSERA_HD inline double fv_scalar_flux(const EulerParams& p, int axis, FieldView<const double> w, int i, int j, int k,
                                        int s, double mass_flux) {
  const std::int64_t stride = axis == 0 ? 1 : axis == 1 ? w.sy : w.sz;
  double left, right;
  face_values<R>(&w(5 + s, i, j, k), stride, p.limiter, left, right);
  return mass_flux * (mass_flux >= 0 ? left : right);
}

}  // namespace tessera::cfd
