#pragma once
// DistributedFft<T>: the 3-D transform of a grid distributed over pencils,
// built once for (layout, precision T, transform per axis), executed many
// times. Forward takes this rank's x-pencil and leaves the spectrum in its
// z-pencil; backward goes the other way:
//
//   x-pencil --(1-D along x)--> transpose x->y --(along y)--> transpose y->z --(along z)--> z-pencil
//
// Per axis: Periodic (a Fourier transform) or Cosine / Sine (DCT-II forward,
// DCT-III backward / DST-II and DST-III: cell-centred walls). Real data: the
// first periodic axis h is a real-to-complex transform, so the spectrum has
// n_h / 2 + 1 entries along h (spectral_layout()); later periodic axes are
// C2C. Complex data (`complex_data`): C2C along every periodic axis. With no
// periodic axis, real data stays real. A cosine or sine axis after the data
// has become complex transforms real and imaginary parts separately.
//
// Unnormalised, as FFTW: backward(forward(u)) = normalisation() u, the product
// of n per periodic axis and 2n per cosine or sine axis.
//
// Memory order: x-pencils x fastest (x, y, z); spectral z-pencils z fastest
// (z, x, y) (decomposition/pencil_layout.hpp), except on one rank with
// FftSpec::any_spectral_order (x, y, z; see spectral_strides()). Arrays live on the
// transport's device. Buffers and plans are made at construction; a
// transform allocates nothing. forward leaves its input as it was; backward
// may overwrite its input (as C2R transforms do).
//
// Only transposes that exchange data between ranks are run. A transpose
// within one rank (one rank overall: both; slabs: one) is folded into the
// strided local plans (fft::Layout): the axes a rank holds whole transform
// where the data is (in place), and one pass of each such group writes
// straight into the memory order the next exchange (or the output) needs:
// the group's first pass, or its last when the first is the R2C (strided
// R2C output is slow). On one rank a complex transform is three strided
// passes from `in` to `out` with no work array; a real one (R2C first)
// holds one work array of the spectrum. Slabs run one exchange and pencils
// two, with in-place passes on either side of them.
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "decomposition/pencil_layout.hpp"
#include "decomposition/pencil_transpose.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/fft.hpp"

namespace tessera::spectral {

enum class AxisTransform { Periodic, Cosine, Sine };
const char* to_string(AxisTransform t);

struct FftSpec {
  std::array<AxisTransform, 3> axes{AxisTransform::Periodic, AxisTransform::Periodic, AxisTransform::Periodic};
  bool complex_data = false;  // complex input (C2C) instead of real
  bool measure = false;       // host: FFTW_MEASURE local plans (slower to build, faster to run)
  // The spectrum may come in another memory order where that saves a pass:
  // on one rank it then keeps the input's (x, y, z) order, as a plain 3-D
  // FFT does, instead of the z-pencil's (z, x, y) (rotating 3-D data costs
  // about as much as a whole R2C transform on the host at 128^3). Callers
  // that opt in address the spectrum through spectral_strides().
  bool any_spectral_order = false;
};

template <class T>
class DistributedFft {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>, "DistributedFft<double> or <float>");

 public:
  using Complex = fft::complex<T>;

  // `layout` covers the global grid (real sizes); one rank, or every rank of
  // MPI_COMM_WORLD (which the transport exchanges over). Throws InputError
  // when the spectrum's pencils do not fit (R2C halves an axis), Error when
  // the layout is not this process's.
  DistributedFft(const PencilLayout& layout, Transport& transport, const FftSpec& spec = {});
  ~DistributedFft();

  // Typed entry points; the element types must match the plan (Error otherwise):
  // real or complex x-pencil in, complex or real (no periodic axis) z-pencil out.
  void forward(const T* in, Complex* out) { execute(true, in, false, out, true); }
  void forward(const Complex* in, Complex* out) { execute(true, in, true, out, true); }
  void forward(const T* in, T* out) { execute(true, in, false, out, false); }
  void backward(Complex* in, T* out) { execute(false, in, true, out, false); }
  void backward(Complex* in, Complex* out) { execute(false, in, true, out, true); }
  void backward(T* in, T* out) { execute(false, in, false, out, false); }

  const FftSpec& spec() const { return spec_; }
  // The grid in physical space (x-pencils) and the spectrum (z-pencils).
  const PencilLayout& layout() const { return layout_; }
  const PencilLayout& spectral_layout() const { return spectral_; }
  bool physical_is_complex() const { return spec_.complex_data; }
  bool spectral_is_complex() const { return spectral_complex_; }
  // Elements (of T or Complex as above) this rank holds on each side.
  std::int64_t physical_size() const { return layout_.local_size(Pencil::X); }
  std::int64_t spectral_size() const { return spectral_.local_size(Pencil::Z); }
  // This rank's spectral cells (global indices; its z-pencil of
  // spectral_layout()) and the element strides of the x, y and z axes in
  // the spectral array: the z-pencil's {nz, 1, nz nx} (local extents), or
  // {1, nx, nx ny} when any_spectral_order keeps the input's order.
  Range3 spectral_box() const { return spectral_.box(Pencil::Z); }
  const std::array<std::int64_t, 3>& spectral_strides() const { return spectral_strides_; }
  // The axis the real-to-complex transform halves (-1: none).
  int halved_axis() const { return halved_; }
  double normalisation() const;
  // Device memory the plan holds: work buffers, message buffers and the
  // local FFT libraries' workspaces, in bytes.
  std::size_t memory_bytes() const;
  // "17 x 12 x 9 periodic/cosine/sine, R2C along x, 2 x 2 pencils, double: 1.2 MiB"
  std::string describe() const;

 private:
  struct Stage;
  struct Step;
  void execute(bool forward, const void* in, bool in_complex, void* out, bool out_complex);
  void run_stage(const Stage& s, bool forward, void* in, void* out);
  std::vector<Step> steps(bool forward) const;

  PencilLayout layout_, spectral_;
  Transport& transport_;
  FftSpec spec_;
  int halved_ = -1;
  bool spectral_complex_ = false;
  std::array<std::int64_t, 3> spectral_strides_{};
  std::vector<std::unique_ptr<Stage>> stages_;            // x, y, z
  std::unique_ptr<PencilTranspose> xy_, yz_;              // only the ones that exchange between ranks
  Buffer<std::byte> work_a_, work_b_;
};

extern template class DistributedFft<double>;
extern template class DistributedFft<float>;

}  // namespace tessera::spectral
