#include "solvers/nbody/initial_conditions.hpp"

#include <cmath>

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

double kepler_period(double m1, double m2, double a, double G) { return 2 * kPi * std::sqrt(a * a * a / (G * (m1 + m2))); }

double plummer_lagrangian_radius(double q) { return (3.0 * kPi / 16.0) / std::sqrt(std::pow(q, -2.0 / 3.0) - 1.0); }

}  // namespace tessera::nbody
