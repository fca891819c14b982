#pragma once
// Re-sorts a rank's owned atoms along the neighbour bins (bin, then id) at
// each list build, every column moving together: neighbours in space become
// neighbours in memory, so the pair loop's gathers hit cache. The key is
// (bin, id), not the bin alone, so the order is a function of the positions
// and ids only, not of the migrations before: a restarted run and the run
// that wrote its checkpoint sort alike. Drops the ghosts (build them after).
#include <cstdint>

#include "decomposition/particles.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "solvers/md/bin_grid.hpp"

namespace tessera::md {

class AtomSort {
 public:
  explicit AtomSort(const Device& dev) : dev_(dev) {}
  void sort(Particles& p, const BinGrid& bins);
  std::int64_t sorts() const { return sorts_; }

 private:
  Device dev_;
  Buffer<std::uint64_t> keys_;  // exactly owned long: the sort works on whole buffers
  Buffer<std::int32_t> order_;
  std::int64_t sorts_ = 0;
};

}  // namespace tessera::md
