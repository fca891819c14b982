// Gravity: the softening kernels (physics/gravity/softening.hpp) and the
// direct-summation force pass of nbody.direct (solvers/nbody/gravity_forces.hpp)
// on the backend TESSERA_DEVICE selects. On a CUDA device accumulate_gravity
// runs the tiled kernel, so every accuracy test below covers it there, and
// TiledMatchesPortable compares the two directly. Kernel bodies live in free
// functions: nvcc forbids extended lambdas inside gtest's private TestBody.
#include <gtest/gtest.h>
#include <omp.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "physics/gravity/softening.hpp"
#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/gravity_pair.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::gravity;
using tessera::nbody::accumulate_gravity;
using tessera::nbody::accumulate_gravity_portable;
using tessera::nbody::GravityParams;
using tessera::nbody::Precision;
using tessera::nbody::Sources;
using tessera::nbody::Targets;
using tessera::testing::test_device;

namespace {

// ---------------------------------------------------------------- softening

// eps for which the spline support h = 2.8 eps is 1 (u = r).
constexpr double kUnitSupportEps = 1.0 / kSplineSupportPerEps;

// Acceleration factor f and potential factor g of the cubic-spline density
// from Gauss's law, by quadrature of the density alone (independent of the
// closed forms in softening.hpp):
//   f(r) r^3 = M(<r),  g(r) = M(<r)/r + 4 pi int_r^h s W(s) ds,
// W = 8/(pi h^3) (1 - 6u^2 + 6u^3 | 2(1-u)^3 | 0), unit mass.
double spline_density(double r, double h) {
  const double u = r / h;
  const double c = 8.0 / (std::numbers::pi * h * h * h);
  if (u < 0.5) return c * (1 - 6 * u * u + 6 * u * u * u);
  if (u < 1) return c * 2 * (1 - u) * (1 - u) * (1 - u);
  return 0;
}

// Composite Simpson on [a, b] with n (even) intervals, split at the kernel's
// joins so each piece is a polynomial times s^k (Simpson is then very accurate).
template <class F>
double simpson(F f, double a, double b, int n = 2000) {
  if (b <= a) return 0;
  const double d = (b - a) / n;
  double sum = f(a) + f(b);
  for (int i = 1; i < n; ++i) sum += f(a + i * d) * (i % 2 ? 4 : 2);
  return sum * d / 3;
}
template <class F>
double integrate_pieces(F f, double a, double b, double h) {
  double total = 0, lo = a;
  for (double join : {0.5 * h, h, b}) {
    const double hi = join < b ? join : b;
    if (hi > lo) total += simpson(f, lo, hi);
    if (hi > lo) lo = hi;
  }
  return total;
}

struct GaussFactors {
  double f, g;
};
GaussFactors spline_by_gauss_law(double r, double h) {
  const double pi4 = 4 * std::numbers::pi;
  const double mass = integrate_pieces([&](double s) { return pi4 * s * s * spline_density(s, h); }, 0, r, h);
  const double shell = integrate_pieces([&](double s) { return pi4 * s * spline_density(s, h); }, r, h, h);
  return {mass / (r * r * r), mass / r + shell};
}

// ---------------------------------------------------------------- particles

struct Particles {
  std::vector<double> x, y, z, m;
  int n() const { return static_cast<int>(x.size()); }
};

// Uniform in a unit cube whose corner is at `offset` (off the origin, so that
// single precision needs its relative coordinates), masses in [0.5, 1.5] / n.
Particles random_particles(int n, unsigned seed, double offset = 10.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0.0, 1.0), mass(0.5, 1.5);
  Particles p;
  for (int i = 0; i < n; ++i) {
    p.x.push_back(offset + pos(rng));
    p.y.push_back(-offset + pos(rng));
    p.z.push_back(0.5 * offset + pos(rng));
    p.m.push_back(mass(rng) / n);
  }
  return p;
}

struct Field {
  std::vector<double> ax, ay, az, pot;
};

Field zero_field(int n) {
  return {std::vector<double>(n, 0.0), std::vector<double>(n, 0.0), std::vector<double>(n, 0.0),
          std::vector<double>(n, 0.0)};
}

Buffer<double> on_device(const Device& dev, const std::vector<double>& v) {
  Buffer<double> b(dev, v.size());
  b.copy_from_host(v);
  return b;
}

// Particles and the accumulated field on a device.
struct DeviceParticles {
  Buffer<double> x, y, z, m;
  DeviceParticles(const Device& dev, const Particles& p)
      : x(on_device(dev, p.x)), y(on_device(dev, p.y)), z(on_device(dev, p.z)), m(on_device(dev, p.m)) {}
  Sources sources(int begin, int end) const {
    return {x.data() + begin, y.data() + begin, z.data() + begin, m.data() + begin, end - begin};
  }
  Sources sources() const { return sources(0, static_cast<int>(x.size())); }
};

struct DeviceField {
  Buffer<double> ax, ay, az, pot;
  DeviceField(const Device& dev, const Field& f)
      : ax(on_device(dev, f.ax)), ay(on_device(dev, f.ay)), az(on_device(dev, f.az)), pot(on_device(dev, f.pot)) {}
  Targets targets(const DeviceParticles& p) {
    return {p.x.data(), p.y.data(), p.z.data(), static_cast<std::int64_t>(p.x.size()),
            ax.data(),  ay.data(),  az.data(),  pot.data()};
  }
  Field to_host() const { return {ax.to_host(), ay.to_host(), az.to_host(), pot.to_host()}; }
};

enum class Impl { Dispatch, Portable };

const char* name(Impl impl) { return impl == Impl::Dispatch ? "accumulate_gravity" : "accumulate_gravity_portable"; }

void run(Impl impl, const Device& dev, const GravityParams& p, const Sources& s, const Targets& t, bool same_set) {
  if (impl == Impl::Dispatch)
    accumulate_gravity(dev, p, s, t, same_set);
  else
    accumulate_gravity_portable(dev, p, s, t, same_set);
}

// The field on `tgt` from `src` (same_set: tgt is src), added to `start`;
// sources in the blocks [splits[b], splits[b+1]) one call each (empty: one call).
Field compute(Impl impl, const GravityParams& p, const Particles& src, const Particles& tgt, bool same_set,
              const std::vector<int>& splits = {}, const Field* start = nullptr) {
  const Device& dev = test_device();
  DeviceParticles ds(dev, src);
  DeviceParticles dt(dev, same_set ? src : tgt);
  DeviceField field(dev, start ? *start : zero_field(tgt.n()));
  const Targets t = field.targets(dt);
  if (splits.empty()) {
    run(impl, dev, p, ds.sources(), t, same_set);
  } else {
    for (std::size_t b = 0; b + 1 < splits.size(); ++b) run(impl, dev, p, ds.sources(splits[b], splits[b + 1]), t, false);
  }
  dev.synchronize();
  return field.to_host();
}

// Pair factors in long double from the published formulas as written
// (Plummer; the W2 of Springel, Yoshida & White 2001 for the spline),
// independent of the Horner forms in softening.hpp: phi = G m W2(u) / h and
// f = W2'(u) / (h^3 u).
struct LongFactors {
  long double f, g;
};
LongFactors reference_factors(Softening s, long double r2, long double eps) {
  if (s == Softening::Plummer) {
    const long double rinv = 1 / std::sqrt(r2 + eps * eps);
    return {rinv * rinv * rinv, rinv};
  }
  const long double h = static_cast<long double>(kSplineSupportPerEps) * eps, r = std::sqrt(r2);
  if (r >= h) return {1 / (r * r2), 1 / r};
  const long double u = r / h, u2 = u * u, u3 = u2 * u, u4 = u3 * u, u5 = u4 * u;
  long double w2, dw2_over_u;
  if (u < 0.5L) {
    w2 = 16.0L / 3 * u2 - 48.0L / 5 * u4 + 32.0L / 5 * u5 - 14.0L / 5;
    dw2_over_u = 32.0L / 3 - 192.0L / 5 * u2 + 32 * u3;
  } else {
    w2 = 1 / (15 * u) + 32.0L / 3 * u2 - 16 * u3 + 48.0L / 5 * u4 - 32.0L / 15 * u5 - 16.0L / 5;
    dw2_over_u = (-1 / (15 * u2) + 64.0L / 3 * u - 48 * u2 + 192.0L / 5 * u3 - 32.0L / 3 * u4) / u;
  }
  return {dw2_over_u / (h * h * h), -w2 / h};
}

// Brute force in long double.
Field brute_force(const GravityParams& p, const Particles& src, const Particles& tgt, bool same_set) {
  Field out = zero_field(tgt.n());
  const long double G = p.G, eps = p.eps;
  for (int i = 0; i < tgt.n(); ++i) {
    long double ax = 0, ay = 0, az = 0, pot = 0;
    for (int j = 0; j < src.n(); ++j) {
      if (same_set && i == j) continue;
      const long double dx = static_cast<long double>(src.x[j]) - tgt.x[i];
      const long double dy = static_cast<long double>(src.y[j]) - tgt.y[i];
      const long double dz = static_cast<long double>(src.z[j]) - tgt.z[i];
      const LongFactors pf = reference_factors(p.softening, dx * dx + dy * dy + dz * dz, eps);
      ax += src.m[j] * pf.f * dx;
      ay += src.m[j] * pf.f * dy;
      az += src.m[j] * pf.f * dz;
      pot += src.m[j] * pf.g;
    }
    out.ax[i] = static_cast<double>(G * ax);
    out.ay[i] = static_cast<double>(G * ay);
    out.az[i] = static_cast<double>(G * az);
    out.pot[i] = static_cast<double>(-G * pot);
  }
  return out;
}

// |a - b| / |b| for the accelerations (one 3N vector) and for the potentials;
// the larger of the two.
double relative_difference(const Field& a, const Field& b) {
  long double da = 0, na = 0, dp = 0, np = 0;
  for (std::size_t i = 0; i < b.ax.size(); ++i) {
    const long double ex = a.ax[i] - b.ax[i], ey = a.ay[i] - b.ay[i], ez = a.az[i] - b.az[i];
    da += ex * ex + ey * ey + ez * ez;
    na += static_cast<long double>(b.ax[i]) * b.ax[i] + static_cast<long double>(b.ay[i]) * b.ay[i] +
          static_cast<long double>(b.az[i]) * b.az[i];
    const long double ep = a.pot[i] - b.pot[i];
    dp += ep * ep;
    np += static_cast<long double>(b.pot[i]) * b.pot[i];
  }
  const double ra = static_cast<double>(std::sqrt(da / na)), rp = static_cast<double>(std::sqrt(dp / np));
  return ra > rp ? ra : rp;
}

std::string describe(Impl impl, const GravityParams& p, bool same_set, int ns, int nt) {
  return std::string(name(impl)) + (p.precision == Precision::Single ? " single" : " double") +
         (p.softening == Softening::Spline ? " spline" : " plummer") + (same_set ? " same_set" : " distinct") +
         " sources " + std::to_string(ns) + " targets " + std::to_string(nt);
}

GravityParams params(Precision prec, Softening soft, double G = 1.0, double eps = 0.01) {
  GravityParams p;
  p.G = G;
  p.eps = eps;
  p.softening = soft;
  p.precision = prec;
  return p;
}

// Measured on the host backend: double ~1e-16, single ~1e-7 (float pair
// arithmetic, positions relative to a block origin inside a unit cube).
constexpr double kDoubleTolerance = 1e-13;
constexpr double kSingleTolerance = 2e-6;

}  // namespace

// ---------------------------------------------------------------- softening tests

TEST(Softening, PlummerHandValues) {
  // r^2 = 3, eps = 1: r^2 + eps^2 = 4.
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(1.0)(3.0).f, 0.125);
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(1.0)(3.0).g, 0.5);
  EXPECT_FLOAT_EQ(PlummerKernel<float>(1.0f)(3.0f).f, 0.125f);
  EXPECT_FLOAT_EQ(PlummerKernel<float>(1.0f)(3.0f).g, 0.5f);
  // r = 0: a finite central potential 1/eps and force factor eps^-3.
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(0.5)(0.0).f, 8.0);
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(0.5)(0.0).g, 2.0);
  // The run-time choice gives the same.
  EXPECT_DOUBLE_EQ(force_factor(Softening::Plummer, 3.0, 1.0), 0.125);
  EXPECT_DOUBLE_EQ(potential_factor(Softening::Plummer, 3.0, 1.0), 0.5);
  // eps = 0 is Newtonian.
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(0.0)(4.0).f, 0.125);
  EXPECT_DOUBLE_EQ(PlummerKernel<double>(0.0)(4.0).g, 0.5);
}

TEST(Softening, SplineHandValues) {
  // h = 1 (u = r): values of the closed forms with exact rational arithmetic.
  struct Case {
    double r, f, g;
  };
  const Case cases[] = {
      {0.0, 32.0 / 3.0, 14.0 / 5.0},        // centre: g(0) = 2.8/h = 1/eps, Plummer's central potential
      {0.25, 263.0 / 30.0, 1199.0 / 480.0},  // inner polynomial
      {0.5, 76.0 / 15.0, 28.0 / 15.0},       // the join
      {0.75, 1843.0 / 810.0, 383.0 / 288.0},  // outer polynomial
      {1.0, 1.0, 1.0},                        // support: Newtonian
      {2.0, 0.125, 0.5},
  };
  const SplineKernel<double> kd(kUnitSupportEps);
  const SplineKernel<float> kf(static_cast<float>(kUnitSupportEps));
  for (const Case& c : cases) {
    SCOPED_TRACE("r = " + std::to_string(c.r));
    EXPECT_NEAR(kd(c.r * c.r).f, c.f, 1e-14 * c.f);
    EXPECT_NEAR(kd(c.r * c.r).g, c.g, 1e-14 * c.g);
    EXPECT_NEAR(kf(static_cast<float>(c.r * c.r)).f, c.f, 1e-6 * c.f);
    EXPECT_NEAR(kf(static_cast<float>(c.r * c.r)).g, c.g, 1e-6 * c.g);
  }
  EXPECT_NEAR(SplineKernel<double>(0.01)(0.0).g, 100.0, 1e-12);
}

TEST(Softening, SplineIsNewtonianBeyondSupport) {
  const double eps = 0.01, h = kSplineSupportPerEps * eps;
  const SplineKernel<double> kd(eps);
  const SplineKernel<float> kf(static_cast<float>(eps));
  for (double r : {h * (1 + 1e-15), h * 1.000001, 1.5 * h, 2 * h, 10 * h, 1e3 * h, 1e6 * h}) {
    SCOPED_TRACE("r/h = " + std::to_string(r / h));
    const double r2 = r * r;
    if (!(r2 >= kd.h2)) continue;  // rounding put r^2 below h^2: not beyond the support
    // Bit for bit the unsoftened branch...
    EXPECT_EQ(kd(r2).f, newtonian(r2).f);
    EXPECT_EQ(kd(r2).g, newtonian(r2).g);
    const float r2f = static_cast<float>(r2);
    if (r2f >= kf.h2) {
      EXPECT_EQ(kf(r2f).f, newtonian(r2f).f);
      EXPECT_EQ(kf(r2f).g, newtonian(r2f).g);
    }
    // ...which is 1/r^3 and 1/r to round-off.
    const long double rl = std::sqrt(static_cast<long double>(r2));
    EXPECT_NEAR(kd(r2).f, static_cast<double>(1 / (rl * rl * rl)), 1e-15 / (r * r * r));
    EXPECT_NEAR(kd(r2).g, static_cast<double>(1 / rl), 1e-15 / r);
  }
  // eps = 0: Newtonian everywhere.
  EXPECT_EQ(SplineKernel<double>(0.0)(1e-6).f, newtonian(1e-6).f);
}

TEST(Softening, SplineIsContinuousAtJoins) {
  const double eps = 0.02, h = kSplineSupportPerEps * eps;
  const SplineKernel<double> k(eps);
  auto g = [&](double r) { return k(r * r).g; };
  auto f = [&](double r) { return k(r * r).f; };
  for (double r0 : {0.5 * h, h}) {
    SCOPED_TRACE("r0/h = " + std::to_string(r0 / h));
    // Values: a jump would show as a difference of O(1) across r0 +- 1e-9 r0.
    const double d = 1e-9 * r0;
    EXPECT_NEAR(g(r0 - d), g(r0 + d), 1e-8 * g(r0));
    EXPECT_NEAR(f(r0 - d), f(r0 + d), 1e-8 * f(r0));
    // First derivative of the potential: one-sided difference quotients from
    // each side agree to O(step).
    const double step = 1e-6 * r0;
    const double left = (g(r0 - step) - g(r0 - 2 * step)) / step;
    const double right = (g(r0 + 2 * step) - g(r0 + step)) / step;
    EXPECT_NEAR(left, right, 1e-4 * std::fabs(right));
    // ...and both equal -f r there (force continuous).
    EXPECT_NEAR(right, -f(r0) * r0, 1e-4 * std::fabs(right));
  }
}

TEST(Softening, ForceIsMinusPotentialGradient) {
  const double eps = 0.05, h = kSplineSupportPerEps * eps;
  for (Softening s : {Softening::Plummer, Softening::Spline}) {
    SCOPED_TRACE(s == Softening::Spline ? "spline" : "plummer");
    auto g = [&](double r) { return potential_factor(s, r * r, eps); };
    // Away from the joins (u = 1/2, 1), where g''' jumps.
    for (double u : {0.03, 0.1, 0.27, 0.43, 0.61, 0.8, 0.95, 1.3, 2.0, 7.0}) {
      const double r = u * h, d = 1e-5 * r;
      const double dgdr = (g(r + d) - g(r - d)) / (2 * d);
      EXPECT_NEAR(dgdr, -force_factor(s, r * r, eps) * r, 1e-8 * std::fabs(dgdr)) << "u = " << u;
    }
  }
}

TEST(Softening, SplineObeysGaussLawForItsDensity) {
  const double h = 1.0;
  const SplineKernel<double> k(h / kSplineSupportPerEps);
  // The kernel has unit mass.
  EXPECT_NEAR(spline_by_gauss_law(h, h).f, 1.0, 1e-12);
  for (double r : {0.05, 0.2, 0.37, 0.5, 0.66, 0.9, 0.999, 1.0, 1.4}) {
    SCOPED_TRACE("r/h = " + std::to_string(r));
    const GaussFactors ref = spline_by_gauss_law(r, h);
    EXPECT_NEAR(k(r * r).f, ref.f, 1e-10 * ref.f);
    EXPECT_NEAR(k(r * r).g, ref.g, 1e-10 * ref.g);
  }
}

// ---------------------------------------------------------------- force pass

TEST(Gravity, MatchesLongDoubleBruteForce) {
  const Particles a = random_particles(1000, 11), b = random_particles(1537, 12);
  struct Setup {
    const Particles* src;
    const Particles* tgt;
    bool same_set;
  };
  const Setup setups[] = {{&a, &b, false}, {&b, &a, false}, {&b, &b, true}, {&a, &a, true}};
  for (Softening soft : {Softening::Plummer, Softening::Spline}) {
    for (const Setup& su : setups) {
      const GravityParams ref_params = params(Precision::Double, soft, 0.7, 0.01);
      const Field ref = brute_force(ref_params, *su.src, *su.tgt, su.same_set);
      for (Precision prec : {Precision::Double, Precision::Single}) {
        for (Impl impl : {Impl::Dispatch, Impl::Portable}) {
          const GravityParams p = params(prec, soft, 0.7, 0.01);
          SCOPED_TRACE(describe(impl, p, su.same_set, su.src->n(), su.tgt->n()));
          const Field got = compute(impl, p, *su.src, *su.tgt, su.same_set);
          EXPECT_LT(relative_difference(got, ref), prec == Precision::Double ? kDoubleTolerance : kSingleTolerance);
        }
      }
    }
  }
}

TEST(Gravity, NewtonsThirdLaw) {
  const Particles p = random_particles(1537, 21);
  for (Softening soft : {Softening::Plummer, Softening::Spline}) {
    for (Impl impl : {Impl::Dispatch, Impl::Portable}) {
      const GravityParams gp = params(Precision::Double, soft);
      SCOPED_TRACE(describe(impl, gp, true, p.n(), p.n()));
      const Field f = compute(impl, gp, p, p, true);
      long double fx = 0, fy = 0, fz = 0, scale = 0;
      for (int i = 0; i < p.n(); ++i) {
        fx += p.m[i] * f.ax[i];
        fy += p.m[i] * f.ay[i];
        fz += p.m[i] * f.az[i];
        scale += p.m[i] * std::sqrt(static_cast<long double>(f.ax[i]) * f.ax[i] + f.ay[i] * f.ay[i] + f.az[i] * f.az[i]);
      }
      const double net = static_cast<double>(std::sqrt(fx * fx + fy * fy + fz * fz) / scale);
      EXPECT_LT(net, 1e-13);
    }
  }
}

TEST(Gravity, SplitSourcesEqualOneCall) {
  // The ring adds the sources of each hop separately.
  const Particles src = random_particles(1537, 31), tgt = random_particles(1000, 32);
  const std::vector<int> splits = {0, 400, 1111, 1537};
  for (Softening soft : {Softening::Plummer, Softening::Spline}) {
    for (Precision prec : {Precision::Double, Precision::Single}) {
      for (Impl impl : {Impl::Dispatch, Impl::Portable}) {
        const GravityParams p = params(prec, soft);
        SCOPED_TRACE(describe(impl, p, false, src.n(), tgt.n()));
        const Field whole = compute(impl, p, src, tgt, false);
        const Field parts = compute(impl, p, src, tgt, false, splits);
        // Single precision sums tiles in float: other tile boundaries, other round-off.
        EXPECT_LT(relative_difference(parts, whole), prec == Precision::Double ? 1e-14 : kSingleTolerance);
      }
    }
  }
}

TEST(Gravity, AddsToExistingValues) {
  const Particles p = random_particles(333, 41);
  Field start = zero_field(p.n());
  for (int i = 0; i < p.n(); ++i) {
    start.ax[i] = 1.0 + i;
    start.ay[i] = -2.0;
    start.az[i] = 0.5 * i;
    start.pot[i] = 3.0;
  }
  for (Impl impl : {Impl::Dispatch, Impl::Portable}) {
    SCOPED_TRACE(name(impl));
    const GravityParams gp = params(Precision::Double, Softening::Plummer);
    const Field fresh = compute(impl, gp, p, p, true);
    const Field added = compute(impl, gp, p, p, true, {}, &start);
    for (int i = 0; i < p.n(); ++i) {
      EXPECT_NEAR(added.ax[i], start.ax[i] + fresh.ax[i], 1e-12 * (1 + std::fabs(fresh.ax[i]) + std::fabs(start.ax[i])));
      EXPECT_NEAR(added.pot[i], start.pot[i] + fresh.pot[i], 1e-12 * (1 + std::fabs(fresh.pot[i]) + 3.0));
    }
  }
}

TEST(Gravity, CoincidentAndUnsoftenedPairs) {
  // Two distinct particles at one point: zero force, potential -G m / eps for
  // both kernels (the spline's central potential equals Plummer's); a third
  // at distance 2 with eps = 0 (Newtonian) in same_set mode has no self term.
  Particles p;
  p.x = {1.0, 1.0, 3.0};
  p.y = {2.0, 2.0, 2.0};
  p.z = {-1.0, -1.0, -1.0};
  p.m = {0.25, 0.25, 0.5};
  for (Precision prec : {Precision::Double, Precision::Single}) {
    for (Impl impl : {Impl::Dispatch, Impl::Portable}) {
      const double tol = prec == Precision::Double ? 1e-14 : 1e-6;
      for (Softening soft : {Softening::Plummer, Softening::Spline}) {
        const GravityParams gp = params(prec, soft, 2.0, 0.1);
        SCOPED_TRACE(describe(impl, gp, true, 3, 3));
        // Only the two coincident particles: same_set skips each one's self term.
        Particles pair = p;
        for (auto* v : {&pair.x, &pair.y, &pair.z, &pair.m}) v->pop_back();
        const Field f = compute(impl, gp, pair, pair, true);
        for (int i = 0; i < 2; ++i) {
          EXPECT_EQ(f.ax[i], 0.0);
          EXPECT_NEAR(f.pot[i], -2.0 * 0.25 / 0.1, tol * 5);
        }
      }
      // eps = 0: Newtonian with r = 2 between the pair and the third; the
      // coincident pair would be infinite, so only particles 0 and 2 here.
      Particles two;
      two.x = {1.0, 3.0};
      two.y = {2.0, 2.0};
      two.z = {-1.0, -1.0};
      two.m = {0.25, 0.5};
      const GravityParams gp = params(prec, Softening::Spline, 1.0, 0.0);
      SCOPED_TRACE(describe(impl, gp, true, 2, 2));
      const Field f = compute(impl, gp, two, two, true);
      EXPECT_NEAR(f.ax[0], 0.5 / 4, tol);
      EXPECT_NEAR(f.ax[1], -0.25 / 4, tol);
      EXPECT_NEAR(f.pot[0], -0.5 / 2, tol);
      EXPECT_NEAR(f.pot[1], -0.25 / 2, tol);
      EXPECT_EQ(f.ay[0], 0.0);
      EXPECT_EQ(f.az[1], 0.0);
    }
  }
}

TEST(Gravity, EmptySetsAndBadArguments) {
  const Device& dev = test_device();
  const Particles p = random_particles(10, 51);
  DeviceParticles d(dev, p);
  DeviceField field(dev, zero_field(10));
  Targets t = field.targets(d);
  Sources none = d.sources(0, 0);
  accumulate_gravity(dev, GravityParams{}, none, t, false);  // nothing to add
  dev.synchronize();
  for (double v : field.to_host().pot) EXPECT_EQ(v, 0.0);

  GravityParams bad;
  bad.eps = -1;
  EXPECT_THROW(accumulate_gravity(dev, bad, d.sources(), t, false), Error);
  bad.eps = 0.01;
  bad.G = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(accumulate_gravity_portable(dev, bad, d.sources(), t, false), Error);
  // same_set needs the same count.
  EXPECT_THROW(accumulate_gravity(dev, GravityParams{}, d.sources(0, 9), t, true), Error);
}

TEST(Gravity, TiledMatchesPortable) {
  if (!test_device().is_cuda())
    GTEST_SKIP() << "the tiled kernel runs on a CUDA device only (TESSERA_DEVICE=cuda with a GPU); the host backend "
                    "has only the portable version";
  // Sizes that exercise a partial last tile, the source splits of small sets
  // and a single split for the largest.
  const Particles big = random_particles(40000, 61), odd = random_particles(1537, 62), small = random_particles(77, 63);
  struct Setup {
    const Particles* src;
    const Particles* tgt;
    bool same_set;
  };
  const Setup setups[] = {{&odd, &odd, true}, {&small, &odd, false}, {&odd, &small, false}, {&big, &big, true},
                          {&odd, &big, false}};
  for (Softening soft : {Softening::Plummer, Softening::Spline}) {
    for (Precision prec : {Precision::Double, Precision::Single}) {
      for (const Setup& su : setups) {
        const GravityParams gp = params(prec, soft, 1.3, 0.005);
        SCOPED_TRACE(describe(Impl::Dispatch, gp, su.same_set, su.src->n(), su.tgt->n()));
        const Field tiled = compute(Impl::Dispatch, gp, *su.src, *su.tgt, su.same_set);
        const Field portable = compute(Impl::Portable, gp, *su.src, *su.tgt, su.same_set);
        EXPECT_LT(relative_difference(tiled, portable), prec == Precision::Double ? 1e-12 : kSingleTolerance);
      }
    }
  }
}

// The host pass evaluates the spline without branches (every piece, one
// selected): it must give biased's factors bit for bit, at the joins
// (u = 1/2, r = h), around them, at r = 0 and for eps = 0.
template <class Real>
void expect_branch_free_equals_branched(Real eps) {
  using Bits = std::conditional_t<sizeof(Real) == 4, std::uint32_t, std::uint64_t>;
  const SplineKernel<Real> kern(eps);
  std::vector<Real> r2s = {Real(0), std::numeric_limits<Real>::denorm_min(), std::numeric_limits<Real>::min(),
                           kern.h2, Real(0.25) * kern.h2, Real(1e6)};
  for (Real join : {Real(0.25) * kern.h2, kern.h2}) {
    Real up = join, down = join;
    for (int k = 0; k < 8; ++k) {
      up = std::nextafter(up, std::numeric_limits<Real>::infinity());
      down = std::nextafter(down, Real(0));
      r2s.push_back(up);
      r2s.push_back(down);
    }
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.5);
  for (int k = 0; k < 20000; ++k) {
    const double r = u(rng) * static_cast<double>(kern.h > 0 ? kern.h : Real(1));
    r2s.push_back(static_cast<Real>(r * r));
  }
  int compared = 0;
  for (Real r2 : r2s) {
    const PairFactors<Real> a = kern.biased(r2);
    const PairFactors<Real> b = nbody::detail::factors_branch_free(kern, r2);
    ASSERT_EQ(std::bit_cast<Bits>(a.f), std::bit_cast<Bits>(b.f)) << "f at r2 = " << r2 << ", eps = " << eps;
    ASSERT_EQ(std::bit_cast<Bits>(a.g), std::bit_cast<Bits>(b.g)) << "g at r2 = " << r2 << ", eps = " << eps;
    ++compared;
  }
  EXPECT_GT(compared, 20000);
}

TEST(Softening, BranchFreeSplineEqualsBranchedBitForBit) {
  for (double eps : {0.01, kUnitSupportEps, 0.0}) {
    expect_branch_free_equals_branched<double>(eps);
    expect_branch_free_equals_branched<float>(static_cast<float>(eps));
  }
}

// The README's promise for the host pass: the same bits at any OpenMP thread
// count (fixed source splits and tile order, independent of the threads).
// Enough targets that the pass has more work items than the host loop's
// parallel threshold; a softening large enough that many pairs take the
// spline's inner pieces.
TEST(Gravity, HostPassSameBitsAtAnyThreadCount) {
  if (!test_device().is_host()) GTEST_SKIP() << "OpenMP thread counts: host backend only";
  const Particles p = random_particles(16384, 71);
  const int saved = omp_get_max_threads();
  for (Softening soft : {Softening::Plummer, Softening::Spline}) {
    for (Precision prec : {Precision::Double, Precision::Single}) {
      const GravityParams gp = params(prec, soft, 1.0, 0.02);
      SCOPED_TRACE(describe(Impl::Dispatch, gp, true, p.n(), p.n()));
      omp_set_num_threads(1);
      const Field one = compute(Impl::Dispatch, gp, p, p, true);
      omp_set_num_threads(3);
      const Field three = compute(Impl::Dispatch, gp, p, p, true);
      omp_set_num_threads(saved);
      EXPECT_EQ(one.ax, three.ax);
      EXPECT_EQ(one.ay, three.ay);
      EXPECT_EQ(one.az, three.az);
      EXPECT_EQ(one.pot, three.pot);
      // And the physics: the net force of a closed set vanishes to round-off.
      long double fx = 0, scale = 0;
      for (int i = 0; i < p.n(); ++i) {
        fx += static_cast<long double>(p.m[i]) * one.ax[i];
        scale += std::abs(static_cast<long double>(p.m[i]) * one.ax[i]);
      }
      EXPECT_LT(static_cast<double>(std::abs(fx) / scale), prec == Precision::Double ? 1e-13 : 1e-6);
    }
  }
}
