// PPPM k-space step (solvers/md/pppm.hpp) on a charged LJ melt: fcc at
// density 0.8442 (4 m^3 atoms), positions jittered, half the atoms +1 and
// half -1 at random, lj units, real-space cutoff 2.5 (chooses g_ewald),
// accuracy 1e-4, order 5, one rank. Reports the median k-space time per
// step (forces only, as on non-diagnostic steps), k-space atom-steps/s, and
// the split between spreading, mesh exchange, FFTs (with the spectrum
// products) and interpolation from the timed regions (each region waits for
// the device at its ends).
//
//   tessera_bench_pppm [--n 256000,2048000] [--accuracy 1e-4] [--order 5] [--device auto|cpu|gpu] [--repeat 5]
//                      [--spreading default|gather|atomic]
//
// The default sizes are for a GPU; on the host backend pass small ones (--n 32000).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/mpi_transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "runtime/format.hpp"
#include "runtime/timers.hpp"
#include "solvers/md/pppm.hpp"

using namespace tessera;
using namespace tessera::md;

namespace {

struct Options {
  std::vector<std::int64_t> sizes{256000, 2048000};
  double accuracy = 1e-4;
  int order = 5;
  std::string device = "auto";
  std::string spreading = "default";
  int repeat = 5;
};

Buffer<double> upload(const Device& dev, const std::vector<double>& v) {
  Buffer<double> b(dev, v.size());
  b.copy_from_host(v);
  return b;
}

void bench_size(const Device& dev, Transport& transport, const Options& o, std::int64_t requested) {
  const int m = std::max(1, static_cast<int>(std::lround(std::cbrt(requested / 4.0))));
  const std::int64_t n = 4LL * m * m * m;
  const double a = std::cbrt(4.0 / 0.8442), length = a * m;
  std::mt19937_64 rng(4242 + static_cast<unsigned long long>(n));
  std::uniform_real_distribution<double> jitter(-0.05 * a, 0.05 * a);
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  std::vector<double> hx, hy, hz, hq(n), zero(n, 0.0);
  hx.reserve(n), hy.reserve(n), hz.reserve(n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < m; ++k)
        for (const auto& b : basis) {
          hx.push_back(std::fmod((i + b[0]) * a + jitter(rng) + length, length));
          hy.push_back(std::fmod((j + b[1]) * a + jitter(rng) + length, length));
          hz.push_back(std::fmod((k + b[2]) * a + jitter(rng) + length, length));
        }
  for (std::int64_t i = 0; i < n; ++i) hq[i] = i < n / 2 ? 1.0 : -1.0;
  std::shuffle(hq.begin(), hq.end(), rng);
  Buffer<double> x = upload(dev, hx), y = upload(dev, hy), z = upload(dev, hz), q = upload(dev, hq);
  Buffer<double> fx = upload(dev, zero), fy = upload(dev, zero), fz = upload(dev, zero);

  LayoutSpec ls;
  ls.cells = {std::max(1, m), std::max(1, m), std::max(1, m)};
  ls.periodic = {true, true, true};
  ls.upper = {length, length, length};
  const CartesianLayout layout(ls, 1, 0);
  LongRangeSpec spec;
  spec.accuracy = o.accuracy;
  spec.order = o.order;
  spec.cutoff = 2.5;
  Pppm pppm(spec, transport, dev);
  pppm.set_spreading(o.spreading == "atomic"   ? spectral::Spreading::Atomic
                     : o.spreading == "gather" ? spectral::Spreading::Gather
                                               : spectral::Spreading::Default);
  pppm.setup(layout, n, 0.0, static_cast<double>(n));
  const ChargedAtoms atoms{n, x.data(), y.data(), z.data(), q.data(), fx.data(), fy.data(), fz.data()};
  pppm.compute(atoms, true);  // warm-up: plans, first touches
  dev.synchronize();

  std::vector<double> step;
  Timers timers(dev, true);
  pppm.set_timers(&timers);
  for (int r = 0; r < o.repeat; ++r) {
    dev.synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    pppm.compute(atoms, false);
    dev.synchronize();
    step.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  pppm.set_timers(nullptr);
  std::sort(step.begin(), step.end());
  const double median = step[step.size() / 2];
  double total = 0;
  for (const auto& r : timers.regions()) total += r.seconds;
  std::printf("%10lld atoms  box %.2f  %s\n", static_cast<long long>(n), length, pppm.describe().c_str());
  std::printf("    k-space step %.4g s (median of %d)  %.3g atom-steps/s (k-space only)\n", median, o.repeat,
              static_cast<double>(n) / median);
  for (const auto& r : timers.regions())
    std::printf("    %-26s %6.1f %%  %.4g s/step\n", r.name.c_str(), 100.0 * r.seconds / total,
                r.seconds / static_cast<double>(r.calls > 0 ? o.repeat : 1));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PPPM k-space step on a charged LJ melt"};
  Options o;
  app.add_option("--n", o.sizes, "atom counts (rounded to 4 m^3)")->delimiter(',');
  app.add_option("--accuracy", o.accuracy, "relative force accuracy");
  app.add_option("--order", o.order, "assignment order 2..7");
  app.add_option("--device", o.device, "auto|cpu|gpu");
  app.add_option("--repeat", o.repeat, "timed steps per size");
  app.add_option("--spreading", o.spreading, "default|gather|atomic (atomic: GPU only)")
      ->check(CLI::IsMember({"default", "gather", "atomic"}));
  CLI11_PARSE(app, argc, argv);
  const Device dev = Device::select(parse_device_choice(o.device));
  MpiTransport transport(dev);
  std::printf("PPPM bench on %s: accuracy %g, order %d, rc 2.5, spreading %s\n", dev.describe().c_str(), o.accuracy,
              o.order, o.spreading.c_str());
  for (std::int64_t n : o.sizes) bench_size(dev, transport, o, n);
  return 0;
}
