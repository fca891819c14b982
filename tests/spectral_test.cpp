// The distributed 3-D FFT on one rank against direct sums (every transform
// kind per axis, odd and prime sizes, double and single), and the Poisson
// solvers on manufactured problems: with finite-difference eigenvalues the
// solver's 7-point Laplacian of the answer is the right-hand side, with
// spectral eigenvalues a smooth periodic solution comes back exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "decomposition/mpi_transport.hpp"
#include "runtime/error.hpp"
#include "tests/spectral_reference.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::spectral;
using tessera::testing::cplx;
using tessera::testing::flat;
using tessera::testing::test_device;

namespace {

Transport& transport() {
  static MpiTransport t(test_device());  // one rank: never exchanges
  return t;
}

const char* name(AxisTransform t) { return to_string(t); }

// Max |spectrum - direct| / max |direct| for one plan, T = double or float.
template <class T>
double transform_error(std::array<int, 3> n, std::array<AxisTransform, 3> axes, bool complex_data,
                       bool any_order = false) {
  PencilLayout layout(n, 1, 0);
  FftSpec fs{axes, complex_data};
  fs.any_spectral_order = any_order;
  DistributedFft<T> plan(layout, transport(), fs);
  const std::int64_t total = static_cast<std::int64_t>(n[0]) * n[1] * n[2];
  std::vector<cplx> u(static_cast<std::size_t>(total));
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i)
        u[flat(n, i, j, k)] = cplx(tessera::testing::rough_value(i, j, k), complex_data ? tessera::testing::rough_value(k, i, j) : 0);
  const auto ref = tessera::testing::direct_transform(u, n, axes);
  using C = fft::complex<T>;
  Buffer<C> spec_c(test_device(), plan.spectral_is_complex() ? plan.spectral_size() : 1);
  Buffer<T> spec_r(test_device(), plan.spectral_is_complex() ? 1 : plan.spectral_size());
  if (complex_data) {
    std::vector<C> in(u.size());
    for (std::size_t e = 0; e < u.size(); ++e) in[e] = C{T(u[e].real()), T(u[e].imag())};
    Buffer<C> d(test_device(), in.size());
    d.copy_from_host(in);
    plan.forward(d.data(), spec_c.data());
  } else {
    std::vector<T> in(u.size());
    for (std::size_t e = 0; e < u.size(); ++e) in[e] = T(u[e].real());
    Buffer<T> d(test_device(), in.size());
    d.copy_from_host(in);
    if (plan.spectral_is_complex()) plan.forward(d.data(), spec_c.data());
    else plan.forward(d.data(), spec_r.data());
  }
  const auto got_c = spec_c.to_host();
  const auto got_r = spec_r.to_host();
  long double worst = 0, scale = 0;
  for (const auto& r : ref) scale = std::max(scale, std::abs(r));
  // Through the plan's strides (the z-pencil's unless any_order), checked against the z-pencil order.
  const auto st = plan.spectral_strides();
  const auto& sc = plan.spectral_layout().cells();
  if (!any_order) {
    EXPECT_EQ(st, (std::array<std::int64_t, 3>{sc[2], static_cast<std::int64_t>(sc[2]) * sc[0], 1}));
  } else {
    EXPECT_EQ(st, (std::array<std::int64_t, 3>{1, sc[0], static_cast<std::int64_t>(sc[0]) * sc[1]}));
  }
  tessera::testing::for_each_in_z_pencil(plan.spectral_layout(), [&](std::int64_t, int x, int y, int z) {
    const std::int64_t e = x * st[0] + y * st[1] + z * st[2];
    const cplx want = ref[flat(n, x, y, z)];
    const cplx got = plan.spectral_is_complex() ? cplx(got_c[e].re, got_c[e].im) : cplx(got_r[e], 0);
    worst = std::max(worst, std::abs(got - want));
  });
  return static_cast<double>(worst / scale);
}

}  // namespace

TEST(DistributedFft, MatchesDirectSumsForEveryAxisTransform) {
  using A = AxisTransform;
  const std::vector<std::array<A, 3>> kinds = {
      {A::Periodic, A::Periodic, A::Periodic}, {A::Cosine, A::Periodic, A::Sine}, {A::Sine, A::Cosine, A::Periodic},
      {A::Periodic, A::Sine, A::Cosine},       {A::Cosine, A::Cosine, A::Cosine}, {A::Sine, A::Sine, A::Sine},
      {A::Cosine, A::Sine, A::Periodic}};
  const std::vector<std::array<int, 3>> sizes = {{8, 6, 4}, {7, 5, 3}, {9, 11, 13}, {6, 1, 5}};
  for (const auto& n : sizes)
    for (const auto& axes : kinds)
      for (bool complex_data : {false, true}) {
        const std::string what = std::to_string(n[0]) + "x" + std::to_string(n[1]) + "x" + std::to_string(n[2]) +
                                 " " + name(axes[0]) + "/" + name(axes[1]) + "/" + name(axes[2]) +
                                 (complex_data ? " complex" : " real");
        EXPECT_LT(transform_error<double>(n, axes, complex_data), 1e-12) << what << " double";
        EXPECT_LT(transform_error<float>(n, axes, complex_data), 1e-5) << what << " single";
        EXPECT_LT(transform_error<double>(n, axes, complex_data, true), 1e-12) << what << " double, any order";
      }
}

// On one rank a plan that may keep the input's order runs three passes from
// the input into the output: no work array even for R2C.
TEST(DistributedFft, AnySpectralOrderNeedsNoWorkArray) {
  PencilLayout layout({16, 12, 10}, 1, 0);
  FftSpec fs;
  fs.any_spectral_order = true;
  DistributedFft<double> plan(layout, transport(), fs);
  EXPECT_EQ(plan.spectral_strides(), (std::array<std::int64_t, 3>{1, 9, 108}));
  if (!test_device().is_cuda()) {
    EXPECT_EQ(plan.memory_bytes(), 0u);
  }
}

TEST(DistributedFft, ReportsItsShapeAndMemory) {
  PencilLayout layout({16, 12, 10}, 1, 0);
  DistributedFft<double> plan(layout, transport());
  EXPECT_EQ(plan.halved_axis(), 0);
  EXPECT_EQ(plan.spectral_layout().cells(), (std::array<int, 3>{9, 12, 10}));
  EXPECT_EQ(plan.normalisation(), 16.0 * 12 * 10);
  // One rank: strided passes and no transposes or message buffers. The R2C
  // along x writes contiguous lines into one work array of the spectrum, the
  // C2C along z permutes it into the output; FFTW holds no work areas
  // (cuFFT's are counted on a GPU).
  EXPECT_GE(plan.memory_bytes(), 9 * 12 * 10 * sizeof(fft::complex<double>));
  if (!test_device().is_cuda()) {
    EXPECT_EQ(plan.memory_bytes(), 9 * 12 * 10 * sizeof(fft::complex<double>));
  }
  // Complex data: every pass from the input straight into the output, no work array.
  DistributedFft<double> c2c(layout, transport(), FftSpec{{}, true});
  if (!test_device().is_cuda()) {
    EXPECT_EQ(c2c.memory_bytes(), 0u);
  }
  EXPECT_NE(plan.describe().find("R2C along x"), std::string::npos) << plan.describe();
  DistributedFft<double> walls(layout, transport(), FftSpec{{AxisTransform::Cosine, AxisTransform::Periodic,
                                                             AxisTransform::Sine}});
  EXPECT_EQ(walls.halved_axis(), 1);
  EXPECT_EQ(walls.spectral_layout().cells(), (std::array<int, 3>{16, 7, 10}));
  EXPECT_EQ(walls.normalisation(), 32.0 * 12 * 20);
  // The cosine pass along x writes real data that the R2C along y reads:
  // one real work array of the whole grid.
  EXPECT_GE(walls.memory_bytes(), 16 * 12 * 10 * sizeof(double));
}

// forward keeps its input; backward(forward(u)) = normalisation() u on one
// rank for every placement of the R2C axis and for complex data.
TEST(DistributedFft, ForwardKeepsItsInputAndRoundTrips) {
  using A = AxisTransform;
  const std::array<int, 3> n{9, 6, 5};
  PencilLayout layout(n, 1, 0);
  for (const auto& axes : {std::array<A, 3>{A::Periodic, A::Periodic, A::Periodic}, {A::Cosine, A::Periodic, A::Sine},
                           {A::Sine, A::Cosine, A::Periodic}, {A::Cosine, A::Sine, A::Cosine}})
    for (bool complex_data : {false, true}) {
      DistributedFft<double> plan(layout, transport(), FftSpec{axes, complex_data});
      const std::size_t w = complex_data ? 2 : 1, sw = plan.spectral_is_complex() ? 2 : 1;
      std::vector<double> u(static_cast<std::size_t>(plan.physical_size()) * w);
      for (std::size_t e = 0; e < u.size(); ++e) u[e] = tessera::testing::rough_value(static_cast<int>(e), 1, 2);
      Buffer<double> in(test_device(), u.size()), back(test_device(), u.size());
      Buffer<double> spec(test_device(), static_cast<std::size_t>(plan.spectral_size()) * sw);
      in.copy_from_host(u);
      using C = fft::complex<double>;
      auto c = [](double* p) { return reinterpret_cast<C*>(p); };
      if (complex_data) plan.forward(c(in.data()), c(spec.data()));
      else if (plan.spectral_is_complex()) plan.forward(in.data(), c(spec.data()));
      else plan.forward(in.data(), spec.data());
      EXPECT_EQ(in.to_host(), u) << plan.describe();
      if (complex_data) plan.backward(c(spec.data()), c(back.data()));
      else if (plan.spectral_is_complex()) plan.backward(c(spec.data()), back.data());
      else plan.backward(spec.data(), back.data());
      const auto got = back.to_host();
      double worst = 0;
      for (std::size_t e = 0; e < u.size(); ++e) worst = std::max(worst, std::abs(got[e] / plan.normalisation() - u[e]));
      EXPECT_LT(worst, 1e-14) << plan.describe();
    }
}

TEST(DistributedFft, RefusesMismatchedData) {
  PencilLayout layout({8, 8, 8}, 1, 0);
  DistributedFft<double> plan(layout, transport());
  Buffer<double> r(test_device(), 512), r2(test_device(), 512);
  Buffer<fft::complex<double>> c(test_device(), 512);
  try {
    plan.forward(r.data(), r2.data());
    ADD_FAILURE() << "real spectrum accepted from a periodic real plan";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("takes real data to complex data; it was given real to real"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(plan.forward(c.data(), c.data()), Error);
  // A layout for another process's rank.
  PencilLayout other({8, 8, 8}, 2, 1);
  EXPECT_THROW(DistributedFft<double>(other, transport()), Error);
}

namespace {

// Solves lap(phi) = f for a rough f and returns max |lap_h(phi) - (f - mean)| / max |f|.
double fd_residual(std::array<int, 3> n, const PoissonSpec& spec) {
  PencilLayout layout(n, 1, 0);
  PoissonSolver<double> solver(layout, transport(), spec);
  std::vector<double> f(static_cast<std::size_t>(n[0]) * n[1] * n[2]);
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) f[flat(n, i, j, k)] = tessera::testing::rough_value(i, j, k);
  Buffer<double> d(test_device(), f.size());
  d.copy_from_host(f);
  solver.solve(d.data(), d.data());  // in place
  const auto phi = d.to_host();
  double mean = 0, fmax = 0;
  for (double v : f) mean += v, fmax = std::max(fmax, std::abs(v));
  mean = solver.singular() ? mean / f.size() : 0;
  const auto lap = tessera::testing::laplacian(phi, n, spec);
  double worst = 0, phi_mean = 0;
  for (std::size_t e = 0; e < f.size(); ++e) worst = std::max(worst, std::abs(lap[e] - (f[e] - mean)));
  for (double v : phi) phi_mean += v;
  if (solver.singular()) {
    EXPECT_NEAR(phi_mean / phi.size(), 0.0, 1e-12) << "the solution has zero mean";
  }
  return worst / fmax;
}

}  // namespace

TEST(PoissonSolver, FiniteDifferenceEigenvaluesInvertTheSevenPointLaplacian) {
  using B = Boundary;
  int cases = 0;
  for (B bx : {B::Periodic, B::Neumann, B::Dirichlet})
    for (B by : {B::Periodic, B::Neumann, B::Dirichlet})
      for (B bz : {B::Periodic, B::Neumann, B::Dirichlet}) {
        PoissonSpec spec;
        spec.boundary = {bx, by, bz};
        spec.length = {1.0, 0.7, 1.9};
        for (std::array<int, 3> n : {std::array<int, 3>{12, 10, 8}, {9, 7, 11}}) {
          const double r = fd_residual(n, spec);
          EXPECT_LT(r, 1e-11) << to_string(bx) << "/" << to_string(by) << "/" << to_string(bz) << " " << n[0] << "x"
                              << n[1] << "x" << n[2];
          ++cases;
        }
      }
  EXPECT_EQ(cases, 54);
}

TEST(PoissonSolver, SpectralEigenvaluesRecoverASmoothPeriodicSolution) {
  const double pi = std::numbers::pi;
  const std::array<int, 3> n{24, 20, 16};
  PoissonSpec spec;
  spec.length = {2.0, 1.0, 1.5};
  spec.eigenvalues = Eigenvalues::Spectral;
  PencilLayout layout(n, 1, 0);
  PoissonSolver<double> solver(layout, transport(), spec);
  const double a = 2 * pi / spec.length[0], b = 4 * pi / spec.length[1], c = 2 * pi / spec.length[2];
  std::vector<double> f(static_cast<std::size_t>(n[0]) * n[1] * n[2]), exact(f.size());
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        const double x = (i + 0.5) * spec.length[0] / n[0], y = (j + 0.5) * spec.length[1] / n[1],
                     z = (k + 0.5) * spec.length[2] / n[2];
        // Two modes: zero mean, well below the Nyquist wavenumbers.
        const double u1 = std::sin(a * x) * std::cos(b * y) * std::cos(c * z);
        const double u2 = std::cos(2 * a * x + 3 * c * z);
        exact[flat(n, i, j, k)] = u1 + u2;
        f[flat(n, i, j, k)] = -(a * a + b * b + c * c) * u1 - (4 * a * a + 9 * c * c) * u2;
      }
  Buffer<double> d(test_device(), f.size());
  d.copy_from_host(f);
  solver.solve(d.data(), d.data());
  const auto phi = d.to_host();
  double worst = 0;
  for (std::size_t e = 0; e < phi.size(); ++e) worst = std::max(worst, std::abs(phi[e] - exact[e]));
  EXPECT_LT(worst, 1e-12);
}

TEST(PoissonSolver, SinglePrecisionSolvesToItsRoundOff) {
  PoissonSpec spec;
  spec.boundary = {Boundary::Dirichlet, Boundary::Periodic, Boundary::Neumann};
  const std::array<int, 3> n{10, 8, 6};
  PencilLayout layout(n, 1, 0);
  PoissonSolver<float> solver(layout, transport(), spec);
  std::vector<float> f(static_cast<std::size_t>(n[0]) * n[1] * n[2]);
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) f[flat(n, i, j, k)] = static_cast<float>(tessera::testing::rough_value(i, j, k));
  Buffer<float> d(test_device(), f.size());
  d.copy_from_host(f);
  solver.solve(d.data(), d.data());
  const auto phi_f = d.to_host();
  const std::vector<double> phi(phi_f.begin(), phi_f.end());
  const auto lap = tessera::testing::laplacian(phi, n, spec);
  double worst = 0;
  for (std::size_t e = 0; e < f.size(); ++e) worst = std::max(worst, std::abs(lap[e] - f[e]));
  EXPECT_LT(worst, 1e-4);
}

TEST(PoissonSolver, RefusesBadDomainsAndLayouts) {
  PoissonSpec spec;
  spec.length = {1.0, 0.0, 1.0};
  try {
    PoissonSolver<double> s(PencilLayout({8, 8, 8}, 1, 0), transport(), spec);
    ADD_FAILURE() << "zero length accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the domain length along y is 0"), std::string::npos) << e.what();
  }
  // 5 x 1 pencils fit 6 x 8 x 8 real cells, but not the 4-entry spectrum along x.
  try {
    PencilLayout layout({6, 8, 8}, 5, 0, {5, 1});
    DistributedFft<double> plan(layout, transport());
    ADD_FAILURE() << "spectrum that does not fit the pencils accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the spectrum of a real-to-complex transform along x has 4 x 8 x 8 entries"),
              std::string::npos)
        << e.what();
  } catch (const Error& e) {
    ADD_FAILURE() << "refused for another reason: " << e.what();
  }
}
