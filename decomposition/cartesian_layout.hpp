#pragma once
// CartesianLayout: a global box of cells split over a process grid. Pure
// arithmetic (no MPI calls), so any rank count can be checked in one process;
// `for_this_process` fills in the rank and size from MPI.
//
// Ranks are numbered x fastest: rank = cx + px * (cy + py * cz). Along each
// axis the cells are split as evenly as possible, the remainder going to the
// first ranks. Axes with one global cell are inactive: never split, no ghosts.
// The physical box [lower, upper) maps onto the cells, so particle solvers
// get each rank's physical bounds from the same arithmetic.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/span.hpp"

namespace tessera {

struct LayoutSpec {
  std::array<int, 3> cells{1, 1, 1};             // global cells per axis (1 = axis unused)
  std::array<bool, 3> periodic{false, false, false};
  std::array<int, 3> ranks{0, 0, 0};             // process grid; 0 = choose
  std::array<double, 3> lower{0.0, 0.0, 0.0};   // physical box
  std::array<double, 3> upper{1.0, 1.0, 1.0};
  int ghosts = 0;  // ghost layers the solver needs (checked against the split)
};

// One of the up to 26 neighbours: its direction (-1, 0, +1 per axis), its rank,
// and the periodic image shift (in units of the box length per axis: -1, 0, +1)
// a position must get when it crosses to that neighbour.
struct Neighbour {
  std::array<int, 3> direction{0, 0, 0};
  int rank = -1;
  std::array<int, 3> image{0, 0, 0};
};

class CartesianLayout {
 public:
  // Throws InputError when the layout cannot work: a fixed grid whose product
  // is not nranks, more ranks along an axis than cells, a split axis (or a
  // periodic one) with fewer cells on some rank than ghost layers.
  CartesianLayout(const LayoutSpec& spec, int nranks, int rank);
  static CartesianLayout for_this_process(const LayoutSpec& spec);

  // The process grid for nranks when the spec leaves it (partly) free: among
  // all factorisations that work (axes with one cell stay unsplit; every rank
  // keeps at least `ghosts` cells along a split axis), the one with the least
  // halo surface per rank; then the most balanced (MPI_Dims_create's answer
  // for a cube); then the one splitting z, then y, most, since z and y faces
  // are contiguous in memory. Throws InputError when none works.
  static std::array<int, 3> choose_process_grid(int nranks, const LayoutSpec& spec);

  int rank() const { return rank_; }
  int size() const { return size_; }
  int dimensions() const;  // active axes: 1, 2 or 3
  bool active(int axis) const { return spec_.cells[axis] > 1; }
  bool periodic(int axis) const { return spec_.periodic[axis]; }
  const std::array<int, 3>& process_grid() const { return grid_; }
  const std::array<int, 3>& coords() const { return coords_; }
  const LayoutSpec& spec() const { return spec_; }

  Range3 global() const { return Range3(spec_.cells[0], spec_.cells[1], spec_.cells[2]); }
  // This rank's owned cells in global indices; lo is the global offset.
  Range3 owned() const { return owned_of(rank_); }
  Range3 owned_of(int rank) const;
  std::array<int, 3> local_cells() const;
  // Physical bounds of this rank's box; neighbouring ranks compute the shared
  // face with the same expression, so every point has exactly one owner.
  double owned_lower(int axis) const { return face_position(axis, owned().lo[axis]); }
  double owned_upper(int axis) const { return face_position(axis, owned().hi[axis]); }
  double face_position(int axis, int cell_index) const;
  double length(int axis) const { return spec_.upper[axis] - spec_.lower[axis]; }

  int rank_at(std::array<int, 3> coords) const;  // coords already in range
  std::array<int, 3> coords_of(int rank) const;
  // The rank across the face or edge or corner `direction` (each -1, 0, +1),
  // -1 beyond a non-periodic face. May be this rank itself (periodic, one
  // rank along the axis).
  Neighbour neighbour(std::array<int, 3> direction) const;
  // All distinct directions that have a neighbour (up to 26).
  std::vector<Neighbour> neighbours() const;

  // "2 x 2 x 1 ranks over 64 x 64 x 1 cells (periodic x y); rank 3 owns [32,64) x [32,64) x [0,1)"
  std::string describe() const;

 private:
  LayoutSpec spec_;
  int size_ = 1, rank_ = 0;
  std::array<int, 3> grid_{1, 1, 1}, coords_{0, 0, 0};
};

}  // namespace tessera
