#pragma once
// What every snapshot and checkpoint records about its run at the file root:
// `time` (f64), `step` (i64), the resolved deck (TOML text) and the version.
// `formats` is not written: it tells the snapshot writers which files to
// produce (a request's meta() carries [output] format to them).
#include <cstdint>
#include <string>

#include "io/hdf5_file.hpp"
#include "io/output_formats.hpp"

namespace tessera::io {

struct SnapshotMeta {
  double time = 0;
  std::int64_t step = 0;
  std::string deck_toml;
  std::string version;
  OutputFormats formats{};
};

void write_meta(const h5::Location& root, const SnapshotMeta& meta);
SnapshotMeta read_meta(const h5::Location& root);

}  // namespace tessera::io
