#pragma once
// The host form of ParticleMesh::add_interpolated (particle_mesh_host.cpp):
// eight particles at a time in vector lanes, so the three order^3-term sums
// that bound one particle (each a serial chain of adds, latency-bound when
// run one particle at a time) run eight side by side in vector registers.
// Each lane does its particle's arithmetic in the same order as the GPU
// kernel (particle_mesh.cu), so the results are the same bits (1.9x fewer
// cycles at order 5 on the 32k-atom melt). Internal to spectral/particle_mesh.
#include <array>
#include <cstdint>

#include "runtime/span.hpp"

namespace tessera::spectral::host_kernels {

struct InterpolationArgs {
  double lower[3], inv_h[3];  // mesh coordinate s = (x - lower) * inv_h
  const double *x, *y, *z, *q;
  double scale;
  double *fx, *fy, *fz;
  const double* field[3];  // dense over `box`
  Range3 box;
  bool wrapped;  // box is the whole periodic mesh: indices wrap
};

void interpolate_host(int order, std::int64_t n, const InterpolationArgs& a);

}  // namespace tessera::spectral::host_kernels
