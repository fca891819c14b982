#pragma once
// The benchmarks' timer: two warm-up calls, then the median wall time of
// `iterations` calls, each finished on the device before the clock stops;
// ranks start each call together and the slowest rank's median counts.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/device.hpp"

namespace tessera::bench {

inline double median_seconds(const Device& dev, int iterations, const std::function<void()>& f) {
  for (int w = 0; w < 2; ++w) f();
  dev.synchronize();
  std::vector<double> t;
  for (int i = 0; i < iterations; ++i) {
    collectives::barrier();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    dev.synchronize();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return collectives::max(t[t.size() / 2]);
}

}  // namespace tessera::bench
