// Long-range Coulomb (solvers/md/long_range.hpp: Ewald and PPPM) on one
// rank: Madelung constants of rock salt and CsCl, the Wigner energy of one
// charge in its neutralising background, PPPM forces against converged
// Ewald forces at orders 3, 5 and 7 for three accuracies, the parameters and
// error estimates LAMMPS chooses, and its k-space energy and pressure on the
// same data files (tests/data/lammps/in.charged_lj, in.molten_salt).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/mpi_transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/counter_rng.hpp"
#include "runtime/error.hpp"
#include "runtime/memory.hpp"
#include "solvers/md/ewald.hpp"
#include "solvers/md/long_range.hpp"
#include "solvers/md/pppm.hpp"
#include "solvers/spectral/particle_mesh.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::md;
using tessera::testing::test_device;

namespace {

constexpr double kPi = 3.14159265358979323846;

Transport& transport() {
  static MpiTransport t(test_device());  // one rank: never exchanges
  return t;
}

struct System {
  std::array<double, 3> length{1, 1, 1};
  std::vector<double> x, y, z, q;
  std::size_t size() const { return q.size(); }
  double sum_q() const {
    double s = 0;
    for (double v : q) s += v;
    return s;
  }
  double sum_q2() const {
    double s = 0;
    for (double v : q) s += v * v;
    return s;
  }
};

CartesianLayout layout_of(const System& s) {
  LayoutSpec spec;
  spec.cells = {4, 4, 4};
  spec.periodic = {true, true, true};
  spec.upper = s.length;
  return CartesianLayout(spec, 1, 0);
}

struct Result {
  LongRangeTerms terms;
  std::vector<double> fx, fy, fz;
};

Result run(LongRange& lr, const System& s) {
  const Device& dev = test_device();
  const std::size_t n = s.size();
  Buffer<double> x(dev, n), y(dev, n), z(dev, n), q(dev, n), fx(dev, n), fy(dev, n), fz(dev, n);
  x.copy_from_host(s.x), y.copy_from_host(s.y), z.copy_from_host(s.z), q.copy_from_host(s.q);
  const std::vector<double> zero(n, 0.0);
  fx.copy_from_host(zero), fy.copy_from_host(zero), fz.copy_from_host(zero);
  lr.setup(layout_of(s), static_cast<std::int64_t>(n), s.sum_q(), s.sum_q2());
  ChargedAtoms a{static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), fx.data(), fy.data(), fz.data()};
  Result r;
  r.terms = lr.compute(a, true);
  r.fx = fx.to_host(), r.fy = fy.to_host(), r.fz = fz.to_host();
  return r;
}

// Real-space Ewald energy, all pairs and periodic images within `cutoff`.
double real_space_energy(const System& s, double g, double cutoff) {
  double e = 0;
  const int img = static_cast<int>(std::ceil(cutoff / std::min({s.length[0], s.length[1], s.length[2]}))) + 1;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      for (int a = -img; a <= img; ++a)
        for (int b = -img; b <= img; ++b)
          for (int c = -img; c <= img; ++c) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            const double dx = s.x[i] - s.x[j] + a * s.length[0], dy = s.y[i] - s.y[j] + b * s.length[1],
                         dz = s.z[i] - s.z[j] + c * s.length[2];
            const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
            if (r < cutoff) e += 0.5 * s.q[i] * s.q[j] * std::erfc(g * r) / r;
          }
  return e;
}

// Cubic crystal of `cells`^3 conventional cells of side a from a basis.
System crystal(const std::vector<std::array<double, 4>>& basis, int cells, double a) {
  System s;
  s.length = {cells * a, cells * a, cells * a};
  for (int i = 0; i < cells; ++i)
    for (int j = 0; j < cells; ++j)
      for (int k = 0; k < cells; ++k)
        for (const auto& b : basis) {
          s.x.push_back((i + b[0]) * a), s.y.push_back((j + b[1]) * a), s.z.push_back((k + b[2]) * a);
          s.q.push_back(b[3]);
        }
  return s;
}

System rock_salt() {
  return crystal({{0, 0, 0, 1}, {0.5, 0.5, 0, 1}, {0.5, 0, 0.5, 1}, {0, 0.5, 0.5, 1},
                  {0.5, 0, 0, -1}, {0, 0.5, 0, -1}, {0, 0, 0.5, -1}, {0.5, 0.5, 0.5, -1}},
                 2, 2.0);  // nearest neighbours at 1
}

System cesium_chloride() {
  return crystal({{0, 0, 0, 1}, {0.5, 0.5, 0.5, -1}}, 3, 2.0 / std::sqrt(3.0));  // nearest neighbours at 1
}

// Coulomb energy per ion (nearest-neighbour distance 1) from k-space + real space.
double energy_per_ion(const std::string& style, const System& s, double accuracy, int order) {
  LongRangeSpec spec;
  spec.style = style;
  spec.accuracy = accuracy;
  spec.order = order;
  spec.cutoff = 3.0;
  auto lr = make_long_range(spec, transport(), test_device());
  const Result r = run(*lr, s);
  return (r.terms.energy + real_space_energy(s, lr->g_ewald(), spec.cutoff)) / s.size();
}

System random_system(int n, double length, std::uint64_t seed) {
  System s;
  s.length = {length, length * 1.1, length * 0.9};
  const CounterRng rng{seed};
  for (int i = 0; i < n; ++i) {
    s.x.push_back(rng.uniform(0, 3 * i) * s.length[0]);
    s.y.push_back(rng.uniform(0, 3 * i + 1) * s.length[1]);
    s.z.push_back(rng.uniform(0, 3 * i + 2) * s.length[2]);
    s.q.push_back(i % 2 ? -1.0 : 1.0);
  }
  return s;
}

// A LAMMPS data file with atom_style charge (tests/data/lammps/).
System read_charge_data(const std::string& name) {
  std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/tests/data/lammps/" + name);
  System s;
  std::string line;
  bool atoms = false;
  std::array<double, 3> lo{}, hi{};
  while (std::getline(in, line)) {
    std::istringstream is(line);
    if (line.find("xlo xhi") != std::string::npos) is >> lo[0] >> hi[0];
    else if (line.find("ylo yhi") != std::string::npos) is >> lo[1] >> hi[1];
    else if (line.find("zlo zhi") != std::string::npos) is >> lo[2] >> hi[2];
    else if (line.rfind("Atoms", 0) == 0) atoms = true;
    else if (line.rfind("Velocities", 0) == 0) atoms = false;
    else if (atoms) {
      long id;
      int type;
      double q, x, y, z;
      if (is >> id >> type >> q >> x >> y >> z) {
        s.q.push_back(q), s.x.push_back(x - lo[0]), s.y.push_back(y - lo[1]), s.z.push_back(z - lo[2]);
      }
    }
  }
  for (int d = 0; d < 3; ++d) s.length[d] = hi[d] - lo[d];
  return s;
}

double rms_force_error(const Result& a, const Result& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.fx.size(); ++i) {
    const double dx = a.fx[i] - b.fx[i], dy = a.fy[i] - b.fy[i], dz = a.fz[i] - b.fz[i];
    s += dx * dx + dy * dy + dz * dz;
  }
  return std::sqrt(s / a.fx.size());
}

}  // namespace

TEST(LongRange, MadelungRockSaltAndCesiumChloride) {
  for (const std::string style : {"ewald", "pppm"}) {
    const double nacl = energy_per_ion(style, rock_salt(), 1e-9, 7);
    EXPECT_NEAR(nacl / (-1.747565 / 2), 1.0, 1e-6) << style << ": rock salt " << nacl;
    const double cscl = energy_per_ion(style, cesium_chloride(), 1e-9, 7);
    EXPECT_NEAR(cscl / (-1.762675 / 2), 1.0, 1e-6) << style << ": CsCl " << cscl;
  }
}

// One charge with its neutralising background in a cube of side L: the
// Wigner energy q^2 xi / (2 L), xi = -2.837297479 (simple cubic).
TEST(LongRange, NonNeutralBackground) {
  System s;
  s.length = {3.0, 3.0, 3.0};
  s.x = {0.7}, s.y = {1.1}, s.z = {2.9}, s.q = {2.0};
  for (const std::string style : {"ewald", "pppm"}) {
    LongRangeSpec spec;
    spec.style = style;
    spec.accuracy = 1e-10;
    spec.order = 7;
    spec.cutoff = 4.0;
    spec.qqrd2e = 2.5;
    auto lr = make_long_range(spec, transport(), test_device());
    const Result r = run(*lr, s);
    const double e = r.terms.energy + spec.qqrd2e * real_space_energy(s, lr->g_ewald(), spec.cutoff);
    EXPECT_NEAR(e / (spec.qqrd2e * 4.0 * -2.837297479 / (2 * 3.0)), 1.0, 1e-6) << style;
    // One charge feels no net force from its own images.
    EXPECT_NEAR(r.fx[0], 0.0, 1e-6) << style;
    EXPECT_NEAR(r.fy[0], 0.0, 1e-6) << style;
    EXPECT_NEAR(r.fz[0], 0.0, 1e-6) << style;
  }
}

// PPPM forces on a random neutral system against Ewald converged far beyond
// them at the same g_ewald: the RMS error relative to two unit charges at
// unit distance (qqrd2e = 1) stays below the requested accuracy.
TEST(LongRange, PppmForcesAgainstEwald) {
  const System s = random_system(1000, 10.0, 2024);
  for (double accuracy : {1e-3, 1e-4, 1e-5}) {
    for (int order : {3, 5, 7}) {
      LongRangeSpec spec;
      spec.style = "pppm";
      spec.accuracy = accuracy;
      spec.order = order;
      spec.cutoff = 4.5;  // half the shortest side: the coarsest meshes that still meet the accuracy
      Pppm pppm(spec, transport(), test_device());
      const Result p = run(pppm, s);
      LongRangeSpec ref = spec;
      ref.style = "ewald";
      ref.accuracy = 1e-8;
      ref.g_ewald = pppm.g_ewald();
      Ewald ewald(ref, transport(), test_device());
      const Result e = run(ewald, s);
      const double err = rms_force_error(p, e);
      EXPECT_LT(err, accuracy) << "order " << order << ": " << pppm.describe();
      EXPECT_GT(err, 1e-3 * accuracy) << "order " << order;  // a real comparison, not two zeros
      EXPECT_NEAR(p.terms.energy, e.terms.energy, 0.02 * accuracy * s.size()) << order;
      std::printf("pppm accuracy %g order %d: rms force error %.3g (estimate %.3g), mesh %d %d %d\n", accuracy,
                  order, err, pppm.estimated_error(), pppm.mesh()[0], pppm.mesh()[1], pppm.mesh()[2]);
    }
  }
}

// The parameters and estimates LAMMPS printed for the same systems
// (tests/data/lammps/log.charged_lj, log.molten_salt).
TEST(LongRange, ParametersAsLammpsChoosesThem) {
  const System lj = read_charge_data("charged_lj.data");
  ASSERT_EQ(lj.size(), 500u);
  {
    LongRangeSpec spec;
    spec.accuracy = 1e-4, spec.order = 5, spec.cutoff = 2.5;
    Pppm p(spec, transport(), test_device());
    p.setup(layout_of(lj), 500, lj.sum_q(), lj.sum_q2());
    EXPECT_NEAR(p.g_ewald(), 1.2440127, 1e-7);
    EXPECT_EQ(p.mesh(), (std::array<int, 3>{32, 32, 32}));
    EXPECT_NEAR(p.estimated_error() / 0.00010089483, 1.0, 1e-7);
    spec.accuracy = 1e-5, spec.order = 7;
    Pppm p7(spec, transport(), test_device());
    p7.setup(layout_of(lj), 500, lj.sum_q(), lj.sum_q2());
    EXPECT_NEAR(p7.g_ewald(), 1.4021731, 1e-7);
    EXPECT_EQ(p7.mesh(), (std::array<int, 3>{36, 36, 36}));
    EXPECT_NEAR(p7.estimated_error() / 6.6385958e-06, 1.0, 1e-7);
    spec.mesh = {20, 20, 20}, spec.order = 5, spec.g_ewald = 1.1, spec.accuracy = 1e-4;
    Pppm fixed(spec, transport(), test_device());
    fixed.setup(layout_of(lj), 500, lj.sum_q(), lj.sum_q2());
    EXPECT_NEAR(fixed.estimated_error() / 0.00083429927, 1.0, 1e-7);
    LongRangeSpec es;
    es.style = "ewald", es.accuracy = 1e-5, es.cutoff = 2.5;
    Ewald e(es, transport(), test_device());
    e.setup(layout_of(lj), 500, lj.sum_q(), lj.sum_q2());
    EXPECT_NEAR(e.g_ewald(), 1.3660597, 1e-7);
    EXPECT_EQ(e.kmax(), (std::array<int, 3>{13, 13, 13}));
    EXPECT_EQ(e.kvectors(), 4585);
    EXPECT_NEAR(e.estimated_error() / 1.061691e-05, 1.0, 1e-6);
  }
  const System salt = read_charge_data("molten_salt.data");
  ASSERT_EQ(salt.size(), 512u);
  {
    LongRangeSpec spec;
    spec.accuracy = 1e-5, spec.order = 5, spec.cutoff = 8.0, spec.qqrd2e = 14.399645;
    Pppm p(spec, transport(), test_device());
    p.setup(layout_of(salt), 512, salt.sum_q(), salt.sum_q2());
    EXPECT_NEAR(p.g_ewald(), 0.39033143, 1e-8);
    EXPECT_EQ(p.mesh(), (std::array<int, 3>{30, 30, 30}));
    EXPECT_NEAR(p.estimated_error() / 1.0450135e-05, 1.0, 1e-7);
    LongRangeSpec es = spec;
    es.style = "ewald", es.accuracy = 1e-6;
    Ewald e(es, transport(), test_device());
    e.setup(layout_of(salt), 512, salt.sum_q(), salt.sum_q2());
    EXPECT_NEAR(e.g_ewald(), 0.42887633, 1e-8);
    EXPECT_EQ(e.kvectors(), 3576);
    EXPECT_NEAR(e.estimated_error() / 1.0949444e-06, 1.0, 1e-7);
  }
}

// LAMMPS's elong and k-space pressure tensor (compute pressure ... kspace)
// on the same coordinates with identical parameters, to 1e-6 relative.
TEST(LongRange, KspaceEnergyAndPressureAsLammps) {
  struct Case {
    const char* data;
    std::string style;
    double accuracy, cutoff, qqrd2e, nktv2p, g;
    std::array<int, 3> mesh;
    int order;
    double elong;
    std::array<double, 6> pk;
  };
  const std::vector<Case> cases = {
      {"charged_lj.data", "pppm", 1e-4, 2.5, 1.0, 1.0, 1.1, {20, 20, 20}, 5, -66.78572757319972,
       {0.003830564895868234, -0.1690307380557378, 0.03720938895562514, -0.006572266021058665,
        0.001653026773255589, -0.01213648882088714}},
      {"charged_lj.data", "pppm", 1e-5, 2.5, 1.0, 1.0, 0, {0, 0, 0}, 7, -65.19063259815164,
       {0.004053937219889659, -0.1649381700679689, 0.04311600893318054, -0.0101502096187455,
        0.004454394388280924, -0.01759360029216036}},
      {"charged_lj.data", "ewald", 1e-5, 2.5, 1.0, 1.0, 0, {0, 0, 0}, 5, -65.3154109626098,
       {0.003993173160422209, -0.1652713762041261, 0.04257944248333966, -0.00980195162676329,
        0.004186965968520608, -0.01704877497639829}},
      {"molten_salt.data", "pppm", 1e-5, 8.0, 14.399645, 1.6021765e6, 0.34, {30, 30, 30}, 5, -1390.99126329011,
       {-3265.960897134256, -2892.067430338874, -3042.672822678519, 212.1700796625447, 232.6508801977376,
        -115.2161845984395}},
      {"molten_salt.data", "ewald", 1e-6, 8.0, 14.399645, 1.6021765e6, 0, {0, 0, 0}, 5, -1695.990586242225,
       {-15959.37469284033, -15437.49179957471, -15582.5303993442, 226.1342107196249, 263.4362566979571,
        13.16316110425325}},
  };
  for (const Case& c : cases) {
    const System s = read_charge_data(c.data);
    LongRangeSpec spec;
    spec.style = c.style, spec.accuracy = c.accuracy, spec.cutoff = c.cutoff, spec.qqrd2e = c.qqrd2e;
    spec.g_ewald = c.g, spec.mesh = c.mesh, spec.order = c.order;
    auto lr = make_long_range(spec, transport(), test_device());
    const Result r = run(*lr, s);
    EXPECT_NEAR(r.terms.energy / c.elong, 1.0, 1e-6) << c.data << " " << c.style << ": " << lr->describe();
    const double volume = s.length[0] * s.length[1] * s.length[2];
    // The diagonal is what the pressure sees; the off-diagonal terms are
    // smaller, so they are held to the diagonal's scale.
    const double scale = std::abs(c.pk[0]) + std::abs(c.pk[1]) + std::abs(c.pk[2]);
    for (int k = 0; k < 6; ++k)
      EXPECT_NEAR(r.terms.virial[k] * c.nktv2p / volume, c.pk[k], 1e-6 * scale) << c.data << " " << c.style << " " << k;
  }
}

// Assignment conserves charge (periodic images folded, particles outside the
// box included) and interpolating a constant field gives the constant back
// (the weights are a partition of unity), at every order.
TEST(ParticleMesh, ConservesChargeAndInterpolatesConstants) {
  const Device& dev = test_device();
  System s = random_system(200, 3.0, 99);
  for (std::size_t i = 0; i < s.size(); i += 7) s.x[i] -= 1.3, s.z[i] += 3.5;  // outside [0, L)
  for (std::size_t i = 0; i < s.size(); ++i) s.q[i] = 0.25 + 0.01 * static_cast<double>(i % 13);
  const std::size_t n = s.size();
  Buffer<double> x(dev, n), y(dev, n), z(dev, n), q(dev, n), f0(dev, n), f1(dev, n), f2(dev, n);
  x.copy_from_host(s.x), y.copy_from_host(s.y), z.copy_from_host(s.z), q.copy_from_host(s.q);
  for (int order = 2; order <= 7; ++order) {
    spectral::MeshGeometry g;
    g.n = {7, 8, 6};
    g.length = s.length;
    g.order = order;
    const PencilLayout pencils(g.n, 1, 0);
    spectral::ParticleMesh pm(g, layout_of(s), pencils, transport());
    pm.ensure_covers(static_cast<std::int64_t>(n), x.data(), y.data(), z.data());
    pm.assign(static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), 1.0);
    Buffer<double> pencil(dev, static_cast<std::size_t>(pencils.local_size(Pencil::X)));
    pm.brick_to_pencil(pencil.data());
    double total = 0, want = 0;
    for (double v : pencil.to_host()) total += v;
    for (double v : s.q) want += v;
    EXPECT_NEAR(total, want, 1e-12 * want) << "order " << order;
    const std::vector<double> ones(pencil.size(), 1.0), zero(n, 0.0);
    pencil.copy_from_host(ones);
    const double* fields[3] = {pencil.data(), pencil.data(), pencil.data()};
    pm.pencil_to_brick(fields, 3);
    f0.copy_from_host(zero), f1.copy_from_host(zero), f2.copy_from_host(zero);
    pm.add_interpolated(static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), 2.0, f0.data(),
                        f1.data(), f2.data());
    const auto h0 = f0.to_host(), h2 = f2.to_host();
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(h0[i], 2.0 * s.q[i], 1e-13) << "order " << order;
      EXPECT_NEAR(h2[i], 2.0 * s.q[i], 1e-13) << "order " << order;
    }
  }
}

// On one rank the pencil is the whole mesh, and the exchange copies nothing:
// the fold adds each row's periodic images straight into the pencil and
// interpolation reads the pencils at wrapped indices. They must be exactly
// the definitions: pencil point p = sum of the brick's points p + s n in
// increasing (sz, sy, sx) order, and the interpolated field the stencil sum
// over a brick holding each point's periodic image, in the stencil's order.
// Bit for bit on the host (a GPU may contract into FMAs: round-off there);
// orders 2, 5 and 7 on 6 x 7 x 5 points, so the order-7 brick wraps more
// than once, with particles outside the box.
TEST(ParticleMesh, OneRankFoldAndInterpolationAreThePeriodicSums) {
  const Device& dev = test_device();
  System s = random_system(150, 3.0, 17);
  for (std::size_t i = 0; i < s.size(); i += 6) s.x[i] += 3.4, s.y[i] -= 2.1;  // outside [0, L)
  const std::size_t n = s.size();
  Buffer<double> x(dev, n), y(dev, n), z(dev, n), q(dev, n), fx(dev, n), fy(dev, n), fz(dev, n);
  x.copy_from_host(s.x), y.copy_from_host(s.y), z.copy_from_host(s.z), q.copy_from_host(s.q);
  const double tol = dev.is_cuda() ? 1e-13 : 0.0;
  for (int order : {2, 5, 7}) {
    spectral::MeshGeometry g;
    g.n = {6, 7, 5};
    g.length = s.length;
    g.order = order;
    const PencilLayout pencils(g.n, 1, 0);
    spectral::ParticleMesh pm(g, layout_of(s), pencils, transport());
    pm.ensure_covers(static_cast<std::int64_t>(n), x.data(), y.data(), z.data());
    pm.assign(static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), 1.0);
    const Range3 bb = pm.brick();
    std::vector<double> brick(static_cast<std::size_t>(bb.size()));
    memory::copy(brick.data(), Device::host(), pm.brick_data(), dev, brick.size() * sizeof(double));
    const std::size_t cells = static_cast<std::size_t>(g.n[0]) * g.n[1] * g.n[2];
    Buffer<double> pencil(dev, cells);
    pm.brick_to_pencil(pencil.data());
    const std::vector<double> folded = pencil.to_host();
    auto brick_at = [&](int i, int j, int k) {
      const std::size_t ex = bb.extent(0), ey = bb.extent(1);
      return brick[(i - bb.lo[0]) + ex * ((j - bb.lo[1]) + ey * (k - bb.lo[2]))];
    };
    auto inside = [&](int v, int d) { return v >= bb.lo[d] && v < bb.hi[d]; };
    int fold_mismatches = 0, images = 0;
    for (int k = 0; k < g.n[2]; ++k)
      for (int j = 0; j < g.n[1]; ++j)
        for (int i = 0; i < g.n[0]; ++i) {
          double sum = 0;
          for (int sz = -3; sz <= 3; ++sz)
            for (int sy = -3; sy <= 3; ++sy)
              for (int sx = -3; sx <= 3; ++sx) {
                const int ii = i + sx * g.n[0], jj = j + sy * g.n[1], kk = k + sz * g.n[2];
                if (inside(ii, 0) && inside(jj, 1) && inside(kk, 2)) sum += brick_at(ii, jj, kk), ++images;
              }
          const double got = folded[i + g.n[0] * (j + static_cast<std::size_t>(g.n[1]) * k)];
          if (!(std::abs(got - sum) <= tol * (1 + std::abs(sum)))) ++fold_mismatches;
        }
    EXPECT_EQ(fold_mismatches, 0) << "order " << order;
    EXPECT_GT(images, static_cast<int>(cells)) << "order " << order << ": no periodic image folded";

    // Three fields on the mesh, back to the particles.
    std::vector<std::vector<double>> field(3, std::vector<double>(cells));
    for (int c = 0; c < 3; ++c)
      for (std::size_t m = 0; m < cells; ++m) field[c][m] = std::sin(0.37 * m + c) + 0.1 * c;
    Buffer<double> f0(dev, cells), f1(dev, cells), f2(dev, cells);
    f0.copy_from_host(field[0]), f1.copy_from_host(field[1]), f2.copy_from_host(field[2]);
    const double* fields[3] = {f0.data(), f1.data(), f2.data()};
    pm.pencil_to_brick(fields, 3);
    const std::vector<double> zero(n, 0.0);
    fx.copy_from_host(zero), fy.copy_from_host(zero), fz.copy_from_host(zero);
    pm.add_interpolated(static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), 1.5, fx.data(),
                        fy.data(), fz.data());
    const std::vector<double> got[3] = {fx.to_host(), fy.to_host(), fz.to_host()};
    auto wrap = [](int v, int m) { return ((v % m) + m) % m; };
    int interp_mismatches = 0;
    for (std::size_t p = 0; p < n; ++p) {
      const double pos[3] = {s.x[p], s.y[p], s.z[p]};
      spectral::StencilWeights w[3];
      for (int d = 0; d < 3; ++d)  // scaled as the mesh scales: (x - lower) * (n / length)
        w[d] = spectral::stencil_weights((pos[d] - g.lower[d]) * (g.n[d] / g.length[d]), order);
      double acc[3] = {0, 0, 0};
      for (int c = 0; c < order; ++c)
        for (int b = 0; b < order; ++b) {
          const double wbc = w[2].w[c] * w[1].w[b];
          for (int a = 0; a < order; ++a) {
            const double wt = wbc * w[0].w[a];
            const std::size_t at = wrap(w[0].first + a, g.n[0]) +
                                   g.n[0] * (wrap(w[1].first + b, g.n[1]) +
                                             static_cast<std::size_t>(g.n[1]) * wrap(w[2].first + c, g.n[2]));
            for (int f = 0; f < 3; ++f) acc[f] += wt * field[f][at];
          }
        }
      const double scale = 1.5 * s.q[p];
      for (int f = 0; f < 3; ++f)
        if (!(std::abs(got[f][p] - scale * acc[f]) <= tol * (1 + std::abs(acc[f])))) ++interp_mismatches;
    }
    EXPECT_EQ(interp_mismatches, 0) << "order " << order;
  }
}

// The deterministic gather (the GPU default) and the host's slab spreading
// (atomics on a GPU) give the same mesh to round-off, and the gather gives
// the same bits when run again.
TEST(ParticleMesh, GatherAndSlabSpreadingAgree) {
  const Device& dev = test_device();
  System s = random_system(300, 4.0, 5);
  for (std::size_t i = 0; i < s.size(); i += 5) s.y[i] += 4.4;  // outside [0, L)
  const std::size_t n = s.size();
  Buffer<double> x(dev, n), y(dev, n), z(dev, n), q(dev, n);
  x.copy_from_host(s.x), y.copy_from_host(s.y), z.copy_from_host(s.z), q.copy_from_host(s.q);
  for (int order : {2, 5, 7}) {
    spectral::MeshGeometry g;
    g.n = {9, 10, 8};
    g.length = s.length;
    g.order = order;
    const PencilLayout pencils(g.n, 1, 0);
    spectral::ParticleMesh pm(g, layout_of(s), pencils, transport());
    pm.ensure_covers(static_cast<std::int64_t>(n), x.data(), y.data(), z.data());
    Buffer<double> pencil(dev, static_cast<std::size_t>(pencils.local_size(Pencil::X)));
    std::vector<std::vector<double>> meshes;
    const auto other = dev.is_cuda() ? spectral::Spreading::Atomic : spectral::Spreading::Slabs;
    for (auto how : {other, spectral::Spreading::Gather, spectral::Spreading::Gather}) {
      pm.set_spreading(how);
      pm.assign(static_cast<std::int64_t>(n), x.data(), y.data(), z.data(), q.data(), 1.5);
      pm.brick_to_pencil(pencil.data());
      meshes.push_back(pencil.to_host());
    }
    double worst = 0;
    for (std::size_t c = 0; c < meshes[0].size(); ++c) worst = std::max(worst, std::abs(meshes[1][c] - meshes[0][c]));
    EXPECT_LT(worst, 1e-13) << "order " << order;
    EXPECT_EQ(meshes[1], meshes[2]) << "order " << order;
  }
}

TEST(LongRange, BadParametersAreInputErrors) {
  auto make = [](LongRangeSpec s) { return make_long_range(s, transport(), test_device()); };
  LongRangeSpec ok;
  ok.cutoff = 2.5;
  EXPECT_NO_THROW(make(ok));
  LongRangeSpec s = ok;
  s.style = "p3m";
  EXPECT_THROW(make(s), InputError);
  s = ok, s.order = 8;
  EXPECT_THROW(make(s), InputError);
  s = ok, s.order = 1;
  EXPECT_THROW(make(s), InputError);
  s = ok, s.mesh = {16, 0, 16};
  EXPECT_THROW(make(s), InputError);
  s = ok, s.g_ewald = -1;
  EXPECT_THROW(make(s), InputError);
  s = ok, s.cutoff = 0;  // g_ewald left to the accuracy needs the cutoff
  EXPECT_THROW(make(s), InputError);
  s = ok, s.accuracy = 0;
  EXPECT_THROW(make(s), InputError);
  s = ok, s.style = "ewald", s.accuracy = -1;
  EXPECT_THROW(make(s), InputError);
  // A box open along z cannot be periodic-summed.
  auto lr = make(ok);
  LayoutSpec open;
  open.cells = {4, 4, 4};
  open.periodic = {true, true, false};
  EXPECT_THROW(lr->setup(CartesianLayout(open, 1, 0), 2, 0.0, 2.0), InputError);
  // No charges: nothing to choose g_ewald from.
  LayoutSpec box;
  box.cells = {4, 4, 4};
  box.periodic = {true, true, true};
  EXPECT_THROW(make(ok)->setup(CartesianLayout(box, 1, 0), 2, 0.0, 0.0), InputError);
}
