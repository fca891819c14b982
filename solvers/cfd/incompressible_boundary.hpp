#pragma once
// Physical-wall ghosts of the staggered velocity and the pressure, after the
// halo exchange has filled the ghosts between ranks (and periodic ones).
// Axis by axis over the full storage box of the other axes, so edge and
// corner ghosts are filled from values already set.
//   wall-normal component: zero on the wall face (u_a(-1) below, u_a(n-1)
//     above; the ghost beyond an upper wall is zero too);
//   tangential components: mirrored about the wall, 2 u_wall - u_inside
//     (no-slip; the midpoint is the wall velocity) or u_inside (free-slip);
//   pressure (and the projection's potential): zero normal gradient.
#include "runtime/device.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/incompressible_kernels.hpp"

namespace tessera::cfd {

void fill_velocity_walls(const Device& dev, const IncompParams& p, const Range3& box, FieldView<double> u);
void fill_pressure_walls(const Device& dev, const IncompParams& p, const Range3& box, Span3<double> phi);
// Passive scalars (components of `s`): zero flux, ghosts copy the cell inside.
void fill_scalar_walls(const Device& dev, const IncompParams& p, const Range3& box, FieldView<double> s, int components);

}  // namespace tessera::cfd
