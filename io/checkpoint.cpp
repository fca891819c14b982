#include "io/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"

namespace fs = std::filesystem;

namespace tessera::io {

namespace {

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw Error("cannot open " + p.string() + " to sync it: " + std::strerror(errno), "open");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw Error("cannot sync " + p.string() + ": " + std::strerror(err), "fsync");
}

std::string checkpoint_name(std::int64_t step) { return strfmt("checkpoint_%010lld.h5", static_cast<long long>(step)); }

fs::path create_dir(const fs::path& dir) {
  if (collectives::rank() == 0) fs::create_directories(dir);
  collectives::barrier();
  return dir;
}

}  // namespace

CheckpointWriter::CheckpointWriter(const fs::path& dir, std::int64_t step)
    : final_(create_dir(dir) / checkpoint_name(step)),
      tmp_(final_.string() + ".tmp"),
      file_(tmp_.string(), h5::File::Mode::Create, true) {}

CheckpointWriter::~CheckpointWriter() {
  if (finished_) return;
  // Never leave a half-written file that looks like a checkpoint.
  try {
    file_.close();
  } catch (...) {
  }
  if (collectives::rank() == 0) {
    std::error_code ec;
    fs::remove(tmp_, ec);
  }
}

h5::Location CheckpointWriter::state() const {
  return file_.exists("state") ? file_.open_group("state") : file_.create_group("state");
}

fs::path CheckpointWriter::finish(const SnapshotMeta& meta) {
  write_meta(file_, meta);
  // Written last: a file without it was interrupted before this point.
  file_.set_attribute("complete", std::int64_t{1});
  file_.close();
  collectives::barrier();
  if (collectives::rank() == 0) {
    fsync_path(tmp_, false);
    if (std::rename(tmp_.c_str(), final_.c_str()) != 0)
      throw Error("cannot rename " + tmp_.string() + ": " + std::strerror(errno), "rename");
    fsync_path(final_.parent_path(), true);
  }
  collectives::barrier();
  finished_ = true;
  return final_;
}

std::string CheckpointReader::problem(const fs::path& path) {
  if (!fs::exists(path)) return "it does not exist";
  if (!h5::is_hdf5(path.string())) return "it is not an HDF5 file";
  try {
    h5::File f(path.string(), h5::File::Mode::ReadOnly, false);
    if (!f.has_attribute("complete") || f.attribute_int("complete") != 1)
      return "it has no completeness mark (the run writing it was interrupted)";
    if (!f.exists("state")) return "it holds no solver state";
  } catch (const Error& e) {
    return std::string("it is truncated or damaged (") + e.message() + ")";
  }
  return {};
}

namespace {
// Rank 0 inspects the file before every rank opens it collectively.
const fs::path& usable_checkpoint(const fs::path& path) {
  std::string why;
  if (collectives::rank() == 0) why = CheckpointReader::problem(path);
  if (collectives::any(!why.empty()))
    throw InputError("cannot restart from " + path.string() + ": " + (why.empty() ? "refused on rank 0" : why));
  return path;
}
}  // namespace

CheckpointReader::CheckpointReader(const fs::path& path)
    : path_(path), file_(usable_checkpoint(path).string(), h5::File::Mode::ReadOnly, true), meta_(read_meta(file_)) {}

h5::Location CheckpointReader::state() const { return file_.open_group("state"); }

std::vector<fs::path> list_checkpoints(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("checkpoint_", 0) == 0 && e.path().extension() == ".h5") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());  // zero-padded steps sort by name
  return out;
}

std::optional<fs::path> CheckpointReader::latest(const fs::path& dir) {
  std::string chosen;
  if (collectives::rank() == 0) {
    auto all = list_checkpoints(dir);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      const std::string why = problem(*it);
      if (why.empty()) {
        chosen = it->string();
        break;
      }
      logging::warn("skipping checkpoint " + it->string() + ": " + why);
    }
  }
  chosen = collectives::broadcast_from_root(chosen);  // every rank learns rank 0's choice
  if (chosen.empty()) return std::nullopt;
  return fs::path(chosen);
}

void prune_checkpoints(const fs::path& dir, int keep) {
  auto all = list_checkpoints(dir);
  if (keep < 1 || static_cast<int>(all.size()) <= keep) return;
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) fs::remove(all[i]);
}

}  // namespace tessera::io
