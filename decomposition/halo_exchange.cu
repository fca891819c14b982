// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "decomposition/halo_exchange.hpp"

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"

namespace tessera {

template <class T>
Range3 HaloExchange<T>::storage_box(const CartesianLayout& layout, int ghosts) {
  const auto n = layout.local_cells();
  Range3 r;
  for (int d = 0; d < 3; ++d) {
    const int g = layout.active(d) ? ghosts : 0;
    r.lo[d] = -g;
    r.hi[d] = n[d] + g;
  }
  return r;
}

namespace {

// Position of local cell (i, j, k) within its component, and within a slab
// packed x fastest.
TESSERA_HD inline std::int64_t offset_in(const Range3& r, int i, int j, int k) {
  return (i - r.lo[0]) + static_cast<std::int64_t>(r.hi[0] - r.lo[0]) *
                             ((j - r.lo[1]) + static_cast<std::int64_t>(r.hi[1] - r.lo[1]) * (k - r.lo[2]));
}

template <class T>
void pack_slab(const Device& dev, const T* field, const Range3& box, int ncomp, const Range3& slab, T* buffer) {
  const std::int64_t stride = box.size(), slab_size = slab.size();
  for_each(dev, slab, [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t at = offset_in(slab, i, j, k), from = offset_in(box, i, j, k);
    for (int c = 0; c < ncomp; ++c) buffer[c * slab_size + at] = field[c * stride + from];
  });
}

template <class T>
void unpack_slab(const Device& dev, T* field, const Range3& box, int ncomp, const Range3& slab, const T* buffer) {
  const std::int64_t stride = box.size(), slab_size = slab.size();
  for_each(dev, slab, [=] TESSERA_HD(int i, int j, int k) {
    const std::int64_t at = offset_in(slab, i, j, k), to = offset_in(box, i, j, k);
    for (int c = 0; c < ncomp; ++c) field[c * stride + to] = buffer[c * slab_size + at];
  });
}

// One rank along a periodic axis: each lower ghost layer copies the owned
// layer one period (n cells) up, each upper ghost the owned layer n down.
// `lower_ghosts` is the slab [-g, 0) along `axis`; one thread serves a lower
// ghost and its upper twin (n + g cells further).
template <class T>
void copy_periodic_slabs(const Device& dev, T* field, const Range3& box, int ncomp, const Range3& lower_ghosts,
                         int axis, int n, int g) {
  const std::int64_t stride = box.size();
  for_each(dev, lower_ghosts, [=] TESSERA_HD(int i, int j, int k) {
    int at[3] = {i, j, k};
    const std::int64_t ghost_lo = offset_in(box, at[0], at[1], at[2]);
    at[axis] += n;  // owned source of the lower ghost
    const std::int64_t src_lo = offset_in(box, at[0], at[1], at[2]);
    at[axis] += g;  // the matching upper ghost, in [n, n + g)
    const std::int64_t ghost_hi = offset_in(box, at[0], at[1], at[2]);
    at[axis] -= n;  // its owned source, in [0, g)
    const std::int64_t src_hi = offset_in(box, at[0], at[1], at[2]);
    for (int c = 0; c < ncomp; ++c) {
      field[c * stride + ghost_lo] = field[c * stride + src_lo];
      field[c * stride + ghost_hi] = field[c * stride + src_hi];
    }
  });
}

}  // namespace

template <class T>
HaloExchange<T>::HaloExchange(const CartesianLayout& layout, Transport& transport, int components, int ghosts)
    : layout_(layout), transport_(transport), components_(components), ghosts_(ghosts),
      box_(storage_box(layout, ghosts)) {
  TESSERA_REQUIRE(components >= 1 && ghosts >= 1, "HaloExchange needs components >= 1 and ghosts >= 1");
  const auto n = layout.local_cells();
  const Device& dev = transport.device();
  for (int d = 0; d < 3; ++d) {
    Axis& a = axes_[d];
    a.active = layout.active(d);
    if (!a.active) continue;
    std::array<int, 3> down{0, 0, 0}, up{0, 0, 0};
    down[d] = -1;
    up[d] = 1;
    a.lower = layout.neighbour(down).rank;
    a.upper = layout.neighbour(up).rank;
    a.self = layout.periodic(d) && layout.process_grid()[d] == 1;
    // Axes already exchanged contribute their ghosts (corners ride along);
    // later axes only their owned range.
    Range3 slab;
    for (int e = 0; e < 3; ++e) {
      const bool with_ghosts = e < d && axes_[e].active;
      slab.lo[e] = with_ghosts ? -ghosts : 0;
      slab.hi[e] = with_ghosts ? n[e] + ghosts : n[e];
    }
    a.send_lower = a.send_upper = a.recv_lower = a.recv_upper = slab;
    a.send_lower.lo[d] = 0, a.send_lower.hi[d] = ghosts;
    a.send_upper.lo[d] = n[d] - ghosts, a.send_upper.hi[d] = n[d];
    a.recv_lower.lo[d] = -ghosts, a.recv_lower.hi[d] = 0;
    a.recv_upper.lo[d] = n[d], a.recv_upper.hi[d] = n[d] + ghosts;
    if (a.self) continue;
    const auto count = static_cast<std::size_t>(slab.size() / slab.extent(d) * ghosts * components);
    if (a.lower >= 0) a.out_lower = Buffer<T>(dev, count), a.in_lower = Buffer<T>(dev, count);
    if (a.upper >= 0) a.out_upper = Buffer<T>(dev, count), a.in_upper = Buffer<T>(dev, count);
  }
}

template <class T>
void HaloExchange<T>::exchange(T* field) {
  for (int d = 0; d < 3; ++d) {
    Axis& a = axes_[d];
    if (!a.active) continue;
    const Device& dev = transport_.device();
    if (a.self) {
      copy_periodic_slabs(dev, field, box_, components_, a.recv_lower, d, layout_.local_cells()[d], ghosts_);
      continue;
    }
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    // Tags name the direction of travel along the axis: 2d going down, 2d+1 up.
    if (a.lower >= 0) {
      pack_slab(dev, static_cast<const T*>(field), box_, components_, a.send_lower, a.out_lower.data());
      sends.push_back({a.lower, 2 * d, a.out_lower.data(), a.out_lower.size() * sizeof(T)});
      recvs.push_back({a.lower, 2 * d + 1, a.in_lower.data(), a.in_lower.size() * sizeof(T)});
    }
    if (a.upper >= 0) {
      pack_slab(dev, static_cast<const T*>(field), box_, components_, a.send_upper, a.out_upper.data());
      sends.push_back({a.upper, 2 * d + 1, a.out_upper.data(), a.out_upper.size() * sizeof(T)});
      recvs.push_back({a.upper, 2 * d, a.in_upper.data(), a.in_upper.size() * sizeof(T)});
    }
    if (sends.empty()) continue;
    transport_.exchange(sends, recvs);
    if (a.lower >= 0) unpack_slab(dev, field, box_, components_, a.recv_lower, static_cast<const T*>(a.in_lower.data()));
    if (a.upper >= 0) unpack_slab(dev, field, box_, components_, a.recv_upper, static_cast<const T*>(a.in_upper.data()));
  }
}

template class HaloExchange<double>;
template class HaloExchange<float>;

}  // namespace tessera
