// The Hernquist halo's velocities against its distribution function: given
// each body's radius, the fraction of the model's bodies there slower than
// it (the speed CDF from Hernquist 1990, eq. 17) must be uniform on [0, 1).
// A Gaussian of the Jeans dispersion, what the sampler drew before, has the
// right second moment but fails this (its speeds are too spread at small
// radii and reach the escape speed), so the test tells the two apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "solvers/nbody/initial_conditions.hpp"

using namespace tessera::nbody;

namespace {
// Kolmogorov-Smirnov distance of a sample from the uniform distribution.
double ks_uniform(std::vector<double> u) {
  std::sort(u.begin(), u.end());
  const double n = static_cast<double>(u.size());
  double d = 0;
  for (std::size_t i = 0; i < u.size(); ++i)
    d = std::max({d, static_cast<double>(i + 1) / n - u[i], u[i] - static_cast<double>(i) / n});
  return d;
}
}  // namespace

TEST(NbodyInitialConditions, HernquistSpeedsFollowTheDistributionFunction) {
  const double a = 1.5;
  const Bodies b = hernquist(6000, 31, 0.99, a);
  std::vector<double> u;
  std::vector<double> inner, outer;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const double r = std::sqrt(b.x[i] * b.x[i] + b.y[i] * b.y[i] + b.z[i] * b.z[i]);
    const double v = std::sqrt(b.vx[i] * b.vx[i] + b.vy[i] * b.vy[i] + b.vz[i] * b.vz[i]);
    const double c = hernquist_speed_cdf(v, r, a);
    u.push_back(c);
    (r < a ? inner : outer).push_back(c);
  }
  // The centre-of-mass shift moves speeds by ~1/sqrt(N) of the dispersion;
  // the 0.1 % critical value of the KS distance is 1.95 / sqrt(n).
  const double d = ks_uniform(u), crit = 1.95 / std::sqrt(static_cast<double>(u.size()));
  EXPECT_LT(d, crit) << "all bodies";
  EXPECT_LT(ks_uniform(inner), 1.95 / std::sqrt(static_cast<double>(inner.size()))) << inner.size() << " inside a";
  EXPECT_LT(ks_uniform(outer), 1.95 / std::sqrt(static_cast<double>(outer.size()))) << outer.size() << " outside a";
}

TEST(NbodyInitialConditions, HernquistSpeedCdfIsADistribution) {
  const double a = 1.0;
  for (double r : {0.01, 0.3, 1.0, 10.0}) {
    const double vesc = std::sqrt(2 / (r + a));
    EXPECT_EQ(hernquist_speed_cdf(0, r, a), 0.0);
    EXPECT_NEAR(hernquist_speed_cdf(vesc, r, a), 1.0, 1e-15);
    double last = 0;
    for (int k = 1; k <= 20; ++k) {
      const double c = hernquist_speed_cdf(vesc * k / 20, r, a);
      EXPECT_GE(c, last);
      last = c;
    }
    // Its second moment is the isotropic Jeans dispersion, 3 sigma^2 =
    // <v^2> (Hernquist 1990, eq. 10, an independent formula).
    double m2 = 0;
    constexpr int kSteps = 1000;
    for (int k = 0; k < kSteps; ++k) {
      const double v0 = vesc * k / kSteps, v1 = vesc * (k + 1) / kSteps;
      m2 += (hernquist_speed_cdf(v1, r, a) - hernquist_speed_cdf(v0, r, a)) * 0.25 * (v0 + v1) * (v0 + v1);
    }
    EXPECT_NEAR(m2 / (3 * hernquist_dispersion2(r, a)), 1.0, 2e-3) << "r = " << r;
  }
}
