#pragma once
// nbody.direct: direct-summation softened gravity, O(N^2) per force pass,
// bodies split evenly over ranks and source blocks passed around a ring
// (systolic), each hop's transfer overlapping the force work on the block in
// hand. Kick-drift-kick leapfrog or 4th-order Hermite, global time step.
namespace tessera::nbody {

// Adds "nbody.direct" to the solver registry (idempotent).
void register_direct_solver();

}  // namespace tessera::nbody
