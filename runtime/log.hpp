#pragma once
// Console output for batch logs: rank 0 speaks for the job (info, warn);
// `all` prefixes the rank so per-rank lines (device binding) stay readable.
#include <string>

namespace tessera::logging {

void info(const std::string& line);   // rank 0, stdout, flushed
void warn(const std::string& line);   // rank 0, stderr, "warning: " prefix
void all(const std::string& line);    // every rank, "[rank N] " prefix when size > 1
void error(const std::string& line);  // this rank, stderr, "error: " prefix

}  // namespace tessera::logging
