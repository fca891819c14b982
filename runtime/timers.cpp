#include "runtime/timers.hpp"

#include <exception>

#include "runtime/format.hpp"

namespace tessera {

Timers::Scope::Scope(Timers& t, std::size_t index)
    : t_(t), index_(index), unwinding_before_(std::uncaught_exceptions()) {
  if (t_.sync_) t_.dev_.synchronize();
  start_ = std::chrono::steady_clock::now();
}

Timers::Scope::~Scope() {
  // A failed synchronisation surfaces at the next checked call; a destructor
  // must not throw. While an error unwinds, never wait for the device: its
  // queue may hold a transfer that a failed peer will never complete.
  if (t_.sync_ && std::uncaught_exceptions() == unwinding_before_) {
    try {
      t_.dev_.synchronize();
    } catch (...) {
    }
  }
  auto& r = t_.regions_[index_];
  r.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  r.calls += 1;
}

Timers::Scope Timers::scope(std::string_view name) { return Scope(*this, index_of(name)); }

std::size_t Timers::index_of(std::string_view name) {
  for (std::size_t i = 0; i < regions_.size(); ++i)
    if (regions_[i].name == name) return i;
  regions_.push_back({std::string(name), 0.0, 0});
  return regions_.size() - 1;
}

double Timers::seconds(std::string_view name) const {
  for (const auto& r : regions_)
    if (r.name == name) return r.seconds;
  return 0.0;
}

std::string Timers::report(double total) const {
  std::string s = strfmt("  %-20s %12s %7s %10s %12s\n", "region", "seconds", "%", "calls", "ms/call");
  for (const auto& r : regions_) {
    double pct = total > 0 ? 100.0 * r.seconds / total : 0.0;
    double per = r.calls > 0 ? 1e3 * r.seconds / static_cast<double>(r.calls) : 0.0;
    s += strfmt("  %-20s %12.4f %7.2f %10lld %12.4f\n", r.name.c_str(), r.seconds, pct,
                static_cast<long long>(r.calls), per);
  }
  return s;
}

}  // namespace tessera
