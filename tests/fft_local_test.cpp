// Local batched 1-D FFTs (runtime/fft.hpp) on the backend TESSERA_DEVICE
// selects (FFTW on the host, cuFFT on CUDA): every kind against a direct
// O(n^2) transform in long double, round trips, in place against out of
// place, and the arguments a plan refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/fft.hpp"
#include "tests/cli_runner.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

using fft::Direction;
using fft::Kind;
using LD = long double;
const LD kPi = 3.141592653589793238462643383279502884L;

const std::vector<int> kSizes{1, 2, 3, 5, 7, 8, 12, 17, 31, 64, 97};
const std::vector<int> kCounts{1, 3, 8};

template <class T>
double tolerance() {
  return sizeof(T) == sizeof(double) ? 1e-12 : 1e-5;
}

bool is_complex_side(Kind kind, Direction dir, bool input) {
  if (kind == Kind::C2C) return true;
  if (kind == Kind::R2C) return (dir == Direction::Forward) != input;
  return false;
}

// Reals per line of one side in the tight layout the tests keep on the host
// (complex values as re, im pairs).
int tight_reals(Kind kind, int n, Direction dir, bool input) {
  if (!is_complex_side(kind, dir, input)) return n;
  return kind == Kind::R2C ? 2 * (n / 2 + 1) : 2 * n;
}

// Random values in [-1, 1) that are never zero. The complex input of a C2R
// transform is the half spectrum of a real line: the imaginary parts of its
// k = 0 and (even n) k = n/2 terms are zero.
template <class T>
std::vector<T> random_input(Kind kind, Direction dir, int n, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const int len = tight_reals(kind, n, dir, true);
  std::vector<T> v(static_cast<std::size_t>(len) * count);
  for (auto& x : v) {
    double r = 0;
    while (std::abs(r) < 1e-3) r = u(rng);
    x = static_cast<T>(r);
  }
  if (kind == Kind::R2C && dir == Direction::Backward)
    for (int l = 0; l < count; ++l) {
      v[static_cast<std::size_t>(l) * len + 1] = 0;
      if (n % 2 == 0) v[static_cast<std::size_t>(l) * len + 2 * (n / 2) + 1] = 0;
    }
  return v;
}

// The direct transform of one line in long double (FFTW's definitions).
std::vector<LD> direct_line(Kind kind, Direction dir, int n, const std::vector<LD>& x) {
  const bool fwd = dir == Direction::Forward;
  std::vector<LD> y;
  auto cis = [&](LD a) { return std::pair<LD, LD>{std::cos(a), std::sin(a)}; };
  if (kind == Kind::C2C || (kind == Kind::R2C && !fwd)) {
    // C2R: the full spectrum is the Hermitian extension of the half spectrum.
    const LD sign = fwd ? -1 : 1;
    const int outs = kind == Kind::C2C ? n : n;
    for (int j = 0; j < outs; ++j) {
      LD re = 0, im = 0;
      for (int k = 0; k < n; ++k) {
        LD xr, xi;
        if (kind == Kind::C2C) {
          xr = x[2 * k], xi = x[2 * k + 1];
        } else if (k <= n / 2) {
          xr = x[2 * k], xi = x[2 * k + 1];
        } else {
          xr = x[2 * (n - k)], xi = -x[2 * (n - k) + 1];
        }
        auto [c, s] = cis(sign * 2 * kPi * static_cast<LD>((static_cast<std::int64_t>(j) * k) % n) / n);
        re += xr * c - xi * s;
        im += xr * s + xi * c;
      }
      y.push_back(re);
      if (kind == Kind::C2C) y.push_back(im);
    }
    return y;
  }
  if (kind == Kind::R2C) {
    for (int k = 0; k <= n / 2; ++k) {
      LD re = 0, im = 0;
      for (int j = 0; j < n; ++j) {
        auto [c, s] = cis(-2 * kPi * static_cast<LD>((static_cast<std::int64_t>(j) * k) % n) / n);
        re += x[j] * c;
        im += x[j] * s;
      }
      y.push_back(re);
      y.push_back(im);
    }
    return y;
  }
  const bool cosine = kind == Kind::DCT;
  for (int k = 0; k < n; ++k) {
    LD sum = 0;
    if (fwd) {  // DCT-II / DST-II
      for (int j = 0; j < n; ++j)
        sum += 2 * x[j] * (cosine ? std::cos(kPi * k * (2 * j + 1) / (2 * n)) : std::sin(kPi * (k + 1) * (2 * j + 1) / (2 * n)));
    } else if (cosine) {  // DCT-III
      sum = x[0];
      for (int j = 1; j < n; ++j) sum += 2 * x[j] * std::cos(kPi * j * (2 * k + 1) / (2 * n));
    } else {  // DST-III
      sum = (k % 2 == 0 ? 1 : -1) * x[n - 1];
      for (int j = 0; j < n - 1; ++j) sum += 2 * x[j] * std::sin(kPi * (j + 1) * (2 * k + 1) / (2 * n));
    }
    y.push_back(sum);
  }
  return y;
}

template <class T>
std::vector<LD> direct(Kind kind, Direction dir, int n, int count, const std::vector<T>& in) {
  const int li = tight_reals(kind, n, dir, true);
  std::vector<LD> out;
  for (int l = 0; l < count; ++l) {
    std::vector<LD> x(in.begin() + static_cast<std::ptrdiff_t>(l) * li, in.begin() + static_cast<std::ptrdiff_t>(l + 1) * li);
    auto y = direct_line(kind, dir, n, x);
    out.insert(out.end(), y.begin(), y.end());
  }
  return out;
}

// Runs one transform of `plan` on host data in the tight layout: copies it to
// the plan's device in the plan's layout (padded for in-place R2C), executes,
// and copies the result back in the tight layout.
template <class T>
std::vector<T> run(fft::Plan& plan, Direction dir, const std::vector<T>& in) {
  const Kind kind = plan.kind();
  const int n = plan.n(), count = plan.count();
  const bool cin = is_complex_side(kind, dir, true), cout = is_complex_side(kind, dir, false);
  const std::int64_t s_in = cin ? 2 * plan.complex_stride() : plan.real_stride();
  const std::int64_t s_out = cout ? 2 * plan.complex_stride() : plan.real_stride();
  const int tin = tight_reals(kind, n, dir, true), tout = tight_reals(kind, n, dir, false);
  const bool in_place = plan.options().in_place;

  std::vector<T> staged(static_cast<std::size_t>(s_in * count), T(0));
  for (int l = 0; l < count; ++l)
    std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(l) * tin, tin, staged.begin() + l * s_in);
  Buffer<T> a(plan.device(), static_cast<std::size_t>(std::max(s_in, s_out) * count));
  Buffer<T> b(plan.device(), in_place ? 0 : static_cast<std::size_t>(s_out * count));
  std::vector<T> padded(a.size(), T(0));
  std::copy(staged.begin(), staged.end(), padded.begin());
  a.copy_from_host(padded);
  T* pin = a.data();
  T* pout = in_place ? a.data() : b.data();
  auto c = [](T* p) { return reinterpret_cast<fft::complex<T>*>(p); };
  if (kind == Kind::C2C)
    dir == Direction::Forward ? plan.forward(c(pin), c(pout)) : plan.backward(c(pin), c(pout));
  else if (kind == Kind::R2C)
    dir == Direction::Forward ? plan.forward(pin, c(pout)) : plan.backward(c(pin), pout);
  else
    dir == Direction::Forward ? plan.forward(pin, pout) : plan.backward(pin, pout);
  std::vector<T> raw = in_place ? a.to_host() : b.to_host();
  std::vector<T> out(static_cast<std::size_t>(tout) * count);
  for (int l = 0; l < count; ++l)
    std::copy_n(raw.begin() + l * s_out, tout, out.begin() + static_cast<std::ptrdiff_t>(l) * tout);
  return out;
}

// max |a - b| / max |b|
template <class T, class R>
double relative_error(const std::vector<T>& a, const std::vector<R>& b) {
  EXPECT_EQ(a.size(), b.size());
  LD diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<LD>(a[i]) - static_cast<LD>(b[i])));
    scale = std::max(scale, std::abs(static_cast<LD>(b[i])));
  }
  return static_cast<double>(scale > 0 ? diff / scale : diff);
}

template <class T>
fft::Plan make_plan(Kind kind, int n, int count, bool in_place, bool via_fft) {
  fft::Options o;
  o.in_place = in_place;
  o.r2r_via_fft = via_fft;
  return fft::Plan(test_device(), kind, fft::precision_of<T>(), n, count, o);
}

std::string label(Kind kind, Direction dir, int n, int count, bool in_place, bool via_fft) {
  return std::string(fft::to_string(kind)) + (dir == Direction::Forward ? " forward" : " backward") +
         " n=" + std::to_string(n) + " count=" + std::to_string(count) + (in_place ? " in place" : " out of place") +
         (via_fft ? " (r2r via FFT)" : "");
}

// Every size and batch count, both directions, both placements, against the
// direct transform; returns the largest relative error seen.
template <class T>
double check_against_direct(Kind kind, bool via_fft) {
  double worst = 0;
  unsigned seed = 1;
  for (int n : kSizes)
    for (int count : kCounts)
      for (bool in_place : {false, true}) {
        auto plan = make_plan<T>(kind, n, count, in_place, via_fft);
        for (Direction dir : {Direction::Forward, Direction::Backward}) {
          SCOPED_TRACE(label(kind, dir, n, count, in_place, via_fft));
          auto in = random_input<T>(kind, dir, n, count, seed++);
          double err = relative_error(run(plan, dir, in), direct(kind, dir, n, count, in));
          EXPECT_LT(err, tolerance<T>());
          worst = std::max(worst, err);
        }
      }
  std::printf("[ fft      ] %s %s%s: largest error against the direct transform %.2e (tolerance %.0e)\n",
              fft::to_string(kind), fft::to_string(fft::precision_of<T>()), via_fft ? " via FFT" : "", worst,
              tolerance<T>());
  return worst;
}

// backward(forward(x)) = n x (2n x for DCT/DST), and in place == out of place.
template <class T>
void check_round_trip_and_placement(Kind kind, bool via_fft) {
  unsigned seed = 1000;
  for (int n : kSizes)
    for (int count : kCounts) {
      auto oop = make_plan<T>(kind, n, count, false, via_fft);
      auto inp = make_plan<T>(kind, n, count, true, via_fft);
      SCOPED_TRACE(label(kind, Direction::Forward, n, count, false, via_fft));
      auto x = random_input<T>(kind, Direction::Forward, n, count, seed++);
      auto spectrum = run(oop, Direction::Forward, x);
      EXPECT_LT(relative_error(run(inp, Direction::Forward, x), spectrum), tolerance<T>());
      auto back = run(oop, Direction::Backward, spectrum);
      EXPECT_LT(relative_error(run(inp, Direction::Backward, spectrum), back), tolerance<T>());
      const LD scale = kind == Kind::DCT || kind == Kind::DST ? 2 * n : n;
      std::vector<LD> expect(x.begin(), x.end());
      for (auto& v : expect) v *= scale;
      EXPECT_LT(relative_error(back, expect), tolerance<T>());
    }
}

}  // namespace

#define TESSERA_FFT_KIND_TESTS(Name, KIND)                                                     \
  TEST(FftLocal, Name##MatchesDirectDouble) { check_against_direct<double>(KIND, false); }     \
  TEST(FftLocal, Name##MatchesDirectSingle) { check_against_direct<float>(KIND, false); }      \
  TEST(FftLocal, Name##RoundTripDouble) { check_round_trip_and_placement<double>(KIND, false); } \
  TEST(FftLocal, Name##RoundTripSingle) { check_round_trip_and_placement<float>(KIND, false); }

TESSERA_FFT_KIND_TESTS(C2C, Kind::C2C)
TESSERA_FFT_KIND_TESTS(R2C, Kind::R2C)
TESSERA_FFT_KIND_TESTS(Dct, Kind::DCT)
TESSERA_FFT_KIND_TESTS(Dst, Kind::DST)

// The FFT-based DCT/DST (the code cuFFT plans run) on the host as well.
TEST(FftLocal, DctViaFftMatchesDirect) {
  check_against_direct<double>(Kind::DCT, true);
  check_against_direct<float>(Kind::DCT, true);
}
TEST(FftLocal, DstViaFftMatchesDirect) {
  check_against_direct<double>(Kind::DST, true);
  check_against_direct<float>(Kind::DST, true);
}
TEST(FftLocal, R2rViaFftRoundTrip) {
  for (Kind k : {Kind::DCT, Kind::DST}) {
    check_round_trip_and_placement<double>(k, true);
    check_round_trip_and_placement<float>(k, true);
  }
}

// A plan executes again and again with the same result, also on lines that
// start anywhere in a larger buffer (the host then needs an unaligned FFTW plan).
TEST(FftLocal, ReusedPlanOnOffsetLines) {
  const int n = 12, count = 5;
  fft::Plan plan(test_device(), Kind::C2C, fft::Precision::Single, n, count);
  auto in = random_input<float>(Kind::C2C, Direction::Forward, n, count, 77);
  auto expect = direct(Kind::C2C, Direction::Forward, n, count, in);
  for (int offset : {0, 1, 3}) {
    SCOPED_TRACE("offset " + std::to_string(offset) + " complex values");
    std::vector<float> padded(in.size() + 2 * 3, 0.5f);
    std::copy(in.begin(), in.end(), padded.begin() + 2 * offset);
    Buffer<fft::complex<float>> a(test_device(), padded.size() / 2), b(test_device(), padded.size() / 2);
    a.copy_from_host(reinterpret_cast<const fft::complex<float>*>(padded.data()), padded.size() / 2);
    for (int rep = 0; rep < 2; ++rep) {
      plan.forward(a.data() + offset, b.data() + offset);
      auto raw = b.to_host();
      std::vector<float> out(in.size());
      std::copy_n(reinterpret_cast<const float*>(raw.data()) + 2 * offset, out.size(), out.begin());
      EXPECT_LT(relative_error(out, expect), tolerance<float>());
    }
  }
}

// FFTW_MEASURE planning and an explicit thread count give the same transform.
TEST(FftLocal, MeasuredThreadedPlan) {
  fft::Options o;
  o.measure = true;
  o.threads = 2;
  const int n = 64, count = 16;
  fft::Plan plan(test_device(), Kind::R2C, fft::Precision::Double, n, count, o);
  auto in = random_input<double>(Kind::R2C, Direction::Forward, n, count, 5);
  EXPECT_LT(relative_error(run(plan, Direction::Forward, in), direct(Kind::R2C, Direction::Forward, n, count, in)),
            1e-12);
}

TEST(FftLocal, LayoutAndWorkspace) {
  fft::Options in_place;
  in_place.in_place = true;
  fft::Plan r2c(test_device(), Kind::R2C, fft::Precision::Double, 7, 3);
  fft::Plan r2c_ip(test_device(), Kind::R2C, fft::Precision::Double, 7, 3, in_place);
  fft::Plan c2c(test_device(), Kind::C2C, fft::Precision::Single, 7, 3);
  EXPECT_EQ(r2c.real_stride(), 7);
  EXPECT_EQ(r2c.complex_stride(), 4);
  EXPECT_EQ(r2c_ip.real_stride(), 8);
  EXPECT_EQ(c2c.complex_stride(), 7);
  EXPECT_EQ(c2c.precision(), fft::Precision::Single);
  // The FFT-based DCT holds its scratch lines and twiddles at least.
  fft::Options via;
  via.r2r_via_fft = true;
  const int n = 31, count = 4;
  fft::Plan dct(test_device(), Kind::DCT, fft::Precision::Double, n, count, via);
  EXPECT_GE(dct.workspace_bytes(), count * n * sizeof(double) + (count * (n / 2 + 1) + n) * sizeof(fft::complex<double>));
  // A moved plan keeps working; the moved-from one refuses.
  fft::Plan moved = std::move(dct);
  auto in = random_input<double>(Kind::DCT, Direction::Forward, n, count, 9);
  EXPECT_LT(relative_error(run(moved, Direction::Forward, in), direct(Kind::DCT, Direction::Forward, n, count, in)),
            1e-12);
  Buffer<double> x(test_device(), static_cast<std::size_t>(count) * n), y(test_device(), x.size());
  EXPECT_THROW(dct.forward(x.data(), y.data()), Error);  // NOLINT(bugprone-use-after-move)
}

namespace {

// Strided plans (fft::Layout): lines of length n along the middle axis of a
// 3-D array, batched over the other two (count x count2), with each side in
// its own memory order.
struct SideAt {
  fft::Lines lines;
  int count;
  // Element j of line l (l = a + count b), in elements of the side's type.
  std::int64_t operator()(int l, int j) const {
    return (l % count) * lines.dist + (l / count) * lines.dist2 + j * lines.stride;
  }
};

// Scatters tight host lines into a side's strided layout, around values
// `fill` in the gaps; gathers them back.
template <class T>
void scatter(const std::vector<T>& tight, int reals, int width, const SideAt& at, int lines, std::vector<T>& raw) {
  for (int l = 0; l < lines; ++l)
    for (int r = 0; r < reals; ++r) raw[at(l, r / width) * width + r % width] = tight[static_cast<std::size_t>(l) * reals + r];
}
template <class T>
std::vector<T> gather(const std::vector<T>& raw, int reals, int width, const SideAt& at, int lines) {
  std::vector<T> tight(static_cast<std::size_t>(lines) * reals);
  for (int l = 0; l < lines; ++l)
    for (int r = 0; r < reals; ++r) tight[static_cast<std::size_t>(l) * reals + r] = raw[at(l, r / width) * width + r % width];
  return tight;
}

// Runs one strided transform on tight host lines; also checks that the
// output array's gaps (elements no line covers) keep their values.
template <class T>
std::vector<T> run_strided(fft::Plan& plan, Direction dir, const std::vector<T>& in) {
  const Kind kind = plan.kind();
  const int n = plan.n(), lines = plan.count();
  const fft::Layout& l = plan.layout();
  const bool fwd = dir == Direction::Forward;
  const bool cin = is_complex_side(kind, dir, true), cout = is_complex_side(kind, dir, false);
  const int win = cin ? 2 : 1, wout = cout ? 2 : 1;
  const SideAt ain{fwd ? l.physical : l.spectral, l.count}, aout{fwd ? l.spectral : l.physical, l.count};
  auto len = [&](bool complex_side) { return kind == Kind::R2C && complex_side ? n / 2 + 1 : n; };
  const std::int64_t span_in = ain(lines - 1, len(cin) - 1) + 1;
  const std::int64_t span_out = aout(lines - 1, len(cout) - 1) + 1;
  const bool in_place = plan.options().in_place;
  const std::size_t size_in = static_cast<std::size_t>(span_in) * win, size_out = static_cast<std::size_t>(span_out) * wout;
  const T fill = T(7.25);
  std::vector<T> raw_in(in_place ? std::max(size_in, size_out) : size_in, fill);
  scatter(in, tight_reals(kind, n, dir, true), win, ain, lines, raw_in);
  Buffer<T> a(plan.device(), raw_in.size()), b(plan.device(), in_place ? 0 : size_out);
  a.copy_from_host(raw_in);
  if (!in_place) b.copy_from_host(std::vector<T>(size_out, fill));
  T* pin = a.data();
  T* pout = in_place ? a.data() : b.data();
  auto c = [](T* p) { return reinterpret_cast<fft::complex<T>*>(p); };
  if (kind == Kind::C2C)
    fwd ? plan.forward(c(pin), c(pout)) : plan.backward(c(pin), c(pout));
  else if (kind == Kind::R2C)
    fwd ? plan.forward(pin, c(pout)) : plan.backward(c(pin), pout);
  else
    fwd ? plan.forward(pin, pout) : plan.backward(pin, pout);
  std::vector<T> raw = in_place ? a.to_host() : b.to_host();
  auto out = gather(raw, tight_reals(kind, n, dir, false), wout, aout, lines);
  if (!in_place) {
    // Mark what the lines cover; everything else must still hold `fill`.
    std::vector<T> marked = raw;
    scatter(std::vector<T>(out.size(), fill), tight_reals(kind, n, dir, false), wout, aout, lines, marked);
    std::size_t touched = 0;
    for (T v : marked) touched += v != fill;
    EXPECT_EQ(touched, 0u) << "the transform wrote outside its lines";
  }
  return out;
}

// Physical side (a, j, b) memory order, a fastest; spectral side (b, a, j)
// with a gap of one element between j-planes: every line is strided on at
// least one side and the two batch dimensions do not fold into one.
fft::Layout transposing_layout(Kind kind, int n, int ca, int cb) {
  (void)kind;  // the spectral side's extent along j does not enter its strides
  const std::int64_t plen = n;
  fft::Layout l;
  l.count = ca;
  l.count2 = cb;
  l.physical = {ca, 1, ca * plen};
  l.spectral = {static_cast<std::int64_t>(ca) * cb + 1, cb, 1};
  return l;
}

// In place: both sides (a, j, b).
fft::Layout in_place_layout(int n, int ca, int cb) {
  fft::Layout l;
  l.count = ca;
  l.count2 = cb;
  l.physical = l.spectral = {ca, 1, static_cast<std::int64_t>(ca) * n};
  return l;
}

template <class T>
double check_strided(Kind kind, bool via_fft) {
  double worst = 0;
  unsigned seed = 500;
  const std::vector<std::array<int, 2>> batches{{3, 4}, {1, 5}, {4, 1}, {2, 3}};
  for (int n : {1, 2, 3, 5, 8, 12, 17})
    for (auto [ca, cb] : batches)
      for (bool in_place : {false, true}) {
        if (in_place && kind == Kind::R2C) continue;  // in-place R2C needs the padded contiguous layout
        fft::Options o;
        o.in_place = in_place;
        o.r2r_via_fft = via_fft;
        fft::Plan plan(test_device(), kind, fft::precision_of<T>(), n,
                       in_place ? in_place_layout(n, ca, cb) : transposing_layout(kind, n, ca, cb), o);
        const int count = ca * cb;
        EXPECT_EQ(plan.count(), count);
        for (Direction dir : {Direction::Forward, Direction::Backward}) {
          SCOPED_TRACE(label(kind, dir, n, count, in_place, via_fft) + " strided " + std::to_string(ca) + " x " +
                       std::to_string(cb));
          auto in = random_input<T>(kind, dir, n, count, seed++);
          double err = relative_error(run_strided(plan, dir, in), direct(kind, dir, n, count, in));
          EXPECT_LT(err, tolerance<T>());
          worst = std::max(worst, err);
        }
      }
  std::printf("[ fft      ] strided %s %s%s: largest error against the direct transform %.2e (tolerance %.0e)\n",
              fft::to_string(kind), fft::to_string(fft::precision_of<T>()), via_fft ? " via FFT" : "", worst,
              tolerance<T>());
  return worst;
}

}  // namespace

#define TESSERA_FFT_STRIDED_TESTS(Name, KIND)                                                \
  TEST(FftLocal, Strided##Name##MatchesDirectDouble) { check_strided<double>(KIND, false); } \
  TEST(FftLocal, Strided##Name##MatchesDirectSingle) { check_strided<float>(KIND, false); }

TESSERA_FFT_STRIDED_TESTS(C2C, Kind::C2C)
TESSERA_FFT_STRIDED_TESTS(R2C, Kind::R2C)
TESSERA_FFT_STRIDED_TESTS(Dct, Kind::DCT)
TESSERA_FFT_STRIDED_TESTS(Dst, Kind::DST)

TEST(FftLocal, StridedR2rViaFftMatchesDirect) {
  for (Kind k : {Kind::DCT, Kind::DST}) {
    check_strided<double>(k, true);
    check_strided<float>(k, true);
  }
}

// A strided plan reports its layout (two batch dimensions that continue one
// another fold into one) and refuses strides it cannot address.
TEST(FftLocal, StridedLayoutIsKeptOrFolded) {
  const Device& dev = test_device();
  const auto D = fft::Precision::Double;
  fft::Plan kept(dev, Kind::C2C, D, 5, transposing_layout(Kind::C2C, 5, 3, 4));
  EXPECT_EQ(kept.count(), 12);
  EXPECT_EQ(kept.layout().count, 3);
  EXPECT_EQ(kept.layout().count2, 4);
  fft::Layout folding;
  folding.count = 3;
  folding.count2 = 4;
  folding.physical = {1, 8, 24};
  folding.spectral = {1, 5, 15};
  fft::Plan folded(dev, Kind::R2C, D, 8, folding);
  EXPECT_EQ(folded.layout().count, 12);
  EXPECT_EQ(folded.layout().count2, 1);
  EXPECT_EQ(folded.real_stride(), 8);
  EXPECT_EQ(folded.complex_stride(), 5);
  auto in = random_input<double>(Kind::R2C, Direction::Forward, 8, 12, 3);
  EXPECT_LT(relative_error(run_strided(folded, Direction::Forward, in), direct(Kind::R2C, Direction::Forward, 8, 12, in)),
            1e-12);
  fft::Layout bad = folding;
  bad.spectral.stride = 0;
  EXPECT_THROW(fft::Plan(dev, Kind::R2C, D, 8, bad), Error);
  bad = folding;
  bad.physical.dist = -1;
  EXPECT_THROW(fft::Plan(dev, Kind::R2C, D, 8, bad), Error);
  bad = folding;
  bad.count2 = 0;
  EXPECT_THROW(fft::Plan(dev, Kind::R2C, D, 8, bad), Error);
}

namespace {
// Expects `f` to throw tessera::Error whose message contains `text`.
template <class F>
void expect_error(F f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning '" << text << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(FftLocal, RefusesBadArguments) {
  const Device& dev = test_device();
  const auto D = fft::Precision::Double;
  expect_error([&] { fft::Plan(dev, Kind::C2C, D, 0, 4); }, "n = 0");
  expect_error([&] { fft::Plan(dev, Kind::DCT, D, -3, 4); }, "n = -3");
  expect_error([&] { fft::Plan(dev, Kind::R2C, D, 8, 0); }, "count = 0");
  expect_error([&] { fft::Plan(dev, Kind::C2C, D, 1 << 20, 1 << 12); }, "2^31");
  fft::Options bad_threads;
  bad_threads.threads = -1;
  expect_error([&] { fft::Plan(dev, Kind::C2C, D, 8, 1, bad_threads); }, "threads");

  fft::Plan r2c(dev, Kind::R2C, D, 8, 2);
  Buffer<double> real(dev, 16), real2(dev, 16);
  Buffer<fft::complex<double>> spec(dev, 10), spec2(dev, 10);
  Buffer<float> realf(dev, 16);
  Buffer<fft::complex<float>> specf(dev, 10);
  expect_error([&] { r2c.forward(realf.data(), specf.data()); }, "double-precision plan was given single-precision data");
  expect_error([&] { r2c.forward(spec.data(), spec2.data()); }, "R2C forward transforms real to complex data");
  expect_error([&] { r2c.backward(real.data(), real2.data()); }, "R2C backward transforms complex to real data");
  expect_error([&] { r2c.forward(real.data(), static_cast<fft::complex<double>*>(nullptr)); }, "null pointer");
  fft::Plan c2c(dev, Kind::C2C, D, 5, 2);
  expect_error([&] { c2c.forward(spec.data(), spec.data()); }, "out-of-place plan was executed in place");
  fft::Options ip;
  ip.in_place = true;
  fft::Plan dct(dev, Kind::DCT, fft::Precision::Single, 5, 2, ip);
  expect_error([&] { dct.forward(realf.data(), realf.data() + 1); }, "in-place plan was executed out of place");
  expect_error([&] { dct.forward(real.data(), real.data()); }, "single-precision plan was given double-precision data");
}

TEST(FftLocal, LibraryVersions) {
  auto libs = fft::library_versions();
  ASSERT_FALSE(libs.empty());
  EXPECT_EQ(libs[0].first, "FFTW");
  EXPECT_EQ(libs[0].second.rfind("fftw-3", 0), 0u) << libs[0].second;
  bool cufft = false;
  for (const auto& [name, version] : libs) cufft = cufft || (name == "cuFFT" && !version.empty());
  EXPECT_EQ(cufft, built_with_cuda());
}

TEST(FftLocal, InfoListsTheFftLibraries) {
  auto r = tessera::testing::run_cli("info");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("FFT libraries"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FFTW fftw-3"), std::string::npos) << r.output;
  if (built_with_cuda()) {
    EXPECT_NE(r.output.find("cuFFT "), std::string::npos) << r.output;
  }
}
