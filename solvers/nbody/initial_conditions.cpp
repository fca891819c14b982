#include "solvers/nbody/initial_conditions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/counter_rng.hpp"
#include "runtime/error.hpp"

namespace tessera::nbody {

namespace {
constexpr double kPi = 3.14159265358979323846;

// Draws for body i come from stream i; `k` counts them, so a rejection loop
// stays deterministic per body.
struct Draws {
  CounterRng rng;
  std::uint64_t body, k = 0;
  double next() { return rng.uniform(body, k++); }
};

void isotropic(Draws& d, double r, double& x, double& y, double& z) {
  const double cz = 1.0 - 2.0 * d.next(), phi = 2.0 * kPi * d.next();
  const double s = std::sqrt(std::max(0.0, 1.0 - cz * cz));
  x = r * s * std::cos(phi);
  y = r * s * std::sin(phi);
  z = r * cz;
}
}  // namespace

void Bodies::resize(std::size_t n) {
  for (auto* v : {&x, &y, &z, &vx, &vy, &vz, &m}) v->assign(n, 0.0);
}

void Bodies::to_centre_of_mass_frame() {
  double mt = 0, c[6] = {0, 0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < size(); ++i) {
    mt += m[i];
    c[0] += m[i] * x[i], c[1] += m[i] * y[i], c[2] += m[i] * z[i];
    c[3] += m[i] * vx[i], c[4] += m[i] * vy[i], c[5] += m[i] * vz[i];
  }
  for (auto& v : c) v /= mt;
  for (std::size_t i = 0; i < size(); ++i) {
    x[i] -= c[0], y[i] -= c[1], z[i] -= c[2];
    vx[i] -= c[3], vy[i] -= c[4], vz[i] -= c[5];
  }
}

Bodies plummer(std::int64_t n, std::uint64_t seed, double mass_cut) {
  Bodies b;
  b.resize(static_cast<std::size_t>(n));
  // Sample with scale length 1, then rescale lengths by 3 pi/16 and
  // velocities by its inverse square root: Henon units.
  const double length = 3.0 * kPi / 16.0, speed = 1.0 / std::sqrt(length);
  for (std::int64_t i = 0; i < n; ++i) {
    Draws d{CounterRng{seed}, static_cast<std::uint64_t>(i)};
    double mass_fraction = 0;
    do mass_fraction = mass_cut * d.next();
    while (mass_fraction <= 0);
    const double r = 1.0 / std::sqrt(std::pow(mass_fraction, -2.0 / 3.0) - 1.0);
    double x, y, z;
    isotropic(d, r, x, y, z);
    // Speed in units of the local escape speed, q, from g(q) = q^2 (1-q^2)^(7/2)
    // by rejection (its maximum is below 0.1).
    double q, g;
    do {
      q = d.next();
      g = 0.1 * d.next();
    } while (g > q * q * std::pow(1.0 - q * q, 3.5));
    const double v = q * std::sqrt(2.0) * std::pow(1.0 + r * r, -0.25);
    double vx, vy, vz;
    isotropic(d, v, vx, vy, vz);
    const auto k = static_cast<std::size_t>(i);
    b.x[k] = x * length, b.y[k] = y * length, b.z[k] = z * length;
    b.vx[k] = vx * speed, b.vy[k] = vy * speed, b.vz[k] = vz * speed;
    b.m[k] = 1.0 / static_cast<double>(n);
  }
  b.to_centre_of_mass_frame();
  return b;
}

Bodies cold_sphere(std::int64_t n, std::uint64_t seed, double radius) {
  Bodies b;
  b.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    Draws d{CounterRng{seed}, static_cast<std::uint64_t>(i)};
    double x, y, z;
    do {
      x = 2 * d.next() - 1, y = 2 * d.next() - 1, z = 2 * d.next() - 1;
    } while (x * x + y * y + z * z > 1.0);
    const auto k = static_cast<std::size_t>(i);
    b.x[k] = radius * x, b.y[k] = radius * y, b.z[k] = radius * z;
    b.m[k] = 1.0 / static_cast<double>(n);
  }
  b.to_centre_of_mass_frame();
  return b;
}

Bodies kepler(double m1, double m2, double a, double e, double G) {
  Bodies b;
  b.resize(2);
  const double mt = m1 + m2;
  // Relative orbit at apocentre: separation a (1 + e), speed from vis-viva.
  const double r = a * (1.0 + e), v = std::sqrt(G * mt * (1.0 - e) / (a * (1.0 + e)));
  b.m = {m1, m2};
  b.x = {-r * m2 / mt, r * m1 / mt};
  b.vy = {-v * m2 / mt, v * m1 / mt};
  return b;
}

Bodies plummer_pair(std::int64_t n, std::uint64_t seed, double mass_cut, double separation, double impact) {
  // Each sphere: half the bodies and half the mass; velocities scaled by
  // sqrt(1/2) so that each is in equilibrium at its own mass.
  const std::int64_t n1 = n / 2, n2 = n - n1;
  Bodies a = plummer(n1, seed, mass_cut), b = plummer(n2, seed ^ 0x9e3779b97f4a7c15ULL, mass_cut);
  // A parabolic approach of the two centres as point masses (G = M = 1).
  const double v = std::sqrt(2.0 / std::sqrt(separation * separation + impact * impact));
  const double s = std::sqrt(0.5);
  Bodies out;
  out.resize(static_cast<std::size_t>(n));
  auto place = [&](const Bodies& from, std::size_t at, double sign, double mass) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      out.x[at + i] = from.x[i] + sign * 0.5 * separation;
      out.y[at + i] = from.y[i] + sign * 0.5 * impact;
      out.z[at + i] = from.z[i];
      out.vx[at + i] = s * from.vx[i] - sign * 0.5 * v;
      out.vy[at + i] = s * from.vy[i];
      out.vz[at + i] = s * from.vz[i];
      out.m[at + i] = mass / static_cast<double>(from.size());
    }
  };
  place(a, 0, -1, 0.5);
  place(b, static_cast<std::size_t>(n1), +1, 0.5);
  out.to_centre_of_mass_frame();
  return out;
}

double hernquist_dispersion2(double r, double a) {
  // Hernquist (1990), eq. 10, with G = M = 1: the isotropic Jeans solution.
  const double x = r / a;
  const double s = (12 * x * std::pow(1 + x, 3) * std::log((1 + x) / x) -
                    x / (1 + x) * (25 + 52 * x + 42 * x * x + 12 * x * x * x)) /
                   (12 * a);
  return std::max(0.0, s);
}

namespace {
// Hernquist (1990), eq. 17, without its constant factor: the isotropic
// distribution function as a function of q = sqrt(a * binding energy) (G = M = 1).
// At small q the bracket cancels to 128/5 q^5 (its series), used below
// q = 1e-3 where the cancellation would cost more digits than the series' q^2 term.
double hernquist_df_shape(double q) {
  if (q <= 0) return 0;
  if (q >= 1) return std::numeric_limits<double>::infinity();
  const double q2 = q * q, s = std::sqrt(1 - q2);
  const double bracket = q < 1e-3 ? 25.6 * q2 * q2 * q
                                  : 3 * std::asin(q) + q * s * (1 - 2 * q2) * (8 * q2 * q2 - 8 * q2 - 3);
  return std::max(0.0, bracket) / (s * s * s * s * s);
}

// The speed density at radius r, v^2 f(E), up to a constant.
double hernquist_speed_density(double v, double r, double a) {
  const double binding = 1 / (r + a) - 0.5 * v * v;
  return binding <= 0 ? 0 : v * v * hernquist_df_shape(std::sqrt(a * binding));
}

// Its largest value over [0, v_esc): a grid, then golden-section search in the
// bracket around the grid's best (the density is unimodal in v).
double hernquist_speed_density_max(double r, double a) {
  const double vesc = std::sqrt(2 / (r + a));
  constexpr int kGrid = 32;
  int best = 0;
  double fbest = 0;
  for (int k = 1; k < kGrid; ++k) {
    const double f = hernquist_speed_density(vesc * k / kGrid, r, a);
    if (f > fbest) fbest = f, best = k;
  }
  double lo = vesc * (best - 1) / kGrid, hi = vesc * (best + 1) / kGrid;
  const double g = 0.5 * (std::sqrt(5.0) - 1);
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  double f1 = hernquist_speed_density(x1, r, a), f2 = hernquist_speed_density(x2, r, a);
  for (int it = 0; it < 60 && hi - lo > 1e-12 * vesc; ++it) {
    if (f1 < f2) lo = x1, x1 = x2, f1 = f2, x2 = lo + g * (hi - lo), f2 = hernquist_speed_density(x2, r, a);
    else hi = x2, x2 = x1, f2 = f1, x1 = hi - g * (hi - lo), f1 = hernquist_speed_density(x1, r, a);
  }
  return std::max({fbest, f1, f2});
}
}  // namespace

double hernquist_speed_cdf(double v, double r, double a) {
  // Simpson's rule on the speed density; its integrand vanishes at v = 0
  // and at the escape speed, where the density is smooth enough for 2000 panels.
  const double vesc = std::sqrt(2 / (r + a));
  auto integral = [&](double upper) {
    constexpr int kPanels = 2000;
    const double h = upper / kPanels;
    double sum = hernquist_speed_density(0, r, a) + hernquist_speed_density(upper, r, a);
    for (int k = 1; k < kPanels; ++k) sum += (k % 2 ? 4 : 2) * hernquist_speed_density(k * h, r, a);
    return sum * h / 3;
  };
  return integral(std::min(v, vesc)) / integral(vesc);
}

Bodies hernquist(std::int64_t n, std::uint64_t seed, double mass_cut, double a) {
  Bodies b;
  b.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    Draws d{CounterRng{seed}, static_cast<std::uint64_t>(i)};
    double q = 0;
    do q = mass_cut * d.next();
    while (q <= 0);
    // M(<r) = r^2 / (r + a)^2 inverted.
    const double sq = std::sqrt(q), r = a * sq / (1 - sq);
    double x, y, z;
    isotropic(d, r, x, y, z);
    // The speed from the model's own distribution function (not a Gaussian
    // of the Jeans dispersion, which is out of equilibrium and relaxes):
    // rejection from v^2 f(E) under its maximum at this radius, with 1 %
    // headroom over the search's maximum.
    const double vesc = std::sqrt(2 / (r + a)), ceiling = 1.01 * hernquist_speed_density_max(r, a);
    double v = 0;
    do v = vesc * d.next();
    while (ceiling * d.next() > hernquist_speed_density(v, r, a));
    double vx, vy, vz;
    isotropic(d, v, vx, vy, vz);
    const auto k = static_cast<std::size_t>(i);
    b.x[k] = x, b.y[k] = y, b.z[k] = z;
    b.vx[k] = vx, b.vy[k] = vy, b.vz[k] = vz;
    b.m[k] = 1.0 / static_cast<double>(n);
  }
  b.to_centre_of_mass_frame();
  return b;
}

double hernquist_lagrangian_radius(double q, double a) { return a * std::sqrt(q) / (1 - std::sqrt(q)); }

double kepler_period(double m1, double m2, double a, double G) { return 2 * kPi * std::sqrt(a * a * a / (G * (m1 + m2))); }

double plummer_lagrangian_radius(double q) { return (3.0 * kPi / 16.0) / std::sqrt(std::pow(q, -2.0 / 3.0) - 1.0); }

}  // namespace tessera::nbody
