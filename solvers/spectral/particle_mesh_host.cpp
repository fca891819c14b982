// Host-only (compiled as C++ in every build, like md/half_list_pairs.cpp):
// interpolation with vector lanes across particles.
#include "solvers/spectral/particle_mesh_host.hpp"

#include <cstring>

#include "runtime/device.hpp"
#include "runtime/for_each.hpp"
#include "solvers/spectral/particle_mesh.hpp"

namespace tessera::spectral::host_kernels {

namespace {

constexpr int kLanes = 8;  // particles per block: one AVX-512 vector of doubles, two AVX2 ones

typedef double Lanes __attribute__((vector_size(kLanes * sizeof(double))));
typedef std::int64_t Offsets __attribute__((vector_size(kLanes * sizeof(std::int64_t))));

inline Lanes load(const double* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline Offsets load(const std::int64_t* p) {
  Offsets v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline Lanes gather(const double* p, const Offsets& at) {
  Lanes v;
  for (int l = 0; l < kLanes; ++l) v[l] = p[at[l]];
  return v;
}

inline int wrap(int i, int n) {
  const int r = i % n;
  return r < 0 ? r + n : r;
}

template <int Order>
void interpolate_lanes(std::int64_t n, const InterpolationArgs& a) {
  const std::int64_t blocks = (n + kLanes - 1) / kLanes;
  const int nx = a.box.extent(0), ny = a.box.extent(1), nz = a.box.extent(2);
  const int lo[3] = {a.box.lo[0], a.box.lo[1], a.box.lo[2]};
  for_each(Device::host(), blocks, [&a, n, nx, ny, nz, lo](int block) {
    const std::int64_t first = static_cast<std::int64_t>(block) * kLanes;
    const int count = static_cast<int>(n - first < kLanes ? n - first : kLanes);
    // Per lane: weights and offsets of the stencil along each axis, lanes
    // fastest (a lane past the end repeats the block's first particle).
    alignas(64) double wx[Order][kLanes], wy[Order][kLanes], wz[Order][kLanes];
    alignas(64) std::int64_t ox[Order][kLanes], oy[Order][kLanes], oz[Order][kLanes];
    for (int l = 0; l < kLanes; ++l) {
      const std::int64_t i = first + (l < count ? l : 0);
      const StencilWeights sx = stencil_weights((a.x[i] - a.lower[0]) * a.inv_h[0], Order);
      const StencilWeights sy = stencil_weights((a.y[i] - a.lower[1]) * a.inv_h[1], Order);
      const StencilWeights sz = stencil_weights((a.z[i] - a.lower[2]) * a.inv_h[2], Order);
      for (int m = 0; m < Order; ++m) {
        wx[m][l] = sx.w[m], wy[m][l] = sy.w[m], wz[m][l] = sz.w[m];
        const int ii = a.wrapped ? wrap(sx.first + m, nx) : sx.first + m - lo[0];
        const int jj = a.wrapped ? wrap(sy.first + m, ny) : sy.first + m - lo[1];
        const int kk = a.wrapped ? wrap(sz.first + m, nz) : sz.first + m - lo[2];
        ox[m][l] = ii;
        oy[m][l] = static_cast<std::int64_t>(nx) * jj;
        oz[m][l] = static_cast<std::int64_t>(nx) * ny * kk;
      }
    }
    const double *ex = a.field[0], *ey = a.field[1], *ez = a.field[2];
    // The sums as whole vectors (GCC/Clang vector extensions: the compiler
    // keeps them in registers across the stencil, which it does not do for
    // an outer simd loop), element-wise operations only: each lane is its
    // particle's scalar arithmetic.
    Lanes sum_x = {}, sum_y = {}, sum_z = {};
    for (int c = 0; c < Order; ++c)
      for (int b = 0; b < Order; ++b) {
        const Lanes wbc = load(wz[c]) * load(wy[b]);
        const Offsets row = load(oz[c]) + load(oy[b]);
        for (int m = 0; m < Order; ++m) {
          const Lanes w = wbc * load(wx[m]);
          const Offsets at = row + load(ox[m]);
          sum_x += w * gather(ex, at);
          sum_y += w * gather(ey, at);
          sum_z += w * gather(ez, at);
        }
      }
    alignas(64) double ax[kLanes], ay[kLanes], az[kLanes];
    std::memcpy(ax, &sum_x, sizeof ax), std::memcpy(ay, &sum_y, sizeof ay), std::memcpy(az, &sum_z, sizeof az);
    for (int l = 0; l < count; ++l) {
      const std::int64_t i = first + l;
      const double f = a.scale * (a.q ? a.q[i] : 1.0);
      a.fx[i] += f * ax[l];
      a.fy[i] += f * ay[l];
      a.fz[i] += f * az[l];
    }
  });
}

}  // namespace

void interpolate_host(int order, std::int64_t n, const InterpolationArgs& a) {
  switch (order) {
    case 2: interpolate_lanes<2>(n, a); break;
    case 3: interpolate_lanes<3>(n, a); break;
    case 4: interpolate_lanes<4>(n, a); break;
    case 5: interpolate_lanes<5>(n, a); break;
    case 6: interpolate_lanes<6>(n, a); break;
    default: interpolate_lanes<7>(n, a); break;
  }
}

}  // namespace tessera::spectral::host_kernels
