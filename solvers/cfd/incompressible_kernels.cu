// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/incompressible_kernels.hpp"

#include <cmath>

#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"

namespace tessera::cfd {

namespace {

TESSERA_HD inline double sq(double x) { return x * x; }

// Element strides of the three axes in a FieldView / Span3.
struct Strides {
  std::int64_t s[3];
};
template <class V>
Strides strides_of(const V& v) {
  return {{1, v.sy, v.sz}};
}

// dU_c/dt at the face of component c owned by the cell at offset o (index
// idx): body force - advection + nu lap(u_c). Advection in divergence form
// d(u_a u_c)/dx_a with midpoint interpolation, or skew-symmetric (the mean of
// divergence and advective u_a du_c/dx_a forms), both from Morinishi et al.
// (1998). Next to a no-slip wall the Laplacian's ghost comes from the
// quadratic through the wall value and the first two faces, so a parabolic
// profile (Poiseuille) is a discrete steady state; advection keeps the mirror
// ghost, whose midpoint value is the wall velocity.
//
// D > 0: the active axes are 0 .. D-1, known at compile time (the loops
// unroll, the axis tests vanish); D = 0: any axes (p.active). The same
// arithmetic in the same order either way.
template <int D>
TESSERA_HD inline double momentum_rhs(const IncompParams& p, const double* const* u, std::int64_t o,
                                      const Strides& st, int c, const int* idx) {
  const double* uc = u[c];
  const double c0 = uc[o];
  double conv = 0, lap = 0;
  for (int a = 0; a < (D > 0 ? D : 3); ++a) {
    if (D == 0 && !p.active[a]) continue;
    const std::int64_t sa = st.s[a];
    const double* ua = u[a];
    const double cp = uc[o + sa], cm = uc[o - sa];
    const double ap = 0.5 * (ua[o] + ua[o + st.s[c]]);
    const double am = 0.5 * (ua[o - sa] + ua[o - sa + st.s[c]]);
    const double div = (ap * 0.5 * (c0 + cp) - am * 0.5 * (cm + c0)) * p.inv_dx[a];
    if (p.skew) {
      const double adv = 0.5 * (ap * (cp - c0) + am * (c0 - cm)) * p.inv_dx[a];
      conv += 0.5 * (div + adv);
    } else {
      conv += div;
    }
    double lp = cp, lm = cm;
    if (a != c) {
      if (idx[a] == 0 && p.wall[a][0] && p.noslip[a][0]) lm = (4.0 * cm - 2.0 * c0 + cp) / 3.0;
      if (idx[a] == p.n[a] - 1 && p.wall[a][1] && p.noslip[a][1]) lp = (4.0 * cp - 2.0 * c0 + cm) / 3.0;
    }
    lap += (lp - 2.0 * c0 + lm) * p.inv_dx2[a];
  }
  return p.force[c] - conv + p.nu * lap;
}

// One cell's faces through one RK3 stage (see momentum_stage).
template <int D>
TESSERA_HD inline void update_faces(const IncompParams& p, const FieldView<const double>& in,
                                    const FieldView<double>& rold, const FieldView<double>& out, const Strides& st,
                                    int i, int j, int k, double dt, double gamma, double zeta) {
  const double* u[3] = {in.component(0), in.component(1), in.component(2)};
  const int idx[3] = {i, j, k};
  const std::int64_t o = in.offset(i, j, k);
  for (int c = 0; c < (D > 0 ? D : 3); ++c) {
    if (D == 0 && !p.active[c]) continue;
    double* r = rold.component(c) + o;
    if (p.wall[c][1] && idx[c] == p.n[c] - 1) {  // the upper wall's normal face: fixed
      out.component(c)[o] = 0.0;
      *r = 0.0;
      continue;
    }
    const double rhs = momentum_rhs<D>(p, u, o, st, c, idx);
    const double incr = zeta != 0.0 ? gamma * rhs + zeta * *r : gamma * rhs;
    out.component(c)[o] = u[c][o] + dt * incr;
    *r = rhs;
  }
}

template <int D>
void momentum_stage_for(const Device& dev, const IncompParams& p, FieldView<const double> in, FieldView<double> rold,
                        FieldView<double> out, double dt, double gamma, double zeta) {
  const Strides st = strides_of(in);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    update_faces<D>(p, in, rold, out, st, i, j, k, dt, gamma, zeta);
  });
}

}  // namespace

void momentum_stage(const Device& dev, const IncompParams& p, FieldView<const double> in, FieldView<double> rold,
                    FieldView<double> out, double dt, double gamma, double zeta) {
  if (p.active[0] && p.active[1] && p.active[2])
    momentum_stage_for<3>(dev, p, in, rold, out, dt, gamma, zeta);
  else if (p.active[0] && p.active[1] && !p.active[2])
    momentum_stage_for<2>(dev, p, in, rold, out, dt, gamma, zeta);
  else
    momentum_stage_for<0>(dev, p, in, rold, out, dt, gamma, zeta);
}

void scalar_stage(const Device& dev, const IncompParams& p, FieldView<const double> u, FieldView<const double> in,
                  FieldView<double> rold, FieldView<double> out, double dt, double gamma, double zeta) {
  const Strides st = strides_of(in);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = in.offset(i, j, k);
    for (int q = 0; q < p.nscalar; ++q) {
      const double* s = in.component(q);
      const double s0 = s[o];
      double conv = 0, lap = 0;
      for (int a = 0; a < 3; ++a) {
        if (!p.active[a]) continue;
        const std::int64_t sa = st.s[a];
        const double up = u.component(a)[o], um = u.component(a)[o - sa];
        const double sp = s[o + sa], sm = s[o - sa];
        const double div = (up * 0.5 * (s0 + sp) - um * 0.5 * (sm + s0)) * p.inv_dx[a];
        if (p.skew) {
          const double adv = 0.5 * (up * (sp - s0) + um * (s0 - sm)) * p.inv_dx[a];
          conv += 0.5 * (div + adv);
        } else {
          conv += div;
        }
        lap += (sp - 2.0 * s0 + sm) * p.inv_dx2[a];
      }
      const double rhs = p.kappa * lap - conv;
      double* r = rold.component(q) + o;
      const double incr = zeta != 0.0 ? gamma * rhs + zeta * *r : gamma * rhs;
      out.component(q)[o] = s0 + dt * incr;
      *r = rhs;
    }
  });
}

double sum_scalar(const Device& dev, const IncompParams& p, FieldView<const double> s, int k) {
  return reduce_sum(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int l) { return s(k, i, j, l); });
}

void divergence(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> rhs, double scale) {
  const Strides st = strides_of(u);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    double d = 0;
    for (int a = 0; a < 3; ++a)
      if (p.active[a]) d += (u.component(a)[o] - u.component(a)[o - st.s[a]]) * p.inv_dx[a];
    rhs(i, j, k) = d * scale;
  });
}

void correct_velocity(const Device& dev, const IncompParams& p, FieldView<double> u, Span3<const double> phi,
                      double factor) {
  const Strides st = strides_of(u);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    const double* f = &phi(i, j, k);
    for (int a = 0; a < 3; ++a)
      if (p.active[a]) u.component(a)[o] -= factor * (f[st.s[a]] - f[0]) * p.inv_dx[a];
  });
}

void shift_velocity_x(const Device& dev, const IncompParams& p, FieldView<double> u, double shift) {
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) { u(0, i, j, k) += shift; });
}

double max_advective_rate(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  const Strides st = strides_of(u);
  return reduce_max(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    double r = 0;
    for (int a = 0; a < 3; ++a)
      if (p.active[a]) {
        const double hi = std::fabs(u.component(a)[o]), lo = std::fabs(u.component(a)[o - st.s[a]]);
        r += (hi > lo ? hi : lo) * p.inv_dx[a];
      }
    return r;
  });
}

double sum_velocity_squared(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  return reduce_sum(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    return sq(u(0, i, j, k)) + sq(u(1, i, j, k)) + sq(u(2, i, j, k));
  });
}

double sum_velocity_x(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  return reduce_sum(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) { return u(0, i, j, k); });
}

double sum_vorticity_squared(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  const Strides st = strides_of(u);
  Range3 r(p.n[0], p.n[1], p.n[2]);
  for (int a = 0; a < 3; ++a)
    if (p.active[a] && p.wall[a][0]) r.lo[a] = -1;
  return reduce_sum(dev, r, [=] TESSERA_HD(int i, int j, int k) {
    const int idx[3] = {i, j, k};
    const std::int64_t o = u.offset(i, j, k);
    // Weight of this cell's edge position along axis d: a wall edge counts
    // half; cells below a lower wall own only the edges on it.
    auto weight = [&](int d, bool on_edge_axis) {
      if (idx[d] == -1) return on_edge_axis && p.wall[d][0] ? 0.5 : 0.0;
      if (on_edge_axis && p.wall[d][1] && idx[d] == p.n[d] - 1) return 0.5;
      return 1.0;
    };
    double total = 0;
    for (int a = 0; a < 3; ++a)
      for (int b = a + 1; b < 3; ++b) {
        if (!p.active[a] || !p.active[b]) continue;
        double w = 1;
        for (int d = 0; d < 3; ++d) w *= weight(d, d == a || d == b);
        if (w == 0.0) continue;
        const double om = (u.component(b)[o + st.s[a]] - u.component(b)[o]) * p.inv_dx[a] -
                          (u.component(a)[o + st.s[b]] - u.component(a)[o]) * p.inv_dx[b];
        total += w * om * om;
      }
    return total;
  });
}

double max_divergence(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  const Strides st = strides_of(u);
  return reduce_max(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    double d = 0;
    for (int a = 0; a < 3; ++a)
      if (p.active[a]) d += (u.component(a)[o] - u.component(a)[o - st.s[a]]) * p.inv_dx[a];
    return std::fabs(d);
  });
}

double max_speed(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  return reduce_max(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const double a = std::fabs(u(0, i, j, k)), b = std::fabs(u(1, i, j, k)), c = std::fabs(u(2, i, j, k));
    return a > b ? (a > c ? a : c) : (b > c ? b : c);
  });
}

double max_difference(const Device& dev, const IncompParams& p, FieldView<const double> a, FieldView<const double> b) {
  return reduce_max(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    double m = 0;
    for (int c = 0; c < 3; ++c) {
      const double d = std::fabs(a(c, i, j, k) - b(c, i, j, k));
      m = d > m ? d : m;
    }
    return m;
  });
}

double sum_wall_shear(const Device& dev, const IncompParams& p, FieldView<const double> u) {
  if (!p.active[1] || p.n[1] < 2) return 0.0;
  double total = 0;
  for (int side = 0; side < 2; ++side) {
    if (!p.wall[1][side]) continue;
    const int j0 = side == 0 ? 0 : p.n[1] - 1, j1 = side == 0 ? 1 : p.n[1] - 2;
    const double uw = p.wall_velocity[1][side][0];
    total += reduce_sum(dev, Range3(p.n[0], 1, p.n[2]), [=] TESSERA_HD(int i, int, int k) {
      const double g = (9.0 * u(0, i, j0, k) - u(0, i, j1, k) - 8.0 * uw) / 3.0 * p.inv_dx[1];
      return p.nu * std::fabs(g);
    });
  }
  return total;
}

void cell_velocity(const Device& dev, const IncompParams& p, FieldView<const double> u, FieldView<double> out) {
  const Strides st = strides_of(u);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    for (int a = 0; a < 3; ++a)
      out(a, i, j, k) = p.active[a] ? 0.5 * (u.component(a)[o] + u.component(a)[o - st.s[a]]) : u.component(a)[o];
  });
}

namespace {
// du_a/dx_b at the cell centre (a != b): the mean over the four edges around it.
TESSERA_HD inline double cell_gradient(const IncompParams& p, const FieldView<const double>& u, const Strides& st,
                                       std::int64_t o, int a, int b) {
  if (!p.active[a] || !p.active[b]) return 0.0;
  const double* ua = u.component(a);
  const std::int64_t sa = st.s[a], sb = st.s[b];
  const std::int64_t edges[4] = {o, o - sa, o - sb, o - sa - sb};
  double g = 0;
  for (int e = 0; e < 4; ++e) g += ua[edges[e] + sb] - ua[edges[e]];
  return 0.25 * g * p.inv_dx[b];
}
}  // namespace

void cell_vorticity(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> out) {
  const Strides st = strides_of(u);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    const double ox = cell_gradient(p, u, st, o, 2, 1) - cell_gradient(p, u, st, o, 1, 2);
    const double oy = cell_gradient(p, u, st, o, 0, 2) - cell_gradient(p, u, st, o, 2, 0);
    const double oz = cell_gradient(p, u, st, o, 1, 0) - cell_gradient(p, u, st, o, 0, 1);
    out(i, j, k) = std::sqrt(ox * ox + oy * oy + oz * oz);
  });
}

void cell_q_criterion(const Device& dev, const IncompParams& p, FieldView<const double> u, Span3<double> out) {
  const Strides st = strides_of(u);
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t o = u.offset(i, j, k);
    double g[3][3];
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b)
        g[a][b] = a == b ? (p.active[a] ? (u.component(a)[o] - u.component(a)[o - st.s[a]]) * p.inv_dx[a] : 0.0)
                         : cell_gradient(p, u, st, o, a, b);
    // Q = (|Omega|^2 - |S|^2) / 2 = -tr(G G) / 2.
    double q = 0;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) q -= 0.5 * g[a][b] * g[b][a];
    out(i, j, k) = q;
  });
}

}  // namespace tessera::cfd
