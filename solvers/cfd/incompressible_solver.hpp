#pragma once
// cfd.incompressible: incompressible Navier-Stokes with constant density on a
// uniform staggered (MAC) grid in 2-D and 3-D: energy-conserving central
// differences, low-storage RK3 (Wray) with one FFT pressure projection per
// stage, periodic / no-slip (moving) / free-slip faces, domain-decomposed
// with one MPI rank per GPU.
namespace tessera::cfd {

// Adds "cfd.incompressible" to the solver registry (idempotent).
void register_incompressible_solver();

}  // namespace tessera::cfd
