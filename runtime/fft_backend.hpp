#pragma once
// Internal to runtime/fft*: one library's (or the FFT-based r2r path's)
// batched transforms for one Plan. Plan validates arguments and data types;
// a Backend only runs what it was built for.
#include <cstddef>
#include <memory>

#include "runtime/device.hpp"
#include "runtime/fft.hpp"

namespace tessera::fft::detail {

struct Spec {
  Device dev;
  Kind kind;
  Precision precision;
  int n, count;      // count = layout.count * layout.count2
  Layout layout;     // normalised by Plan (see fft.cpp)
  Options options;
};

// Elements one side of a layout spans (largest offset + 1); `len` is that
// side's line length.
inline std::int64_t span(const Lines& l, int len, int count, int count2) {
  return (len - 1) * l.stride + (count - 1) * l.dist + (count2 - 1) * l.dist2 + 1;
}

class Backend {
 public:
  virtual ~Backend() = default;
  // in/out follow the plan's kind, precision and placement (checked by Plan).
  virtual void execute(Direction dir, void* in, void* out) = 0;
  virtual std::size_t workspace_bytes() const = 0;
};

// FFTW3 on the host: every kind (native r2r for DCT/DST).
std::unique_ptr<Backend> make_fftw(const Spec& spec);
// cuFFT on a CUDA device: C2C and R2C only.
std::unique_ptr<Backend> make_cufft(const Spec& spec);
// DCT/DST from an out-of-place R2C plan of length n on the same device.
std::unique_ptr<Backend> make_r2r_via_fft(const Spec& spec);

// Version strings for library_versions().
std::string fftw_version();
std::string cufft_version();

}  // namespace tessera::fft::detail
