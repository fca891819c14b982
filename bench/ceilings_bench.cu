// The card's two ceilings, measured rather than taken from a datasheet
// (the roofline fractions in NOTES.md and in the GPU suite's summary divide
// by these): device memory bandwidth from a large copy kernel (bytes read +
// bytes written), and the FP64 and FP32 fused multiply-add rates from
// independent register chains. The last line is machine-readable:
//   ceilings: copy_gbs=... fp64_gflops=... fp32_gflops=...
//
// On the host backend the FMA figures come from the host mode below, not from
// for_each: independent chains of std::fma-equivalent vector FMAs across the
// widest vector unit the build targets (AVX-512, AVX2+FMA, else scalar
// std::fma), per core (one thread) and over all OpenMP threads; and the rate
// of the host's 1/sqrt (a correctly rounded sqrt, then a division: what
// nbody.direct's host pass computes once per pair, so the bound on its
// interactions/s). The machine-readable line then gives the all-thread
// figures, and one more line the per-core ones:
//   host per core: fp64_gflops=... fp32_gflops=... rsqrt32_per_s=... rsqrt64_per_s=... threads=...
//
//   tessera_bench_ceilings [--device auto|cpu|gpu] [--mebibytes 2048] [--repeats 10]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <utility>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include <omp.h>
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "bench/median_seconds.hpp"
#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"

using namespace tessera;
using tessera::bench::median_seconds;

namespace {

// 16-byte elements: the widest loads and stores a thread issues.
struct alignas(16) Pair {
  double a, b;
};

double copy_gbs(const Device& dev, std::size_t bytes, int repeats) {
  const std::size_t n = bytes / sizeof(Pair);
  Buffer<Pair> src(dev, n), dst(dev, n);
  Pair* s = src.data();
  Pair* d = dst.data();
  // Non-zero, index-dependent contents (zeros can run faster than data).
  for_each(dev, static_cast<std::int64_t>(n), [=] TESSERA_HD(int i) { s[i] = Pair{1.0 + i, 2.0 - i}; });
  const double sec = median_seconds(dev, repeats, [&] {
    for_each(dev, static_cast<std::int64_t>(n), [=] TESSERA_HD(int i) { d[i] = s[i]; });
  });
  return 2.0 * static_cast<double>(n * sizeof(Pair)) / sec / 1e9;
}

// Each thread runs kChains independent multiply-add chains of kSteps links;
// the result is stored so the compiler cannot drop the work. GPUs contract
// x * a + b into one FMA (2 flops); the host's reference arithmetic does not
// contract, so there the figure is the separate multiply and add rate.
template <class T>
double fma_gflops(const Device& dev, std::int64_t threads, int repeats) {
  constexpr int kChains = 8, kSteps = 256;
  Buffer<T> out(dev, static_cast<std::size_t>(threads));
  T* o = out.data();
  const double sec = median_seconds(dev, repeats, [&] {
    for_each(dev, threads, [=] TESSERA_HD(int i) {
      T x[kChains];
      TESSERA_UNROLL
      for (int c = 0; c < kChains; ++c) x[c] = T(1) + T(i % 7) * T(1e-3) + T(c) * T(1e-4);
      const T a = T(0.999999), b = T(1e-7);
      for (int s = 0; s < kSteps; ++s) {
        TESSERA_UNROLL
        for (int c = 0; c < kChains; ++c) x[c] = x[c] * a + b;
      }
      T sum = 0;
      TESSERA_UNROLL
      for (int c = 0; c < kChains; ++c) sum += x[c];
      o[i] = sum;
    });
  });
  return 2.0 * kChains * kSteps * static_cast<double>(threads) / sec / 1e9;
}

// ---- host mode -------------------------------------------------------------

// One vector register of T and the three operations the host ceilings time.
template <class T>
struct HostVec;
#if defined(__AVX512F__)
constexpr const char* kHostVectorUnit = "AVX-512";
template <>
struct HostVec<float> {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V set1(float a) { return _mm512_set1_ps(a); }
  static V fma(V x, V a, V b) { return _mm512_fmadd_ps(x, a, b); }
  // The masked forms: the plain ones pass GCC 12's -Wuninitialized a
  // placeholder it flags (_mm512_undefined_ps).
  static V rsqrt(V one, V x) { return _mm512_div_ps(one, _mm512_mask_sqrt_ps(x, 0xffff, x)); }
  static double sum(V v) {
    alignas(64) float f[16];
    _mm512_store_ps(f, v);
    double s = 0;
    for (float x : f) s += x;
    return s;
  }
};
template <>
struct HostVec<double> {
  using V = __m512d;
  static constexpr int kLanes = 8;
  static V set1(double a) { return _mm512_set1_pd(a); }
  static V fma(V x, V a, V b) { return _mm512_fmadd_pd(x, a, b); }
  static V rsqrt(V one, V x) { return _mm512_div_pd(one, _mm512_mask_sqrt_pd(x, 0xff, x)); }
  static double sum(V v) {
    alignas(64) double f[8];
    _mm512_store_pd(f, v);
    double s = 0;
    for (double x : f) s += x;
    return s;
  }
};
#elif defined(__AVX2__) && defined(__FMA__)
constexpr const char* kHostVectorUnit = "AVX2+FMA";
template <>
struct HostVec<float> {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V set1(float a) { return _mm256_set1_ps(a); }
  static V fma(V x, V a, V b) { return _mm256_fmadd_ps(x, a, b); }
  static V rsqrt(V one, V x) { return _mm256_div_ps(one, _mm256_sqrt_ps(x)); }
  static double sum(V v) {
    alignas(32) float f[8];
    _mm256_store_ps(f, v);
    double s = 0;
    for (float x : f) s += x;
    return s;
  }
};
template <>
struct HostVec<double> {
  using V = __m256d;
  static constexpr int kLanes = 4;
  static V set1(double a) { return _mm256_set1_pd(a); }
  static V fma(V x, V a, V b) { return _mm256_fmadd_pd(x, a, b); }
  static V rsqrt(V one, V x) { return _mm256_div_pd(one, _mm256_sqrt_pd(x)); }
  static double sum(V v) {
    alignas(32) double f[4];
    _mm256_store_pd(f, v);
    return f[0] + f[1] + f[2] + f[3];
  }
};
#else
constexpr const char* kHostVectorUnit = "scalar";
template <class T>
struct HostVec {
  using V = T;
  static constexpr int kLanes = 1;
  static V set1(T a) { return a; }
  static V fma(V x, V a, V b) { return std::fma(x, a, b); }
  static V rsqrt(V one, V x) { return one / std::sqrt(x); }
  static double sum(V v) { return v; }
};
#endif

// Chains in flight per thread: FMA latency (4 cycles) times two FMA ports
// needs 8; 12 leaves margin and, with the two constants, fits AVX2's 16
// registers. The division and the square root share one unpipelined unit,
// so 8 chains keep it busy.
constexpr int kFmaChains = 12, kRsqrtChains = 8;

// The FMA chains of one thread, `steps` links each; returns their sum so that
// the work cannot be dropped.
template <class T>
double host_fma_chains(int steps, int seed) {
  using H = HostVec<T>;
  typename H::V x[kFmaChains];
  for (int c = 0; c < kFmaChains; ++c) x[c] = H::set1(T(1) + T(seed % 7) * T(1e-3) + T(c) * T(1e-4));
  const typename H::V a = H::set1(T(0.999999)), b = H::set1(T(1e-7));
  for (int s = 0; s < steps; ++s)
    for (int c = 0; c < kFmaChains; ++c) x[c] = H::fma(x[c], a, b);
  double sum = 0;
  for (int c = 0; c < kFmaChains; ++c) sum += H::sum(x[c]);
  return sum;
}

// x <- 1 / sqrt(x) chains (they converge to 1 and stay normal).
template <class T>
double host_rsqrt_chains(int steps, int seed) {
  using H = HostVec<T>;
  typename H::V x[kRsqrtChains];
  for (int c = 0; c < kRsqrtChains; ++c) x[c] = H::set1(T(2) + T(seed % 7) * T(1e-3) + T(c) * T(1e-2));
  const typename H::V one = H::set1(T(1));
  for (int s = 0; s < steps; ++s)
    for (int c = 0; c < kRsqrtChains; ++c) x[c] = H::rsqrt(one, x[c]);
  double sum = 0;
  for (int c = 0; c < kRsqrtChains; ++c) sum += H::sum(x[c]);
  return sum;
}

// Median over `repeats` of `threads` OpenMP threads each running
// chains(steps): returns operations per second over all threads, with
// `ops_per_step` operations (flops, or reciprocal square roots) per link.
template <class Chains>
double host_rate(int threads, int repeats, int steps, double ops_per_step, Chains chains) {
  std::vector<double> times;
  volatile double sink = 0;
  for (int r = 0; r < repeats + 1; ++r) {  // the first is a warm-up (clock ramp, thread start)
    double total = 0;
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += chains(steps, omp_get_thread_num());
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sink = sink + total;
    if (r > 0) times.push_back(sec);
  }
  std::sort(times.begin(), times.end());
  return ops_per_step * steps * threads / times[times.size() / 2];
}

struct HostCeilings {
  double fp64_gflops, fp32_gflops, rsqrt64, rsqrt32;  // GFLOP/s; reciprocal square roots per second
};

HostCeilings host_ceilings(int threads, int repeats) {
  // About 25 ms a call on one core: longer than a scheduler slice.
  constexpr int kFmaSteps = 1 << 24, kRsqrtSteps = 1 << 18;
  HostCeilings c{};
  c.fp64_gflops = host_rate(threads, repeats, kFmaSteps, 2.0 * kFmaChains * HostVec<double>::kLanes,
                            host_fma_chains<double>) / 1e9;
  c.fp32_gflops = host_rate(threads, repeats, kFmaSteps, 2.0 * kFmaChains * HostVec<float>::kLanes,
                            host_fma_chains<float>) / 1e9;
  c.rsqrt64 = host_rate(threads, repeats, kRsqrtSteps, 1.0 * kRsqrtChains * HostVec<double>::kLanes,
                        host_rsqrt_chains<double>);
  c.rsqrt32 = host_rate(threads, repeats, kRsqrtSteps, 1.0 * kRsqrtChains * HostVec<float>::kLanes,
                        host_rsqrt_chains<float>);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  CLI::App app{"Tessera: measured memory-bandwidth and FMA-rate ceilings of a device"};
  std::string device = "auto";
  int mebibytes = 2048, repeats = 10;
  app.add_option("--device", device, "auto, cpu or gpu");
  app.add_option("--mebibytes", mebibytes, "size of each copy buffer");
  app.add_option("--repeats", repeats, "timed repetitions (median reported)");
  CLI11_PARSE(app, argc, argv);
  try {
    Device dev = Device::select(parse_device_choice(device), mpi.local_rank());
    const std::size_t bytes = static_cast<std::size_t>(mebibytes) << 20;
    // Enough threads to fill every multiprocessor many times over.
    const std::int64_t threads = dev.is_cuda() ? (std::int64_t{1} << 24) : (std::int64_t{1} << 16);
    const double bw = copy_gbs(dev, bytes, repeats);
    double f64 = 0, f32 = 0;
    logging::info(strfmt("device: %s", dev.describe().c_str()));
    logging::info(strfmt("copy of %d MiB (16-byte elements): %.1f GB/s read + write", mebibytes, bw));
    if (dev.is_host()) {
      const int all = omp_get_max_threads();
      const HostCeilings one = host_ceilings(1, repeats);
      const HostCeilings every = all > 1 ? host_ceilings(all, repeats) : one;
      for (const auto& [n, c] : {std::pair{1, one}, std::pair{all, every}})
        logging::info(strfmt("host %s FMA chains, %d thread%s: FP64 %.1f GFLOP/s, FP32 %.1f GFLOP/s; "
                             "1/sqrt (sqrt, divide): FP64 %.3g/s, FP32 %.3g/s",
                             kHostVectorUnit, n, n == 1 ? "" : "s", c.fp64_gflops, c.fp32_gflops, c.rsqrt64,
                             c.rsqrt32));
      logging::info(strfmt("host per core: fp64_gflops=%.1f fp32_gflops=%.1f rsqrt32_per_s=%.3g rsqrt64_per_s=%.3g "
                           "threads=%d",
                           one.fp64_gflops, one.fp32_gflops, one.rsqrt32, one.rsqrt64, all));
      f64 = every.fp64_gflops;
      f32 = every.fp32_gflops;
    } else {
      f64 = fma_gflops<double>(dev, threads, repeats);
      f32 = fma_gflops<float>(dev, threads, repeats);
      logging::info(strfmt("FMA chains: FP64 %.1f GFLOP/s, FP32 %.1f GFLOP/s", f64, f32));
    }
    logging::info(strfmt("ceilings: copy_gbs=%.1f fp64_gflops=%.1f fp32_gflops=%.1f", bw, f64, f32));
    return 0;
  } catch (const Error& e) {
    logging::error(e.describe());
    MpiEnvironment::abort(1);
  }
}
