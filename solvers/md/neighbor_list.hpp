#pragma once
// Verlet neighbour list built through cell binning: particles (owned and
// ghosts) are sorted by bin on the device (a stable radix sort: the same
// order on every backend), then each owned particle scans the 27 bins
// around its own. The list is full (each pair stored for both partners) so
// the force loop needs no atomics. On a GPU it is column-major (neighbour k
// of particle i at k * stride + i) so a warp reads it coalesced; on the host
// row-major (i * capacity + k) so a thread walks contiguous memory. Its
// capacity grows when a particle has more neighbours than fit, never per step.
#include <array>
#include <cstdint>

#include "decomposition/particles.hpp"
#include "runtime/macros.hpp"
#include "runtime/buffer.hpp"

namespace tessera::md {

// What a kernel needs to walk the list, captured by value.
struct NeighborView {
  const std::int32_t* list;
  const std::int32_t* counts;
  std::int64_t stride;  // column-major: particles per row
  int capacity;         // row-major: entries per particle
  bool column_major;
  TESSERA_HD int count(int i) const { return counts[i]; }
  TESSERA_HD int at(int i, int k) const {
    return column_major ? list[k * stride + i] : list[static_cast<std::int64_t>(i) * capacity + k];
  }
};

class NeighborList {
 public:
  explicit NeighborList(const Device& dev) : dev_(dev) {}

  // Pairs within `cutoff` (interaction range + skin) for owned particles,
  // partners among owned and ghosts; bins tile [lower - cutoff, upper + cutoff).
  void build(const Particles& p, const std::array<double, 3>& lower, const std::array<double, 3>& upper, double cutoff);

  NeighborView view() const { return {list_.data(), counts_.data(), stride_, capacity_, dev_.is_cuda()}; }
  int capacity() const { return capacity_; }
  std::int64_t builds() const { return builds_; }

 private:
  Device dev_;
  Buffer<std::uint32_t> keys_;
  Buffer<std::int32_t> order_, starts_, list_, counts_;
  std::int64_t stride_ = 0, builds_ = 0;
  int capacity_ = 64;
};

}  // namespace tessera::md
