#pragma once
// Named wall-clock regions for the performance summary. GPU work is
// asynchronous: with `synchronize` set, each region waits for the device at
// its ends so time lands in the region that queued the work (costs a little
// overlap); without it, time is attributed where the host waits.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/device.hpp"

namespace tessera {

class Timers {
 public:
  struct Region {
    std::string name;
    double seconds = 0;
    std::int64_t calls = 0;
  };

  Timers() = default;
  Timers(Device dev, bool synchronize) : dev_(std::move(dev)), sync_(synchronize) {}

  class Scope {
   public:
    Scope(Timers& t, std::size_t index);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Timers& t_;
    std::size_t index_;
    int unwinding_before_;
    std::chrono::steady_clock::time_point start_;
  };

  // RAII: `auto s = timers.scope("flux");`
  [[nodiscard]] Scope scope(std::string_view name);
  const std::vector<Region>& regions() const { return regions_; }
  double seconds(std::string_view name) const;
  // Aligned table: region, seconds, % of `total`, calls, ms per call.
  std::string report(double total_seconds) const;

 private:
  std::size_t index_of(std::string_view name);
  Device dev_;
  bool sync_ = false;
  std::vector<Region> regions_;
};

}  // namespace tessera
