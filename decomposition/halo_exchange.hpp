#pragma once
// HaloExchange: fills the ghost layers of a multi-component grid field from
// the neighbouring ranks. Axis by axis (x, then y including x ghosts, then z
// including x and y ghosts), so edge and corner ghosts arrive without diagonal
// messages. Periodic self-neighbours copy on the device without the
// transport; ghosts beyond a non-periodic face are left to the solver's
// boundary conditions. Buffers are allocated once, at construction.
//
// Field layout (local indices): owned cells [0, n) per axis, ghosts [-G, 0)
// and [n, n+G) along active axes only; x fastest; component c starts at
// c * storage_box(...).size().
#include <array>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/span.hpp"

namespace tessera {

template <class T>
class HaloExchange {
 public:
  HaloExchange(const CartesianLayout& layout, Transport& transport, int components, int ghosts);

  // Local index box of one component including ghosts along active axes.
  static Range3 storage_box(const CartesianLayout& layout, int ghosts);
  Range3 storage_box() const { return box_; }
  std::int64_t component_stride() const { return box_.size(); }
  int components() const { return components_; }
  int ghosts() const { return ghosts_; }

  // `field` lives on the transport's device, components * component_stride() values.
  void exchange(T* field);

 private:
  struct Axis {
    bool active = false;
    int lower = -1, upper = -1;  // neighbour ranks (-1: physical face)
    bool self = false;           // periodic with one rank along the axis
    Range3 send_lower, send_upper, recv_lower, recv_upper;  // local index slabs
    Buffer<T> out_lower, out_upper, in_lower, in_upper;
  };
  const CartesianLayout& layout_;
  Transport& transport_;
  int components_, ghosts_;
  Range3 box_;
  std::array<Axis, 3> axes_;
};

extern template class HaloExchange<double>;
extern template class HaloExchange<float>;

}  // namespace tessera
