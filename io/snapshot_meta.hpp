#pragma once
// What every snapshot and checkpoint records about its run at the file root:
// `time` (f64), `step` (i64), the resolved deck (TOML text) and the version.
#include <cstdint>
#include <string>

#include "io/hdf5_file.hpp"

namespace tessera::io {

struct SnapshotMeta {
  double time = 0;
  std::int64_t step = 0;
  std::string deck_toml;
  std::string version;
};

void write_meta(const h5::Location& root, const SnapshotMeta& meta);
SnapshotMeta read_meta(const h5::Location& root);

}  // namespace tessera::io
