#pragma once
// Verlet neighbour list built through cell binning: particles (owned and
// ghosts) are sorted by bin on the device (a stable radix sort: the same
// order on every backend), then each owned particle scans the 27 bins
// around its own.
//
// Two kinds. Full (the CUDA default): each pair stored for both partners, so
// the force loop needs no atomics; column-major (neighbour k of particle i at
// k * stride + i) so a warp reads it coalesced. Half (the host default):
// each owned-owned pair stored once, in the list of the partner whose bin
// comes first (same bin: the lower index), for Newton's third law; an
// owned-ghost pair stays in the owned atom's list only (the ghost's force is
// not needed: its owner computes the mirror pair), LAMMPS's "newton off" for
// ghosts. Host lists are row-major (i * capacity + k) so a thread walks
// contiguous memory. The capacity grows when a particle has more neighbours
// than fit, never per step.
//
// A half-list force loop writes both partners; bins() gives it the bin
// structure to process bins in colours without write conflicts.
#include <array>
#include <cstdint>

#include "decomposition/particles.hpp"
#include "runtime/buffer.hpp"
#include "runtime/macros.hpp"
#include "solvers/md/bin_grid.hpp"

namespace tessera::md {

enum class ListKind { Full, Half };

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

// The bins of the last build: sorted position s in [starts[b], owned_ends[b])
// holds owned particle order[s] of bin b (ascending index), then its ghosts
// up to starts[b + 1].
struct BinView {
  const std::int32_t* order;
  const std::int32_t* starts;
  const std::int32_t* owned_ends;
  int n[3];
};

class NeighborList {
 public:
  // Half on the host, full on a GPU.
  explicit NeighborList(const Device& dev) : NeighborList(dev, dev.is_cuda() ? ListKind::Full : ListKind::Half) {}
  NeighborList(const Device& dev, ListKind kind);

  // Pairs within `cutoff` (interaction range + skin) for owned particles,
  // partners among owned and ghosts; bins tile [lower - cutoff, upper + cutoff)
  // (bin_grid).
  void build(const Particles& p, const std::array<double, 3>& lower, const std::array<double, 3>& upper, double cutoff);

  NeighborView view() const {
    return {list_.data(), counts_.data(), stride_, capacity_, dev_.is_cuda()};
  }
  BinView bins() const { return {order_.data(), starts_.data(), owned_ends_.data(), {grid_.n[0], grid_.n[1], grid_.n[2]}}; }
  bool half() const { return kind_ == ListKind::Half; }
  std::int64_t owned() const { return owned_; }  // owned particles at the last build
  int capacity() const { return capacity_; }
  std::int64_t builds() const { return builds_; }

  // The half list's pass of build() (public only because nvcc's extended
  // lambdas may not live in private members).
  void build_half(int cap);

 private:
  Device dev_;
  ListKind kind_;
  BinGrid grid_{};
  Buffer<std::uint32_t> keys_;
  Buffer<std::int32_t> order_, starts_, owned_ends_, list_, counts_;
  std::array<Buffer<double>, 3> sorted_;  // half list: positions in bin order
  std::int64_t stride_ = 0, builds_ = 0, owned_ = 0, ghosts_ = 0;
  double cutoff2_ = 0;
  int capacity_ = 64;
};

}  // namespace tessera::md
