// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/tree_forces.hpp"

#include "decomposition/transport.hpp"
#include "io/deck.hpp"
#include "runtime/buffer.hpp"
#include "runtime/for_each.hpp"
#include "runtime/timers.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::nbody {

namespace {

void copy_block(const Device& dev, std::int64_t n, const double* const* in, double* out, std::int64_t stride) {
  const double *a0 = in[0], *a1 = in[1], *a2 = in[2], *a3 = in[3];
  for_each(dev, n, [=] TESSERA_HD(int i) {
    out[i] = a0[i], out[stride + i] = a1[i], out[2 * stride + i] = a2[i], out[3 * stride + i] = a3[i];
  });
}

class TreeForces final : public ForceProvider {
 public:
  explicit TreeForces(const ProviderContext& c)
      : dev_(c.run->device), rank_(c.run->rank), size_(c.run->size), params_(c.gravity), total_(c.total),
        open_(opening_from_deck(*c.deck)), timers_(c.run->timers), tree_(dev_) {
    if (size_ > 1) {
      transport_ = transport_from_deck(*c.deck, dev_);
      nmax_ = (total_ + size_ - 1) / size_;
      for (auto& b : ring_) b = Buffer<double>(dev_, static_cast<std::size_t>(4 * nmax_));
      all_ = Buffer<double>(dev_, static_cast<std::size_t>(4 * total_));
    }
  }

  FigureOfMerit figure_of_merit() const override {
    const double n = static_cast<double>(total_);
    return {"direct-equivalent interactions/s", n * (n - 1)};
  }

  void compute(const BodyColumns& b, const ForceOutputs& out) override {
    Sources src{b.x, b.y, b.z, b.m, b.n};
    std::int64_t self = 0;
    Timers& tm = timers_ ? *timers_ : untimed_;
    if (size_ > 1) {
      auto s = tm.scope("tree exchange");
      gather_all(b);
      const double* a = all_.data();
      src = Sources{a, a + total_, a + 2 * total_, a + 3 * total_, total_};
      self = first(rank_);
    }
    tree_.build(src, open_, timers_);
    auto s = tm.scope("tree walk");
    const double* old[3] = {out.ax, out.ay, out.az};
    Targets t{b.x, b.y, b.z, b.n, out.ax, out.ay, out.az, out.pot};
    last_ = tree_.walk(params_, open_, t, self, first_pass_ ? nullptr : old);
    first_pass_ = false;
  }

  std::int64_t first(int r) const { return total_ * r / size_; }

  // Every rank's bodies, in rank order, into all_ (x, y, z, m planes of
  // total_): the own block, then each other rank's as it comes around the ring.
  void gather_all(const BodyColumns& b) {
    const double* own[4] = {b.x, b.y, b.z, b.m};
    copy_block(dev_, b.n, own, ring_[0].data(), nmax_);
    int cur = 0;
    for (int hop = 0; hop < size_; ++hop) {
      const int source_rank = (rank_ - hop + size_) % size_;
      const bool more = hop + 1 < size_;
      if (more) {
        const std::size_t bytes = static_cast<std::size_t>(4 * nmax_) * sizeof(double);
        transport_->begin({{(rank_ + 1) % size_, hop, ring_[cur].data(), bytes}},
                          {{(rank_ - 1 + size_) % size_, hop, ring_[1 - cur].data(), bytes}});
      }
      const double* s = ring_[cur].data();
      const double* in[4] = {s, s + nmax_, s + 2 * nmax_, s + 3 * nmax_};
      const std::int64_t ns = first(source_rank + 1) - first(source_rank);
      double* a = all_.data() + first(source_rank);
      const double* planes[4] = {in[0], in[1], in[2], in[3]};
      copy_planes(ns, planes, a);
      if (more) {
        transport_->finish();
        cur = 1 - cur;
      }
    }
  }

  void copy_planes(std::int64_t n, const double* const* in, double* out) {
    const double *a0 = in[0], *a1 = in[1], *a2 = in[2], *a3 = in[3];
    const std::int64_t stride = total_;
    for_each(dev_, n, [=] TESSERA_HD(int i) {
      out[i] = a0[i], out[stride + i] = a1[i], out[2 * stride + i] = a2[i], out[3 * stride + i] = a3[i];
    });
  }

 private:
  Device dev_;
  int rank_ = 0, size_ = 1;
  GravityParams params_;
  std::int64_t total_ = 0, nmax_ = 0;
  OpeningParams open_;
  Timers* timers_ = nullptr;
  Timers untimed_;
  Octree tree_;
  bool first_pass_ = true;
  WalkCounts last_;
  std::unique_ptr<Transport> transport_;
  Buffer<double> ring_[2], all_;
};

}  // namespace

OpeningParams opening_from_deck(const deck::Deck& d) {
  OpeningParams p;
  p.criterion = d.string("physics.opening") == "relative" ? OpeningParams::Criterion::Relative
                                                         : OpeningParams::Criterion::Theta;
  p.theta = d.real("physics.theta");
  p.force_accuracy = d.real("physics.force_accuracy");
  p.quadrupole = d.boolean("physics.quadrupole");
  p.leaf_size = static_cast<int>(d.integer("physics.leaf_size"));
  p.group_size = static_cast<int>(d.integer("physics.group_size"));
  return p;
}

std::unique_ptr<ForceProvider> make_tree_forces(const ProviderContext& c) { return std::make_unique<TreeForces>(c); }

}  // namespace tessera::nbody
