// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/euler_problems.hpp"

#include <cmath>

#include "physics/hydro/state.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"

namespace tessera::cfd {

using namespace hydro;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Where cell (i, j, k) of this rank sits.
struct Geometry {
  double lower[3], dx[3];
  int offset[3];
  TESSERA_HD double centre(int axis, int idx) const { return lower[axis] + (offset[axis] + idx + 0.5) * dx[axis]; }
};

Geometry geometry_of(const CartesianLayout& layout) {
  Geometry g{};
  const auto& s = layout.spec();
  for (int a = 0; a < 3; ++a) {
    g.lower[a] = s.lower[a];
    g.dx[a] = (s.upper[a] - s.lower[a]) / s.cells[a];
    g.offset[a] = layout.owned().lo[a];
  }
  return g;
}

Range3 owned_cells(const CartesianLayout& layout) {
  const auto n = layout.local_cells();
  return Range3(n[0], n[1], n[2]);
}

void shock_tube(const deck::Deck& d, const CartesianLayout& layout, const Device& dev, FieldView<double> w) {
  const std::string ax = d.string("problem.axis");
  const int axis = ax == "x" ? 0 : ax == "y" ? 1 : 2;
  if (!layout.active(axis))
    throw d.error_at("problem.axis", "the tube runs along " + ax + ", but the grid has one cell along " + ax);
  const double x0 = d.real("problem.interface");
  auto l = d.reals("problem.left"), r = d.reals("problem.right");
  const double L[3] = {l[0], l[1], l[2]}, R[3] = {r[0], r[1], r[2]};
  const double ld = L[0], lu = L[1], lp = L[2], rd = R[0], ru = R[1], rp = R[2];
  const Geometry g = geometry_of(layout);
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    const int idx[3] = {i, j, k};
    const bool left = g.centre(axis, idx[axis]) < x0;
    w(IDN, i, j, k) = left ? ld : rd;
    w(IVX, i, j, k) = w(IVY, i, j, k) = w(IVZ, i, j, k) = 0.0;
    w(IVX + axis, i, j, k) = left ? lu : ru;
    w(IPR, i, j, k) = left ? lp : rp;
  });
}

// The deposition region of a Sedov blast: cell centres within r0 of the
// domain centre, measured over the active axes.
struct Blast {
  double centre[3];
  bool active[3];
  double r0;
  Geometry g;
  TESSERA_HD bool inside(int i, int j, int k) const {
    const double x = active[0] ? g.centre(0, i) - centre[0] : 0, y = active[1] ? g.centre(1, j) - centre[1] : 0,
                 z = active[2] ? g.centre(2, k) - centre[2] : 0;
    return x * x + y * y + z * z < r0 * r0;
  }
};

void sedov(const deck::Deck& d, const EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
           FieldView<double> w) {
  const std::string geom = d.string("problem.geometry");
  const int nu = geom == "spherical" ? 3 : geom == "cylindrical" ? 2 : 1;
  if (layout.dimensions() != nu)
    throw d.error_at("problem.geometry", geom + " blasts need a " + std::to_string(nu) + "-D grid, this one is " +
                                             std::to_string(layout.dimensions()) + "-D");
  const Geometry g = geometry_of(layout);
  double dxmax = 0, cell_volume = 1, centre[3];
  for (int a = 0; a < 3; ++a) {
    centre[a] = 0.5 * (cfg.lower[a] + cfg.upper[a]);
    if (layout.active(a)) {
      dxmax = g.dx[a] > dxmax ? g.dx[a] : dxmax;
      cell_volume *= g.dx[a];
    }
  }
  const double r0 = d.real("problem.radius") > 0 ? d.real("problem.radius") : 3.5 * dxmax;
  const Blast blast{{centre[0], centre[1], centre[2]}, {layout.active(0), layout.active(1), layout.active(2)}, r0, g};
  const std::int64_t local = reduce_sum(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    return static_cast<std::int64_t>(blast.inside(i, j, k));
  });
  const std::int64_t cells = collectives::sum(local);
  if (cells == 0) throw d.error_at("problem.radius", "the deposition region holds no cell centre");
  // The energy, spread as internal energy over the deposition cells.
  const double p_in = (cfg.gamma - 1.0) * d.real("problem.energy") / (static_cast<double>(cells) * cell_volume);
  const double rho0 = d.real("problem.ambient_density"), p0 = d.real("problem.ambient_pressure");
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    w(IDN, i, j, k) = rho0;
    w(IVX, i, j, k) = w(IVY, i, j, k) = w(IVZ, i, j, k) = 0.0;
    w(IPR, i, j, k) = blast.inside(i, j, k) ? p_in : p0;
  });
}

void vortex(const deck::Deck& d, const EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
            FieldView<double> w) {
  VortexSetup v;
  v.gamma = cfg.gamma;
  v.beta = d.real("problem.strength");
  auto c = d.reals("problem.center"), f = d.reals("problem.flow");
  v.xc = c[0], v.yc = c[1], v.ux = f[0], v.uy = f[1];
  v.lx = cfg.upper[0] - cfg.lower[0];
  v.ly = cfg.upper[1] - cfg.lower[1];
  const Geometry g = geometry_of(layout);
  if (cfg.scheme == Scheme::FiniteDifference) {
    // Finite differences evolve point values: the exact state at the centres.
    for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
      double pw[5];
      vortex_point(v, 0.0, g.centre(0, i), g.centre(1, j), pw);
      for (int c = 0; c < 5; ++c) w(c, i, j, k) = pw[c];
    });
    return;
  }
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    // Cell averages of the conserved variables by 3x3 Gauss-Legendre
    // quadrature, so high-order schemes start from the exact cell means.
    const double gp[3] = {-0.7745966692414834, 0.0, 0.7745966692414834}, gw[3] = {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};
    double cons[5] = {0, 0, 0, 0, 0};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        const double x = g.centre(0, i) + 0.5 * g.dx[0] * gp[a], y = g.centre(1, j) + 0.5 * g.dx[1] * gp[b];
        double pw[5];
        vortex_point(v, 0.0, x, y, pw);
        const double wt = 0.25 * gw[a] * gw[b];
        cons[0] += wt * pw[IDN];
        cons[1] += wt * pw[IDN] * pw[IVX];
        cons[2] += wt * pw[IDN] * pw[IVY];
        cons[4] += wt * (pw[IPR] / (v.gamma - 1.0) + 0.5 * pw[IDN] * (pw[IVX] * pw[IVX] + pw[IVY] * pw[IVY]));
      }
    // Back to primitives of the averaged conserved state.
    const double rho = cons[0], vx = cons[1] / rho, vy = cons[2] / rho;
    w(IDN, i, j, k) = rho;
    w(IVX, i, j, k) = vx;
    w(IVY, i, j, k) = vy;
    w(IVZ, i, j, k) = 0.0;
    w(IPR, i, j, k) = (v.gamma - 1.0) * (cons[4] - 0.5 * rho * (vx * vx + vy * vy));
  });
}

void kelvin_helmholtz(const deck::Deck& d, const CartesianLayout& layout, const Device& dev, FieldView<double> w) {
  // Lecoanet et al. (2016), ApJS 225, 7: shear layers at y = -0.5 and 0.5 in
  // [0, 1] x [-1, 1], a = 0.05, sigma = 0.2, P = 10, dye marking the layer.
  const double drho = d.real("problem.density_contrast"), amp = d.real("problem.amplitude");
  const Geometry g = geometry_of(layout);
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    const double x = g.centre(0, i), y = g.centre(1, j);
    const double a = 0.05, sigma = 0.2, y1 = -0.5, y2 = 0.5;
    const double shape = tanh((y - y1) / a) - tanh((y - y2) / a);
    w(IDN, i, j, k) = 1.0 + drho * 0.5 * shape;
    w(IVX, i, j, k) = shape - 1.0;
    w(IVY, i, j, k) = amp * sin(2 * kPi * x) * (exp(-(y - y1) * (y - y1) / (sigma * sigma)) + exp(-(y - y2) * (y - y2) / (sigma * sigma)));
    w(IVZ, i, j, k) = 0.0;
    w(IPR, i, j, k) = 10.0;
    w(5, i, j, k) = 0.5 * shape;
  });
}

void taylor_green(const deck::Deck& d, EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
                  FieldView<double> w) {
  // L = V0 = rho0 = 1 on [-pi, pi]^3; isothermal start.
  const double re = d.real("problem.reynolds"), mach = d.real("problem.mach");
  cfg.viscosity = 1.0 / re;
  const double p0 = 1.0 / (cfg.gamma * mach * mach);
  const Geometry g = geometry_of(layout);
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    const double x = g.centre(0, i), y = g.centre(1, j), z = g.centre(2, k);
    const double p = p0 + (cos(2 * x) + cos(2 * y)) * (cos(2 * z) + 2.0) / 16.0;
    w(IDN, i, j, k) = p / p0;
    w(IVX, i, j, k) = sin(x) * cos(y) * cos(z);
    w(IVY, i, j, k) = -cos(x) * sin(y) * cos(z);
    w(IVZ, i, j, k) = 0.0;
    w(IPR, i, j, k) = p;
  });
}

void shu_osher(const CartesianLayout& layout, const Device& dev, FieldView<double> w) {
  // Shu & Osher (1989): a Mach 3 shock at x = -4 running into a density wave.
  const Geometry g = geometry_of(layout);
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    const double x = g.centre(0, i);
    const bool post = x < -4.0;
    w(IDN, i, j, k) = post ? 3.857143 : 1.0 + 0.2 * sin(5.0 * x);
    w(IVX, i, j, k) = post ? 2.629369 : 0.0;
    w(IVY, i, j, k) = w(IVZ, i, j, k) = 0.0;
    w(IPR, i, j, k) = post ? 10.33333 : 1.0;
  });
}

void uniform(const deck::Deck& d, const CartesianLayout& layout, const Device& dev, FieldView<double> w) {
  const double rho = d.real("problem.density"), p = d.real("problem.pressure");
  auto v = d.reals("problem.velocity");
  const double vx = v[0], vy = v[1], vz = v[2];
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int k) {
    w(IDN, i, j, k) = rho;
    w(IVX, i, j, k) = vx;
    w(IVY, i, j, k) = vy;
    w(IVZ, i, j, k) = vz;
    w(IPR, i, j, k) = p;
  });
}

void density_wave(const deck::Deck& d, const EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
                  FieldView<double> w) {
  // rho = density + amplitude sin(2 pi (x - x_lower) / L_x) with uniform
  // velocity and pressure: an exact solution (advected at the velocity).
  // Point values for finite differences; exact cell averages for finite
  // volumes (the velocity and pressure of the averaged conserved state are
  // the uniform ones).
  const double rho0 = d.real("problem.density"), amp = d.real("problem.amplitude"), p = d.real("problem.pressure");
  auto v = d.reals("problem.velocity");
  const double vx = v[0], vy = v[1], vz = v[2];
  const double k = 2 * kPi / (cfg.upper[0] - cfg.lower[0]);
  const bool point = cfg.scheme == Scheme::FiniteDifference;
  const Geometry g = geometry_of(layout);
  for_each(dev, owned_cells(layout), [=] TESSERA_HD(int i, int j, int kk) {
    const double x = g.centre(0, i) - g.lower[0], h = g.dx[0];
    const double wave = point ? sin(k * x) : (cos(k * (x - 0.5 * h)) - cos(k * (x + 0.5 * h))) / (k * h);
    w(IDN, i, j, kk) = rho0 + amp * wave;
    w(IVX, i, j, kk) = vx;
    w(IVY, i, j, kk) = vy;
    w(IVZ, i, j, kk) = vz;
    w(IPR, i, j, kk) = p;
  });
}

}  // namespace

TESSERA_HD void vortex_point(const VortexSetup& v, double t, double x, double y, double w[5]) {
  // Nearest periodic image of the advected centre.
  double dx = x - (v.xc + v.ux * t), dy = y - (v.yc + v.uy * t);
  dx -= v.lx * floor(dx / v.lx + 0.5);
  dy -= v.ly * floor(dy / v.ly + 0.5);
  const double r2 = dx * dx + dy * dy;
  const double e = exp(0.5 * (1.0 - r2));
  const double du = v.beta / (2 * kPi) * e;
  const double temp = 1.0 - (v.gamma - 1.0) * v.beta * v.beta / (8.0 * v.gamma * kPi * kPi) * e * e;
  const double rho = pow(temp, 1.0 / (v.gamma - 1.0));
  w[IDN] = rho;
  w[IVX] = v.ux - du * dy;
  w[IVY] = v.uy + du * dx;
  w[IVZ] = 0.0;
  w[IPR] = rho * temp;
}

void initialize_problem(const deck::Deck& d, EulerConfig& cfg, const CartesianLayout& layout, const Device& dev,
                        FieldView<double> w) {
  const std::string& type = cfg.problem;
  if (type == "shock_tube") shock_tube(d, layout, dev, w);
  else if (type == "sedov") sedov(d, cfg, layout, dev, w);
  else if (type == "isentropic_vortex") vortex(d, cfg, layout, dev, w);
  else if (type == "kelvin_helmholtz") kelvin_helmholtz(d, layout, dev, w);
  else if (type == "taylor_green") taylor_green(d, cfg, layout, dev, w);
  else if (type == "shu_osher") shu_osher(layout, dev, w);
  else if (type == "density_wave") density_wave(d, cfg, layout, dev, w);
  else uniform(d, layout, dev, w);
}

}  // namespace tessera::cfd
