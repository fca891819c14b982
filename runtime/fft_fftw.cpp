// FFTW3 backend of fft::Plan (host).
#include <fftw3.h>

#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"

namespace tessera::fft::detail {

std::unique_ptr<Backend> make_fftw(const Spec&) { throw Error("fft: FFTW backend not implemented yet"); }

std::string fftw_version() { return ::fftw_version; }

}  // namespace tessera::fft::detail
