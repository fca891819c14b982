#pragma once
// Checkpoints: everything needed to continue a run, in one HDF5 file per
// checkpoint under <output>/checkpoints/, written so a crash at any moment
// leaves either the previous checkpoints or a complete new one:
//   write <name>.tmp (collectively), mark it complete (the last attribute),
//   close, fsync, rename to <name>, fsync the directory; keep the last K.
// Reading checks the completeness mark; `latest` skips files that are
// truncated or unmarked and falls back to the newest good one.
//
// Layout: root meta (time, step, deck, version), `complete` = 1, `dt`,
// driver state attributes, and the solver's state under /state.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "io/snapshot_meta.hpp"

namespace tessera::io {

class CheckpointWriter {
 public:
  // Collective. Creates `<dir>/checkpoint_<step>.h5.tmp`.
  CheckpointWriter(const std::filesystem::path& dir, std::int64_t step);
  ~CheckpointWriter();  // an unfinished checkpoint's .tmp is removed
  const h5::File& file() const { return file_; }
  h5::Location state() const;  // the solver's group
  // Collective: meta and completeness mark, close, fsync, rename, fsync dir.
  // Returns the final path.
  std::filesystem::path finish(const SnapshotMeta& meta);

 private:
  std::filesystem::path final_, tmp_;
  h5::File file_;
  bool finished_ = false;
};

class CheckpointReader {
 public:
  // Collective. Throws InputError for a missing, truncated or incomplete file.
  explicit CheckpointReader(const std::filesystem::path& path);
  const h5::File& file() const { return file_; }
  h5::Location state() const;
  const SnapshotMeta& meta() const { return meta_; }
  const std::filesystem::path& path() const { return path_; }

  // The newest complete checkpoint in `dir` (rank 0 decides, all ranks get
  // the same answer); nullopt when there is none. Skipped files are logged.
  static std::optional<std::filesystem::path> latest(const std::filesystem::path& dir);
  // Why `path` cannot be used, or "" when it is a complete checkpoint
  // (opens it serially: call from one rank).
  static std::string problem(const std::filesystem::path& path);

 private:
  std::filesystem::path path_;
  h5::File file_;
  SnapshotMeta meta_;
};

// Checkpoints in `dir`, oldest first (by step in the name).
std::vector<std::filesystem::path> list_checkpoints(const std::filesystem::path& dir);
// Removes all but the newest `keep` (rank 0 only; call after a barrier).
void prune_checkpoints(const std::filesystem::path& dir, int keep);

}  // namespace tessera::io
