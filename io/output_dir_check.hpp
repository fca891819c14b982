#pragma once
// Whether an output directory can be used, decided without creating
// anything: `tessera check` reports it and `tessera run` refuses the deck
// before it writes a byte.
#include <filesystem>
#include <string>

namespace tessera::io {

// "" when `out` is a writable directory or can be created (its nearest
// existing ancestor is a directory this process may write into); otherwise
// one line naming the path and the reason, e.g. "output directory '/proc/x'
// cannot be created: '/proc' is not writable (a proc filesystem)".
std::string output_dir_problem(const std::filesystem::path& out);

}  // namespace tessera::io
