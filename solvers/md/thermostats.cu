// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/thermostats.hpp"

#include "runtime/for_each.hpp"

namespace tessera::md {

namespace {

constexpr double kTwoPi = 6.283185307179586;

// A standard normal and a Gamma(k, 1) variate from the counter-based
// generator, identical on every rank: the global thermostat draws.
struct GlobalDraws {
  CounterRng rng;
  std::uint64_t stream, k = 0;
  double uniform() { return rng.uniform(stream, k++); }
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }
  // Marsaglia & Tsang (2000), k >= 1.
  double gamma(double shape) {
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = uniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
};

void langevin_kernel(const Device& dev, const Particles& p, int vel, const std::int64_t* type, const double* type_mass,
                     std::uint64_t seed, std::int64_t step, double gamma, double kt, double dt, double ftm2v,
                     double mvv2e, double* fx, double* fy, double* fz) {
  const double *vx = p.real(vel, 0), *vy = p.real(vel, 1), *vz = p.real(vel, 2);
  const std::int64_t* id = p.id();
  const CounterRng rng{seed};
  const auto s = static_cast<std::uint64_t>(step);
  for_each(dev, p.owned(), [=] TESSERA_HD(int i) {
    const double mass = type_mass[type[i] - 1];
    const double friction = gamma * mass / ftm2v, amplitude = sqrt(2.0 * gamma * mass * kt / dt / mvv2e) / ftm2v;
    double g[4];
    for (int q = 0; q < 2; ++q) {
      // Box-Muller from two uniforms per pair of normals.
      const double u1 = 1.0 - rng.uniform(static_cast<std::uint64_t>(id[i]), 4 * s + 2 * q);
      const double u2 = rng.uniform(static_cast<std::uint64_t>(id[i]), 4 * s + 2 * q + 1);
      const double r = sqrt(-2.0 * log(u1));
      g[2 * q] = r * cos(kTwoPi * u2);
      g[2 * q + 1] = r * sin(kTwoPi * u2);
    }
    fx[i] += -friction * vx[i] + amplitude * g[0];
    fy[i] += -friction * vy[i] + amplitude * g[1];
    fz[i] += -friction * vz[i] + amplitude * g[2];
  });
}

}  // namespace

double BussiThermostat::rescale(double k, double dof, double kt, double dt, std::int64_t step) {
  const double target = 0.5 * dof * kt;
  if (k <= 0) return 1.0;
  GlobalDraws g{CounterRng{seed_}, ~std::uint64_t{0} - static_cast<std::uint64_t>(step)};
  const double c = std::exp(-dt / tau_), r1 = g.normal();
  const double rest = dof > 1 ? 2.0 * g.gamma(0.5 * (dof - 1)) : 0.0;
  const double alpha2 = c + (1 - c) * (rest + r1 * r1) * target / (dof * k) +
                        2 * r1 * std::sqrt(c * (1 - c) * target / (dof * k));
  const double sign = (r1 + std::sqrt(c * dof * k / ((1 - c) * target))) < 0 ? -1.0 : 1.0;
  const double alpha = sign * std::sqrt(std::max(alpha2, 0.0));
  work_ += k - alpha * alpha * k;
  return alpha;
}

void LangevinThermostat::add_forces(const Device& dev, const Particles& p, int vel, const std::int64_t* type,
                                    const double* type_mass, std::int64_t step, double kt, double dt,
                                    const UnitSystem& u, double* fx, double* fy, double* fz) const {
  langevin_kernel(dev, p, vel, type, type_mass, seed_, step, gamma_, kt, dt, u.ftm2v, u.mvv2e, fx, fy, fz);
}

}  // namespace tessera::md
