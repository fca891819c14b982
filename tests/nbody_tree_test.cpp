// nbody.tree's octree against direct summation on the same bodies (Plummer
// and Hernquist): error percentiles falling with theta, the 99th below 1e-3
// at theta = 0.5 with quadrupoles, theta = 0 equal to direct summation to
// round-off, momentum conserved to the force-error level, the relative
// criterion, targets that are a slice of the sources, runs of groups (the
// multi-rank walk) equal to the whole walk bit for bit; the host's walk and
// imports the same bits at any OpenMP thread count, the imports' lists
// against the multipole formula evaluated plainly; the walk's branch-free
// spline factors the kernel's bits, and the spline-softened tree against
// direct summation; on a CUDA device the warp walk against the portable
// walk (GPU only; skipped on the host, where the gpu_walk choice is checked
// to change nothing);
// the new initial conditions (Hernquist profile, the Plummer pair).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "io/deck.hpp"
#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/memory.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/initial_conditions.hpp"
#include "solvers/nbody/nbody_schema.hpp"
#include "solvers/nbody/octree.hpp"
#include "solvers/nbody/tree_forces.hpp"
#include "solvers/nbody/tree_interactions.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::nbody;
using tessera::testing::test_device;

namespace {

struct Field {
  std::vector<double> ax, ay, az, pot;
};

// Bodies on the test device.
struct DeviceBodies {
  Buffer<double> x, y, z, m;
  std::int64_t n;
  explicit DeviceBodies(const Bodies& b)
      : x(test_device(), b.size()), y(test_device(), b.size()), z(test_device(), b.size()),
        m(test_device(), b.size()), n(static_cast<std::int64_t>(b.size())) {
    x.copy_from_host(b.x), y.copy_from_host(b.y), z.copy_from_host(b.z), m.copy_from_host(b.m);
  }
  Sources sources(std::int64_t first = 0, std::int64_t count = -1) const {
    return {x.data() + first, y.data() + first, z.data() + first, m.data() + first, count < 0 ? n : count};
  }
};

struct DeviceField {
  Buffer<double> ax, ay, az, pot;
  explicit DeviceField(std::int64_t n)
      : ax(test_device(), n), ay(test_device(), n), az(test_device(), n), pot(test_device(), n) {
    for (auto* b : {&ax, &ay, &az, &pot}) b->copy_from_host(std::vector<double>(static_cast<std::size_t>(n), 0.0));
  }
  Targets targets(const DeviceBodies& b, std::int64_t first = 0, std::int64_t count = -1) {
    const std::int64_t n = count < 0 ? b.n : count;
    return {b.x.data() + first, b.y.data() + first, b.z.data() + first, n, ax.data(), ay.data(), az.data(), pot.data()};
  }
  Field to_host() const { return {ax.to_host(), ay.to_host(), az.to_host(), pot.to_host()}; }
};

GravityParams params(double eps = 0.01, Precision prec = Precision::Double,
                      gravity::Softening s = gravity::Softening::Plummer) {
  GravityParams g;
  g.eps = eps;
  g.precision = prec;
  g.softening = s;
  return g;
}

Field direct(const Bodies& b, const GravityParams& g) {
  DeviceBodies d(b);
  DeviceField f(d.n);
  accumulate_gravity_portable(test_device(), g, d.sources(), f.targets(d), true);
  test_device().synchronize();
  return f.to_host();
}

Field tree(const Bodies& b, const GravityParams& g, const OpeningParams& p, const Field* old = nullptr,
           WalkCounts* counts = nullptr) {
  DeviceBodies d(b);
  DeviceField f(d.n);
  Octree t(test_device());
  t.build(d.sources(), p);
  Buffer<double> amag(test_device(), b.size());
  if (old) {
    std::vector<double> a(b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = std::sqrt(old->ax[i] * old->ax[i] + old->ay[i] * old->ay[i] + old->az[i] * old->az[i]);
    amag.copy_from_host(a);
  }
  const WalkCounts c = t.walk(g, p, f.targets(d), 0, old ? amag.data() : nullptr);
  if (counts) *counts = c;
  test_device().synchronize();
  return f.to_host();
}

// Group runs' results (ax, ay, az, pot planes in key order) against the
// whole walk's (input order), bit for bit.
void expect_key_order_matches(const std::vector<double>& sorted, const Field& whole,
                              const std::vector<std::int32_t>& key_position) {
  const std::size_t n = whole.ax.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(key_position[i]);
    ASSERT_EQ(sorted[s], whole.ax[i]) << "body " << i;
    ASSERT_EQ(sorted[n + s], whole.ay[i]) << "body " << i;
    ASSERT_EQ(sorted[2 * n + s], whole.az[i]) << "body " << i;
    ASSERT_EQ(sorted[3 * n + s], whole.pot[i]) << "body " << i;
  }
}

std::vector<double> relative_errors(const Field& a, const Field& ref) {
  std::vector<double> e(ref.ax.size());
  for (std::size_t i = 0; i < e.size(); ++i) {
    const double dx = a.ax[i] - ref.ax[i], dy = a.ay[i] - ref.ay[i], dz = a.az[i] - ref.az[i];
    const double r = std::sqrt(ref.ax[i] * ref.ax[i] + ref.ay[i] * ref.ay[i] + ref.az[i] * ref.az[i]);
    e[i] = std::sqrt(dx * dx + dy * dy + dz * dz) / r;
  }
  return e;
}

double percentile(std::vector<double> v, double q) {
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

struct Percentiles {
  double p50, p90, p99;
};
Percentiles percentiles(const std::vector<double>& e) {
  return {percentile(e, 0.5), percentile(e, 0.9), percentile(e, 0.99)};
}

OpeningParams theta(double t, bool quadrupole = true) {
  OpeningParams p;
  p.theta = t;
  p.quadrupole = quadrupole;
  return p;
}

// The error percentiles for theta 0.3, 0.5, 0.75 on `b`: printed, falling
// with theta, the 99th below 1e-3 at 0.5; quadrupoles beat monopoles.
void check_accuracy(const char* model, const Bodies& b, double eps) {
  const GravityParams g = params(eps);
  const Field ref = direct(b, g);
  Percentiles last{0, 0, 0};
  for (double t : {0.3, 0.5, 0.75}) {
    WalkCounts c;
    const Percentiles p = percentiles(relative_errors(tree(b, g, theta(t), nullptr, &c), ref));
    std::printf("%s N = %zu theta = %.2f quadrupole: |da|/|a| 50%% %.3e  90%% %.3e  99%% %.3e  "
                "(%.0f body + %.0f node interactions per body)\n",
                model, b.size(), t, p.p50, p.p90, p.p99, c.body_interactions / double(b.size()),
                c.node_interactions / double(b.size()));
    EXPECT_GT(p.p50, last.p50) << model << " theta " << t;
    EXPECT_GT(p.p90, last.p90) << model << " theta " << t;
    EXPECT_GT(p.p99, last.p99) << model << " theta " << t;
    EXPECT_LT(p.p50, p.p90);
    EXPECT_LT(p.p90, p.p99);
    if (t == 0.5) {
      EXPECT_LT(p.p99, 1e-3) << model;
      const Percentiles mono = percentiles(relative_errors(tree(b, g, theta(0.5, false)), ref));
      std::printf("%s N = %zu theta = 0.50 monopole:   |da|/|a| 50%% %.3e  90%% %.3e  99%% %.3e\n", model, b.size(),
                  mono.p50, mono.p90, mono.p99);
      EXPECT_GT(mono.p50, 2 * p.p50) << model;
      EXPECT_GT(mono.p99, 2 * p.p99) << model;
    }
    last = p;
  }
}

}  // namespace

TEST(NbodyTree, PlummerErrorsFallWithThetaAndMeetTheTarget) {
  check_accuracy("Plummer", plummer(12288, 7, 0.999), 0.01);
}

TEST(NbodyTree, HernquistErrorsFallWithThetaAndMeetTheTarget) {
  check_accuracy("Hernquist", hernquist(12288, 11, 0.99, 1.0), 0.01);
}

TEST(NbodyTree, ThetaZeroIsDirectSummation) {
  const Bodies b = plummer(3000, 3, 0.999);
  for (auto s : {gravity::Softening::Plummer, gravity::Softening::Spline}) {
    const GravityParams g = params(0.01, Precision::Double, s);
    const Field ref = direct(b, g);
    WalkCounts c;
    const Field t = tree(b, g, theta(0.0), nullptr, &c);
    const std::vector<double> e = relative_errors(t, ref);
    const double worst = *std::max_element(e.begin(), e.end());
    double worst_pot = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
      worst_pot = std::max(worst_pot, std::fabs(t.pot[i] - ref.pot[i]) / std::fabs(ref.pot[i]));
    EXPECT_LT(worst, 1e-12);
    EXPECT_LT(worst_pot, 1e-13);
    EXPECT_EQ(c.node_interactions, 0);
    EXPECT_EQ(c.body_interactions, double(b.size()) * double(b.size() - 1));
  }
}

TEST(NbodyTree, SinglePrecisionKeepsTheTreeError) {
  const Bodies b = plummer(8192, 5, 0.999);
  const Field ref = direct(b, params(0.01));
  const Percentiles d = percentiles(relative_errors(tree(b, params(0.01), theta(0.5)), ref));
  const Percentiles s = percentiles(relative_errors(tree(b, params(0.01, Precision::Single), theta(0.5)), ref));
  const Percentiles s0 = percentiles(relative_errors(tree(b, params(0.01, Precision::Single), theta(0.0)), ref));
  std::printf("single precision theta 0.5: 99%% %.3e (double %.3e); theta 0: 99%% %.3e\n", s.p99, d.p99, s0.p99);
  EXPECT_LT(s.p99, 1.1 * d.p99);
  EXPECT_LT(s0.p99, 1e-5);
}

// The tree's forces are not antisymmetric pair by pair: the net force is
// of the order of the force error, direct summation's of round-off.
TEST(NbodyTree, MomentumIsConservedToTheForceErrorLevel) {
  const Bodies b = plummer(8192, 9, 0.999);
  auto net = [&](const Field& f) {
    double s[3] = {0, 0, 0}, mag = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
      s[0] += b.m[i] * f.ax[i], s[1] += b.m[i] * f.ay[i], s[2] += b.m[i] * f.az[i];
      mag += b.m[i] * std::sqrt(f.ax[i] * f.ax[i] + f.ay[i] * f.ay[i] + f.az[i] * f.az[i]);
    }
    return std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) / mag;
  };
  const GravityParams g = params(0.01);
  const Field ref = direct(b, g);
  const double d = net(ref);
  std::printf("net force / sum |m a|: direct %.2e", d);
  EXPECT_LT(d, 1e-13);
  for (double t : {0.3, 0.5, 0.75}) {
    const Field f = tree(b, g, theta(t));
    const double n = net(f), p50 = percentile(relative_errors(f, ref), 0.5);
    std::printf(", theta %.2f %.2e (median error %.2e)", t, n, p50);
    EXPECT_LT(n, 3 * p50) << "theta " << t;
  }
  std::printf("\n");
}

TEST(NbodyTree, RelativeCriterionTracksItsAccuracyParameter) {
  const Bodies b = plummer(8192, 13, 0.999);
  const GravityParams g = params(0.01);
  const Field ref = direct(b, g);
  double last = 0;
  for (double alpha : {0.0005, 0.0025, 0.01}) {
    OpeningParams p;
    p.criterion = OpeningParams::Criterion::Relative;
    p.force_accuracy = alpha;
    WalkCounts c;
    const Percentiles e = percentiles(relative_errors(tree(b, g, p, &ref, &c), ref));
    std::printf("relative criterion alpha = %.4f: 50%% %.3e  90%% %.3e  99%% %.3e (%.0f interactions per body)\n", alpha,
                e.p50, e.p90, e.p99, (c.body_interactions + c.node_interactions) / double(b.size()));
    EXPECT_GT(e.p99, last);
    EXPECT_LT(e.p99, alpha) << "the 99th percentile stays below the accuracy parameter";
    last = e.p99;
  }
}

// A rank's bodies are a slice of the gathered sources: its walk groups its
// own bodies only, so forces match the whole set's within the tree error,
// and exactly (to round-off) at theta = 0.
TEST(NbodyTree, TargetsThatAreASliceOfTheSources) {
  const Bodies b = plummer(6000, 17, 0.999);
  const GravityParams g = params(0.01);
  const Field ref = direct(b, g);
  for (double t : {0.0, 0.5}) {
    DeviceBodies d(b);
    Octree tr(test_device());
    tr.build(d.sources(), theta(t));
    const std::int64_t first = 2500, count = 1700;
    DeviceField f(count);
    tr.walk(g, theta(t), f.targets(d, first, count), first, nullptr);
    const Field got = f.to_host();
    Field want;
    for (std::int64_t i = first; i < first + count; ++i) {
      const auto k = static_cast<std::size_t>(i);
      want.ax.push_back(ref.ax[k]), want.ay.push_back(ref.ay[k]), want.az.push_back(ref.az[k]);
      want.pot.push_back(ref.pot[k]);
    }
    const std::vector<double> e = relative_errors(got, want);
    const double worst = *std::max_element(e.begin(), e.end());
    if (t == 0) EXPECT_LT(worst, 1e-12);
    else EXPECT_LT(percentile(e, 0.99), 1e-3);
  }
}

TEST(NbodyInitialConditions, HernquistRadialProfileAndDispersion) {
  const double a = 1.5, cut = 0.99;
  const std::int64_t n = 40000;
  const Bodies b = hernquist(n, 21, cut, a);
  std::vector<double> r(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) r[i] = std::sqrt(b.x[i] * b.x[i] + b.y[i] * b.y[i] + b.z[i] * b.z[i]);
  std::vector<double> sorted = r;
  std::sort(sorted.begin(), sorted.end());
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9}) {
    // The sample holds mass fractions up to `cut`: its q-quantile is the
    // halo's q * cut Lagrangian radius. Binomial error of the quantile, in radius.
    const double want = hernquist_lagrangian_radius(q * cut, a);
    const double got = sorted[static_cast<std::size_t>(q * static_cast<double>(n))];
    const double dq = std::sqrt(q * (1 - q) / static_cast<double>(n)) * cut;
    const double dr = hernquist_lagrangian_radius(q * cut + dq, a) - want;
    EXPECT_NEAR(got, want, 4 * dr) << "q = " << q;
  }
  // Radial velocity dispersion in shells against the Jeans solution.
  for (double lo : {0.3, 1.0, 3.0}) {
    const double hi = 1.5 * lo;
    double s2 = 0, want = 0;
    int k = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
      if (r[i] >= lo && r[i] < hi) {
        const double vr = (b.x[i] * b.vx[i] + b.y[i] * b.vy[i] + b.z[i] * b.vz[i]) / r[i];
        s2 += vr * vr, want += hernquist_dispersion2(r[i], a), ++k;
      }
    ASSERT_GT(k, 1000);
    // Truncating the Gaussian at the escape speed lowers the dispersion a little.
    EXPECT_NEAR(s2 / want, 1.0, 0.08) << "shell " << lo << " (" << k << " bodies)";
  }
}

TEST(NbodyInitialConditions, PlummerPairIsTwoSpheresOnACollisionOrbit) {
  const std::int64_t n = 4001;
  const double sep = 10, b = 2;
  const Bodies p = plummer_pair(n, 5, 0.999, sep, b);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(n));
  double mass[2] = {0, 0}, cx[2] = {0, 0}, cy[2] = {0, 0}, vx[2] = {0, 0};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const int s = i < static_cast<std::size_t>(n / 2) ? 0 : 1;
    mass[s] += p.m[i], cx[s] += p.m[i] * p.x[i], cy[s] += p.m[i] * p.y[i], vx[s] += p.m[i] * p.vx[i];
  }
  EXPECT_NEAR(mass[0], 0.5, 1e-12);
  EXPECT_NEAR(mass[1], 0.5, 1e-12);
  EXPECT_NEAR(cx[1] / mass[1] - cx[0] / mass[0], sep, 1e-9);
  EXPECT_NEAR(cy[1] / mass[1] - cy[0] / mass[0], b, 1e-9);
  // Approaching at the parabolic speed of two point masses.
  EXPECT_NEAR(vx[0] / mass[0] - vx[1] / mass[1], std::sqrt(2 / std::hypot(sep, b)), 1e-9);
  EXPECT_NEAR(cx[0] + cx[1], 0, 1e-12);
  EXPECT_NEAR(vx[0] + vx[1], 0, 1e-12);
}

// The walk of several ranks: each walks a run of the groups; every body's
// result is the same bits as in the walk over all groups, so nbody.tree's
// forces do not depend on the rank count or the load-balancing split.
TEST(NbodyTree, GroupRunsGiveTheWholeWalkBitForBit) {
  const Bodies b = hernquist(5000, 23, 0.99, 1.0);
  const GravityParams g = params(0.01);
  for (auto crit : {OpeningParams::Criterion::Theta, OpeningParams::Criterion::Relative}) {
    OpeningParams p = theta(0.6);
    p.criterion = crit;
    const Field whole_direct = direct(b, g);
    const Field* old = crit == OpeningParams::Criterion::Relative ? &whole_direct : nullptr;
    const Field whole = tree(b, g, p, old);
    DeviceBodies d(b);
    Octree t(test_device());
    t.build(d.sources(), p);
    Buffer<double> amag(test_device(), b.size());
    if (old) {
      std::vector<double> a(b.size());
      for (std::size_t i = 0; i < a.size(); ++i)
        a[i] = std::sqrt(old->ax[i] * old->ax[i] + old->ay[i] * old->ay[i] + old->az[i] * old->az[i]);
      amag.copy_from_host(a);
    }
    const std::int64_t groups = t.groups(p), n = d.n;
    ASSERT_EQ(groups, (n + p.group_size - 1) / p.group_size);
    // Key order of each body, to find its result in the runs' outputs.
    std::vector<std::int32_t> key_position(b.size());
    memory::copy(key_position.data(), Device::host(), t.key_position(), test_device(), b.size() * sizeof(std::int32_t));
    std::vector<double> sorted(4 * b.size(), -1.0);
    double walked = 0;
    const std::vector<std::int64_t> cuts = {0, groups / 3, groups / 3 + 1, groups - 2, groups};
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      const std::int64_t g0 = cuts[k], g1 = cuts[k + 1];
      const std::int64_t s0 = g0 * p.group_size, s1 = std::min(n, g1 * p.group_size), m = s1 - s0;
      Buffer<double> out(test_device(), static_cast<std::size_t>(4 * m));
      std::vector<double> cost;
      t.walk_groups(g, p, g0, g1, old ? amag.data() : nullptr, out.data(), m, &cost);
      ASSERT_EQ(cost.size(), static_cast<std::size_t>(g1 - g0));
      for (double c : cost) walked += c;
      const std::vector<double> h = out.to_host();
      for (int c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < m; ++j) sorted[static_cast<std::size_t>(c * n + s0 + j)] = h[static_cast<std::size_t>(c * m + j)];
    }
    EXPECT_GT(walked, 0);
    expect_key_order_matches(sorted, whole, key_position);
  }
}

// Groups larger than the host's per-group walk holds take the walk a CUDA
// device runs (a thread per target, the group's box deciding): here it runs
// on the host backend, so the GPU's walk is checked without a GPU.
TEST(NbodyTree, PerTargetWalkOfTheGpuMatchesDirectSummation) {
  const Bodies b = plummer(6000, 29, 0.999);
  const GravityParams g = params(0.01);
  const Field ref = direct(b, g);
  for (double t : {0.0, 0.5}) {
    OpeningParams p = theta(t);
    p.group_size = 96;
    WalkCounts c;
    const std::vector<double> e = relative_errors(tree(b, g, p, nullptr, &c), ref);
    if (t == 0) {
      EXPECT_LT(*std::max_element(e.begin(), e.end()), 1e-12);
      EXPECT_EQ(c.body_interactions, double(b.size()) * double(b.size() - 1));
    } else {
      const Percentiles q = percentiles(e);
      std::printf("per-target walk, group 96, theta 0.5: 50%% %.3e 90%% %.3e 99%% %.3e\n", q.p50, q.p90, q.p99);
      EXPECT_LT(q.p99, 1e-3);
    }
  }
}

namespace {

// The pull of `sources` (each set as another rank's bodies) on `b` through
// locally essential trees, as ranks exchange them: each set's tree exported
// against b's domain boxes (one block each), the blocks loaded as one
// essential tree and walked by b's groups; with `own`, b's walk of its own
// tree first (the receiving rank's whole force). `threads` OpenMP threads;
// `flat`: the records and bodies received, per target.
Field essential(int threads, const Bodies& b, const std::vector<Bodies>& sources, const GravityParams& g,
                const OpeningParams& p, bool own, WalkCounts* counts = nullptr, double* flat = nullptr) {
#if defined(_OPENMP)
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
#else
  (void)threads;
#endif
  DeviceBodies db(b);
  DeviceField f(db.n), e(db.n);
  Octree mine(test_device()), forest(test_device());
  mine.build(db.sources(), p);
  if (own) mine.walk(g, p, f.targets(db), 0, nullptr);
  Buffer<double> boxes(test_device(), 7);
  const std::int64_t per = mine.domain_boxes(std::max<std::int64_t>(1, db.n / 64), nullptr, boxes);
  std::vector<std::int64_t> at, nodes, bodies;
  std::vector<double> all;
  for (const Bodies& s : sources) {
    DeviceBodies ds(s);
    Octree theirs(test_device());
    theirs.build(ds.sources(), p);
    Buffer<std::int64_t> counts_d(test_device(), 2), offsets(test_device(), 1);
    theirs.export_count(g, p, false, boxes.data(), 1, static_cast<int>(per), -1, counts_d.data());
    const std::vector<std::int64_t> c = counts_d.to_host();
    offsets.copy_from_host(std::vector<std::int64_t>{0});
    Buffer<double> rec(test_device(), static_cast<std::size_t>(Octree::kEssentialNode * c[0] + 4 * c[1]));
    theirs.export_write(g, p, false, boxes.data(), 1, static_cast<int>(per), counts_d.data(), offsets.data(),
                        rec.data());
    const std::vector<double> r = rec.to_host();
    at.push_back(static_cast<std::int64_t>(all.size())), nodes.push_back(c[0]), bodies.push_back(c[1]);
    all.insert(all.end(), r.begin(), r.end());
  }
  if (flat) {
    *flat = 0;
    for (std::size_t q = 0; q < nodes.size(); ++q) *flat += double(nodes[q] + bodies[q]);
  }
  Buffer<double> records(test_device(), all.size());
  records.copy_from_host(all);
  double lo[3], size;
  mine.frame(lo, size);
  forest.load_essential(records.data(), at, nodes, bodies, lo, size, p);
  const WalkCounts c = forest.walk(g, p, e.targets(db), -1, nullptr);
  if (counts) *counts = c;
  test_device().synchronize();
#if defined(_OPENMP)
  omp_set_num_threads(before);
#endif
  Field out = f.to_host();
  const Field add = e.to_host();
  for (std::size_t i = 0; i < b.size(); ++i)
    out.ax[i] += add.ax[i], out.ay[i] += add.ay[i], out.az[i] += add.az[i], out.pot[i] += add.pot[i];
  return out;
}

Bodies shifted(Bodies b, double dx, double dy, double dz) {
  for (std::size_t i = 0; i < b.size(); ++i) b.x[i] += dx, b.y[i] += dy, b.z[i] += dz;
  return b;
}

Bodies joined(const Bodies& a, const Bodies& b) {
  Bodies j = a;
  j.x.insert(j.x.end(), b.x.begin(), b.x.end()), j.y.insert(j.y.end(), b.y.begin(), b.y.end());
  j.z.insert(j.z.end(), b.z.begin(), b.z.end()), j.m.insert(j.m.end(), b.m.begin(), b.m.end());
  return j;
}

// The targets' pull of `sources` by direct summation (double).
Field direct_from(const Bodies& b, const std::vector<Bodies>& sources, const GravityParams& g) {
  Bodies all = b;
  for (const Bodies& s : sources) all = joined(all, s);
  Field f = direct(all, g);
  for (auto* v : {&f.ax, &f.ay, &f.az, &f.pot}) v->resize(b.size());
  return f;
}

}  // namespace

// Three other "ranks": a sphere to the side, one below, and one
// interpenetrating the targets (the case at a domain boundary, where most
// of the essential tree is opened). Their essential trees, exported against
// the targets' domain boxes and walked as one tree, give direct summation to
// round-off at theta 0 and the tree's tolerance at theta 0.5 (in the host's
// per-group walk and in the GPU's per-target walk), and far groups stop at
// coarser nodes than the records received.
TEST(NbodyTree, EssentialTreesOfOtherRanksMatchDirectSummation) {
  const Bodies b = plummer(4000, 43, 0.999);
  const std::vector<Bodies> others = {shifted(plummer(3000, 47, 0.999), 3, 0, 0),
                                      shifted(plummer(2500, 53, 0.999), 0, -2.5, 1), plummer(2000, 59, 0.999)};
  const GravityParams g = params(0.01);
  const Field ref = direct_from(b, others, g);
  const std::vector<double> e0 = relative_errors(essential(2, b, others, g, theta(0.0), true), ref);
  EXPECT_LT(*std::max_element(e0.begin(), e0.end()), 1e-12);
  WalkCounts c;
  double flat = 0;
  const Percentiles q = percentiles(relative_errors(essential(2, b, others, g, theta(0.5), true, &c, &flat), ref));
  const double per_target = (c.body_interactions + c.node_interactions) / double(b.size());
  std::printf("essential trees, theta 0.5: 50%% %.3e 90%% %.3e 99%% %.3e; %.0f interactions per target against "
              "%.0f records and bodies received\n",
              q.p50, q.p90, q.p99, per_target, flat);
  EXPECT_LT(q.p99, 1e-3);
  EXPECT_LT(per_target, 0.5 * flat);
  // Groups of 96 take the walk a CUDA device runs (a thread per target).
  OpeningParams wide = theta(0.5);
  wide.group_size = 96;
  const Percentiles w = percentiles(relative_errors(essential(2, b, others, g, wide, true), ref));
  EXPECT_LT(w.p99, 1e-3);
}

// README "Floating point": one build gives the same bits at any thread count.
// The host walk writes each group's bodies from one thread and sums every
// body's terms in the traversal's order, whatever thread walks the group;
// the essential trees of other ranks go through the same walk.
TEST(NbodyTree, HostWalkAndImportsAreTheSameBitsAtAnyThreadCount) {
  const Bodies b = plummer(9000, 31, 0.999);
  const std::vector<Bodies> others = {shifted(plummer(1500, 61, 0.999), 2, 1, 0), plummer(1000, 67, 0.999)};
  for (Precision prec : {Precision::Single, Precision::Double}) {
    const GravityParams g = params(0.01, prec);
    const Field one = essential(1, b, others, g, theta(0.5), true);
    for (int threads : {2, 3}) {
      const Field many = essential(threads, b, others, g, theta(0.5), true);
      for (std::size_t i = 0; i < b.size(); ++i) {
        ASSERT_EQ(one.ax[i], many.ax[i]) << threads << " threads, body " << i;
        ASSERT_EQ(one.ay[i], many.ay[i]) << threads << " threads, body " << i;
        ASSERT_EQ(one.az[i], many.az[i]) << threads << " threads, body " << i;
        ASSERT_EQ(one.pot[i], many.pot[i]) << threads << " threads, body " << i;
      }
    }
  }
}

namespace {
template <class Real>
void expect_spline_bits(Real eps) {
  const gravity::SplineKernel<Real> k(eps);
  std::vector<Real> r2 = {Real(0), k.h2, k.h2 * Real(0.25), std::nextafter(k.h2, Real(0)),
                          std::nextafter(k.h2 * Real(0.25), Real(0)), std::nextafter(k.h2 * Real(0.25), Real(1))};
  for (int i = 1; i <= 400; ++i) r2.push_back(k.h2 * Real(i) / Real(200) * Real(i) / Real(200));
  for (Real x : r2) {
    const gravity::PairFactors<Real> want = k.biased(x), got = tree_terms::factors(k, x);
    EXPECT_EQ(got.f, want.f) << "r2 = " << x;
    EXPECT_EQ(got.g, want.g) << "r2 = " << x;
  }
}
}  // namespace

// The walk evaluates the spline without branches (so its loops vectorise):
// every branch computed and one selected must give the kernel's own bits,
// inside, at and beyond the support, at r = 0, and for eps = 0.
TEST(NbodyTree, BranchFreeSplineFactorsAreTheKernelsBits) {
  expect_spline_bits<float>(0.01f);
  expect_spline_bits<double>(0.01);
  expect_spline_bits<float>(0.0f);
  expect_spline_bits<double>(0.0);
}

// Spline softening through the tree: theta 0 is direct summation with the
// same kernel to round-off, theta 0.5 within the tree's tolerance.
TEST(NbodyTree, SplineSofteningMatchesDirectSummation) {
  const Bodies b = plummer(4000, 41, 0.999);
  const GravityParams g = params(0.02, Precision::Double, gravity::Softening::Spline);
  const Field ref = direct(b, g);
  const std::vector<double> e0 = relative_errors(tree(b, g, theta(0.0)), ref);
  EXPECT_LT(*std::max_element(e0.begin(), e0.end()), 1e-12);
  const Percentiles q = percentiles(relative_errors(tree(b, g, theta(0.5)), ref));
  std::printf("spline softening, theta 0.5: 50%% %.3e 90%% %.3e 99%% %.3e\n", q.p50, q.p90, q.p99);
  EXPECT_LT(q.p99, 1e-3);
}

namespace {

// One walk of the built tree on bodies [first, first + count) of `d` as
// targets (all of them: the sources' own order) with `p`: the results by
// target, each target's interactions and the totals.
struct WalkResult {
  Field f;
  std::vector<double> cost;  // interactions of each target (input order)
  WalkCounts counts;
};

WalkResult walk_once(const DeviceBodies& d, Octree& t, const GravityParams& g, const OpeningParams& p,
                     const Buffer<double>* amag, std::int64_t first, std::int64_t count) {
  DeviceField f(count);
  WalkResult r;
  r.counts = t.walk(g, p, f.targets(d, first, count), first, amag ? amag->data() + first : nullptr);
  Buffer<double> cost(test_device(), static_cast<std::size_t>(count));
  t.target_costs(cost.data(), 0.0);
  test_device().synchronize();
  r.f = f.to_host();
  r.cost = cost.to_host();
  return r;
}

// Largest |a_w - a_p| / |a_p| and |phi_w - phi_p| / |phi_p| over the bodies,
// and the difference of the whole field relative to its norm (as
// gravity_test's relative_difference).
struct Difference {
  double max_body, field;
};
Difference difference(const Field& a, const Field& ref) {
  Difference d{0, 0};
  long double da = 0, na = 0, dp = 0, np = 0;
  for (std::size_t i = 0; i < ref.ax.size(); ++i) {
    const double ex = a.ax[i] - ref.ax[i], ey = a.ay[i] - ref.ay[i], ez = a.az[i] - ref.az[i];
    const double r2 = ref.ax[i] * ref.ax[i] + ref.ay[i] * ref.ay[i] + ref.az[i] * ref.az[i];
    const double e2 = ex * ex + ey * ey + ez * ez, ep = a.pot[i] - ref.pot[i];
    d.max_body = std::max({d.max_body, std::sqrt(e2 / r2), std::abs(ep / ref.pot[i])});
    da += e2, na += r2, dp += ep * ep, np += static_cast<long double>(ref.pot[i]) * ref.pot[i];
  }
  d.field = static_cast<double>(std::max(std::sqrt(da / na), std::sqrt(dp / np)));
  return d;
}

bool same_bits(const Field& a, const Field& b) {
  return a.ax == b.ax && a.ay == b.ay && a.az == b.az && a.pot == b.pot;
}

}  // namespace

// The warp walk (tree_walk_warp.cu, CUDA builds, [physics] tree_gpu_walk =
// "warp") against the portable walk on a CUDA device: the same decisions, so
// the same interaction counts for every target; the sums in another order,
// so forces equal to round-off (double 1e-12; single 2e-6 of the field, 5e-5
// for the worst body, whose force may nearly cancel); the same bits on a
// repeated walk. Plummer and Hernquist (a partial last group), theta 0, 0.3,
// 0.5, 0.75 and the relative criterion, both softenings and precisions,
// group sizes 32 and 20 (partial warps), a slice of the sources as targets,
// and group 48 (> 32: the warp walk's fallback to the portable walk).
// NOT RUN YET on a GPU: written in a session without one; it skips on the
// host backend and must be run by a GPU session (scripts/gpu-tests.sh: the
// quick unit filter names it, the full run takes the whole binary). Its
// algorithm passed this test on the host through a lane-by-lane emulation of
// the kernel (not committed): worst body 2.3e-14 double, 1.3e-5 single, and
// with the queue capped at 600 entries (every theta 0 group walked per target).
TEST(NbodyTree, WarpWalkMatchesThePortableWalkOnTheGpu) {
  if (!test_device().is_cuda())
    GTEST_SKIP() << "the warp walk runs on a CUDA device only (TESSERA_DEVICE=cuda with a GPU); the host backend "
                    "walks its per-group lists";
  const Bodies sets[] = {plummer(32781, 31, 0.999), hernquist(24007, 37, 0.99, 1.0)};
  const char* names[] = {"Plummer", "Hernquist"};
  for (int set = 0; set < 2; ++set) {
    const Bodies& b = sets[set];
    const Field old = direct(b, params(0.01));
    std::vector<double> a(b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = std::sqrt(old.ax[i] * old.ax[i] + old.ay[i] * old.ay[i] + old.az[i] * old.az[i]);
    DeviceBodies d(b);
    Buffer<double> amag(test_device(), b.size());
    amag.copy_from_host(a);
    struct Case {
      double theta;
      bool relative;
      int group;
      bool slice;
    };
    const Case cases[] = {{0.0, false, 32, false},  {0.3, false, 32, false}, {0.5, false, 32, false},
                          {0.75, false, 32, false}, {0.5, true, 32, false},  {0.5, false, 20, false},
                          {0.5, true, 20, true},    {0.5, false, 48, false}};
    for (const Case& c : cases) {
      for (auto soft : {gravity::Softening::Plummer, gravity::Softening::Spline}) {
        for (Precision prec : {Precision::Double, Precision::Single}) {
          const GravityParams g = params(0.01, prec, soft);
          OpeningParams p = theta(c.theta);
          if (c.relative) p.criterion = OpeningParams::Criterion::Relative;
          p.group_size = c.group;
          const std::int64_t first = c.slice ? 1001 : 0, count = c.slice ? d.n - 2002 : d.n;
          char what[160];
          std::snprintf(what, sizeof what, "%s theta %.2f%s group %d%s %s %s", names[set], c.theta,
                        c.relative ? " relative" : "", c.group, c.slice ? " slice" : "",
                        prec == Precision::Double ? "double" : "single",
                        soft == gravity::Softening::Plummer ? "plummer" : "spline");
          SCOPED_TRACE(what);
          Octree t(test_device());
          t.build(d.sources(), p);
          p.gpu_walk = OpeningParams::GpuWalk::Portable;
          const WalkResult portable = walk_once(d, t, g, p, c.relative ? &amag : nullptr, first, count);
          p.gpu_walk = OpeningParams::GpuWalk::Warp;
          const WalkResult warp = walk_once(d, t, g, p, c.relative ? &amag : nullptr, first, count);
          const WalkResult again = walk_once(d, t, g, p, c.relative ? &amag : nullptr, first, count);
          const Difference diff = difference(warp.f, portable.f);
          std::printf("warp vs portable, %s: worst body %.2e, field %.2e, fallback groups %lld\n", what,
                      diff.max_body, diff.field, static_cast<long long>(warp.counts.warp_fallback_groups));
          EXPECT_EQ(warp.counts.body_interactions, portable.counts.body_interactions);
          EXPECT_EQ(warp.counts.node_interactions, portable.counts.node_interactions);
          EXPECT_EQ(warp.cost, portable.cost);
          EXPECT_TRUE(same_bits(warp.f, again.f));
          EXPECT_EQ(warp.counts.warp_fallback_groups, again.counts.warp_fallback_groups);
          if (c.group > 32) {
            EXPECT_TRUE(same_bits(warp.f, portable.f));  // the portable walk ran
            EXPECT_EQ(warp.counts.warp_fallback_groups, 0);
          } else if (prec == Precision::Double) {
            EXPECT_LT(diff.max_body, 1e-12);
          } else {
            EXPECT_LT(diff.field, 2e-6);
            EXPECT_LT(diff.max_body, 5e-5);
          }
        }
      }
    }
  }
}

// Runs of groups (the multi-rank walk, walk_groups) with the warp walk: the
// same bits as the whole warp walk for every body, as the portable walk
// gives (NOT RUN YET, as above).
TEST(NbodyTree, WarpWalkGroupRunsGiveTheWholeWalkBitForBit) {
  if (!test_device().is_cuda())
    GTEST_SKIP() << "the warp walk runs on a CUDA device only (TESSERA_DEVICE=cuda with a GPU)";
  const Bodies b = hernquist(20011, 41, 0.99, 1.0);
  for (Precision prec : {Precision::Double, Precision::Single}) {
    const GravityParams g = params(0.01, prec);
    OpeningParams p = theta(0.5);
    p.gpu_walk = OpeningParams::GpuWalk::Warp;
    const Field whole = tree(b, g, p);
    DeviceBodies d(b);
    Octree t(test_device());
    t.build(d.sources(), p);
    const std::int64_t groups = t.groups(p), n = d.n;
    std::vector<std::int32_t> key_position(b.size());
    memory::copy(key_position.data(), Device::host(), t.key_position(), test_device(), b.size() * sizeof(std::int32_t));
    std::vector<double> sorted(4 * b.size(), -1.0);
    const std::vector<std::int64_t> cuts = {0, groups / 3, groups / 3 + 1, groups - 2, groups};
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      const std::int64_t g0 = cuts[k], g1 = cuts[k + 1];
      const std::int64_t s0 = g0 * p.group_size, s1 = std::min(n, g1 * p.group_size), m = s1 - s0;
      Buffer<double> out(test_device(), static_cast<std::size_t>(4 * m));
      t.walk_groups(g, p, g0, g1, nullptr, out.data(), m, nullptr);
      const std::vector<double> h = out.to_host();
      for (int c = 0; c < 4; ++c)
        for (std::int64_t j = 0; j < m; ++j)
          sorted[static_cast<std::size_t>(c * n + s0 + j)] = h[static_cast<std::size_t>(c * m + j)];
    }
    expect_key_order_matches(sorted, whole, key_position);
  }
}

// On the host the key is accepted and ignored: the per-group lists run
// whatever gpu_walk says, the same bits.
TEST(NbodyTree, GpuWalkChoiceDoesNotChangeTheHostWalk) {
  if (test_device().is_cuda()) GTEST_SKIP() << "a host-backend check (on a GPU, the warp walk test compares the two)";
  const Bodies b = plummer(3001, 43, 0.999);
  OpeningParams p = theta(0.5);
  WalkCounts c1, c2;
  const Field portable = tree(b, params(0.01), p, nullptr, &c1);
  p.gpu_walk = OpeningParams::GpuWalk::Warp;
  const Field warp = tree(b, params(0.01), p, nullptr, &c2);
  EXPECT_TRUE(same_bits(warp, portable));
  EXPECT_EQ(c1.body_interactions, c2.body_interactions);
  EXPECT_EQ(c1.node_interactions, c2.node_interactions);
}

// [physics] tree_gpu_walk: "portable" by default (until a GPU session has
// compared and timed the warp walk), "warp" on request, anything else
// rejected by name.
TEST(NbodyTree, GpuWalkDeckKey) {
  const std::string text = "[physics]\ntheta = 0.5\n\n[problem]\ntype = \"plummer\"\nn = 1000\n";
  auto opening = [&](const std::vector<std::string>& overrides) {
    return opening_from_deck(
        deck::Deck::validate(deck::RawDeck::parse_string(text, "t.toml", overrides), nbody_tree_schema()));
  };
  EXPECT_EQ(opening({}).gpu_walk, OpeningParams::GpuWalk::Portable);
  EXPECT_EQ(opening({"physics.tree_gpu_walk=\"warp\""}).gpu_walk, OpeningParams::GpuWalk::Warp);
  EXPECT_EQ(opening({"physics.tree_gpu_walk=\"portable\""}).gpu_walk, OpeningParams::GpuWalk::Portable);
  try {
    opening({"physics.tree_gpu_walk=\"fast\""});
    ADD_FAILURE() << "tree_gpu_walk = \"fast\" was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tree_gpu_walk"), std::string::npos) << e.what();
  }
}
