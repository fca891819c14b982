#pragma once
// Checks a cuFFT call; include only in CUDA builds (cufft.h).
#include <cufft.h>

#include <string>

#include "runtime/error.hpp"

namespace tessera::detail {

inline const char* cufft_result_name(cufftResult r) {
  switch (r) {
    case CUFFT_SUCCESS: return "CUFFT_SUCCESS";
    case CUFFT_INVALID_PLAN: return "CUFFT_INVALID_PLAN";
    case CUFFT_ALLOC_FAILED: return "CUFFT_ALLOC_FAILED";
    case CUFFT_INVALID_TYPE: return "CUFFT_INVALID_TYPE";
    case CUFFT_INVALID_VALUE: return "CUFFT_INVALID_VALUE";
    case CUFFT_INTERNAL_ERROR: return "CUFFT_INTERNAL_ERROR";
    case CUFFT_EXEC_FAILED: return "CUFFT_EXEC_FAILED";
    case CUFFT_SETUP_FAILED: return "CUFFT_SETUP_FAILED";
    case CUFFT_INVALID_SIZE: return "CUFFT_INVALID_SIZE";
    case CUFFT_UNALIGNED_DATA: return "CUFFT_UNALIGNED_DATA";
    case CUFFT_INVALID_DEVICE: return "CUFFT_INVALID_DEVICE";
    case CUFFT_NO_WORKSPACE: return "CUFFT_NO_WORKSPACE";
    case CUFFT_NOT_IMPLEMENTED: return "CUFFT_NOT_IMPLEMENTED";
    case CUFFT_NOT_SUPPORTED: return "CUFFT_NOT_SUPPORTED";
    default: return "unknown cufftResult";
  }
}

}  // namespace tessera::detail

#define TESSERA_CUFFT_CHECK(call)                                                                         \
  do {                                                                                                    \
    cufftResult tessera_fr_ = (call);                                                                     \
    if (tessera_fr_ != CUFFT_SUCCESS)                                                                     \
      ::tessera::throw_error(std::string("cuFFT error: ") + ::tessera::detail::cufft_result_name(tessera_fr_) + \
                                 " (" + std::to_string(static_cast<int>(tessera_fr_)) + ")",              \
                             #call, __FILE__, __LINE__);                                                  \
  } while (0)
