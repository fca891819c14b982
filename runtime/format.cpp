#include "runtime/format.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <vector>

namespace tessera {

std::string strfmt(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string out;
  if (n > 0) {
    out.resize(static_cast<std::size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), fmt, args);
    out.resize(static_cast<std::size_t>(n));
  }
  va_end(args);
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  auto s = static_cast<long long>(std::llround(seconds));
  long long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  if (h > 0) return strfmt("%lld:%02lld:%02lld", h, m, sec);
  return strfmt("%02lld:%02lld", m, sec);
}

}  // namespace tessera
