// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
// The fused Runge-Kutta stage of cfd.euler: one pass in which every cell
// computes the fluxes through its own faces (euler_faces.hpp) and writes its
// updated state. No flux arrays: per stage the grid is read as primitives once
// (neighbours come from cache) plus U0 and the stage input, and written once,
// about 40 % of the memory traffic of the split path (face fluxes written per
// axis, then read back by the update). The price is that each interior face
// is computed twice, once from each side; on GPUs, where the stage is
// memory-bound, that is the cheaper side of the trade.
#include "solvers/cfd/euler_faces.hpp"
#include "solvers/cfd/euler_kernels.hpp"

#include "physics/hydro/state.hpp"
#include "runtime/for_each.hpp"

namespace tessera::cfd {

using namespace hydro;

namespace detail {

template <Reconstruction R, RiemannSolver S>
void fused_stage(const Device& dev, const EulerParams& p, FieldView<const double> w, FieldView<const double> u0,
                 FieldView<const double> in, FieldView<double> out, double dt, double a, double b) {
  // The same dt / dx the split update uses, so both paths round alike.
  const double c0 = p.active[0] ? dt / p.dx[0] : 0.0, c1 = p.active[1] ? dt / p.dx[1] : 0.0,
               c2 = p.active[2] ? dt / p.dx[2] : 0.0;
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const double coef[3] = {c0, c1, c2};
    double du[5] = {0, 0, 0, 0, 0};
    double mass_lo[3] = {0, 0, 0}, mass_hi[3] = {0, 0, 0};
    TESSERA_UNROLL
    for (int axis = 0; axis < 3; ++axis) {
      if (coef[axis] == 0.0) continue;
      const int e0 = axis == 0, e1 = axis == 1, e2 = axis == 2;
      double lo[5], hi[5];
      fv_face_flux<R, S>(p, axis, w, i, j, k, lo);
      fv_face_flux<R, S>(p, axis, w, i + e0, j + e1, k + e2, hi);
      TESSERA_UNROLL
      for (int q = 0; q < 5; ++q) du[q] -= coef[axis] * (hi[q] - lo[q]);
      mass_lo[axis] = lo[IDN];
      mass_hi[axis] = hi[IDN];
    }
    TESSERA_UNROLL
    for (int q = 0; q < 5; ++q) {
      const double stage = in(q, i, j, k) + du[q];
      out(q, i, j, k) = a == 0.0 ? stage : a * u0(q, i, j, k) + b * stage;
    }
    for (int s = 0; s < p.nscalar; ++s) {
      double ds = 0;
      TESSERA_UNROLL
      for (int axis = 0; axis < 3; ++axis) {
        if (coef[axis] == 0.0) continue;
        const int e0 = axis == 0, e1 = axis == 1, e2 = axis == 2;
        const double lo = fv_scalar_flux<R>(p, axis, w, i, j, k, s, mass_lo[axis]);
        const double hi = fv_scalar_flux<R>(p, axis, w, i + e0, j + e1, k + e2, s, mass_hi[axis]);
        ds -= coef[axis] * (hi - lo);
      }
      const int c = 5 + s;
      const double stage = in(c, i, j, k) + ds;
      out(c, i, j, k) = a == 0.0 ? stage : a * u0(c, i, j, k) + b * stage;
    }
  });
}

}  // namespace detail

void fused_stage(const Device& dev, const EulerParams& p, FieldView<const double> w, FieldView<const double> u0,
                 FieldView<const double> in, FieldView<double> out, double dt, double a, double b) {
  with_fv_scheme(p.recon, p.riemann, [&](auto recon, auto solver) {
    detail::fused_stage<decltype(recon)::value, decltype(solver)::value>(dev, p, w, u0, in, out, dt, a, b);
  });
}

}  // namespace tessera::cfd
