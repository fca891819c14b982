#pragma once
// Verlet neighbour list built through cell binning: particles (owned and
// ghosts) are sorted by bin on the device (a stable radix sort: the same
// order on every backend), then each owned particle scans the 27 bins
// around its own. The list is full (each pair stored for both partners) so
// the force loop needs no atomics, and column-major (neighbour k of particle
// i at k * stride + i) so a warp reads it coalesced. Its capacity grows when
// a particle has more neighbours than fit, never per step.
#include <array>
#include <cstdint>

#include "decomposition/particles.hpp"
#include "runtime/buffer.hpp"

namespace tessera::md {

class NeighborList {
 public:
  explicit NeighborList(const Device& dev) : dev_(dev) {}

  // Pairs within `cutoff` (interaction range + skin) for owned particles,
  // partners among owned and ghosts; bins tile [lower - cutoff, upper + cutoff).
  void build(const Particles& p, const std::array<double, 3>& lower, const std::array<double, 3>& upper, double cutoff);

  const std::int32_t* neighbors() const { return list_.data(); }
  const std::int32_t* counts() const { return counts_.data(); }
  std::int64_t stride() const { return stride_; }
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
