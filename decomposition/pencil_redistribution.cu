// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "decomposition/pencil_redistribution.hpp"

#include <algorithm>

#include "decomposition/halo_exchange.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"

namespace tessera {

namespace {

struct alignas(16) Word16 {
  double a, b;
};

Range3 intersect(const Range3& a, const Range3& b) {
  Range3 r;
  for (int d = 0; d < 3; ++d) {
    r.lo[d] = std::max(a.lo[d], b.lo[d]);
    r.hi[d] = std::max(r.lo[d], std::min(a.hi[d], b.hi[d]));
  }
  return r;
}

// Copies the cells of `box` (global indices) between two arrays that cover
// it, each addressed through its own global box.
template <class W>
void copy_box(const Device& dev, const Range3& box, const W* src, const Range3& src_box, W* dst, const Range3& dst_box) {
  const Span3<const W> from(src, src_box);
  const Span3<W> to(dst, dst_box);
  for_each(dev, box, [=] TESSERA_HD(int i, int j, int k) { to(i, j, k) = from(i, j, k); });
}

}  // namespace

PencilRedistribution::PencilRedistribution(const CartesianLayout& blocks, const PencilLayout& pencils,
                                           Transport& transport, std::size_t element_bytes, int ghosts)
    : transport_(transport), element_bytes_(element_bytes), rank_(blocks.rank()) {
  const Range3 g = blocks.global();
  const std::array<int, 3> cells{g.hi[0], g.hi[1], g.hi[2]};
  if (cells != pencils.cells())
    throw Error(strfmt("PencilRedistribution: the blocks cover %d x %d x %d cells, the pencils %d x %d x %d", cells[0],
                       cells[1], cells[2], pencils.cells()[0], pencils.cells()[1], pencils.cells()[2]));
  if (blocks.size() != pencils.size() || blocks.rank() != pencils.rank())
    throw Error(strfmt("PencilRedistribution: blocks for rank %d of %d, pencils for rank %d of %d", blocks.rank(),
                       blocks.size(), pencils.rank(), pencils.size()));
  if (element_bytes != 4 && element_bytes != 8 && element_bytes != 16)
    throw Error(strfmt("PencilRedistribution: elements of %zu bytes; 4, 8 or 16 are supported", element_bytes));
  const Range3 own = blocks.owned();
  storage_ = HaloExchange<double>::storage_box(blocks, ghosts);
  for (int d = 0; d < 3; ++d) storage_.lo[d] += own.lo[d], storage_.hi[d] += own.lo[d];
  pencil_ = pencils.box(Pencil::X);
  self_ = intersect(own, pencil_);
  std::int64_t out = 0, in = 0;
  for (int r = 0; r < blocks.size(); ++r) {
    if (r == rank_) continue;
    const Range3 give = intersect(own, pencils.box_of(Pencil::X, r));
    const Range3 take = intersect(blocks.owned_of(r), pencil_);
    if (!give.empty()) block_pieces_.push_back({r, give, out}), out += give.size();
    if (!take.empty()) pencil_pieces_.push_back({r, take, in}), in += take.size();
  }
  if (out > 0) send_ = Buffer<std::byte>(transport.device(), static_cast<std::size_t>(out) * element_bytes);
  if (in > 0) recv_ = Buffer<std::byte>(transport.device(), static_cast<std::size_t>(in) * element_bytes);
}

void PencilRedistribution::check_element(std::size_t bytes) const {
  if (bytes != element_bytes_)
    throw Error(strfmt("PencilRedistribution built for %zu-byte elements was handed %zu-byte elements",
                       element_bytes_, bytes));
}

void PencilRedistribution::to_pencils(const void* field, void* pencil) {
  switch (element_bytes_) {
    case 4: move(true, static_cast<const float*>(field), static_cast<float*>(pencil)); break;
    case 8: move(true, static_cast<const double*>(field), static_cast<double*>(pencil)); break;
    default: move(true, static_cast<const Word16*>(field), static_cast<Word16*>(pencil)); break;
  }
}

void PencilRedistribution::from_pencils(const void* pencil, void* field) {
  switch (element_bytes_) {
    case 4: move(false, static_cast<const float*>(pencil), static_cast<float*>(field)); break;
    case 8: move(false, static_cast<const double*>(pencil), static_cast<double*>(field)); break;
    default: move(false, static_cast<const Word16*>(pencil), static_cast<Word16*>(field)); break;
  }
}

// forward: block field -> pencil; backward: pencil -> block field, with the
// roles of the two piece lists swapped.
template <class W>
void PencilRedistribution::move(bool forward, const W* from, W* to) {
  const Device& dev = transport_.device();
  const Range3& from_box = forward ? storage_ : pencil_;
  const Range3& to_box = forward ? pencil_ : storage_;
  const auto& out_pieces = forward ? block_pieces_ : pencil_pieces_;
  const auto& in_pieces = forward ? pencil_pieces_ : block_pieces_;
  W* send = reinterpret_cast<W*>(forward ? send_.data() : recv_.data());
  W* recv = reinterpret_cast<W*>(forward ? recv_.data() : send_.data());
  std::vector<SendMessage> sends;
  std::vector<RecvMessage> recvs;
  constexpr int tag = 7200;
  for (const Piece& p : out_pieces) {
    copy_box(dev, p.box, from, from_box, send + p.at, p.box);
    sends.push_back({p.peer, tag, send + p.at, static_cast<std::size_t>(p.box.size()) * sizeof(W)});
  }
  for (const Piece& p : in_pieces)
    recvs.push_back({p.peer, tag, recv + p.at, static_cast<std::size_t>(p.box.size()) * sizeof(W)});
  copy_box(dev, self_, from, from_box, to, to_box);
  if (!sends.empty() || !recvs.empty()) transport_.exchange(sends, recvs);
  for (const Piece& p : in_pieces) copy_box(dev, p.box, static_cast<const W*>(recv + p.at), p.box, to, to_box);
}

}  // namespace tessera
