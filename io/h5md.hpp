#pragma once
// H5MD 1.1 particle trajectories (de Buyl, Colberg & Hoefling, Comp. Phys.
// Comm. 185, 1546 (2014); https://nongnu.org/h5md/), written collectively by
// every rank, one frame per append:
//
//   /h5md                 version = [1, 1]; author (name), creator (name "Tessera", version)
//   /particles/all/box    dimension = 3, boundary = ["periodic"|"none"] x 3,
//                         lower (Tessera's own: the box's low corner; H5MD has none)
//        edges/{step,time,value (T, 3)}      time-dependent, step/time hard links to position's
//   /particles/all/position/{step (T), time (T), value (T, N, 3)}
//   /particles/all/velocity/{step, time (links to position's), value (T, N, 3)}   when asked for
//   /particles/all/species (N, i32)          when the particles have a "type" column (first frame's)
//
// H5MD fixes the particle order across frames, so row i of every value holds
// the particle whose id is i: ids must be exactly 0 .. N-1, spread over the
// ranks in any way. Positions are what the solver holds (wrapped into the
// periodic box, H5MD's "arbitrary periodic image"); there is no image element.
//
// Readers: h5py directly; MDAnalysis (H5MDReader, needs time-dependent box
// edges as written here; Tessera's reduced units carry no `unit` attributes,
// so open it with convert_units=False); OVITO and VMD's H5MD plugin; our own
// postprocess/msd.py. Appending to an existing file (restarts) is not
// supported: a new writer truncates the file.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "decomposition/particles.hpp"
#include "io/hdf5_file.hpp"
#include "io/particle_io.hpp"

namespace tessera::io {

class H5mdWriter {
 public:
  // Collective: creates (truncates) `path` and writes the metadata.
  H5mdWriter(const std::filesystem::path& path, const std::array<double, 3>& lower, const std::array<double, 3>& upper,
             const std::array<bool, 3>& periodic, std::int64_t n_particles, const std::string& author);
  H5mdWriter(const std::filesystem::path& path, const ParticleBox& box, std::int64_t n_particles,
             const std::string& author)
      : H5mdWriter(path, box.lower, box.upper, box.periodic, n_particles, author) {}

  // Collective: appends one frame of the owned particles. velocity_column: a
  // real column of 3 components, or -1 for none; the first append decides
  // whether the file has velocities and later ones must agree. step must
  // increase from frame to frame. Throws tessera::Error on every rank when an
  // id is outside 0 .. N-1 or the ranks together do not hold N particles.
  void append(std::int64_t step, double time, const Particles& p, int velocity_column = -1);

  std::int64_t frames() const { return frames_; }
  // Flushes and closes (the destructor does the same, swallowing errors). Collective.
  void close();

 private:
  h5::File file_;
  std::array<double, 3> edges_{};
  std::int64_t n_ = 0, frames_ = 0, last_step_ = 0;
  bool has_velocity_ = false;
};

}  // namespace tessera::io
