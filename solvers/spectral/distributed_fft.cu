// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/spectral/distributed_fft.hpp"

#include <algorithm>
#include <limits>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"

namespace tessera::spectral {

const char* to_string(AxisTransform t) {
  switch (t) {
    case AxisTransform::Periodic: return "periodic";
    case AxisTransform::Cosine: return "cosine";
    case AxisTransform::Sine: return "sine";
  }
  return "?";
}

namespace {

constexpr const char* kAxis[3] = {"x", "y", "z"};
constexpr Pencil kPencil[3] = {Pencil::X, Pencil::Y, Pencil::Z};

// count complex lines of n -> 2 count real lines (real parts, then imaginary
// parts of each line), and back: how a cosine or sine transform, which the
// local layer runs on real lines, reaches complex data.
template <class T>
void split_lines(const Device& dev, const fft::complex<T>* in, T* out, int n, std::int64_t total) {
  for_each(dev, total, [=] TESSERA_HD(int e) {
    const std::int64_t line = e / n, i = e - line * n;
    out[2 * line * n + i] = in[e].re;
    out[(2 * line + 1) * n + i] = in[e].im;
  });
}

template <class T>
void join_lines(const Device& dev, const T* in, fft::complex<T>* out, int n, std::int64_t total) {
  for_each(dev, total, [=] TESSERA_HD(int e) {
    const std::int64_t line = e / n, i = e - line * n;
    out[e] = fft::complex<T>{in[2 * line * n + i], in[(2 * line + 1) * n + i]};
  });
}

}  // namespace

// One axis of the transform: which local plan runs on which data.
template <class T>
struct DistributedFft<T>::Stage {
  int axis = 0;
  fft::Kind kind = fft::Kind::C2C;
  bool complex_in = false, complex_out = false;  // forward direction
  bool split = false;                            // cosine/sine of complex data
  int n = 1;
  std::int64_t lines = 0;                        // lines of the stage's input
  std::unique_ptr<fft::Plan> plan;
};

template <class T>
DistributedFft<T>::DistributedFft(const PencilLayout& layout, Transport& transport, const FftSpec& spec)
    : layout_(layout), spectral_(layout), transport_(transport), spec_(spec) {
  const auto& n = layout.cells();
  if (!spec.complex_data)
    for (int d = 0; d < 3 && halved_ < 0; ++d)
      if (spec.axes[d] == AxisTransform::Periodic) halved_ = d;
  if (halved_ >= 0) {
    auto half = n;
    half[halved_] = n[halved_] / 2 + 1;
    try {
      spectral_ = layout.with_cells(half);
    } catch (const InputError& e) {
      throw InputError(strfmt("the spectrum of a real-to-complex transform along %s has %d x %d x %d entries, and %s",
                              kAxis[halved_], half[0], half[1], half[2], e.what()));
    }
  }
  spectral_complex_ = spec.complex_data || halved_ >= 0;
  if (layout.size() > 1 && (layout.size() != collectives::size() || layout.rank() != collectives::rank()))
    throw Error(strfmt("DistributedFft: the layout is for rank %d of %d, but this process is rank %d of %d",
                       layout.rank(), layout.size(), collectives::rank(), collectives::size()));
  const Device& dev = transport.device();
  const fft::Precision precision = fft::precision_of<T>();
  const std::size_t real_bytes = sizeof(T), complex_bytes = sizeof(Complex);
  std::size_t work = 0, split = 0;
  for (int d = 0; d < 3; ++d) {
    auto s = std::make_unique<Stage>();
    s->axis = d;
    s->n = n[d];
    s->complex_in = spec.complex_data || (halved_ >= 0 && d > halved_);
    s->complex_out = s->complex_in || d == halved_;
    // The stage reads data laid out by `layout_` up to and including the
    // halved axis, by `spectral_` after it.
    const PencilLayout& in_layout = halved_ >= 0 && d > halved_ ? spectral_ : layout_;
    const PencilLayout& out_layout = halved_ >= 0 && d >= halved_ ? spectral_ : layout_;
    s->lines = in_layout.local_size(kPencil[d]) / n[d];
    if (spec.axes[d] == AxisTransform::Periodic) {
      s->kind = d == halved_ ? fft::Kind::R2C : fft::Kind::C2C;
    } else {
      s->kind = spec.axes[d] == AxisTransform::Cosine ? fft::Kind::DCT : fft::Kind::DST;
      s->split = s->complex_in;
    }
    fft::Options options;
    options.in_place = s->split;
    options.measure = spec.measure;
    const std::int64_t lines = s->split ? 2 * s->lines : s->lines;
    if (lines > std::numeric_limits<int>::max())
      throw Error(strfmt("DistributedFft: %lld lines along %s exceed one local plan", static_cast<long long>(lines),
                         kAxis[d]));
    s->plan = std::make_unique<fft::Plan>(dev, s->kind, precision, n[d], static_cast<int>(lines), options);
    const std::size_t in_bytes = static_cast<std::size_t>(in_layout.local_size(kPencil[d])) *
                                 (s->complex_in ? complex_bytes : real_bytes);
    const std::size_t out_bytes = static_cast<std::size_t>(out_layout.local_size(kPencil[d])) *
                                  (s->complex_out ? complex_bytes : real_bytes);
    work = std::max({work, in_bytes, out_bytes});
    if (s->split) split = std::max(split, in_bytes);
    stages_.push_back(std::move(s));
  }
  // x <-> y moves what stage x makes, y <-> z what stage y makes.
  auto transpose_for = [&](const Stage& s) {
    const PencilLayout& l = halved_ >= 0 && s.axis >= halved_ ? spectral_ : layout_;
    return std::make_unique<PencilTranspose>(l, transport, s.complex_out ? complex_bytes : real_bytes);
  };
  xy_ = transpose_for(*stages_[0]);
  // Both move the same kind of data over the same layout unless the y stage
  // is the one that turns real data complex.
  if (halved_ != 1) {
    yz_use_ = xy_.get();
  } else {
    yz_ = transpose_for(*stages_[1]);
    yz_use_ = yz_.get();
  }
  work_a_ = Buffer<std::byte>(dev, work);
  work_b_ = Buffer<std::byte>(dev, work);
  if (split > 0) split_ = Buffer<std::byte>(dev, split);
}

template <class T>
DistributedFft<T>::~DistributedFft() = default;

template <class T>
double DistributedFft<T>::normalisation() const {
  double f = 1;
  for (int d = 0; d < 3; ++d) f *= (spec_.axes[d] == AxisTransform::Periodic ? 1.0 : 2.0) * layout_.cells()[d];
  return f;
}

template <class T>
std::size_t DistributedFft<T>::memory_bytes() const {
  std::size_t b = work_a_.size() + work_b_.size() + split_.size() + xy_->buffer_bytes();
  if (yz_) b += yz_->buffer_bytes();
  for (const auto& s : stages_) b += s->plan->workspace_bytes();
  return b;
}

template <class T>
std::string DistributedFft<T>::describe() const {
  const auto& n = layout_.cells();
  std::string kinds;
  for (int d = 0; d < 3; ++d) kinds += std::string(d ? "/" : "") + to_string(spec_.axes[d]);
  std::string how = spec_.complex_data ? "complex data"
                    : halved_ >= 0     ? strfmt("R2C along %s", kAxis[halved_])
                                       : "real data";
  return strfmt("%d x %d x %d %s, %s, %d x %d %s, %s: %.1f MiB", n[0], n[1], n[2], kinds.c_str(), how.c_str(),
                layout_.p1(), layout_.p2(), layout_.is_slab() ? "slabs" : "pencils",
                std::is_same_v<T, double> ? "double" : "single", memory_bytes() / 1048576.0);
}

template <class T>
void DistributedFft<T>::run_stage(Stage& s, bool forward, const void* in_c, void* out) {
  void* in = const_cast<void*>(in_c);  // the local layer's signatures are FFTW's (non-const)
  fft::Plan& p = *s.plan;
  if (s.split) {
    T* parts = reinterpret_cast<T*>(split_.data());
    const std::int64_t total = s.lines * s.n;
    const Device& dev = transport_.device();
    split_lines(dev, static_cast<const Complex*>(in), parts, s.n, total);
    if (forward) p.forward(parts, parts);
    else p.backward(parts, parts);
    join_lines(dev, static_cast<const T*>(parts), static_cast<Complex*>(out), s.n, total);
    return;
  }
  switch (s.kind) {
    case fft::Kind::C2C:
      if (forward) p.forward(static_cast<Complex*>(in), static_cast<Complex*>(out));
      else p.backward(static_cast<Complex*>(in), static_cast<Complex*>(out));
      break;
    case fft::Kind::R2C:
      if (forward) p.forward(static_cast<T*>(in), static_cast<Complex*>(out));
      else p.backward(static_cast<Complex*>(in), static_cast<T*>(out));
      break;
    default:
      if (forward) p.forward(static_cast<T*>(in), static_cast<T*>(out));
      else p.backward(static_cast<T*>(in), static_cast<T*>(out));
      break;
  }
}

template <class T>
void DistributedFft<T>::execute(bool forward, const void* in, bool in_complex, void* out, bool out_complex) {
  const bool physical = spec_.complex_data, spectral = spectral_complex_;
  const bool want_in = forward ? physical : spectral, want_out = forward ? spectral : physical;
  if (in_complex != want_in || out_complex != want_out) {
    auto kind = [](bool c) { return c ? "complex" : "real"; };
    throw Error(strfmt("DistributedFft::%s: this plan takes %s data to %s data; it was given %s to %s",
                       forward ? "forward" : "backward", kind(want_in), kind(want_out), kind(in_complex),
                       kind(out_complex)));
  }
  if (!in || !out) throw Error("DistributedFft: null data pointer");
  void* a = work_a_.data();
  void* b = work_b_.data();
  if (forward) {
    run_stage(*stages_[0], true, in, a);
    xy_->transpose(Pencil::X, Pencil::Y, a, b);
    run_stage(*stages_[1], true, b, a);
    yz_use_->transpose(Pencil::Y, Pencil::Z, a, b);
    run_stage(*stages_[2], true, b, out);
  } else {
    run_stage(*stages_[2], false, in, a);
    yz_use_->transpose(Pencil::Z, Pencil::Y, a, b);
    run_stage(*stages_[1], false, b, a);
    xy_->transpose(Pencil::Y, Pencil::X, a, b);
    run_stage(*stages_[0], false, b, out);
  }
}

template class DistributedFft<double>;
template class DistributedFft<float>;

}  // namespace tessera::spectral
