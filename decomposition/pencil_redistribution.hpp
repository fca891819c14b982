#pragma once
// PencilRedistribution: moves a one-component grid field between a solver's
// CartesianLayout blocks and the x-pencils of a PencilLayout over the same
// global cells and ranks, both ways, so no solver writes its own. Each rank
// sends every other rank the intersection of its block with that rank's
// pencil; its own intersection is copied directly (one rank: one copy).
// Buffers are allocated once, at construction.
//
// The block field is stored as HaloExchange stores it: local box
// HaloExchange::storage_box(layout, ghosts) (ghost layers on active axes),
// x fastest; only owned cells are read or written, ghosts are left alone.
// The pencil is dense in x-pencil order (x, y, z; x fastest). Element types:
// any trivially copyable type of 4, 8 or 16 bytes.
#include <cstddef>
#include <type_traits>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/pencil_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"

namespace tessera {

class PencilRedistribution {
 public:
  // Throws Error when the layouts disagree (global cells, rank count, rank).
  PencilRedistribution(const CartesianLayout& blocks, const PencilLayout& pencils, Transport& transport,
                       std::size_t element_bytes, int ghosts = 0);

  void to_pencils(const void* field, void* pencil);
  void from_pencils(const void* pencil, void* field);

  template <class T>
  void to_pencils(const T* field, T* pencil) {
    check_element(sizeof(T));
    to_pencils(static_cast<const void*>(field), static_cast<void*>(pencil));
  }
  template <class T>
  void from_pencils(const T* pencil, T* field) {
    check_element(sizeof(T));
    from_pencils(static_cast<const void*>(pencil), static_cast<void*>(field));
  }

  // Elements of the block field including ghosts, and of the x-pencil.
  std::int64_t field_size() const { return storage_.size(); }
  std::int64_t pencil_size() const { return pencil_.size(); }
  std::size_t buffer_bytes() const { return send_.size() + recv_.size(); }

 private:
  struct Piece {
    int peer;
    Range3 box;          // global cells
    std::int64_t at;     // offset in its buffer (elements)
  };
  void check_element(std::size_t bytes) const;
  template <class W>
  void move(bool forward, const W* from, W* to);

  Transport& transport_;
  std::size_t element_bytes_;
  int rank_;
  Range3 storage_, pencil_;                  // global boxes of the field storage and the pencil
  Range3 self_;                              // what this rank keeps
  std::vector<Piece> block_pieces_;          // block -> others' pencils
  std::vector<Piece> pencil_pieces_;         // others' blocks -> this pencil
  Buffer<std::byte> send_, recv_;
};

}  // namespace tessera
