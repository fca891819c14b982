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

// One transpose: the source pencil (whole along a) and the destination pencil
// (whole along b); the group of `parts` ranks splits a in the destination and
// b in the source; this rank is part `me`.
struct Geometry {
  OrderedBox src, dst;
  int a, b, na, nb, parts, me;
  std::int64_t send_plane, recv_plane;  // elements per index along a (send) / b (receive)
};

// A 3-D block copy between two strided views: what every pack and unpack of
// one peer's segment is. Iterating i fastest keeps one side contiguous.
struct Strided {
  std::int64_t off, s0, s1, s2;
};

template <class W>
void strided_copy(const Device& dev, const Range3& extent, const W* src, Strided s, W* dst, Strided d) {
  for_each(dev, extent, [=] TESSERA_HD(int i, int j, int k) {
    dst[d.off + i * d.s0 + j * d.s1 + k * d.s2] = src[s.off + i * s.s0 + j * s.s1 + k * s.s2];
  });
}

// A batch of 2-D matrix transposes between strided views:
//   dst[d_off + t dB + c dC + r] = src[s_off + t sB + r sR + c]
// Every pack is one: the source's fastest axis (a) becomes the destination's
// slowest (x->y, y->z: rows = the other two axes, one batch) or middle one
// (y->x, z->y: rows = the source's slowest axis, batched over its middle
// one). The host walks cache tiles; on a GPU consecutive threads write
// consecutive destinations.
struct Block2 {
  std::int64_t rows, cols, batch, s_off, sR, sB, d_off, dC, dB;
};

template <class W>
void transpose_block(const Device& dev, const W* src, W* dst, const Block2 g) {
  if (dev.is_cuda()) {
    for_each(dev, Range3(static_cast<int>(g.rows), static_cast<int>(g.cols), static_cast<int>(g.batch)),
             [=] TESSERA_HD(int r, int c, int t) {
               dst[g.d_off + t * g.dB + c * g.dC + r] = src[g.s_off + t * g.sB + r * g.sR + c];
             });
    return;
  }
  constexpr int tile = 32;
  const int tr = static_cast<int>((g.rows + tile - 1) / tile), tc = static_cast<int>((g.cols + tile - 1) / tile);
  for_each(dev, Range3(tc, tr, static_cast<int>(g.batch)), [=] TESSERA_HD(int bc, int br, int t) {
    const std::int64_t r0 = static_cast<std::int64_t>(br) * tile, c0 = static_cast<std::int64_t>(bc) * tile;
    const std::int64_t r1 = r0 + tile < g.rows ? r0 + tile : g.rows, c1 = c0 + tile < g.cols ? c0 + tile : g.cols;
    const W* s = src + g.s_off + t * g.sB;
    W* d = dst + g.d_off + t * g.dB;
    for (std::int64_t c = c0; c < c1; ++c)
      for (std::int64_t r = r0; r < r1; ++r) d[c * g.dC + r] = s[r * g.sR + c];
  });
}

// The pack of part q's segment (a restricted to [a0, a0 + na)), written at
// `at` in the destination's order.
template <class W>
void pack_part(const Device& dev, const OrderedBox& sb, bool forward, int a0, int na, const W* in, W* out,
               std::int64_t at) {
  const std::int64_t n0 = sb.n[sb.order[0]], n1 = sb.n[sb.order[1]], n2 = sb.n[sb.order[2]];
  Block2 g{};
  g.s_off = a0;
  g.cols = na;
  g.d_off = at;
  if (forward) {  // destination order (s1, s2, a)
    g.rows = n1 * n2, g.batch = 1, g.sR = n0, g.sB = 0;
    g.dC = g.rows, g.dB = 0;
  } else {  // destination order (s2, a, s1)
    g.rows = n2, g.batch = n1, g.sR = n0 * n1, g.sB = n0;
    g.dC = n2, g.dB = n2 * na;
  }
  transpose_block(dev, in, out, g);
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
  // The destination's fastest axis is the source's second (x->y, y->z) or third.
  const bool forward = geo.b == geo.src.order[1];
  if (geo.parts == 1) {  // a permutation within this rank: straight into the output
    pack_part(dev, geo.src, forward, 0, geo.na, in, out, 0);
    return;
  }
  W* send = reinterpret_cast<W*>(send_.data());
  W* recv = reinterpret_cast<W*>(recv_.data());
  const OrderedBox& sb = geo.src;
  const OrderedBox& db = geo.dst;
  const int d1 = db.order[1], d2 = db.order[2];
  // Pack: each part's segment in the destination's order.
  for (int q = 0; q < geo.parts; ++q) {
    const int a0 = block_start(geo.na, geo.parts, q);
    pack_part(dev, sb, forward, a0, block_size(geo.na, geo.parts, q), in, send, a0 * geo.send_plane);
  }
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
  // Unpack: each part's segment is the destination restricted along b, in
  // the destination's order: contiguous runs on both sides. This rank's own
  // segment never left the send buffer.
  for (int s = 0; s < geo.parts; ++s) {
    const int b0 = block_start(geo.nb, geo.parts, s), nb = block_size(geo.nb, geo.parts, s);
    const W* seg = s == geo.me ? send + block_start(geo.na, geo.parts, s) * geo.send_plane : recv + b0 * geo.recv_plane;
    const Strided from{0, 1, nb, static_cast<std::int64_t>(nb) * db.n[d1]};
    const Strided to{b0, 1, db.n[geo.b], static_cast<std::int64_t>(db.n[geo.b]) * db.n[d1]};
    strided_copy(dev, Range3(nb, db.n[d1], db.n[d2]), seg, from, out, to);
  }
}

}  // namespace tessera
