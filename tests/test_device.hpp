#pragma once
// The device the tests run on: TESSERA_DEVICE=cpu|gpu|auto (default auto), so
// the whole suite runs on either backend.
#include "runtime/device.hpp"

namespace tessera::testing {

inline const Device& test_device() {
  static const Device dev = Device::from_environment();
  return dev;
}

}  // namespace tessera::testing
