// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "decomposition/particle_order.hpp"

#include <cstdint>

#include "runtime/buffer.hpp"
#include "runtime/for_each.hpp"
#include "runtime/sort.hpp"

namespace tessera {

void sort_owned_by_id(Particles& p) {
  const std::int64_t n = p.owned();
  p.resize_owned(n);
  if (n == 0) return;
  const Device& dev = p.device();
  // Exactly n long: the sort works on whole buffers. Called at checkpoints
  // and restarts only, so the allocation is not per step.
  Buffer<std::int64_t> keys(dev, static_cast<std::size_t>(n));
  Buffer<std::int32_t> order(dev, static_cast<std::size_t>(n));
  const std::int64_t* id = p.id();
  std::int64_t* k = keys.data();
  std::int32_t* o = order.data();
  for_each(dev, n, [=] TESSERA_HD(int i) {
    k[i] = id[i];
    o[i] = i;
  });
  sort_pairs(keys, order);
  const std::int32_t* from = order.data();
  for (int c = 0; c < p.columns(); ++c)
    for (int q = 0; q < p.components(c); ++q) {
      const std::uint64_t* src = p.words(c, q);
      std::uint64_t* dst = p.alternate_words(c, q);
      for_each(dev, n, [=] TESSERA_HD(int i) { dst[i] = src[from[i]]; });
    }
  p.swap_alternate();
  dev.synchronize();
}

}  // namespace tessera
