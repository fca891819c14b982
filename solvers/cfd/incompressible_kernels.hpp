#pragma once
// cfd.incompressible's kernels on the staggered (MAC) grid. Every field lives
// over the same local storage box (owned cells [0, n), one ghost layer on
// active axes); velocity component c of cell p sits on the cell's upper c-face
// (p + e_c / 2), pressure at the centre. So u_c(-1) on a lower wall and
// u_c(n-1) on an upper wall are the wall-normal faces (zero); the tangential
// components' ghosts mirror them about the wall.
#include <cstdint>

#include "runtime/device.hpp"
#include "runtime/macros.hpp"
#include "runtime/span.hpp"

namespace tessera::cfd {

// What the kernels capture (by value).
struct IncompParams {
  int n[3] = {1, 1, 1};       // owned cells of this rank
  int active[3] = {0, 0, 0};  // axis has more than one global cell
  double dx[3] = {1, 1, 1}, inv_dx[3] = {1, 1, 1}, inv_dx2[3] = {1, 1, 1};
  double nu = 0;
  int skew = 1;                         // skew-symmetric advection (else divergence form)
  int wall[3][2] = {};                  // this rank's face is a physical wall
  int noslip[3][2] = {};                // ... and a no-slip one (else free-slip)
  double wall_velocity[3][2][3] = {};   // tangential velocity of each wall
  double force[3] = {0, 0, 0};          // body force (-dp/dx)
  int nscalar = 0;                      // passive scalars
  double kappa = 0;                     // their diffusivity
};

// One low-storage RK3 stage (Wray): out = in + dt (gamma R(in) + zeta R_old),
// R_old = R(in), with R = -advection + nu lap + force (no pressure gradient:
// the projection follows). in's ghosts must be current; zeta = 0 ignores R_old.
void momentum_stage(const Device& dev, const IncompParams& p, FieldView<const double> in, FieldView<double> rold,
                    FieldView<double> out, double dt, double gamma, double zeta);

// The same stage for the cell-centred passive scalars, advected by the
// stage's velocity `u` in the same form as momentum and diffused with kappa
// (ghosts of u and s_in current; walls are zero-flux through their ghosts).
void scalar_stage(const Device& dev, const IncompParams& p, FieldView<const double> u, FieldView<const double> in,
                  FieldView<double> rold, FieldView<double> out, double dt, double gamma, double zeta);
double sum_scalar(const Device& dev, const IncompParams& p, FieldView<const double> s, int k);

// rhs = div(u) * scale on owned cells (u's ghosts current).
void divergence(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> rhs, double scale);
// u -= factor grad(phi) on owned faces (phi's ghosts current).
void correct_velocity(const Device& dev, const IncompParams& p, FieldView<double> u, Span3<const double> phi,
                      double factor);
// u_x += shift on owned faces.
void shift_velocity_x(const Device& dev, const IncompParams& p, FieldView<double> u, double shift);

// Local (this rank's) reductions over owned cells or faces.
double max_advective_rate(const Device& dev, const IncompParams& p, FieldView<const double> u);  // sum |u_a| / dx_a
double sum_velocity_squared(const Device& dev, const IncompParams& p, FieldView<const double> u);
double sum_velocity_x(const Device& dev, const IncompParams& p, FieldView<const double> u);
// Sum of |omega|^2 over cell edges, wall edges weighted 1/2 (trapezoid rule).
double sum_vorticity_squared(const Device& dev, const IncompParams& p, FieldView<const double> u);
double max_divergence(const Device& dev, const IncompParams& p, FieldView<const double> u);
double max_speed(const Device& dev, const IncompParams& p, FieldView<const double> u);
double max_difference(const Device& dev, const IncompParams& p, FieldView<const double> a, FieldView<const double> b);
// Sum over this rank's wall faces (y lower and upper) of nu |du/dy| at the
// wall, from the quadratic through the wall value and the first two cells.
double sum_wall_shear(const Device& dev, const IncompParams& p, FieldView<const double> u);

// Cell-centred output: velocity (3 components), |vorticity|, Q-criterion.
void cell_velocity(const Device& dev, const IncompParams& p, FieldView<const double> u, FieldView<double> out);
void cell_vorticity(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> out);
void cell_q_criterion(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> out);

}  // namespace tessera::cfd
