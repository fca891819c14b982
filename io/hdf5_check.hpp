#pragma once
// Checks an HDF5 call: negative herr_t / hid_t means failure.
#include <string>

#include "runtime/error.hpp"

#define TESSERA_HDF5_CHECK(call)                                                                 \
  ([&]() {                                                                                       \
    auto tessera_h5_ = (call);                                                                   \
    if (tessera_h5_ < 0) ::tessera::throw_error("HDF5 call failed", #call, __FILE__, __LINE__); \
    return tessera_h5_;                                                                          \
  }())
