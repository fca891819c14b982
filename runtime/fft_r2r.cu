// DCT-II/III and DST-II/III built on an R2C/C2R FFT of the same length.
#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"

namespace tessera::fft::detail {

std::unique_ptr<Backend> make_r2r_via_fft(const Spec&) {
  throw Error("fft: FFT-based DCT/DST not implemented yet");
}

}  // namespace tessera::fft::detail
