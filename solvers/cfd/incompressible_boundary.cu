// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/incompressible_boundary.hpp"

#include "runtime/for_each.hpp"

namespace tessera::cfd {

namespace {
// The slab of `box` at index `at` along axis a.
Range3 slab(const Range3& box, int a, int at) {
  Range3 r = box;
  r.lo[a] = at;
  r.hi[a] = at + 1;
  return r;
}
}  // namespace

void fill_velocity_walls(const Device& dev, const IncompParams& p, const Range3& box, FieldView<double> u) {
  for (int a = 0; a < 3; ++a) {
    if (!p.active[a]) continue;
    for (int side = 0; side < 2; ++side) {
      if (!p.wall[a][side]) continue;
      const int ghost = side == 0 ? -1 : p.n[a], inside = side == 0 ? 0 : p.n[a] - 1;
      const double w0 = p.wall_velocity[a][side][0], w1 = p.wall_velocity[a][side][1],
                   w2 = p.wall_velocity[a][side][2];
      const bool noslip = p.noslip[a][side];
      for_each(dev, slab(box, a, ghost), [=] TESSERA_HD(int i, int j, int k) {
        int in[3] = {i, j, k};
        in[a] = inside;
        const double wv[3] = {w0, w1, w2};
        for (int c = 0; c < 3; ++c) {
          if (c == a) {
            u(c, i, j, k) = 0.0;
            if (side == 1) u(c, in[0], in[1], in[2]) = 0.0;  // the wall face itself
          } else {
            const double v = u(c, in[0], in[1], in[2]);
            u(c, i, j, k) = noslip ? 2.0 * wv[c] - v : v;
          }
        }
      });
    }
  }
}

void fill_pressure_walls(const Device& dev, const IncompParams& p, const Range3& box, Span3<double> phi) {
  for (int a = 0; a < 3; ++a) {
    if (!p.active[a]) continue;
    for (int side = 0; side < 2; ++side) {
      if (!p.wall[a][side]) continue;
      const int ghost = side == 0 ? -1 : p.n[a], inside = side == 0 ? 0 : p.n[a] - 1;
      for_each(dev, slab(box, a, ghost), [=] TESSERA_HD(int i, int j, int k) {
        int in[3] = {i, j, k};
        in[a] = inside;
        phi(i, j, k) = phi(in[0], in[1], in[2]);
      });
    }
  }
}

void fill_scalar_walls(const Device& dev, const IncompParams& p, const Range3& box, FieldView<double> s, int components) {
  for (int a = 0; a < 3; ++a) {
    if (!p.active[a]) continue;
    for (int side = 0; side < 2; ++side) {
      if (!p.wall[a][side]) continue;
      const int ghost = side == 0 ? -1 : p.n[a], inside = side == 0 ? 0 : p.n[a] - 1;
      for_each(dev, slab(box, a, ghost), [=] TESSERA_HD(int i, int j, int k) {
        int in[3] = {i, j, k};
        in[a] = inside;
        for (int c = 0; c < components; ++c) s(c, i, j, k) = s(c, in[0], in[1], in[2]);
      });
    }
  }
}

}  // namespace tessera::cfd
