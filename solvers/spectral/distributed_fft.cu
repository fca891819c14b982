// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/spectral/distributed_fft.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

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

// Element strides of the three axes in this rank's pencil `o` of `l`.
std::array<std::int64_t, 3> strides(const PencilLayout& l, Pencil o) {
  const auto e = l.local_extents(o);
  const auto order = PencilLayout::memory_order(o);
  std::array<std::int64_t, 3> st{};
  std::int64_t s = 1;
  for (int j = 0; j < 3; ++j) {
    st[order[j]] = s;
    s *= e[j];
  }
  return st;
}

// Buffers a step reads or writes: the caller's input and output, two work arrays.
enum Buf { kIn, kOut, kA, kB };

}  // namespace

// One axis of the transform: which local plan runs on which data.
template <class T>
struct DistributedFft<T>::Stage {
  int axis = 0;
  fft::Kind kind = fft::Kind::C2C;
  bool complex_in = false, complex_out = false;  // forward direction
  bool split = false;                            // cosine/sine of complex data: real and imaginary parts
  bool in_place = false;
  Pencil from = Pencil::X, to = Pencil::X;       // orientations read and written (forward)
  std::size_t in_bytes = 0, out_bytes = 0;       // forward
  std::unique_ptr<fft::Plan> plan;
};

// One step of a transform (a stage or an exchanging transpose) and its buffers.
template <class T>
struct DistributedFft<T>::Step {
  int stage = -1;                       // or -1: a transpose
  PencilTranspose* transpose = nullptr;
  Pencil from = Pencil::X, to = Pencil::X;
  Buf src = kIn, dst = kOut;
  std::size_t dst_bytes = 0;
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
  // Orientations joined by transposes within this rank (x <-> y when p1 = 1,
  // y <-> z when p2 = 1) hold the same cells: a group of them keeps its data
  // in its last orientation, where the next exchange or the output wants it.
  const bool local_xy = layout.p1() == 1, local_yz = layout.p2() == 1;
  // One rank, spectrum in any order: everything stays in the x-pencil.
  const bool stay = spec.any_spectral_order && local_xy && local_yz;
  auto group_last = [&](int d) {
    if (stay) return 0;
    if (d == 0) return local_xy ? (local_yz ? 2 : 1) : 0;
    if (d == 1) return local_yz ? 2 : 1;
    return 2;
  };
  auto group_first = [&](int d) {
    if (d == 2 && local_yz) return local_xy ? 0 : 1;
    if (d == 1 && local_xy) return 0;
    return d;
  };
  for (int d = 0; d < 3; ++d) {
    auto s = std::make_unique<Stage>();
    s->axis = d;
    s->complex_in = spec.complex_data || (halved_ >= 0 && d > halved_);
    s->complex_out = s->complex_in || d == halved_;
    // Data arrives in a group's first orientation (the caller's x-pencil, or
    // an exchange's output); one stage of the group writes it into the
    // group's last orientation, the others run where the data is. That
    // stage is the group's first, unless the first is the real-to-complex
    // one: an R2C writing strided output is the slowest pass there is
    // (FFTW, 64^3: 0.45 ms against 0.33 ms contiguous), so a later C2C
    // permutes, at the price of one work array of the spectrum.
    const int first = group_first(d), last = group_last(d);
    const int permuter = first == halved_ && last > first ? last : first;
    s->from = kPencil[d <= permuter ? first : last];
    s->to = kPencil[d < permuter ? first : last];
    if (spec.axes[d] == AxisTransform::Periodic) {
      s->kind = d == halved_ ? fft::Kind::R2C : fft::Kind::C2C;
    } else {
      s->kind = spec.axes[d] == AxisTransform::Cosine ? fft::Kind::DCT : fft::Kind::DST;
      s->split = s->complex_in;
    }
    // The first stage reads the caller's input, which forward must keep; an
    // R2C changes the element type.
    s->in_place = d > 0 && s->from == s->to && s->kind != fft::Kind::R2C;
    // The stage reads data laid out by `layout_` up to and including the
    // halved axis, by `spectral_` after it.
    const PencilLayout& li = halved_ >= 0 && d > halved_ ? spectral_ : layout_;
    const PencilLayout& lo = halved_ >= 0 && d >= halved_ ? spectral_ : layout_;
    s->in_bytes = static_cast<std::size_t>(li.local_size(s->from)) * (s->complex_in ? complex_bytes : real_bytes);
    s->out_bytes = static_cast<std::size_t>(lo.local_size(s->to)) * (s->complex_out ? complex_bytes : real_bytes);
    // Lines along d, batched over the other two axes (the one with the
    // smaller output stride inner). A split stage runs a real plan over the
    // real parts and again over the imaginary parts: strides in T, doubled.
    const auto si = strides(li, s->from), so = strides(lo, s->to);
    const Range3 box = lo.box(s->to);
    int a = (d + 1) % 3, b = (d + 2) % 3;
    if (so[b] < so[a]) std::swap(a, b);
    const std::int64_t f = s->split ? 2 : 1;
    fft::Layout fl;
    fl.count = box.extent(a);
    fl.count2 = box.extent(b);
    fl.physical = {f * si[d], f * si[a], f * si[b]};
    fl.spectral = {f * so[d], f * so[a], f * so[b]};
    // Every line stays inside this rank's pencils (the data the caller and the transposes hold).
    const int len_in = s->kind == fft::Kind::R2C ? n[d] : li.cells()[d];
    TESSERA_REQUIRE((len_in - 1) * si[d] + (fl.count - 1) * si[a] + (fl.count2 - 1) * si[b] < li.local_size(s->from) &&
                        (lo.cells()[d] - 1) * so[d] + (fl.count - 1) * so[a] + (fl.count2 - 1) * so[b] <
                            lo.local_size(s->to),
                    "DistributedFft: a stage's lines reach outside its pencils");
    fft::Options options;
    options.in_place = s->in_place;
    options.measure = spec.measure;
    s->plan = std::make_unique<fft::Plan>(dev, s->kind, precision, n[d], fl, options);
    stages_.push_back(std::move(s));
  }
  // x <-> y moves what stage x makes, y <-> z what stage y makes.
  auto transpose_for = [&](const Stage& s) {
    const PencilLayout& l = halved_ >= 0 && s.axis >= halved_ ? spectral_ : layout_;
    return std::make_unique<PencilTranspose>(l, transport, s.complex_out ? complex_bytes : real_bytes);
  };
  spectral_strides_ = strides(spectral_, stages_[2]->to);
  if (!local_xy) xy_ = transpose_for(*stages_[0]);
  if (!local_yz) yz_ = transpose_for(*stages_[1]);
  std::size_t need[4]{};
  for (bool forward : {true, false})
    for (const Step& st : steps(forward)) need[st.dst] = std::max(need[st.dst], st.dst_bytes);
  if (need[kA] > 0) work_a_ = Buffer<std::byte>(dev, need[kA]);
  if (need[kB] > 0) work_b_ = Buffer<std::byte>(dev, need[kB]);
}

// The steps of one direction and their buffers: the last step that does not
// run in place writes the output (later ones run there in place); earlier
// ones alternate between the work arrays.
template <class T>
std::vector<typename DistributedFft<T>::Step> DistributedFft<T>::steps(bool forward) const {
  std::vector<Step> v;
  auto stage = [&](int d) {
    Step st;
    st.stage = d;
    const Stage& s = *stages_[d];
    st.from = forward ? s.from : s.to;
    st.to = forward ? s.to : s.from;
    st.dst_bytes = forward ? s.out_bytes : s.in_bytes;
    v.push_back(st);
  };
  auto transpose = [&](PencilTranspose* t, Pencil a, Pencil b) {
    if (!t) return;
    Step st;
    st.transpose = t;
    st.from = forward ? a : b;
    st.to = forward ? b : a;
    st.dst_bytes = static_cast<std::size_t>(t->layout().local_size(st.to)) * t->element_bytes();
    v.push_back(st);
  };
  stage(0);
  transpose(xy_.get(), Pencil::X, Pencil::Y);
  stage(1);
  transpose(yz_.get(), Pencil::Y, Pencil::Z);
  stage(2);
  if (!forward) std::reverse(v.begin(), v.end());
  auto in_place = [&](const Step& st) { return st.stage >= 0 && stages_[st.stage]->in_place; };
  int last = -1;
  for (int i = 0; i < static_cast<int>(v.size()); ++i)
    if (!in_place(v[i])) last = i;
  Buf cur = kIn;
  for (int i = 0; i < static_cast<int>(v.size()); ++i) {
    Step& st = v[i];
    st.src = cur;
    if (in_place(st)) {
      st.dst = cur;
      st.dst_bytes = 0;  // runs where its input is
    } else {
      st.dst = i == last ? kOut : (cur == kA ? kB : kA);
    }
    if (st.dst == kOut) st.dst_bytes = 0;
    cur = st.dst;
  }
  return v;
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
  std::size_t b = work_a_.size() + work_b_.size();
  if (xy_) b += xy_->buffer_bytes();
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
void DistributedFft<T>::run_stage(const Stage& s, bool forward, void* in, void* out) {
  fft::Plan& p = *s.plan;
  if (s.split) {
    // Real parts, then imaginary parts, of the complex lines as real lines of stride 2.
    for (int part = 0; part < 2; ++part) {
      T* i = reinterpret_cast<T*>(in) + part;
      T* o = reinterpret_cast<T*>(out) + part;
      if (forward) p.forward(i, o);
      else p.backward(i, o);
    }
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
  // The local layer's signatures are FFTW's (non-const); forward never writes its input.
  void* buf[4] = {const_cast<void*>(in), out, work_a_.data(), work_b_.data()};
  for (const Step& st : steps(forward)) {
    if (st.stage >= 0)
      run_stage(*stages_[st.stage], forward, buf[st.src], buf[st.dst]);
    else
      st.transpose->transpose(st.from, st.to, buf[st.src], buf[st.dst]);
  }
}

template class DistributedFft<double>;
template class DistributedFft<float>;

}  // namespace tessera::spectral
