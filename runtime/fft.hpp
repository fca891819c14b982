#pragma once
// Local batched 1-D FFTs: `count` lines of length `n`, each contiguous (the
// transform runs along the fastest axis; line l starts at l * stride), or, with
// a Layout, lines of any element stride in two batch dimensions (FFTW's guru
// interface, cuFFT's cufftPlanMany strides): a transform along any axis of a
// 3-D array, in place, or writing into another memory order. cuFFT on CUDA
// devices, FFTW3 on the host; solvers use this and never the libraries. Unnormalised like FFTW: backward(forward(x)) = n x for C2C and
// R2C, 2n x for DCT and DST.
//
//   fft::Plan p(dev, fft::Kind::R2C, fft::Precision::Double, n, count);
//   p.forward(real_in, complex_out);    // count lines: n reals -> n/2+1 complex
//   p.backward(complex_in, real_out);   // may overwrite complex_in (as cuFFT and FFTW do)
//
// A plan is built once and executed many times. On CUDA, execute enqueues on
// the device's stream and neither allocates nor synchronises with the host.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/device.hpp"
#include "runtime/macros.hpp"

namespace tessera::fft {

// Two T, real part first: the layout of std::complex<T>, fftw_complex and
// cufft(Double)Complex; aligned like float2/double2 as cuFFT's types are.
template <class T>
struct alignas(2 * sizeof(T)) complex {
  T re, im;
};

template <class T>
TESSERA_HD TESSERA_INLINE complex<T> operator+(complex<T> a, complex<T> b) {
  return {a.re + b.re, a.im + b.im};
}
template <class T>
TESSERA_HD TESSERA_INLINE complex<T> operator-(complex<T> a, complex<T> b) {
  return {a.re - b.re, a.im - b.im};
}
template <class T>
TESSERA_HD TESSERA_INLINE complex<T> operator*(complex<T> a, complex<T> b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}
template <class T>
TESSERA_HD TESSERA_INLINE complex<T> operator*(T s, complex<T> a) {
  return {s * a.re, s * a.im};
}
template <class T>
TESSERA_HD TESSERA_INLINE complex<T> conj(complex<T> a) {
  return {a.re, -a.im};
}

// Each kind is a forward/backward pair (FFTW's definitions, unnormalised):
//   C2C  forward: sign -1;        backward: sign +1           (n complex <-> n complex)
//   R2C  forward: real-to-complex; backward: complex-to-real  (n real <-> n/2+1 complex)
//   DCT  forward: DCT-II (REDFT10); backward: DCT-III (REDFT01)  (n real <-> n real)
//   DST  forward: DST-II (RODFT10); backward: DST-III (RODFT01)  (n real <-> n real)
enum class Kind { C2C, R2C, DCT, DST };
enum class Precision { Double, Single };
enum class Direction { Forward, Backward };

const char* to_string(Kind k);
const char* to_string(Precision p);

template <class T>
constexpr Precision precision_of() {
  static_assert(std::same_as<T, double> || std::same_as<T, float>, "fft: double or float only");
  return std::same_as<T, double> ? Precision::Double : Precision::Single;
}

struct Options {
  // In place: execute with in == out. For R2C the real lines are then padded
  // to 2 (n/2+1) values (FFTW's and cuFFT's in-place layout). A plan runs
  // only the placement it was built for.
  bool in_place = false;
  // Host: FFTW_MEASURE (slower planning, faster transforms) instead of FFTW_ESTIMATE.
  bool measure = false;
  // Host: DCT/DST through the FFT-based path the CUDA backend always uses
  // (reordering + an R2C/C2R of length n + twiddles) instead of FFTW's r2r.
  bool r2r_via_fft = false;
  // Host: FFTW threads; 0 = OpenMP's maximum.
  int threads = 0;
};

// Where the elements of a batch of lines are, on one side of the transform, in
// elements of that side's type (T for real data, complex<T> for complex):
// element j of line (a, b), a < Layout::count, b < Layout::count2, is at
// a * dist + b * dist2 + j * stride. Strides are positive, distances >= 0.
struct Lines {
  std::int64_t stride = 1;
  std::int64_t dist = 0;
  std::int64_t dist2 = 0;
};

// count x count2 lines. `physical` is the side forward reads and backward
// writes (the real side of R2C, the input of DCT-II / DST-II); `spectral` the
// other. In place (Options::in_place) both sides address the same array.
struct Layout {
  int count = 1, count2 = 1;
  Lines physical, spectral;
};

namespace detail {
enum class Data { Real, Complex };
class Backend;
}  // namespace detail

class Plan {
 public:
  // Throws tessera::Error for n < 1, count < 1 or sizes the kernels cannot index.
  Plan(const Device& dev, Kind kind, Precision precision, int n, int count, Options options = {});
  // Lines anywhere (see Layout). Throws tessera::Error also for non-positive
  // strides, negative distances or more than 2^31 elements of lines in all.
  Plan(const Device& dev, Kind kind, Precision precision, int n, const Layout& layout, Options options = {});
  ~Plan();
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;

  const Device& device() const { return dev_; }
  Kind kind() const { return kind_; }
  Precision precision() const { return precision_; }
  int n() const { return n_; }
  // Lines per execution (count x count2 of a Layout).
  int count() const { return count_; }
  const Options& options() const { return options_; }
  // The lines' layout (the contiguous constructor's: count2 = 1, stride 1).
  const Layout& layout() const { return layout_; }

  // Contiguous plans: distance between consecutive lines, in elements of each
  // side's type: real lines n (2 (n/2+1) for an in-place R2C plan); complex
  // lines n for C2C and n/2+1 for R2C. The buffers hold count * stride
  // elements. (Layout plans: the physical and spectral sides' `dist`.)
  std::int64_t real_stride() const;
  std::int64_t complex_stride() const;

  // Device (or host) memory this plan holds besides the caller's data:
  // library work areas, scratch lines and twiddle tables, in bytes.
  std::size_t workspace_bytes() const;

  // The overload must match the plan's kind and precision (tessera::Error
  // otherwise). in == out exactly when the plan is in place.
  template <std::floating_point T>
  void forward(complex<T>* in, complex<T>* out) {  // C2C
    execute(Direction::Forward, precision_of<T>(), detail::Data::Complex, in, detail::Data::Complex, out);
  }
  template <std::floating_point T>
  void backward(complex<T>* in, complex<T>* out) {  // C2C
    execute(Direction::Backward, precision_of<T>(), detail::Data::Complex, in, detail::Data::Complex, out);
  }
  template <std::floating_point T>
  void forward(T* in, complex<T>* out) {  // R2C
    execute(Direction::Forward, precision_of<T>(), detail::Data::Real, in, detail::Data::Complex, out);
  }
  template <std::floating_point T>
  void backward(complex<T>* in, T* out) {  // C2R; may overwrite `in`
    execute(Direction::Backward, precision_of<T>(), detail::Data::Complex, in, detail::Data::Real, out);
  }
  template <std::floating_point T>
  void forward(T* in, T* out) {  // DCT-II / DST-II
    execute(Direction::Forward, precision_of<T>(), detail::Data::Real, in, detail::Data::Real, out);
  }
  template <std::floating_point T>
  void backward(T* in, T* out) {  // DCT-III / DST-III
    execute(Direction::Backward, precision_of<T>(), detail::Data::Real, in, detail::Data::Real, out);
  }

 private:
  void execute(Direction dir, Precision p, detail::Data in_type, void* in, detail::Data out_type, void* out);

  Device dev_;
  Kind kind_;
  Precision precision_;
  int n_, count_;
  Layout layout_;
  Options options_;
  std::unique_ptr<detail::Backend> backend_;
};

// The FFT libraries in this build and their versions, e.g.
// {{"FFTW", "fftw-3.3.10-sse2-avx"}, {"cuFFT", "12.0.0"}}.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace tessera::fft
