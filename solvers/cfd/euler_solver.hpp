#pragma once
// cfd.euler: compressible Euler and Navier-Stokes on a uniform Cartesian grid
// in 1-D, 2-D and 3-D, finite volumes with PCM/PLM/PPM/WENO5 reconstruction of
// primitive variables, HLLC/HLLE/Rusanov/Roe fluxes and SSP-RK2/RK3 in time,
// domain-decomposed with one MPI rank per GPU.
namespace tessera::cfd {

// Adds "cfd.euler" to the solver registry (idempotent).
void register_euler_solver();

}  // namespace tessera::cfd
