#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/error.hpp"

namespace tessera::io {

void write_file_atomically(const std::filesystem::path& path, std::string_view content, std::string_view writer) {
  const std::string tmp = path.string() + (writer.empty() ? "" : ".") + std::string(writer) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw Error("cannot create " + tmp + ": " + std::strerror(errno), "open");
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw Error("cannot write " + tmp + ": " + std::strerror(e), "write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw Error("cannot flush " + tmp + ": " + std::strerror(errno), "fsync");
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error("cannot rename " + tmp + " to " + path.string() + ": " + std::strerror(errno), "rename");
}

}  // namespace tessera::io
