#include "runtime/log.hpp"

#include <cstdio>

#include "runtime/collectives.hpp"

namespace tessera::logging {

void info(const std::string& line) {
  if (collectives::rank() != 0) return;
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

void warn(const std::string& line) {
  if (collectives::rank() != 0) return;
  std::fprintf(stderr, "warning: %s\n", line.c_str());
  std::fflush(stderr);
}

void all(const std::string& line) {
  if (collectives::size() > 1)
    std::fprintf(stdout, "[rank %d] %s\n", collectives::rank(), line.c_str());
  else
    std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

void error(const std::string& line) {
  std::fprintf(stderr, "error: %s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace tessera::logging
