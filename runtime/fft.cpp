#include "runtime/fft.hpp"

#include <algorithm>
#include <limits>

#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"
#include "runtime/format.hpp"

namespace tessera::fft {

const char* to_string(Kind k) {
  switch (k) {
    case Kind::C2C: return "C2C";
    case Kind::R2C: return "R2C";
    case Kind::DCT: return "DCT";
    case Kind::DST: return "DST";
  }
  return "?";
}

const char* to_string(Precision p) { return p == Precision::Double ? "double" : "single"; }

namespace {

const char* to_string(detail::Data d) { return d == detail::Data::Real ? "real" : "complex"; }
const char* to_string(Direction d) { return d == Direction::Forward ? "forward" : "backward"; }

// The data types each side of a kind's transform holds.
detail::Data input_type(Kind k, Direction d) {
  if (k == Kind::C2C) return detail::Data::Complex;
  if (k == Kind::R2C) return d == Direction::Forward ? detail::Data::Real : detail::Data::Complex;
  return detail::Data::Real;
}
detail::Data output_type(Kind k, Direction d) {
  return input_type(k, d == Direction::Forward ? Direction::Backward : Direction::Forward);
}

}  // namespace

namespace {

// The layout of the contiguous constructor.
Layout contiguous(Kind kind, int n, int count, bool in_place) {
  const std::int64_t cdist = kind == Kind::R2C ? n / 2 + 1 : n;
  const std::int64_t rdist = kind == Kind::R2C && in_place ? 2 * (n / 2 + 1) : n;
  Layout l;
  l.count = count;
  l.physical = {1, kind == Kind::C2C ? cdist : rdist, 0};
  l.spectral = {1, kind == Kind::DCT || kind == Kind::DST ? rdist : cdist, 0};
  return l;
}

// One batch dimension where the two fold into one (the outer one continues
// the inner one on both sides), so backends loop less.
Layout normalised(Layout l) {
  if (l.count2 == 1) {
    l.physical.dist2 = l.spectral.dist2 = 0;
  } else if (l.count == 1) {
    l.count = l.count2;
    l.count2 = 1;
    l.physical.dist = l.physical.dist2;
    l.spectral.dist = l.spectral.dist2;
    l.physical.dist2 = l.spectral.dist2 = 0;
  } else if (l.physical.dist2 == l.count * l.physical.dist && l.spectral.dist2 == l.count * l.spectral.dist) {
    l.count *= l.count2;
    l.count2 = 1;
    l.physical.dist2 = l.spectral.dist2 = 0;
  }
  return l;
}

}  // namespace

Plan::Plan(const Device& dev, Kind kind, Precision precision, int n, int count, Options options)
    : Plan(dev, kind, precision, n, contiguous(kind, std::max(n, 1), std::max(count, 1), options.in_place), options) {
  if (n < 1) throw Error(strfmt("fft::Plan: transform length n = %d; it must be at least 1", n));
  if (count < 1) throw Error(strfmt("fft::Plan: line count = %d; it must be at least 1", count));
}

Plan::Plan(const Device& dev, Kind kind, Precision precision, int n, const Layout& layout, Options options)
    : dev_(dev), kind_(kind), precision_(precision), n_(n), count_(0), layout_(layout), options_(options) {
  if (n < 1) throw Error(strfmt("fft::Plan: transform length n = %d; it must be at least 1", n));
  if (layout.count < 1 || layout.count2 < 1)
    throw Error(strfmt("fft::Plan: line counts %d x %d; each must be at least 1", layout.count, layout.count2));
  if (options.threads < 0) throw Error(strfmt("fft::Plan: %d FFTW threads requested", options.threads));
  for (const Lines* l : {&layout.physical, &layout.spectral})
    if (l->stride < 1 || l->dist < 0 || l->dist2 < 0)
      throw Error(strfmt("fft::Plan: element stride %lld, line distances %lld and %lld: the stride must be "
                         "positive and the distances non-negative",
                         static_cast<long long>(l->stride), static_cast<long long>(l->dist),
                         static_cast<long long>(l->dist2)));
  // Kernels and scratch lines index elements with int: keep every side below 2^31.
  const std::int64_t lines = static_cast<std::int64_t>(layout.count) * layout.count2;
  const std::int64_t widest = std::max<std::int64_t>(2 * (n / 2 + 1), n) * 2;
  if (widest * lines > std::numeric_limits<int>::max())
    throw Error(strfmt("fft::Plan: %lld lines of length %d exceed the 2^31 elements a plan can index",
                       static_cast<long long>(lines), n));
  count_ = static_cast<int>(lines);
  layout_ = normalised(layout);
  detail::Spec spec{dev, kind, precision, n, count_, layout_, options};
  const bool r2r = kind == Kind::DCT || kind == Kind::DST;
  if (dev.is_cuda()) {
#if TESSERA_HAVE_CUDA
    backend_ = r2r ? detail::make_r2r_via_fft(spec) : detail::make_cufft(spec);
#else
    throw Error("fft::Plan: a CUDA device in a build without CUDA");
#endif
  } else {
    backend_ = r2r && options.r2r_via_fft ? detail::make_r2r_via_fft(spec) : detail::make_fftw(spec);
  }
}

Plan::~Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;

std::int64_t Plan::real_stride() const { return kind_ == Kind::C2C ? n_ : layout_.physical.dist; }

std::int64_t Plan::complex_stride() const {
  if (kind_ == Kind::C2C) return layout_.physical.dist;
  return kind_ == Kind::R2C ? layout_.spectral.dist : n_;
}

std::size_t Plan::workspace_bytes() const { return backend_ ? backend_->workspace_bytes() : 0; }

void Plan::execute(Direction dir, Precision p, detail::Data in_type, void* in, detail::Data out_type, void* out) {
  if (!backend_) throw Error("fft::Plan: executed after being moved from");
  if (p != precision_)
    throw Error(strfmt("fft::Plan: a %s-precision plan was given %s-precision data", to_string(precision_),
                       to_string(p)));
  if (in_type != input_type(kind_, dir) || out_type != output_type(kind_, dir))
    throw Error(strfmt("fft::Plan: %s %s transforms %s to %s data; it was given %s to %s", to_string(kind_),
                       to_string(dir), to_string(input_type(kind_, dir)), to_string(output_type(kind_, dir)),
                       to_string(in_type), to_string(out_type)));
  if (!in || !out) throw Error(strfmt("fft::Plan: %s %s given a null pointer", to_string(kind_), to_string(dir)));
  if ((in == out) != options_.in_place)
    throw Error(strfmt("fft::Plan: an %s plan was executed %s", options_.in_place ? "in-place" : "out-of-place",
                       in == out ? "in place (in == out)" : "out of place (in != out)"));
  backend_->execute(dir, in, out);
}

std::vector<std::pair<std::string, std::string>> library_versions() {
  std::vector<std::pair<std::string, std::string>> v{{"FFTW", detail::fftw_version()}};
#if TESSERA_HAVE_CUDA
  v.emplace_back("cuFFT", detail::cufft_version());
#endif
  return v;
}

}  // namespace tessera::fft
