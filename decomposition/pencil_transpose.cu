// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "decomposition/pencil_transpose.hpp"

#include <algorithm>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"

namespace tessera {

namespace {

// Storage words the kernels move: the element's size, and its alignment.
struct alignas(16) Word16 {
  double a, b;
};

// A dense box in global indices stored in a given memory order.
struct OrderedBox {
  int lo[3], n[3], order[3];

  TESSERA_HD std::int64_t index(const int g[3]) const {
    const int o0 = order[0], o1 = order[1], o2 = order[2];
    return (g[o0] - lo[o0]) + static_cast<std::int64_t>(n[o0]) * ((g[o1] - lo[o1]) + static_cast<std::int64_t>(n[o1]) * (g[o2] - lo[o2]));
  }
  // Global index of the element at memory-order position (i, j, k).
  TESSERA_HD void global(int i, int j, int k, int g[3]) const {
    g[order[0]] = lo[order[0]] + i;
    g[order[1]] = lo[order[1]] + j;
    g[order[2]] = lo[order[2]] + k;
  }
  Range3 memory_range() const { return Range3(n[order[0]], n[order[1]], n[order[2]]); }
};

OrderedBox ordered(const Range3& r, Pencil p) {
  OrderedBox b{};
  const auto o = PencilLayout::memory_order(p);
  for (int d = 0; d < 3; ++d) {
    b.lo[d] = r.lo[d];
    b.n[d] = r.extent(d);
    b.order[d] = o[d];
  }
  return b;
}

// What both kernels of one transpose need: the source pencil (whole along a)
// and the destination pencil (whole along b); the group of `parts` ranks splits
// a in the destination and b in the source; this rank is part `me`.
struct Geometry {
  OrderedBox src, dst;
  int a, b, na, nb, parts, me;
  std::int64_t send_plane, recv_plane;  // elements per index along a (send) / b (receive)
};

// Reads the source in its memory order and writes each element into the
// segment of the part that receives it, already in the destination order.
template <class W>
void pack(const Device& dev, const Geometry geo, const W* in, W* send) {
  for_each(dev, geo.src.memory_range(), [=] TESSERA_HD(int i, int j, int k) {
    int g[3];
    geo.src.global(i, j, k, g);
    const int q = block_owner(geo.na, geo.parts, g[geo.a]);
    OrderedBox seg = geo.dst;  // the segment's order is the destination's
    for (int d = 0; d < 3; ++d) seg.lo[d] = geo.src.lo[d], seg.n[d] = geo.src.n[d];
    seg.lo[geo.a] = block_start(geo.na, geo.parts, q);
    seg.n[geo.a] = block_size(geo.na, geo.parts, q);
    send[seg.lo[geo.a] * geo.send_plane + seg.index(g)] =
        in[i + static_cast<std::int64_t>(geo.src.n[geo.src.order[0]]) *
                   (j + static_cast<std::int64_t>(geo.src.n[geo.src.order[1]]) * k)];
  });
}

// Writes the destination in its memory order from the segment of the part
// that sent each element; this rank's own segment is read from `send`.
template <class W>
void unpack(const Device& dev, const Geometry geo, const W* send, const W* recv, W* out) {
  for_each(dev, geo.dst.memory_range(), [=] TESSERA_HD(int i, int j, int k) {
    int g[3];
    geo.dst.global(i, j, k, g);
    const int s = block_owner(geo.nb, geo.parts, g[geo.b]);
    OrderedBox seg = geo.dst;
    seg.lo[geo.b] = block_start(geo.nb, geo.parts, s);
    seg.n[geo.b] = block_size(geo.nb, geo.parts, s);
    const W* from = s == geo.me ? send + block_start(geo.na, geo.parts, s) * geo.send_plane
                                : recv + seg.lo[geo.b] * geo.recv_plane;
    out[i + static_cast<std::int64_t>(geo.dst.n[geo.dst.order[0]]) *
                (j + static_cast<std::int64_t>(geo.dst.n[geo.dst.order[1]]) * k)] = from[seg.index(g)];
  });
}

// A group of one rank: the transpose is a cyclic rotation of the memory
// order, i.e. a 2-D matrix transpose: dst[c * rows + r] = src[r * cols + c].
// Forward rotations (x->y, y->z) move the fastest axis to the slowest (rows =
// n1 n2, cols = n0); backward ones the slowest to the fastest (rows = n2,
// cols = n0 n1). The host walks cache tiles; a GPU thread writes one element
// (consecutive threads, consecutive destinations).
template <class W>
void rotate(const Device& dev, const W* src, W* dst, std::int64_t rows, std::int64_t cols, const int n[3],
            bool forward) {
  if (dev.is_cuda()) {
    const int n0 = n[0], n1 = n[1];
    // Destination memory order: forward (b, c, a), backward (c, a, b).
    const Range3 r = forward ? Range3(n[1], n[2], n[0]) : Range3(n[2], n[0], n[1]);
    const std::int64_t d0 = r.extent(0), d1 = r.extent(1);
    for_each(dev, r, [=] TESSERA_HD(int i, int j, int k) {
      const std::int64_t from = forward ? k + static_cast<std::int64_t>(n0) * (i + static_cast<std::int64_t>(n1) * j)
                                        : j + static_cast<std::int64_t>(n0) * (k + static_cast<std::int64_t>(n1) * i);
      dst[i + d0 * (j + d1 * k)] = src[from];
    });
    return;
  }
  constexpr int tile = 32;
  const int tr = static_cast<int>((rows + tile - 1) / tile), tc = static_cast<int>((cols + tile - 1) / tile);
  for_each(dev, Range3(tc, tr, 1), [=] TESSERA_HD(int bc, int br, int) {
    const std::int64_t r0 = static_cast<std::int64_t>(br) * tile, c0 = static_cast<std::int64_t>(bc) * tile;
    const std::int64_t r1 = r0 + tile < rows ? r0 + tile : rows, c1 = c0 + tile < cols ? c0 + tile : cols;
    for (std::int64_t c = c0; c < c1; ++c)
      for (std::int64_t r = r0; r < r1; ++r) dst[c * rows + r] = src[r * cols + c];
  });
}

bool adjacent(Pencil from, Pencil to) {
  const int f = static_cast<int>(from), t = static_cast<int>(to);
  return (f == 1 && t != 1) || (t == 1 && f != 1);
}

}  // namespace

PencilTranspose::PencilTranspose(const PencilLayout& layout, Transport& transport, std::size_t element_bytes)
    : layout_(layout), transport_(transport), element_bytes_(element_bytes) {
  if (element_bytes != 4 && element_bytes != 8 && element_bytes != 16)
    throw Error(strfmt("PencilTranspose: elements of %zu bytes; 4, 8 or 16 (float, double, complex) are supported",
                       element_bytes));
  if (layout.p1() > 1 || layout.p2() > 1) {
    std::int64_t most = 0;
    for (Pencil p : {Pencil::X, Pencil::Y, Pencil::Z}) most = std::max(most, layout.local_size(p));
    send_ = Buffer<std::byte>(transport.device(), static_cast<std::size_t>(most) * element_bytes);
    recv_ = Buffer<std::byte>(transport.device(), static_cast<std::size_t>(most) * element_bytes);
  }
}

bool PencilTranspose::communicates(Pencil from, Pencil to) const {
  const bool xy = from == Pencil::X || to == Pencil::X;
  return (xy ? layout_.p1() : layout_.p2()) > 1;
}

void PencilTranspose::check_element(std::size_t bytes) const {
  if (bytes != element_bytes_)
    throw Error(strfmt("PencilTranspose built for %zu-byte elements was handed %zu-byte elements", element_bytes_,
                       bytes));
}

void PencilTranspose::transpose(Pencil from, Pencil to, const void* in, void* out) {
  if (!adjacent(from, to))
    throw Error(strfmt("PencilTranspose: %s -> %s is not a transpose; go through the y-pencil (x <-> y, y <-> z)",
                       to_string(from), to_string(to)));
  switch (element_bytes_) {
    case 4: run(from, to, static_cast<const float*>(in), static_cast<float*>(out)); break;
    case 8: run(from, to, static_cast<const double*>(in), static_cast<double*>(out)); break;
    default: run(from, to, static_cast<const Word16*>(in), static_cast<Word16*>(out)); break;
  }
}

template <class W>
void PencilTranspose::run(Pencil from, Pencil to, const W* in, W* out) {
  const bool xy = from == Pencil::X || to == Pencil::X;
  Geometry geo{};
  geo.src = ordered(layout_.box(from), from);
  geo.dst = ordered(layout_.box(to), to);
  geo.a = static_cast<int>(from);
  geo.b = static_cast<int>(to);
  geo.na = layout_.cells()[geo.a];
  geo.nb = layout_.cells()[geo.b];
  geo.parts = xy ? layout_.p1() : layout_.p2();
  geo.me = xy ? layout_.c1() : layout_.c2();
  geo.send_plane = layout_.local_size(from) / geo.na;
  geo.recv_plane = layout_.local_size(to) / geo.nb;
  const Device& dev = transport_.device();
  if (geo.parts == 1) {  // a permutation within this rank: straight into the output
    const OrderedBox& b = geo.src;
    const int n[3] = {b.n[b.order[0]], b.n[b.order[1]], b.n[b.order[2]]};
    const bool forward = geo.b == b.order[1];  // the destination's fastest axis is the source's second
    const std::int64_t rows = forward ? static_cast<std::int64_t>(n[1]) * n[2] : n[2];
    const std::int64_t cols = forward ? n[0] : static_cast<std::int64_t>(n[0]) * n[1];
    rotate(dev, in, out, rows, cols, n, forward);
    return;
  }
  W* send = reinterpret_cast<W*>(send_.data());
  W* recv = reinterpret_cast<W*>(recv_.data());
  pack(dev, geo, in, send);
  // Tags tell the four directions apart; the group is fixed per direction.
  const int tag = 7100 + 3 * geo.a + geo.b;
  std::vector<SendMessage> sends;
  std::vector<RecvMessage> recvs;
  sends.reserve(geo.parts);
  recvs.reserve(geo.parts);
  for (int q = 0; q < geo.parts; ++q) {
    if (q == geo.me) continue;
    const int peer = xy ? layout_.rank_at(q, layout_.c2()) : layout_.rank_at(layout_.c1(), q);
    const std::int64_t out_at = block_start(geo.na, geo.parts, q) * geo.send_plane;
    const std::int64_t out_n = block_size(geo.na, geo.parts, q) * geo.send_plane;
    const std::int64_t in_at = block_start(geo.nb, geo.parts, q) * geo.recv_plane;
    const std::int64_t in_n = block_size(geo.nb, geo.parts, q) * geo.recv_plane;
    sends.push_back({peer, tag, send + out_at, static_cast<std::size_t>(out_n) * sizeof(W)});
    recvs.push_back({peer, tag, recv + in_at, static_cast<std::size_t>(in_n) * sizeof(W)});
  }
  transport_.exchange(sends, recvs);
  unpack(dev, geo, static_cast<const W*>(send), static_cast<const W*>(recv), out);
}

}  // namespace tessera
