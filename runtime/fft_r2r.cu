// DCT-II/III and DST-II/III built on an R2C/C2R FFT of the same length n
// (Makhoul 1980), for cuFFT, which has no real-to-real transforms; the host
// runs the same code when Options::r2r_via_fft asks for it.
//
// DCT-II: v = (x0, x2, x4, ..., x5, x3, x1); V = R2C(v);
//         y_k = 2 Re(w^k V_k), w = exp(-i pi / 2n), V_k = conj(V_{n-k}) for k > n/2.
// DCT-III (its inverse up to 2n): U_k = w^-k (y_k - i y_{n-k}) (y_n = 0) for
//         k <= n/2; u = C2R(U); x_{2j} = u_j, x_{2j+1} = u_{n-1-j}.
// DST-II(x)_k  = DCT-II(x_j (-1)^j)_{n-1-k}; DST-III(x)_k = (-1)^k DCT-III(x_{n-1-j})_k.
// Pre- and post-processing are for_each kernels; each thread writes one value.
// They read and write the caller's lines in the plan's Layout (any strides);
// the R2C/C2R in between runs on contiguous scratch lines.
#include <cmath>
#include <cstdint>

#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"
#include "runtime/for_each.hpp"

namespace tessera::fft::detail {

namespace {

// Where element 0 of line `line` (of count x count2) is on one side.
struct LineAt {
  std::int64_t stride, dist, dist2;
  int count;
  TESSERA_HD std::int64_t operator()(std::int64_t line) const {
    const std::int64_t b = line / count;
    return (line - b * count) * dist + b * dist2;
  }
};

LineAt line_at(const Lines& l, int count) { return {l.stride, l.dist, l.dist2, count}; }

template <class T>
class R2rViaFft final : public Backend {
 public:
  explicit R2rViaFft(const Spec& s)
      : s_(s),
        sine_(s.kind == Kind::DST),
        line_(s.dev, static_cast<std::size_t>(s.count) * s.n),
        spectrum_(s.dev, static_cast<std::size_t>(s.count) * (s.n / 2 + 1)),
        twiddle_(s.dev, static_cast<std::size_t>(s.n)) {
    TESSERA_REQUIRE(s.kind == Kind::DCT || s.kind == Kind::DST, "the FFT-based path serves DCT and DST plans only");
    Spec r2c = s;
    r2c.kind = Kind::R2C;
    r2c.options.in_place = false;
    r2c.layout = Layout{};
    r2c.layout.count = s.count;
    r2c.layout.physical = {1, s.n, 0};
    r2c.layout.spectral = {1, s.n / 2 + 1, 0};
#if TESSERA_HAVE_CUDA
    fft_ = s.dev.is_cuda() ? make_cufft(r2c) : make_fftw(r2c);
#else
    fft_ = make_fftw(r2c);
#endif
    // w^k in long double, rounded once to T.
    std::vector<complex<T>> w(static_cast<std::size_t>(s.n));
    const long double pi = 3.141592653589793238462643383279502884L;
    for (int k = 0; k < s.n; ++k) {
      const long double a = pi * k / (2.0L * s.n);
      w[static_cast<std::size_t>(k)] = {static_cast<T>(std::cos(a)), static_cast<T>(-std::sin(a))};
    }
    twiddle_.copy_from_host(w);
  }

  void execute(Direction dir, void* in, void* out) override {
    if (dir == Direction::Forward)
      type2(static_cast<const T*>(in), static_cast<T*>(out));
    else
      type3(static_cast<const T*>(in), static_cast<T*>(out));
  }

  std::size_t workspace_bytes() const override {
    return line_.size() * sizeof(T) + (spectrum_.size() + twiddle_.size()) * sizeof(complex<T>) +
           fft_->workspace_bytes();
  }

  // Public: nvcc's extended lambdas may not live in private member functions.
  void type2(const T* x, T* y) {
    const int n = s_.n, half = (n + 1) / 2, h = n / 2 + 1;
    const bool sine = sine_;
    const std::int64_t total = static_cast<std::int64_t>(s_.count) * n;
    T* v = line_.data();
    complex<T>* V = spectrum_.data();
    const complex<T>* w = twiddle_.data();
    const LineAt xa = line_at(s_.layout.physical, s_.layout.count), ya = line_at(s_.layout.spectral, s_.layout.count);
    // Even samples forward, odd samples backward; DST flips the odd ones' sign.
    for_each(s_.dev, total, [=] TESSERA_HD(int idx) {
      const int m = idx % n;
      const T* xl = x + xa(idx / n);
      const std::int64_t j = m < half ? 2 * m : 2 * (n - 1 - m) + 1;
      const T xj = xl[j * xa.stride];
      v[idx] = m < half || !sine ? xj : -xj;
    });
    fft_->execute(Direction::Forward, v, V);
    for_each(s_.dev, total, [=] TESSERA_HD(int idx) {
      const int m = idx % n, line = idx / n;
      const int k = sine ? n - 1 - m : m;  // DST writes DCT-II's outputs in reverse
      const complex<T>* Vl = V + static_cast<std::int64_t>(line) * h;
      const complex<T> wk = w[k];
      y[ya(line) + m * ya.stride] = k < h ? T(2) * (wk.re * Vl[k].re - wk.im * Vl[k].im)
                                          : T(2) * (wk.re * Vl[n - k].re + wk.im * Vl[n - k].im);
    });
  }

  void type3(const T* x, T* y) {
    const int n = s_.n, h = n / 2 + 1;
    const bool sine = sine_;
    const std::int64_t lines = s_.count;
    T* u = line_.data();
    complex<T>* U = spectrum_.data();
    const complex<T>* w = twiddle_.data();
    // Type III reads the spectral side and writes the physical side.
    const LineAt xa = line_at(s_.layout.spectral, s_.layout.count), ya = line_at(s_.layout.physical, s_.layout.count);
    const std::int64_t xs = xa.stride;
    for_each(s_.dev, lines * h, [=] TESSERA_HD(int idx) {
      const int k = idx % h, line = idx / h;
      const T* xl = x + xa(line);
      // DST-III reads its input reversed.
      const T a = sine ? xl[(n - 1 - k) * xs] : xl[k * xs];
      const T b = k == 0 ? T(0) : (sine ? xl[(k - 1) * xs] : xl[(n - k) * xs]);
      const T c = w[k].re, s = -w[k].im;  // w^-k = c + i s
      U[idx] = {c * a + s * b, s * a - c * b};
    });
    fft_->execute(Direction::Backward, U, u);
    for_each(s_.dev, lines * n, [=] TESSERA_HD(int idx) {
      const int k = idx % n;
      const T* ul = u + (idx - k);
      const T val = (k % 2 == 0) ? ul[k / 2] : ul[n - 1 - (k - 1) / 2];
      y[ya(idx / n) + static_cast<std::int64_t>(k) * ya.stride] = sine && (k % 2 == 1) ? -val : val;
    });
  }

 private:
  Spec s_;
  bool sine_;
  Buffer<T> line_;                 // the reordered real lines (count x n)
  Buffer<complex<T>> spectrum_;    // their half spectra (count x (n/2+1))
  Buffer<complex<T>> twiddle_;     // w^k, k < n
  std::unique_ptr<Backend> fft_;   // out-of-place R2C/C2R of length n
};

}  // namespace

std::unique_ptr<Backend> make_r2r_via_fft(const Spec& spec) {
  if (spec.precision == Precision::Double) return std::make_unique<R2rViaFft<double>>(spec);
  return std::make_unique<R2rViaFft<float>>(spec);
}

}  // namespace tessera::fft::detail
