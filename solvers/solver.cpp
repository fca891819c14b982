#include "solvers/solver.hpp"

#include <algorithm>

#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera {

std::string SnapshotRequest::relative_path(const std::string& suffix) const {
  return strfmt("snapshots/%s%s_%05d.h5", name.c_str(), suffix.c_str(), index);
}

SnapshotOutput snapshot_output(const std::string& series, const io::XdmfGridDesc& desc) {
  return {series, desc.h5_path.empty() ? std::string() : io::xdmf_grid(desc), desc.vtkhdf_path, desc.time};
}

SnapshotOutput snapshot_output(const std::string& series, const io::XdmfParticleDesc& desc) {
  return {series, desc.h5_path.empty() ? std::string() : io::xdmf_particles(desc), desc.vtkhdf_path, desc.time};
}

bool SnapshotRequest::wants(const std::string& name) const {
  return fields.empty() || std::find(fields.begin(), fields.end(), name) != fields.end();
}

void Solver::write_checkpoint(io::CheckpointWriter&) {
  throw InputError("this solver cannot write checkpoints yet: set [checkpoint] every_steps = 0 and every_seconds = 0");
}

void Solver::read_checkpoint(const io::CheckpointReader&) {
  throw InputError("this solver cannot restart from checkpoints yet");
}

}  // namespace tessera
