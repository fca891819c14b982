// The distributed 3-D FFT and the Poisson solver at whatever rank count
// mpirun gives, over every slab and pencil grid that fits, with uneven
// splits: the spectrum equals a single-process transform of the same global
// data (computed on each rank) to 1e-13, forward then backward returns the
// input to round-off, and the Poisson solution equals the single-process one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/pencil_layout.hpp"
#include "decomposition/pencil_redistribution.hpp"
#include "runtime/collectives.hpp"
#include "solvers/spectral/distributed_fft.hpp"
#include "solvers/spectral/poisson_solver.hpp"
#include "tests/mpi/pencil_grids.hpp"
#include "tests/spectral_reference.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using namespace tessera::spectral;
using tessera::testing::test_device;

namespace {

Transport& transport() {
  static std::unique_ptr<Transport> t;
  if (!t || !(t->device() == test_device())) t = make_transport(TransportKind::Auto, test_device());
  return *t;
}

// This rank's x-pencil of the global test field, as T or complex<T>.
template <class E>
std::vector<E> x_pencil(const PencilLayout& l, bool imaginary_part) {
  const Range3 b = l.box(Pencil::X);
  std::vector<E> v;
  for (int k = b.lo[2]; k < b.hi[2]; ++k)
    for (int j = b.lo[1]; j < b.hi[1]; ++j)
      for (int i = b.lo[0]; i < b.hi[0]; ++i) {
        const double re = tessera::testing::rough_value(i, j, k), im = tessera::testing::rough_value(k, i, j);
        if constexpr (std::is_floating_point_v<E>) v.push_back(static_cast<E>(re));
        else v.push_back(E{static_cast<decltype(E::re)>(re), static_cast<decltype(E::re)>(imaginary_part ? im : 0)});
      }
  return v;
}

double abs_of(double v) { return std::abs(v); }
double abs_of(float v) { return std::abs(v); }
template <class T>
double abs_of(fft::complex<T> v) {
  return std::hypot(static_cast<double>(v.re), static_cast<double>(v.im));
}
template <class T>
fft::complex<T> minus(fft::complex<T> a, fft::complex<T> b) {
  return a - b;
}
template <class T>
T minus(T a, T b) {
  return a - b;
}

struct Errors {
  double spectrum = 0, round_trip = 0, input_changed = 0;
};

// In: E_in (T or complex<T>) x-pencils; spectrum E_out. Compares with a
// one-rank plan of the same global data on this rank.
template <class T, class EIn, class EOut>
Errors check_plan(const std::array<int, 3>& cells, std::array<int, 2> grid, const FftSpec& spec) {
  const PencilLayout dist = PencilLayout::for_this_process(cells, grid);
  const PencilLayout one(cells, 1, 0);
  DistributedFft<T> plan(dist, transport(), spec), ref(one, transport(), spec);
  const bool imag = spec.complex_data;
  Buffer<EIn> in(test_device(), plan.physical_size()), back(test_device(), plan.physical_size()),
      ref_in(test_device(), ref.physical_size());
  Buffer<EOut> out(test_device(), plan.spectral_size()), ref_out(test_device(), ref.spectral_size());
  const auto input = x_pencil<EIn>(dist, imag);
  in.copy_from_host(input);
  ref_in.copy_from_host(x_pencil<EIn>(one, imag));
  plan.forward(in.data(), out.data());
  ref.forward(ref_in.data(), ref_out.data());
  Errors err;
  // forward leaves its input as it was (bit for bit).
  const auto kept = in.to_host();
  err.input_changed = collectives::max(std::equal(kept.begin(), kept.end(), input.begin(), [](EIn a, EIn b) {
                                         return std::memcmp(&a, &b, sizeof(EIn)) == 0;
                                       }) ? 0.0 : 1.0);
  const auto got = out.to_host(), want = ref_out.to_host();
  double worst = 0, scale = 0;
  for (const auto& w : want) scale = std::max(scale, abs_of(w));
  // Both spectra are z-pencils (z, x, y); the one-rank pencil is the whole spectrum.
  const auto& sc = plan.spectral_layout().cells();
  tessera::testing::for_each_in_z_pencil(plan.spectral_layout(), [&](std::int64_t e, int x, int y, int z) {
    const std::int64_t r = z + static_cast<std::int64_t>(sc[2]) * (x + static_cast<std::int64_t>(sc[0]) * y);
    worst = std::max(worst, abs_of(minus(got[e], want[r])));
  });
  err.spectrum = collectives::max(worst / scale);
  plan.backward(out.data(), back.data());
  const auto result = back.to_host();
  const double norm = plan.normalisation();
  double rt = 0, in_max = 0;
  for (std::size_t e = 0; e < input.size(); ++e) {
    rt = std::max(rt, abs_of(minus(result[e], static_cast<T>(norm) * input[e])) / norm);
    in_max = std::max(in_max, abs_of(input[e]));
  }
  err.round_trip = collectives::max(rt / in_max);
  return err;
}

std::string label(const std::array<int, 3>& c, std::array<int, 2> g, const FftSpec& s) {
  return std::to_string(c[0]) + "x" + std::to_string(c[1]) + "x" + std::to_string(c[2]) + " on " +
         std::to_string(g[0]) + "x" + std::to_string(g[1]) + " " + to_string(s.axes[0]) + "/" +
         to_string(s.axes[1]) + "/" + to_string(s.axes[2]) + (s.complex_data ? " complex" : " real");
}

}  // namespace

TEST(DistributedFftRanks, EveryRankCountMatchesOneRankAndRoundTrips) {
  using A = AxisTransform;
  using C = fft::complex<double>;
  int cases = 0;
  for (std::array<int, 3> cells : {std::array<int, 3>{17, 12, 9}, {16, 10, 12}, {9, 16, 1}}) {
    for (auto grid : tessera::testing::pencil_grids_for(cells)) {
      for (FftSpec spec : {FftSpec{}, FftSpec{{A::Periodic, A::Periodic, A::Periodic}, true},
                           FftSpec{{A::Cosine, A::Periodic, A::Sine}}, FftSpec{{A::Sine, A::Cosine, A::Periodic}},
                           FftSpec{{A::Cosine, A::Sine, A::Cosine}}, FftSpec{{A::Periodic, A::Cosine, A::Sine}, true}}) {
        if (cells[2] == 1 && spec.axes[2] != A::Periodic) continue;
        Errors e;
        try {
          const bool real_spectrum = !spec.complex_data && spec.axes[0] != A::Periodic &&
                                     spec.axes[1] != A::Periodic && spec.axes[2] != A::Periodic;
          if (spec.complex_data) e = check_plan<double, C, C>(cells, grid, spec);
          else if (real_spectrum) e = check_plan<double, double, double>(cells, grid, spec);
          else e = check_plan<double, double, C>(cells, grid, spec);
        } catch (const InputError&) {
          continue;  // the halved spectrum does not fit this grid (checked in the unit tests)
        }
        EXPECT_LT(e.spectrum, 1e-13) << label(cells, grid, spec);
        EXPECT_LT(e.round_trip, 1e-13) << label(cells, grid, spec);
        EXPECT_EQ(e.input_changed, 0.0) << label(cells, grid, spec) << ": forward changed its input";
        ++cases;
      }
    }
  }
  EXPECT_GE(cases, 10);
}

TEST(DistributedFftRanks, SinglePrecisionRoundTrips) {
  const std::array<int, 3> cells{17, 12, 9};
  for (auto grid : tessera::testing::pencil_grids_for(cells)) {
    const Errors e = check_plan<float, float, fft::complex<float>>(cells, grid, FftSpec{});
    EXPECT_LT(e.spectrum, 1e-5);
    EXPECT_LT(e.round_trip, 1e-5);
  }
}

TEST(PoissonRanks, SolutionEqualsTheOneRankSolution) {
  using B = Boundary;
  const std::array<int, 3> cells{17, 12, 9};
  for (auto boundary : {std::array<B, 3>{B::Periodic, B::Periodic, B::Periodic},
                        std::array<B, 3>{B::Neumann, B::Periodic, B::Dirichlet},
                        std::array<B, 3>{B::Dirichlet, B::Neumann, B::Neumann}})
    for (auto grid : tessera::testing::pencil_grids_for(cells)) {
      PoissonSpec spec;
      spec.boundary = boundary;
      spec.length = {1.0, 0.8, 0.6};
      const PencilLayout dist = PencilLayout::for_this_process(cells, grid);
      const PencilLayout one(cells, 1, 0);
      std::unique_ptr<PoissonSolver<double>> solver;
      try {
        solver = std::make_unique<PoissonSolver<double>>(dist, transport(), spec);
      } catch (const InputError&) {
        continue;
      }
      PoissonSolver<double> ref(one, transport(), spec);
      Buffer<double> phi(test_device(), dist.local_size(Pencil::X)), ref_phi(test_device(), one.local_size(Pencil::X));
      phi.copy_from_host(x_pencil<double>(dist, false));
      ref_phi.copy_from_host(x_pencil<double>(one, false));
      solver->solve(phi.data(), phi.data());
      ref.solve(ref_phi.data(), ref_phi.data());
      const auto got = phi.to_host(), want = ref_phi.to_host();
      double scale = 0, worst = 0;
      for (double v : want) scale = std::max(scale, std::abs(v));
      const Range3 b = dist.box(Pencil::X);
      std::size_t e = 0;
      for (int k = b.lo[2]; k < b.hi[2]; ++k)
        for (int j = b.lo[1]; j < b.hi[1]; ++j)
          for (int i = b.lo[0]; i < b.hi[0]; ++i, ++e)
            worst = std::max(worst, std::abs(got[e] - want[tessera::testing::flat(cells, i, j, k)]));
      EXPECT_LT(collectives::max(worst / scale), 1e-13)
          << to_string(boundary[0]) << "/" << to_string(boundary[1]) << "/" << to_string(boundary[2]) << " on "
          << grid[0] << "x" << grid[1];
    }
}

TEST(PoissonRanks, SolvesAFieldHeldInCartesianBlocks) {
  // The flow a grid solver follows: its own blocks (with ghosts) -> x-pencils
  // -> Poisson -> blocks; the gathered answer's 7-point Laplacian is f.
  using B = Boundary;
  const std::array<int, 3> cells{14, 11, 10};
  PoissonSpec spec;
  spec.boundary = {B::Periodic, B::Neumann, B::Dirichlet};
  spec.length = {1.0, 1.3, 0.9};
  LayoutSpec ls;
  ls.cells = cells;
  ls.periodic = {true, false, false};
  ls.ghosts = 2;
  const CartesianLayout blocks = CartesianLayout::for_this_process(ls);
  const PencilLayout pencils = PencilLayout::for_this_process(cells);
  PencilRedistribution redist(blocks, pencils, transport(), sizeof(double), ls.ghosts);
  PoissonSolver<double> solver(pencils, transport(), spec);
  Range3 store = blocks.owned();
  for (int d = 0; d < 3; ++d) store.lo[d] -= ls.ghosts, store.hi[d] += ls.ghosts;
  std::vector<double> field(static_cast<std::size_t>(store.size()), 0.0);
  const Span3<double> f(field.data(), store);
  const Range3 own = blocks.owned();
  for (int k = own.lo[2]; k < own.hi[2]; ++k)
    for (int j = own.lo[1]; j < own.hi[1]; ++j)
      for (int i = own.lo[0]; i < own.hi[0]; ++i) f(i, j, k) = tessera::testing::rough_value(i, j, k);
  Buffer<double> dev_field(test_device(), field.size()), pencil(test_device(), redist.pencil_size());
  dev_field.copy_from_host(field);
  redist.to_pencils(dev_field.data(), pencil.data());
  solver.solve(pencil.data(), pencil.data());
  redist.from_pencils(pencil.data(), dev_field.data());
  const auto phi_blocks = dev_field.to_host();
  const Span3<const double> p(phi_blocks.data(), store);
  std::vector<double> phi(static_cast<std::size_t>(cells[0]) * cells[1] * cells[2], 0.0), rhs(phi.size(), 0.0);
  for (int k = own.lo[2]; k < own.hi[2]; ++k)
    for (int j = own.lo[1]; j < own.hi[1]; ++j)
      for (int i = own.lo[0]; i < own.hi[0]; ++i) {
        phi[tessera::testing::flat(cells, i, j, k)] = p(i, j, k);
        rhs[tessera::testing::flat(cells, i, j, k)] = f(i, j, k);
      }
  phi = collectives::sum(phi);
  rhs = collectives::sum(rhs);
  const auto lap = tessera::testing::laplacian(phi, cells, spec);
  double worst = 0, fmax = 0;
  for (std::size_t e = 0; e < rhs.size(); ++e) {
    worst = std::max(worst, std::abs(lap[e] - rhs[e]));
    fmax = std::max(fmax, std::abs(rhs[e]));
  }
  EXPECT_LT(worst / fmax, 1e-11) << blocks.describe() << " / " << pencils.describe();
}
