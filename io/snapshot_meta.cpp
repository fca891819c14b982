#include "io/snapshot_meta.hpp"

namespace tessera::io {

void write_meta(const h5::Location& root, const SnapshotMeta& meta) {
  root.set_attribute("time", meta.time);
  root.set_attribute("step", meta.step);
  root.set_attribute("deck", meta.deck_toml);
  root.set_attribute("tessera_version", meta.version);
}

SnapshotMeta read_meta(const h5::Location& root) {
  SnapshotMeta m;
  m.time = root.attribute_double("time");
  m.step = root.attribute_int("step");
  m.deck_toml = root.has_attribute("deck") ? root.attribute_string("deck") : std::string();
  m.version = root.has_attribute("tessera_version") ? root.attribute_string("tessera_version") : std::string();
  return m;
}

}  // namespace tessera::io
