#pragma once
// for_each_task: a host loop over n coarse, independent tasks (a few dozen
// to thousands, each far longer than a for_each body), spread over the
// OpenMP team whatever n is (for_each keeps short loops on one thread) and
// handed out one at a time, so uneven tasks balance. Which thread runs a
// task must not matter to its result: tasks write disjoint data.
//
//   tessera::for_each_task(dev, blocks, [&](int b) { ... });
//
// Host backend only (throws for a CUDA device): a GPU wants fine-grained
// for_each bodies instead.
#include <cstdint>

#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/launch.hpp"

namespace tessera {

template <class F>
void for_each_task(const Device& dev, std::int64_t n, F f) {
  if (n <= 0) return;
  if (dev.is_cuda()) throw Error("for_each_task is a host loop; a CUDA device needs for_each");
  detail::check_index_range(n, "for_each_task");
  const int ni = static_cast<int>(n);
#pragma omp parallel for schedule(dynamic, 1) if (ni > 1)
  for (int i = 0; i < ni; ++i) f(i);
}

}  // namespace tessera
