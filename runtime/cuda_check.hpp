#pragma once
// Checks a CUDA runtime call; include only where cuda_runtime_api.h is usable.
#include <cuda_runtime_api.h>

#include <string>

#include "runtime/error.hpp"

#define TESSERA_CUDA_CHECK(call)                                                              \
  do {                                                                                        \
    cudaError_t tessera_err_ = (call);                                                        \
    if (tessera_err_ != cudaSuccess)                                                          \
      ::tessera::throw_error(std::string(cudaGetErrorName(tessera_err_)) + ": " +             \
                                 cudaGetErrorString(tessera_err_),                            \
                             #call, __FILE__, __LINE__);                                      \
  } while (0)
