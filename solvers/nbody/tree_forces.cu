// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/tree_forces.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "decomposition/transport.hpp"
#include "io/deck.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/for_each.hpp"
#include "runtime/timers.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::nbody {

namespace {

constexpr int kGather = 5;  // x, y, z, m, |a_old| travel around the ring
constexpr int kResult = 4;  // ax, ay, az, pot come back

// Planes of `n` values from `in` (null planes: zeros) into out, `stride` apart.
void copy_planes(const Device& dev, std::int64_t n, const double* const* in, int planes, double* out,
                 std::int64_t stride) {
  for (int c = 0; c < planes; ++c) {
    const double* a = in[c];
    double* o = out + c * stride;
    for_each(dev, n, [=] TESSERA_HD(int i) { o[i] = a ? a[i] : 0.0; });
  }
}

void magnitude(const Device& dev, std::int64_t n, const double* x, const double* y, const double* z, double* out) {
  for_each(dev, n, [=] TESSERA_HD(int i) { out[i] = sqrt(x[i] * x[i] + y[i] * y[i] + z[i] * z[i]); });
}

// Own bodies' results from the gathered results in key order.
void pick_own(const Device& dev, std::int64_t n, std::int64_t first, const std::int32_t* key_position,
              const double* all, std::int64_t stride, const ForceOutputs& out) {
  double *ax = out.ax, *ay = out.ay, *az = out.az, *pot = out.pot;
  for_each(dev, n, [=] TESSERA_HD(int i) {
    const std::int64_t s = key_position[first + i];
    ax[i] = all[s], ay[i] = all[stride + s], az[i] = all[2 * stride + s], pot[i] = all[3 * stride + s];
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
      all_ = Buffer<double>(dev_, static_cast<std::size_t>(kGather * total_));
      results_ = Buffer<double>(dev_, static_cast<std::size_t>(kResult * total_));
    }
    amag_ = Buffer<double>(dev_, static_cast<std::size_t>(std::max<std::int64_t>(1, nmax_ ? nmax_ : total_)));
  }

  FigureOfMerit figure_of_merit() const override {
    const double n = static_cast<double>(total_);
    return {"direct-equivalent interactions/s", n * (n - 1)};
  }

  void compute(const BodyColumns& b, const ForceOutputs& out) override {
    Timers& tm = timers_ ? *timers_ : untimed_;
    // The relative criterion needs the last pass's |a| (the outputs still
    // hold it; after a restart, the checkpoint's); the first pass uses theta.
    const bool relative = open_.criterion == OpeningParams::Criterion::Relative && !first_pass_;
    if (relative) magnitude(dev_, b.n, out.ax, out.ay, out.az, amag_.data());
    first_pass_ = false;
    if (size_ == 1) {
      tree_.build(Sources{b.x, b.y, b.z, b.m, b.n}, open_, &tm);
      auto s = tm.scope("tree walk");
      Targets t{b.x, b.y, b.z, b.n, out.ax, out.ay, out.az, out.pot};
      last_ = tree_.walk(params_, open_, t, 0, relative ? amag_.data() : nullptr);
      return;
    }
    {
      auto s = tm.scope("tree exchange");
      const double* own[kGather] = {b.x, b.y, b.z, b.m, relative ? amag_.data() : nullptr};
      ring_gather(own, kGather, b.n, [&](int r) { return first(r); }, [&](int r) { return first(r + 1) - first(r); },
                  all_.data(), total_);
    }
    const double* a = all_.data();
    tree_.build(Sources{a, a + total_, a + 2 * total_, a + 3 * total_, total_}, open_, &tm);
    std::vector<double> cost;
    {
      auto s = tm.scope("tree walk");
      split_groups();
      const std::int64_t g0 = bounds_[rank_], g1 = bounds_[rank_ + 1];
      const std::int64_t seg = segment(rank_);
      ensure(segment_, static_cast<std::size_t>(kResult * std::max<std::int64_t>(1, seg)));
      last_ = tree_.walk_groups(params_, open_, g0, g1, relative ? a + 4 * total_ : nullptr, segment_.data(),
                                std::max<std::int64_t>(1, seg), &cost);
    }
    {
      auto s = tm.scope("tree exchange");
      // Every rank's results, in key order, then each takes its own bodies.
      const std::int64_t stride = std::max<std::int64_t>(1, segment(rank_));
      const double* mine[kResult] = {segment_.data(), segment_.data() + stride, segment_.data() + 2 * stride,
                                     segment_.data() + 3 * stride};
      ring_gather(mine, kResult, segment(rank_), [&](int r) { return bounds_[r] * open_.group_size; },
                  [&](int r) { return segment(r); }, results_.data(), total_);
      pick_own(dev_, b.n, first(rank_), tree_.key_position(), results_.data(), total_, out);
      // The cost of every group, on every rank, balances the next split.
      std::vector<double> full(static_cast<std::size_t>(tree_.groups(open_)), 0.0);
      std::copy(cost.begin(), cost.end(), full.begin() + bounds_[rank_]);
      costs_ = collectives::sum(full);
    }
  }

  std::int64_t first(int r) const { return total_ * r / size_; }
  // Bodies (in key order) of rank r's groups.
  std::int64_t segment(int r) const {
    const std::int64_t gs = open_.group_size;
    return std::min(total_, bounds_[r + 1] * gs) - std::min(total_, bounds_[r] * gs);
  }

  // Contiguous runs of groups (a segment of the Morton curve) per rank, of
  // about equal cost: the interactions each group needed last time (the
  // same numbers on every rank), or equal group counts before there is one.
  void split_groups() {
    const std::int64_t groups = tree_.groups(open_);
    bounds_.assign(static_cast<std::size_t>(size_ + 1), groups);
    bounds_[0] = 0;
    double total = 0;
    const bool have = costs_.size() == static_cast<std::size_t>(groups);
    if (have)
      for (double c : costs_) total += c;
    if (!have || !(total > 0)) {
      for (int r = 1; r < size_; ++r) bounds_[r] = groups * r / size_;
      return;
    }
    double run = 0;
    int r = 1;
    for (std::int64_t g = 0; g < groups && r < size_; ++g) {
      run += costs_[static_cast<std::size_t>(g)];
      while (r < size_ && run >= total * r / size_) bounds_[r++] = g + 1;
    }
  }

  void ensure(Buffer<double>& b, std::size_t n) {
    if (b.size() < n) b = Buffer<double>(dev_, n);
  }

  // All-gather over the ring: rank r's `count(r)` values of each of `planes`
  // planes land at offset(r) in each plane (stride `stride`) of `dst`; this
  // rank's come from `own`. Each hop's transfer overlaps nothing (the
  // copies are cheap next to the walk).
  template <class Offset, class Count>
  void ring_gather(const double* const* own, int planes, std::int64_t own_n, Offset offset, Count count, double* dst,
                   std::int64_t stride) {
    std::int64_t block = 1;
    for (int r = 0; r < size_; ++r) block = std::max(block, count(r));
    for (auto& b : ring_) ensure(b, static_cast<std::size_t>(planes * block));
    copy_planes(dev_, own_n, own, planes, ring_[0].data(), block);
    int cur = 0;
    for (int hop = 0; hop < size_; ++hop) {
      const int source = (rank_ - hop + size_) % size_;
      const bool more = hop + 1 < size_;
      if (more) {
        const std::size_t bytes = static_cast<std::size_t>(planes * block) * sizeof(double);
        transport_->begin({{(rank_ + 1) % size_, hop, ring_[cur].data(), bytes}},
                          {{(rank_ - 1 + size_) % size_, hop, ring_[1 - cur].data(), bytes}});
      }
      const double* s = ring_[cur].data();
      const double* in[kGather];
      for (int c = 0; c < planes; ++c) in[c] = s + c * block;
      copy_planes(dev_, count(source), in, planes, dst + offset(source), stride);
      if (more) {
        transport_->finish();
        cur = 1 - cur;
      }
    }
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
  Buffer<double> ring_[2], all_, results_, segment_, amag_;
  std::vector<std::int64_t> bounds_;
  std::vector<double> costs_;
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
