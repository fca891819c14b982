// Direct-summation gravity, force pass only (solvers/nbody/gravity_forces.hpp):
// N particles on themselves (same_set, one rank), the tiled kernel on a CUDA
// device and the portable version elsewhere. Reports the median time of a pass
// (after a warm-up, each pass timed to the end of its device work), pair
// interactions/s, GFLOP/s at the customary 20 flops per interaction, and the
// fraction of the FP32 peak (or FP64 with --precision double).
//
// On the host backend the peak is the core's: pass the per-core figures that
// tessera_bench_ceilings prints ("host per core: fp32_gflops=... rsqrt32_per_s=..."),
// and the bench reports the OpenMP thread count (OMP_NUM_THREADS), the
// interactions/s per thread, and the fraction of threads x the per-core FMA
// ceiling and of threads x the per-core sqrt+divide rate (one per pair: the
// host pass's bound).
//
//   tessera_bench_gravity [--n 16384,65536,262144,1048576] [--precision single|double]
//                         [--softening plummer|spline] [--device auto|cpu|gpu] [--repeat 5]
//                         [--peak 66.9] [--peak-fp64 33.5] [--portable]
//                         [--core-gflops 0] [--core-rsqrt 0]
//
// The default sizes are for a GPU; on the host backend pass small ones (--n 16384,65536).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <omp.h>

#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "solvers/nbody/gravity_forces.hpp"

using namespace tessera;
using namespace tessera::nbody;

namespace {

constexpr double kFlopsPerInteraction = 20.0;

struct Options {
  std::vector<std::int64_t> sizes{16384, 65536, 262144, 1048576};
  std::string precision = "single", softening = "plummer", device = "auto";
  int repeat = 5;
  double peak_fp32 = 66.9, peak_fp64 = 33.5;  // TFLOP/s, H100 SXM datasheet
  bool portable = false;
  double core_gflops = 0, core_rsqrt = 0;  // host: per-core ceilings in the run's precision (0: not given)
};

Buffer<double> upload(const Device& dev, const std::vector<double>& v) {
  Buffer<double> b(dev, v.size());
  b.copy_from_host(v);
  return b;
}

void bench_size(const Device& dev, const Options& o, const GravityParams& p, std::int64_t n) {
  // A uniform cube: non-zero, unstructured positions; equal masses.
  std::mt19937_64 rng(12345 + static_cast<unsigned long long>(n));
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> hx(n), hy(n), hz(n), hm(n, 1.0 / static_cast<double>(n)), zero(n, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    hx[i] = u(rng);
    hy[i] = u(rng);
    hz[i] = u(rng);
  }
  Buffer<double> x = upload(dev, hx), y = upload(dev, hy), z = upload(dev, hz), m = upload(dev, hm);
  Buffer<double> ax = upload(dev, zero), ay = upload(dev, zero), az = upload(dev, zero), pot = upload(dev, zero);
  const Sources s{x.data(), y.data(), z.data(), m.data(), n};
  const Targets t{x.data(), y.data(), z.data(), n, ax.data(), ay.data(), az.data(), pot.data()};
  auto pass = [&] {
    if (o.portable)
      accumulate_gravity_portable(dev, p, s, t, true);
    else
      accumulate_gravity(dev, p, s, t, true);
    dev.synchronize();
  };

  pass();  // warm-up: module load, scratch growth, caches
  std::vector<double> times;
  for (int r = 0; r < o.repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    pass();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double interactions = static_cast<double>(gravity_interactions(s, t, true));
  const double rate = interactions / median;
  const double gflops = rate * kFlopsPerInteraction / 1e9;
  const bool single = p.precision == Precision::Single;
  const double peak = single ? o.peak_fp32 : o.peak_fp64;
  logging::info(strfmt("gravity %s N=%lld %s %s on %s", o.portable || !dev.is_cuda() ? "portable" : "tiled",
                       static_cast<long long>(n), o.precision.c_str(), o.softening.c_str(), dev.describe().c_str()));
  if (dev.is_host()) {
    const int threads = omp_get_max_threads();
    std::string ceilings;
    if (o.core_gflops > 0)
      ceilings += strfmt(", %.1f%% of %d x %.4g GFLOP/s (%s FMA chains per core)",
                         100.0 * gflops / (threads * o.core_gflops), threads, o.core_gflops, single ? "FP32" : "FP64");
    if (o.core_rsqrt > 0)
      ceilings += strfmt(", %.1f%% of %d x %.4g/s (%s sqrt+divide per core)", 100.0 * rate / (threads * o.core_rsqrt),
                         threads, o.core_rsqrt, single ? "FP32" : "FP64");
    logging::info(strfmt("  median %.4g ms per pass (min %.4g, max %.4g, %d repeats), %d thread%s: %.4g interactions/s "
                         "(%.4g per thread), %.4g GFLOP/s (20 flop/interaction)%s",
                         median * 1e3, times.front() * 1e3, times.back() * 1e3, o.repeat, threads,
                         threads == 1 ? "" : "s", rate, rate / threads, gflops, ceilings.c_str()));
    return;
  }
  logging::info(strfmt("  median %.4g ms per pass (min %.4g, max %.4g, %d repeats): %.4g interactions/s, "
                       "%.4g GFLOP/s (20 flop/interaction), %.2f%% of %s peak %.4g TFLOP/s",
                       median * 1e3, times.front() * 1e3, times.back() * 1e3, o.repeat, rate, gflops,
                       100.0 * gflops / (peak * 1e3), single ? "FP32" : "FP64", peak));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tessera direct-summation gravity benchmark (force pass)"};
  Options o;
  app.add_option("--n", o.sizes, "particle counts (comma separated)")->delimiter(',');
  app.add_option("--precision", o.precision, "single or double")->check(CLI::IsMember({"single", "double"}));
  app.add_option("--softening", o.softening, "plummer or spline")->check(CLI::IsMember({"plummer", "spline"}));
  app.add_option("--device", o.device, "auto, cpu or gpu");
  app.add_option("--repeat", o.repeat, "timed passes per size (median reported)")->check(CLI::PositiveNumber);
  app.add_option("--peak", o.peak_fp32, "FP32 peak in TFLOP/s (default: H100 SXM)");
  app.add_option("--peak-fp64", o.peak_fp64, "FP64 peak in TFLOP/s, for --precision double");
  app.add_flag("--portable", o.portable, "time the portable version even on a CUDA device");
  app.add_option("--core-gflops", o.core_gflops,
                 "host: one core's FMA ceiling in GFLOP/s in the run's precision (tessera_bench_ceilings)");
  app.add_option("--core-rsqrt", o.core_rsqrt,
                 "host: one core's sqrt+divide rate per second in the run's precision (tessera_bench_ceilings)");
  CLI11_PARSE(app, argc, argv);
  try {
    const Device dev = Device::select(parse_device_choice(o.device));
    GravityParams p;
    p.precision = o.precision == "single" ? Precision::Single : Precision::Double;
    p.softening = o.softening == "spline" ? gravity::Softening::Spline : gravity::Softening::Plummer;
    for (std::int64_t n : o.sizes) {
      if (n < 2) throw Error(strfmt("--n %lld: need at least 2 particles", static_cast<long long>(n)));
      bench_size(dev, o, p, n);
    }
  } catch (const Error& e) {
    logging::error(e.describe());
    return 1;
  }
  return 0;
}
