#pragma once
// The device the tests run on: TESSERA_DEVICE=cpu|gpu|auto (default auto), so
// the whole suite runs on either backend.
#include "runtime/collectives.hpp"
#include "runtime/device.hpp"

namespace tessera::testing {

// Under mpirun each rank binds the GPU its node-local rank selects, as the
// driver does, so ranks spread over the node's GPUs.
inline const Device& test_device() {
  static const Device dev = Device::from_environment(collectives::local_rank());
  return dev;
}

}  // namespace tessera::testing
