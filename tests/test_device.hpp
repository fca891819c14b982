#pragma once
// The device the tests run on: TESSERA_DEVICE=cpu|gpu|auto (default auto), so
// the whole suite runs on either backend.
#include <algorithm>

#include "runtime/device.hpp"

namespace tessera::testing {

// Under mpirun each rank binds the GPU its node-local rank selects, as the
// driver does, so ranks spread over the node's GPUs. The rank comes from the
// launcher's environment, not from a collective: the first call may happen
// on some ranks only (a test that puts other ranks on the host), and a
// collective there would hang the job.
inline const Device& test_device() {
  static const Device dev = Device::from_environment(std::max(0, launcher_local_rank()));
  return dev;
}

}  // namespace tessera::testing
