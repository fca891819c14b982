#pragma once
// Checks an HDF5 call: a negative herr_t / hid_t means failure. The error
// carries the innermost message of HDF5's error stack (HDF5's own printing
// is silenced by the io layer).
#include <string>

#include "runtime/error.hpp"

namespace tessera::h5 {
// "H5Fcreate: unable to truncate a file which is already open" (or "" when empty).
std::string error_stack();
// Turns HDF5's automatic error printing off, once per process.
void silence_errors();
}  // namespace tessera::h5

#define TESSERA_HDF5_CHECK(call)                                                                            \
  ([&]() {                                                                                                  \
    auto tessera_h5_ = (call);                                                                              \
    if (tessera_h5_ < 0) ::tessera::throw_error("HDF5: " + ::tessera::h5::error_stack(), #call, __FILE__, __LINE__); \
    return tessera_h5_;                                                                                     \
  }())
