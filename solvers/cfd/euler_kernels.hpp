#pragma once
// The kernels of cfd.euler, each one pass over the grid through runtime's
// for_each: primitives (with floors), boundary conditions, face fluxes per
// axis (reconstruction + Riemann solver + viscous terms), the Runge-Kutta
// update (or both fused into one pass per stage, euler_stage.cu), the
// stable time step and the diagnostics integrals.
#include <cstddef>
#include <cstdint>

#include "runtime/device.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/euler_config.hpp"

namespace tessera {
class RowScratch;  // runtime/row_scratch.hpp
}

namespace tessera::cfd {

// Everything a kernel needs, captured by value.
struct EulerParams {
  int n[3] = {1, 1, 1};        // owned cells per axis on this rank
  int active[3] = {0, 0, 0};   // 1 where the axis is in use
  int ghosts = 2;
  int nvar = 5, nscalar = 0;
  double dx[3] = {1, 1, 1};
  double gamma = 1.4, mu = 0, kappa = 0;
  double rho_floor = 1e-10, p_floor = 1e-10;
  hydro::Reconstruction recon = hydro::Reconstruction::PLM;
  hydro::Limiter limiter = hydro::Limiter::VanLeer;
  hydro::RiemannSolver riemann = hydro::RiemannSolver::HLLC;
  bool finite_difference = false;  // Scheme::FiniteDifference: point values, FD WENO5
};

// Status bits a primitive conversion leaves per cell (OR-ed over a step).
constexpr std::uint8_t kDensityFloor = 1, kPressureFloor = 2, kInvalid = 4;

// W = primitives of U over `region` (ghosts included); floors applied to both.
// `status` (uint8 over the storage box) collects what happened in owned cells.
void compute_primitives(const Device& dev, const EulerParams& p, const Range3& region, FieldView<double> u,
                        FieldView<double> w, Span3<std::uint8_t> status);

// Ghost layers beyond the physical faces of this rank, from U, axis by axis.
void apply_boundaries(const Device& dev, const EulerParams& p, const EulerConfig& cfg, const bool physical[3][2],
                      const Range3& storage, FieldView<double> u);

// Face fluxes along `axis` for faces 0..n (face i lies between cells i-1 and i).
// Finite volumes: reconstruction + Riemann solver; finite differences
// (p.finite_difference): WENO5 of the Lax-Friedrichs-split point fluxes.
void face_fluxes(const Device& dev, const EulerParams& p, int axis, FieldView<const double> w, FieldView<double> flux);

// out = a U0 + b (in + dt L(in)) over owned cells, L from the face fluxes of
// `in`. `in` may be `out` (later stages update in place); with a = 0 the first
// stage writes a fresh buffer and leaves U0 = in untouched.
void runge_kutta_update(const Device& dev, const EulerParams& p, FieldView<const double> u0, FieldView<const double> in,
                        FieldView<double> out,
                        FieldView<const double> fx, FieldView<const double> fy, FieldView<const double> fz, double dt,
                        double a, double b);

// The same stage in one pass (finite volumes only): each cell computes the
// fluxes through its own faces from W and updates itself; bit-for-bit the
// result of face_fluxes + runge_kutta_update without the flux arrays.
void fused_stage(const Device& dev, const EulerParams& p, FieldView<const double> w, FieldView<const double> u0,
                 FieldView<const double> in, FieldView<double> out, double dt, double a, double b);

// The split stage on the host backend (finite volumes only; euler_host_stage.cpp):
// the result of face_fluxes + runge_kutta_update bit for bit, computed row by
// row along x in vectorised loops, each face once, without flux arrays. Its
// row buffers live in `scratch` (the solver's: no allocation per step).
void host_split_stage(const EulerParams& p, RowScratch& scratch, FieldView<const double> w, FieldView<const double> u0,
                      FieldView<const double> in, FieldView<double> out, double dt, double a, double b);

// compute_primitives on the host backend, row by row along x (euler_host_stage.cpp).
void host_primitives(const EulerParams& p, const Range3& region, FieldView<double> u, FieldView<double> w,
                     Span3<std::uint8_t> status);

// local_stable_dt on the host backend for inviscid runs, row by row (euler_host_stage.cpp).
double host_stable_dt(const EulerParams& p, RowScratch& scratch, FieldView<const double> u);

// What `scratch` holds after host_split_stage and host_stable_dt on `threads`
// threads, W's row stride `sy` (the memory estimate).
std::size_t host_stage_scratch_bytes(const EulerParams& p, std::int64_t sy, int threads);

// The largest stable dt (before the CFL factor) over owned cells; the host's
// inviscid pass works in `host_scratch` (a temporary one if null).
double local_stable_dt(const Device& dev, const EulerParams& p, FieldView<const double> u,
                       RowScratch* host_scratch = nullptr);

}  // namespace tessera::cfd
