#pragma once
// printf-style formatting into std::string (g++ 12 has no <format>).
#include <string>

namespace tessera {

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
std::string strfmt(const char* fmt, ...);

// "1:02:03" / "02:03" for a duration in seconds; "--:--" when not finite.
std::string format_duration(double seconds);

}  // namespace tessera
