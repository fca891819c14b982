// cuFFT backend of fft::Plan (CUDA devices); compiled in CUDA builds only.
#include <cufft.h>

#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"
#include "runtime/format.hpp"

namespace tessera::fft::detail {

std::unique_ptr<Backend> make_cufft(const Spec&) { throw Error("fft: cuFFT backend not implemented yet"); }

std::string cufft_version() {
  int v = 0;
  if (cufftGetVersion(&v) != CUFFT_SUCCESS) return "unknown";
  return strfmt("%d.%d.%d", v / 1000, (v % 1000) / 100, v % 100);
}

}  // namespace tessera::fft::detail
