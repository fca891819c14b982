// FFT benchmark: the distributed 3-D FFT on one rank against a single plain
// 3-D plan of the same size from the library underneath (cuFFT on a GPU, FFTW
// on the host), and the pencil transposes at several rank counts.
//
//   tessera_bench_fft [--sizes 256,512] [--r2c 512] [--iterations 10] [--device auto|cpu|gpu] [--measure]
//     complex double round trip (forward + backward) at each size, R2C/C2R at --r2c:
//     time per transform (median and best of the iterations; ours with the
//     spectrum in z-pencil order, ours with any_spectral_order, and the plain
//     plan take turns), the ideal (the bytes a 3-D transform
//     must move, read and write once, at the measured device copy bandwidth),
//     and the ratio to the plain 3-D plan.
//   mpirun -np P tessera_bench_fft --transpose --cells 128 [--p1 P1] [--transport auto|mpi|nccl]
//     x->y and y->z transposes of complex doubles over N^3 cells in total:
//     median time and time per byte (per rank and for the whole grid).
//
// The reference plans are the only place outside runtime/fft* that calls
// cuFFT or FFTW directly.
#include <CLI/CLI.hpp>
#include <fftw3.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#if TESSERA_HAVE_CUDA
#include <cuda_runtime.h>
#include <cufft.h>
#endif

#include "decomposition/pencil_layout.hpp"
#include "decomposition/pencil_transpose.hpp"
#include "decomposition/transport.hpp"
#include "bench/median_seconds.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"
#include "solvers/spectral/distributed_fft.hpp"

using namespace tessera;
using C = fft::complex<double>;

using tessera::bench::median_seconds;

namespace {

// Non-zero, position-dependent data (never time on zeros).
void fill_pattern(const Device& dev, double* p, std::int64_t n) {
  for_each(dev, n, [=] TESSERA_HD(int i) { p[i] = 1.0 + 1e-3 * (i % 1013) - 0.5 * ((i / 7) % 3); });
}

struct Timing {
  double median = 0, best = 0;
};

// Bodies timed in turn (a, b, c, a, b, c, ...), each `iterations` times, after two warm-ups each.
std::vector<Timing> interleaved_seconds(const Device& dev, int iterations, const std::vector<std::function<void()>>& fs) {
  for (int w = 0; w < 2; ++w)
    for (const auto& f : fs) f();
  dev.synchronize();
  std::vector<std::vector<double>> t(fs.size());
  for (int i = 0; i < iterations; ++i)
    for (std::size_t j = 0; j < fs.size(); ++j) {
      collectives::barrier();
      const auto t0 = std::chrono::steady_clock::now();
      fs[j]();
      dev.synchronize();
      t[j].push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  std::vector<Timing> out;
  for (auto& v : t) {
    std::sort(v.begin(), v.end());
    out.push_back(Timing{collectives::max(v[v.size() / 2]), collectives::max(v.front())});
  }
  return out;
}

// Device copy bandwidth (bytes read + written per second) on `bytes`-sized buffers.
double copy_bandwidth(const Device& dev, std::size_t bytes, int iterations) {
  Buffer<double> a(dev, bytes / sizeof(double)), b(dev, bytes / sizeof(double));
  fill_pattern(dev, a.data(), static_cast<std::int64_t>(a.size()));
  const double s = median_seconds(dev, iterations, [&] { b.copy_from(a); });
  return 2.0 * static_cast<double>(bytes) / s;
}

// A plain single-device 3-D plan of the library underneath.
struct Reference {
  std::function<void()> forward, backward;
  std::function<void()> destroy;
  ~Reference() {
    if (destroy) destroy();
  }
};

std::unique_ptr<Reference> reference_plan(const Device& dev, int n, bool r2c, void* real_or_c, void* spec, void* back,
                                          bool measure) {
  auto r = std::make_unique<Reference>();
  if (dev.is_cuda()) {
#if TESSERA_HAVE_CUDA
    auto fwd = std::make_shared<cufftHandle>(), bwd = std::make_shared<cufftHandle>();
    auto check = [](cufftResult e, const char* what) {
      if (e != CUFFT_SUCCESS) throw Error(strfmt("cuFFT reference plan: %s failed (%d)", what, static_cast<int>(e)));
    };
    const auto stream = static_cast<cudaStream_t>(dev.stream());
    if (r2c) {
      check(cufftPlan3d(fwd.get(), n, n, n, CUFFT_D2Z), "cufftPlan3d D2Z");
      check(cufftPlan3d(bwd.get(), n, n, n, CUFFT_Z2D), "cufftPlan3d Z2D");
      r->forward = [=] { check(cufftExecD2Z(*fwd, static_cast<double*>(real_or_c), static_cast<cufftDoubleComplex*>(spec)), "D2Z"); };
      r->backward = [=] { check(cufftExecZ2D(*bwd, static_cast<cufftDoubleComplex*>(spec), static_cast<double*>(back)), "Z2D"); };
    } else {
      check(cufftPlan3d(fwd.get(), n, n, n, CUFFT_Z2Z), "cufftPlan3d Z2Z");
      *bwd = *fwd;
      auto* in = static_cast<cufftDoubleComplex*>(real_or_c);
      auto* s = static_cast<cufftDoubleComplex*>(spec);
      auto* b = static_cast<cufftDoubleComplex*>(back);
      r->forward = [=] { check(cufftExecZ2Z(*fwd, in, s, CUFFT_FORWARD), "Z2Z forward"); };
      r->backward = [=] { check(cufftExecZ2Z(*fwd, s, b, CUFFT_INVERSE), "Z2Z inverse"); };
    }
    check(cufftSetStream(*fwd, stream), "cufftSetStream");
    check(cufftSetStream(*bwd, stream), "cufftSetStream");
    const bool two = r2c;
    r->destroy = [=] {
      cufftDestroy(*fwd);
      if (two) cufftDestroy(*bwd);
    };
#else
    (void)n, (void)r2c, (void)real_or_c, (void)spec, (void)back;
#endif
    return r;
  }
  fftw_init_threads();
  fftw_plan_with_nthreads(omp_get_max_threads());
  const unsigned flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE;
  fftw_plan f, b;
  if (r2c) {
    f = fftw_plan_dft_r2c_3d(n, n, n, static_cast<double*>(real_or_c), static_cast<fftw_complex*>(spec), flags);
    b = fftw_plan_dft_c2r_3d(n, n, n, static_cast<fftw_complex*>(spec), static_cast<double*>(back), flags);
  } else {
    f = fftw_plan_dft_3d(n, n, n, static_cast<fftw_complex*>(real_or_c), static_cast<fftw_complex*>(spec),
                         FFTW_FORWARD, flags);
    b = fftw_plan_dft_3d(n, n, n, static_cast<fftw_complex*>(spec), static_cast<fftw_complex*>(back), FFTW_BACKWARD,
                         flags);
  }
  if (!f || !b) throw Error("FFTW reference plan: planning failed");
  r->forward = [=] { fftw_execute(f); };
  r->backward = [=] { fftw_execute(b); };
  r->destroy = [=] {
    fftw_destroy_plan(f);
    fftw_destroy_plan(b);
  };
  return r;
}

// One size: ours and the reference, complex round trip or R2C/C2R.
void compare(const Device& dev, Transport& transport, int n, bool r2c, int iterations, bool measure, double bw) {
  const std::array<int, 3> cells{n, n, n};
  const std::int64_t total = static_cast<std::int64_t>(n) * n * n;
  const std::int64_t spec_total = r2c ? static_cast<std::int64_t>(n / 2 + 1) * n * n : total;
  const std::int64_t in_doubles = r2c ? total : 2 * total;
  Buffer<double> in(dev, in_doubles), back(dev, in_doubles);
  Buffer<C> spec(dev, spec_total);
  fill_pattern(dev, in.data(), in_doubles);
  spectral::FftSpec fs;
  fs.complex_data = !r2c;
  fs.measure = measure;
  PencilLayout layout(cells, 1, 0);
  // The default spectrum (z-pencil order, z fastest) and one in the input's
  // order (any_spectral_order, what the Poisson solver uses): the latter
  // skips the rotation of the data that a plain 3-D plan never does.
  spectral::DistributedFft<double> plan(layout, transport, fs);
  fs.any_spectral_order = true;
  spectral::DistributedFft<double> natural(layout, transport, fs);
  auto round_trip = [&](spectral::DistributedFft<double>& p) -> std::function<void()> {
    if (r2c)
      return [&p, &in, &spec, &back] {
        p.forward(in.data(), spec.data());
        p.backward(spec.data(), back.data());
      };
    auto* ci = reinterpret_cast<C*>(in.data());
    auto* cb = reinterpret_cast<C*>(back.data());
    return [&p, &spec, ci, cb] {
      p.forward(ci, spec.data());
      p.backward(spec.data(), cb);
    };
  };
  auto plain = reference_plan(dev, n, r2c, in.data(), spec.data(), back.data(), measure);
  fill_pattern(dev, in.data(), in_doubles);  // FFTW_MEASURE overwrites its arrays while planning
  // Interleaved so all three see the same load on a shared machine.
  const auto t = interleaved_seconds(dev, iterations, {round_trip(plan), round_trip(natural), [&] {
                                                         plain->forward();
                                                         plain->backward();
                                                       }});
  // Ideal: every transform reads its input and writes its output once.
  const double bytes = r2c ? 8.0 * total + 16.0 * spec_total : 32.0 * total;
  const double ideal = bytes / bw;
  // Per transform: half a round trip. Ratios to the plain plan.
  const Timing &z = t[0], &x = t[1], &ref = t[2];
  logging::info(strfmt("  %4d^3 %-10s median ms: z-order %8.3f  any-order %8.3f  plain %-5s %8.3f  ratios %.2f %.2f | "
                       "best ms: %8.3f %8.3f %8.3f  ratios %.2f %.2f | ideal %.3f ms | plans hold %.0f / %.0f MiB",
                       n, r2c ? "R2C/C2R" : "C2C double", z.median / 2e-3, x.median / 2e-3,
                       dev.is_cuda() ? "cuFFT" : "FFTW", ref.median / 2e-3, z.median / ref.median, x.median / ref.median,
                       z.best / 2e-3, x.best / 2e-3, ref.best / 2e-3, z.best / ref.best, x.best / ref.best, ideal * 1e3,
                       plan.memory_bytes() / 1048576.0, natural.memory_bytes() / 1048576.0));
}

void transposes(const Device& dev, Transport& transport, int n, int p1, int iterations) {
  const PencilLayout layout = PencilLayout::for_this_process({n, n, n}, {p1, 0});
  PencilTranspose tr(layout, transport, sizeof(C));
  Buffer<double> x(dev, 2 * layout.local_size(Pencil::X)), y(dev, 2 * layout.local_size(Pencil::Y)),
      z(dev, 2 * layout.local_size(Pencil::Z));
  fill_pattern(dev, x.data(), static_cast<std::int64_t>(x.size()));
  auto* cx = reinterpret_cast<C*>(x.data());
  auto* cy = reinterpret_cast<C*>(y.data());
  auto* cz = reinterpret_cast<C*>(z.data());
  tr(Pencil::X, Pencil::Y, cx, cy);
  const double xy = median_seconds(dev, iterations, [&] { tr(Pencil::X, Pencil::Y, cx, cy); });
  const double yz = median_seconds(dev, iterations, [&] { tr(Pencil::Y, Pencil::Z, cy, cz); });
  const double per_rank = static_cast<double>(layout.local_size(Pencil::Y)) * sizeof(C);
  const double global = static_cast<double>(n) * n * n * sizeof(C);
  logging::info(strfmt("transposes: %d rank(s) as %d x %d %s, %d^3 complex doubles (%.1f MB per rank), %s on %s",
                       layout.size(), layout.p1(), layout.p2(), layout.is_slab() ? "slabs" : "pencils", n,
                       per_rank / 1e6, transport.name(), dev.describe().c_str()));
  for (auto [name, s, talks] : {std::tuple{"x->y", xy, tr.communicates(Pencil::X, Pencil::Y)},
                                std::tuple{"y->z", yz, tr.communicates(Pencil::Y, Pencil::Z)}})
    logging::info(strfmt("  %s %s: %8.3f ms  %.3f ns/byte per rank (%.2f GB/s/rank), %.4f ns per global byte", name,
                         talks ? "(exchange)" : "(local)  ", s * 1e3, s / per_rank * 1e9, per_rank / s / 1e9,
                         s / global * 1e9));
}

std::vector<int> parse_sizes(const std::string& text) {
  std::vector<int> v;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) v.push_back(std::stoi(item));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  CLI::App app{"Tessera FFT benchmark"};
  std::string sizes, device = "auto", transport = "auto";
  int r2c = 0, iterations = 10, cells = 128, p1 = 0;
  bool measure = false, transpose = false;
  app.add_option("--sizes", sizes, "complex round-trip sizes N (N^3), comma separated; default 256,512 on a GPU, 64,128 on the host");
  app.add_option("--r2c", r2c, "R2C/C2R size; default the largest of --sizes");
  app.add_option("--iterations", iterations, "timed repetitions of each plan (median and best)");
  app.add_option("--device", device, "auto, cpu or gpu");
  app.add_flag("--measure", measure, "host: FFTW_MEASURE for both plans");
  app.add_flag("--transpose", transpose, "time the transposes instead (run under mpirun)");
  app.add_option("--cells", cells, "--transpose: N^3 cells in total");
  app.add_option("--transport", transport, "--transpose: auto, mpi or nccl");
  app.add_option("--p1", p1, "--transpose: ranks along p1 (pencils); 0 = chosen (slabs when they fit)");
  CLI11_PARSE(app, argc, argv);
  try {
    Device dev = Device::select(parse_device_choice(device), mpi.local_rank());
    auto tp = make_transport(parse_transport_kind(transport), dev);
    if (transpose) {
      transposes(dev, *tp, cells, p1, iterations);
      return 0;
    }
    std::vector<int> ns = sizes.empty() ? (dev.is_cuda() ? std::vector<int>{256, 512} : std::vector<int>{64, 128})
                                        : parse_sizes(sizes);
    if (r2c == 0) r2c = *std::max_element(ns.begin(), ns.end());
    const std::size_t probe = static_cast<std::size_t>(r2c) * r2c * r2c * 8;
    const double bw = copy_bandwidth(dev, probe, iterations);
    logging::info(strfmt("3-D FFTs on one rank, %s, %d OpenMP threads; device copy %.1f GB/s (read + write, %.0f MB buffers)",
                         dev.describe().c_str(), omp_get_max_threads(), bw / 1e9, probe / 1e6));
    for (int n : ns) compare(dev, *tp, n, false, iterations, measure, bw);
    compare(dev, *tp, r2c, true, iterations, measure, bw);
  } catch (const Error& e) {
    logging::error(e.describe());
    MpiEnvironment::abort(1);
  }
  return 0;
}
