#include "io/output_dir_check.hpp"

#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "runtime/format.hpp"

namespace fs = std::filesystem;

namespace tessera::io {

namespace {

// A missing path, or one below a file: either way it does not exist.
bool missing(const std::error_code& ec) {
  return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
}

// Pseudo filesystems where nothing can be created, even by root (for whom
// access() grants write permission on any directory of a writable mount).
const char* pseudo_filesystem(const fs::path& dir) {
  struct statfs s {};
  if (statfs(dir.c_str(), &s) != 0) return nullptr;
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0x9fa0UL: return "a proc filesystem";
    case 0x62656572UL: return "a sysfs filesystem";
    case 0x27e0ebUL: case 0x63677270UL: return "a cgroup filesystem";
    default: return nullptr;
  }
}

// Why this process cannot create entries in the existing directory `dir`,
// or "" when it can.
std::string not_writable(const fs::path& dir) {
  if (const char* kind = pseudo_filesystem(dir)) return strfmt("'%s' is not writable (%s)", dir.c_str(), kind);
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    const int e = errno;
    if (e == EROFS) return strfmt("'%s' is on a read-only filesystem", dir.c_str());
    if (e == EACCES) return strfmt("'%s' is not writable", dir.c_str());
    return strfmt("'%s': %s", dir.c_str(), std::strerror(e));
  }
  return {};
}

}  // namespace

std::string output_dir_problem(const fs::path& out) {
  const std::string name = "output directory '" + out.string() + "'";
  if (out.empty()) return "the output directory is empty: set [run] output_dir or --output DIR";
  std::error_code ec;
  const fs::file_status st = fs::status(out, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) return "output path '" + out.string() + "' exists and is not a directory";
    const std::string why = not_writable(out);
    return why.empty() ? std::string() : name + " cannot be written: " + why;
  }
  if (ec && !missing(ec))
    return name + " cannot be examined: " + ec.message();
  // The nearest ancestor that exists decides: it must be a directory we may
  // write into. A relative path ends at the working directory.
  fs::path ancestor = out.lexically_normal();
  if (!ancestor.has_filename() && ancestor.has_relative_path()) ancestor = ancestor.parent_path();  // "a/b/"
  for (;;) {
    ancestor = ancestor.parent_path();
    if (ancestor.empty()) ancestor = ".";
    std::error_code e2;
    const fs::file_status a = fs::status(ancestor, e2);
    if (fs::exists(a)) {
      if (!fs::is_directory(a)) return name + " cannot be created: '" + ancestor.string() + "' is not a directory";
      break;
    }
    if (e2 && !missing(e2))
      return name + " cannot be created: '" + ancestor.string() + "' cannot be examined (" + e2.message() + ")";
    if (ancestor == "." || ancestor == ancestor.root_path()) break;  // exists in practice; access() decides
  }
  const std::string why = not_writable(ancestor);
  return why.empty() ? std::string() : name + " cannot be created: " + why;
}

}  // namespace tessera::io
