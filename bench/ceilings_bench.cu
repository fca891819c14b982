// The card's two ceilings, measured rather than taken from a datasheet
// (the roofline fractions in NOTES.md and in the GPU suite's summary divide
// by these): device memory bandwidth from a large copy kernel (bytes read +
// bytes written), and the FP64 and FP32 fused multiply-add rates from
// independent register chains. The last line is machine-readable:
//   ceilings: copy_gbs=... fp64_gflops=... fp32_gflops=...
//
//   tessera_bench_ceilings [--device auto|cpu|gpu] [--mebibytes 2048] [--repeats 10]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

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
    const double f64 = fma_gflops<double>(dev, threads, repeats);
    const double f32 = fma_gflops<float>(dev, threads, repeats);
    logging::info(strfmt("device: %s", dev.describe().c_str()));
    logging::info(strfmt("copy of %d MiB (16-byte elements): %.1f GB/s read + write", mebibytes, bw));
    logging::info(strfmt("FMA chains: FP64 %.1f GFLOP/s, FP32 %.1f GFLOP/s", f64, f32));
    logging::info(strfmt("ceilings: copy_gbs=%.1f fp64_gflops=%.1f fp32_gflops=%.1f", bw, f64, f32));
    return 0;
  } catch (const Error& e) {
    logging::error(e.describe());
    MpiEnvironment::abort(1);
  }
}
