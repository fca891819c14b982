#pragma once
// PencilTranspose: global transposes between pencil orientations (x <-> y
// within the p1 ranks sharing c2, y <-> z within the p2 ranks sharing c1),
// over a Transport. Each transform is pack kernel -> transport -> unpack
// kernel; the block a rank keeps for itself is unpacked straight from the
// send buffer (never sent), and a group of one rank (a slab's local axis, or
// one rank overall) is a single permuting copy from input to output with no
// buffers at all. Buffers are allocated once, at construction; a transpose
// allocates nothing and waits for the host only where the transport must
// (MPI reads packed buffers from the host side).
//
// Element types: any trivially copyable type of 4, 8 or 16 bytes (float,
// double, complex<float>, complex<double>); the transpose moves elements, it
// never looks inside them. Arrays are dense in the memory order of their
// orientation (see pencil_layout.hpp) and live on the transport's device;
// input and output must not overlap.
#include <cstddef>
#include <type_traits>

#include "decomposition/pencil_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"

namespace tessera {

class PencilTranspose {
 public:
  PencilTranspose(const PencilLayout& layout, Transport& transport, std::size_t element_bytes);

  // from -> to must be X <-> Y or Y <-> Z. `in` holds layout().local_size(from)
  // elements, `out` layout().local_size(to).
  void transpose(Pencil from, Pencil to, const void* in, void* out);

  template <class T>
  void operator()(Pencil from, Pencil to, const T* in, T* out) {
    static_assert(std::is_trivially_copyable_v<T>, "transposes move trivially copyable elements");
    check_element(sizeof(T));
    transpose(from, to, in, out);
  }

  const PencilLayout& layout() const { return layout_; }
  std::size_t element_bytes() const { return element_bytes_; }
  // Device memory held for messages (0 on one rank).
  std::size_t buffer_bytes() const { return send_.size() + recv_.size(); }
  // True when from <-> to exchanges data between ranks (false: a local permutation).
  bool communicates(Pencil from, Pencil to) const;

 private:
  void check_element(std::size_t bytes) const;
  template <class W>
  void run(Pencil from, Pencil to, const W* in, W* out);

  PencilLayout layout_;
  Transport& transport_;
  std::size_t element_bytes_;
  Buffer<std::byte> send_, recv_;
};

}  // namespace tessera
