// FFTW3 backend of fft::Plan (host): fftw3/fftw3f with their threads
// libraries. Plans are made once on scratch arrays (FFTW's guru64 interface:
// one transform dimension, two batch dimensions, any strides) and run with
// FFTW's new-array execute functions on the caller's data.
#include <fftw3.h>
#include <omp.h>

#include <algorithm>
#include <mutex>
#include <string>

#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"
#include "runtime/format.hpp"

namespace tessera::fft::detail {

namespace {

// FFTW's planner (creation and destruction of plans) is not thread-safe;
// execution is. One lock serves both precisions.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// The fftw_ and fftwf_ APIs behind one name per call.
template <class T>
struct Api;

template <>
struct Api<double> {
  using plan = fftw_plan;
  using cpx = fftw_complex;
  static void init_threads() {
    static std::once_flag once;
    std::call_once(once, [] {
      if (!fftw_init_threads()) throw Error("FFTW: fftw_init_threads failed", "fftw_init_threads", "");
    });
  }
  static void plan_with_nthreads(int n) { fftw_plan_with_nthreads(n); }
  static void* malloc(std::size_t b) { return fftw_malloc(b); }
  static void free(void* p) { fftw_free(p); }
  static int alignment_of(void* p) { return fftw_alignment_of(static_cast<double*>(p)); }
  using iodim = fftw_iodim64;
  static plan dft(const iodim* dim, const iodim* batch, void* in, void* out, int sign, unsigned flags) {
    return fftw_plan_guru64_dft(1, dim, 2, batch, static_cast<cpx*>(in), static_cast<cpx*>(out), sign, flags);
  }
  static plan r2c(const iodim* dim, const iodim* batch, void* in, void* out, unsigned flags) {
    return fftw_plan_guru64_dft_r2c(1, dim, 2, batch, static_cast<double*>(in), static_cast<cpx*>(out), flags);
  }
  static plan c2r(const iodim* dim, const iodim* batch, void* in, void* out, unsigned flags) {
    return fftw_plan_guru64_dft_c2r(1, dim, 2, batch, static_cast<cpx*>(in), static_cast<double*>(out), flags);
  }
  static plan r2r(const iodim* dim, const iodim* batch, void* in, void* out, fftw_r2r_kind kind, unsigned flags) {
    return fftw_plan_guru64_r2r(1, dim, 2, batch, static_cast<double*>(in), static_cast<double*>(out), &kind, flags);
  }
  static void destroy(plan p) { fftw_destroy_plan(p); }
  static void exec_dft(plan p, void* in, void* out) {
    fftw_execute_dft(p, static_cast<cpx*>(in), static_cast<cpx*>(out));
  }
  static void exec_r2c(plan p, void* in, void* out) {
    fftw_execute_dft_r2c(p, static_cast<double*>(in), static_cast<cpx*>(out));
  }
  static void exec_c2r(plan p, void* in, void* out) {
    fftw_execute_dft_c2r(p, static_cast<cpx*>(in), static_cast<double*>(out));
  }
  static void exec_r2r(plan p, void* in, void* out) {
    fftw_execute_r2r(p, static_cast<double*>(in), static_cast<double*>(out));
  }
};

template <>
struct Api<float> {
  using plan = fftwf_plan;
  using cpx = fftwf_complex;
  static void init_threads() {
    static std::once_flag once;
    std::call_once(once, [] {
      if (!fftwf_init_threads()) throw Error("FFTW: fftwf_init_threads failed", "fftwf_init_threads", "");
    });
  }
  static void plan_with_nthreads(int n) { fftwf_plan_with_nthreads(n); }
  static void* malloc(std::size_t b) { return fftwf_malloc(b); }
  static void free(void* p) { fftwf_free(p); }
  static int alignment_of(void* p) { return fftwf_alignment_of(static_cast<float*>(p)); }
  using iodim = fftwf_iodim64;
  static plan dft(const iodim* dim, const iodim* batch, void* in, void* out, int sign, unsigned flags) {
    return fftwf_plan_guru64_dft(1, dim, 2, batch, static_cast<cpx*>(in), static_cast<cpx*>(out), sign, flags);
  }
  static plan r2c(const iodim* dim, const iodim* batch, void* in, void* out, unsigned flags) {
    return fftwf_plan_guru64_dft_r2c(1, dim, 2, batch, static_cast<float*>(in), static_cast<cpx*>(out), flags);
  }
  static plan c2r(const iodim* dim, const iodim* batch, void* in, void* out, unsigned flags) {
    return fftwf_plan_guru64_dft_c2r(1, dim, 2, batch, static_cast<cpx*>(in), static_cast<float*>(out), flags);
  }
  static plan r2r(const iodim* dim, const iodim* batch, void* in, void* out, fftwf_r2r_kind kind, unsigned flags) {
    return fftwf_plan_guru64_r2r(1, dim, 2, batch, static_cast<float*>(in), static_cast<float*>(out), &kind, flags);
  }
  static void destroy(plan p) { fftwf_destroy_plan(p); }
  static void exec_dft(plan p, void* in, void* out) {
    fftwf_execute_dft(p, static_cast<cpx*>(in), static_cast<cpx*>(out));
  }
  static void exec_r2c(plan p, void* in, void* out) {
    fftwf_execute_dft_r2c(p, static_cast<float*>(in), static_cast<cpx*>(out));
  }
  static void exec_c2r(plan p, void* in, void* out) {
    fftwf_execute_dft_c2r(p, static_cast<cpx*>(in), static_cast<float*>(out));
  }
  static void exec_r2r(plan p, void* in, void* out) {
    fftwf_execute_r2r(p, static_cast<float*>(in), static_cast<float*>(out));
  }
};

template <class T>
class FftwBackend final : public Backend {
  using A = Api<T>;

 public:
  explicit FftwBackend(const Spec& s) : s_(s) {
    A::init_threads();
    // Plans for SIMD-aligned data; an unaligned variant is made on first
    // need (new-array execution must keep the planned alignment).
    std::lock_guard<std::mutex> lock(planner_mutex());
    for (int d = 0; d < 2; ++d) aligned_[d] = make(static_cast<Direction>(d), false);
  }

  ~FftwBackend() override {
    std::lock_guard<std::mutex> lock(planner_mutex());
    for (int d = 0; d < 2; ++d) {
      if (aligned_[d]) A::destroy(aligned_[d]);
      if (unaligned_[d]) A::destroy(unaligned_[d]);
    }
  }

  void execute(Direction dir, void* in, void* out) override {
    const int d = static_cast<int>(dir);
    typename A::plan p = aligned_[d];
    if (A::alignment_of(in) != 0 || A::alignment_of(out) != 0) {
      std::lock_guard<std::mutex> lock(planner_mutex());
      if (!unaligned_[d]) unaligned_[d] = make(dir, true);
      p = unaligned_[d];
    }
    switch (s_.kind) {
      case Kind::C2C: A::exec_dft(p, in, out); break;
      case Kind::R2C:
        if (dir == Direction::Forward)
          A::exec_r2c(p, in, out);
        else
          A::exec_c2r(p, in, out);
        break;
      case Kind::DCT:
      case Kind::DST: A::exec_r2r(p, in, out); break;
    }
  }

  // FFTW keeps its own small tables; the plan holds no work arrays.
  std::size_t workspace_bytes() const override { return 0; }

 private:
  // Caller holds planner_mutex().
  typename A::plan make(Direction dir, bool unaligned) {
    const int n = s_.n;
    const Layout& l = s_.layout;
    const bool fwd = dir == Direction::Forward;
    // Forward reads the physical side; backward reads the spectral side.
    const Lines& in_lines = fwd ? l.physical : l.spectral;
    const Lines& out_lines = fwd ? l.spectral : l.physical;
    const typename A::iodim dim{n, in_lines.stride, out_lines.stride};
    const typename A::iodim batch[2]{{l.count, in_lines.dist, out_lines.dist}, {l.count2, in_lines.dist2, out_lines.dist2}};
    // Scratch arrays to plan on (FFTW_MEASURE overwrites them), as large as
    // either side of the transform.
    const bool r2r = s_.kind == Kind::DCT || s_.kind == Kind::DST;
    const int clen = s_.kind == Kind::R2C ? n / 2 + 1 : n;
    const std::size_t phys_bytes = static_cast<std::size_t>(span(l.physical, s_.kind == Kind::C2C ? clen : n, l.count, l.count2)) *
                                   (s_.kind == Kind::C2C ? 2 : 1) * sizeof(T);
    const std::size_t spec_bytes = static_cast<std::size_t>(span(l.spectral, r2r ? n : clen, l.count, l.count2)) *
                                   (r2r ? 1 : 2) * sizeof(T);
    const std::size_t in_bytes = fwd ? phys_bytes : spec_bytes, out_bytes = fwd ? spec_bytes : phys_bytes;
    const std::size_t shift = unaligned ? sizeof(T) : 0;  // an address FFTW sees as unaligned
    const bool in_place = s_.options.in_place;
    void* a = A::malloc((in_place ? std::max(in_bytes, out_bytes) : in_bytes) + shift);
    void* b = in_place ? a : A::malloc(out_bytes + shift);
    if (!a || !b) throw Error(strfmt("FFTW: out of memory planning %d lines of length %d", s_.count, n));
    void* in = static_cast<char*>(a) + shift;
    void* out = static_cast<char*>(b) + shift;
    unsigned flags = s_.options.measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    if (unaligned) flags |= FFTW_UNALIGNED;
    A::plan_with_nthreads(s_.options.threads > 0 ? s_.options.threads : omp_get_max_threads());
    typename A::plan p{};
    switch (s_.kind) {
      case Kind::C2C: p = A::dft(&dim, batch, in, out, fwd ? FFTW_FORWARD : FFTW_BACKWARD, flags); break;
      case Kind::R2C: p = fwd ? A::r2c(&dim, batch, in, out, flags) : A::c2r(&dim, batch, in, out, flags); break;
      case Kind::DCT: p = A::r2r(&dim, batch, in, out, fwd ? FFTW_REDFT10 : FFTW_REDFT01, flags); break;
      case Kind::DST: p = A::r2r(&dim, batch, in, out, fwd ? FFTW_RODFT10 : FFTW_RODFT01, flags); break;
    }
    if (b != a) A::free(b);
    A::free(a);
    if (!p)
      throw Error(strfmt("FFTW could not plan a %s %s transform of %d lines of length %d (%s precision)",
                         to_string(s_.kind), fwd ? "forward" : "backward", s_.count, n, to_string(s_.precision)),
                  "fftw_plan_guru64", strfmt("%s:%d", __FILE__, __LINE__));
    return p;
  }

  Spec s_;
  typename A::plan aligned_[2]{}, unaligned_[2]{};
};

}  // namespace

std::unique_ptr<Backend> make_fftw(const Spec& spec) {
  if (spec.precision == Precision::Double) return std::make_unique<FftwBackend<double>>(spec);
  return std::make_unique<FftwBackend<float>>(spec);
}

std::string fftw_version() { return ::fftw_version; }

}  // namespace tessera::fft::detail
