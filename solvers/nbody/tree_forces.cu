// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/tree_forces.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "decomposition/transport.hpp"
#include "io/deck.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/memory.hpp"
#include "runtime/reduce.hpp"
#include "runtime/scan.hpp"
#include "runtime/sort.hpp"
#include "runtime/timers.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::nbody {

namespace {

constexpr int kRecord = 6;  // a migrating body: x, y, z, m, |a_old|, work of the last pass
constexpr int kResult = 5;  // what comes back: ax, ay, az, pot, work of this pass
constexpr int kNode = Octree::kEssentialNode;  // an exported node: M, com, Q, its cell and links
constexpr int kBody = 4;    // an exported body: x, y, z, m
constexpr int kSamples = 256;  // key samples per rank for the splitters
// A rank's domain is described to the others by boxes of about n / this
// many bodies: more give a tighter essential tree (fewer imports) for a
// longer export walk.
constexpr int kDomainBoxes = 64;

enum Tag { kMigrate = 1, kEssential = 2, kReturn = 3 };

void magnitude(const Device& dev, std::int64_t n, const double* x, const double* y, const double* z, double* out) {
  for_each(dev, n, [=] TESSERA_HD(int i) { out[i] = sqrt(x[i] * x[i] + y[i] * y[i] + z[i] * z[i]); });
}

// Records of the own bodies in key order: rec[kRecord * s + c] = plane c of body perm[s].
void pack_records(const Device& dev, std::int64_t n, const std::int32_t* perm, const double* x, const double* y,
                  const double* z, const double* m, const double* amag, const double* cost, double* rec) {
  for_each(dev, n, [=] TESSERA_HD(int s) {
    const int i = perm[s];
    double* r = rec + kRecord * static_cast<std::int64_t>(s);
    r[0] = x[i], r[1] = y[i], r[2] = z[i], r[3] = m[i];
    r[4] = amag ? amag[i] : 0.0;
    r[5] = cost ? cost[i] : 0.0;
  });
}

// The owned records as planes (x, y, z, m, |a_old|), n apart.
void unpack_records(const Device& dev, std::int64_t n, const double* rec, double* planes) {
  for_each(dev, n, [=] TESSERA_HD(int i) {
    for (int c = 0; c < 5; ++c) planes[c * n + i] = rec[kRecord * static_cast<std::int64_t>(i) + c];
  });
}

// Results of the owned records (planes n apart) as records to send back.
void pack_results(const Device& dev, std::int64_t n, const double* planes, double* res) {
  for_each(dev, n, [=] TESSERA_HD(int i) {
    for (int c = 0; c < kResult; ++c) res[kResult * static_cast<std::int64_t>(i) + c] = planes[c * n + i];
  });
}

// Returned results (key order of the own bodies) to the outputs (input order).
void scatter_results(const Device& dev, std::int64_t n, const std::int32_t* perm, const double* res,
                     const ForceOutputs out) {
  for_each(dev, n, [=] TESSERA_HD(int s) {
    const int i = perm[s];
    const double* r = res + kResult * static_cast<std::int64_t>(s);
    out.ax[i] = r[0], out.ay[i] = r[1], out.az[i] = r[2], out.pot[i] = r[3];
    if (out.cost) out.cost[i] = r[4];
  });
}

// The bounding box (lo, hi) and smallest value of `amag` (or 0) of n bodies.
void local_box(const Device& dev, std::int64_t n, const double* x, const double* y, const double* z,
               const double* amag, double box[7]) {
  const double* c[3] = {x, y, z};
  for (int d = 0; d < 3; ++d) {
    const double* v = c[d];
    box[d] = n > 0 ? reduce_min(dev, n, [=] TESSERA_HD(int i) { return v[i]; }) : 1e300;
    box[3 + d] = n > 0 ? reduce_max(dev, n, [=] TESSERA_HD(int i) { return v[i]; }) : -1e300;
  }
  box[6] = amag && n > 0 ? reduce_min(dev, n, [=] TESSERA_HD(int i) { return amag[i]; }) : 0.0;
}

void add_planes(const Device& dev, std::int64_t n, const double* in, double* out) {
  for_each(dev, n, [=] TESSERA_HD(int i) { out[i] += in[i]; });
}

template <class T>
void ensure(const Device& dev, Buffer<T>& b, std::size_t n) {
  if (b.size() < n) b = Buffer<T>(dev, std::max<std::size_t>(n, b.size() + b.size() / 2));
}

class TreeForces final : public ForceProvider {
 public:
  explicit TreeForces(const ProviderContext& c)
      : dev_(c.run->device), rank_(c.run->rank), size_(c.run->size), params_(c.gravity), total_(c.total),
        open_(opening_from_deck(*c.deck)), timers_(c.run->timers), tree_(dev_), import_tree_(dev_) {
    if (size_ > 1) transport_ = transport_from_deck(*c.deck, dev_);
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
    ensure(dev_, amag_, static_cast<std::size_t>(std::max<std::int64_t>(1, b.n)));
    if (relative) magnitude(dev_, b.n, out.ax, out.ay, out.az, amag_.data());
    first_pass_ = false;
    if (size_ == 1) {
      tree_.build(Sources{b.x, b.y, b.z, b.m, b.n}, open_, &tm);
      auto s = tm.scope("tree walk");
      Targets t{b.x, b.y, b.z, b.n, out.ax, out.ay, out.az, out.pot};
      last_ = tree_.walk(params_, open_, t, 0, relative ? amag_.data() : nullptr);
      if (out.cost) tree_.target_costs(out.cost, 0.0);
      if (!walk_reported_ && b.n > 0)
        logging::info(strfmt("nbody.tree: interactions per body %.0f",
                             (last_.body_interactions + last_.node_interactions) / static_cast<double>(b.n)));
      walk_reported_ = true;
      return;
    }
    {
      auto s = tm.scope("tree exchange");
      migrate(b, out, relative);
    }
    const std::int64_t n = owned_;
    const double* o = planes_.data();
    const double *ox = o, *oy = o + n, *oz = o + 2 * n, *om = o + 3 * n, *oa = o + 4 * n;
    if (n > 0) tree_.build(Sources{ox, oy, oz, om, n}, open_, &tm);
    {
      auto s = tm.scope("tree exchange");
      exchange_essential(relative);
    }
    {
      auto s = tm.scope("tree walk");
      ensure(dev_, result_planes_, static_cast<std::size_t>(kResult * std::max<std::int64_t>(1, n)));
      double* r = result_planes_.data();
      if (n > 0) {
        Targets t{ox, oy, oz, n, r, r + n, r + 2 * n, r + 3 * n};
        last_ = tree_.walk(params_, open_, t, 0, relative ? oa : nullptr);
        tree_.target_costs(r + 4 * n, 0.0);
        // The other ranks' essential trees, walked as one tree by the same
        // groups with the same criterion: a group far from a rank's domain
        // stops at coarser nodes than the domain as a whole needed.
        imported_walk_ = {};
        if (imported_nodes_ > 0) {
          ensure(dev_, import_out_, static_cast<std::size_t>(4 * n));
          double* e = import_out_.data();
          imported_walk_ = import_tree_.walk(params_, open_, Targets{ox, oy, oz, n, e, e + n, e + 2 * n, e + 3 * n}, -1,
                                             relative ? oa : nullptr);
          import_tree_.target_costs(r + 4 * n, 0.0, true);
          add_planes(dev_, 4 * n, e, r);
        }
      }
    }
    {
      auto s = tm.scope("tree exchange");
      send_back(b.n, out);
    }
    if (!walk_reported_) {
      // Once a run: what the walks cost a body, own tree and the others'
      // (one rank's walk costs about the sum).
      const double owned = collectives::sum(static_cast<double>(owned_));
      const double own = collectives::sum(last_.body_interactions + last_.node_interactions);
      const double others = collectives::sum(imported_walk_.body_interactions + imported_walk_.node_interactions);
      logging::info(strfmt("nbody.tree: interactions per body %.0f on the own rank's tree, %.0f on the others' "
                           "essential trees",
                           owned > 0 ? own / owned : 0.0, owned > 0 ? others / owned : 0.0));
      walk_reported_ = true;
    }
  }

  // 1. Ownership: each rank owns a contiguous range of Morton keys (of the
  // global bounding cube) of about equal work (the last pass's per body,
  // body counts before there is one); the own bodies' records (position,
  // mass, |a_old|, work) go to their owners, all to all over the Transport.
  void migrate(const BodyColumns& b, const ForceOutputs& out, bool relative) {
    const std::int64_t n = b.n;
    double box[7];
    local_box(dev_, n, b.x, b.y, b.z, nullptr, box);
    double lo[3], size = 0;
    for (int d = 0; d < 3; ++d) {
      lo[d] = collectives::min(box[d]);
      const double hi = collectives::max(box[3 + d]);
      size = std::max(size, hi - lo[d]);
    }
    size = size > 0 ? size * (1 + 1e-9) : 1.0;
    // The key sort takes buffers of exactly n: kept while n is (a rank's
    // bodies stay where they are, so every step after the first).
    if (keys_.size() != static_cast<std::size_t>(n)) keys_ = Buffer<std::uint64_t>(dev_, static_cast<std::size_t>(n));
    if (perm_.size() != static_cast<std::size_t>(n)) perm_ = Buffer<std::int32_t>(dev_, static_cast<std::size_t>(n));
    if (n > 0) {
      morton_keys(dev_, lo, size, b.x, b.y, b.z, n, keys_.data(), perm_.data());
      sort_pairs(keys_, perm_);
    }
    ensure(dev_, send_, static_cast<std::size_t>(kRecord * std::max<std::int64_t>(1, n)));
    pack_records(dev_, n, perm_.data(), b.x, b.y, b.z, b.m, relative ? amag_.data() : nullptr, out.cost, send_.data());

    // Splitters from weighted key samples of every rank (the same on all).
    // The running work is a scan on the device and each sample a binary
    // search in it, so only the samples come to the host, not every key
    // and record (at 32M bodies a rank, 1.8 GB a step). The weights are
    // whole interaction counts, so the double scan is exact in any order
    // and the samples are the same as a serial pass would pick.
    ensure(dev_, cum_, static_cast<std::size_t>(std::max<std::int64_t>(1, n)));
    double* cum = cum_.data();
    const double* rec = send_.data();
    const double local_cost =
        reduce_sum(dev_, n, [=] TESSERA_HD(int s) { return rec[kRecord * static_cast<std::int64_t>(s) + 5]; });
    const bool by_cost = collectives::sum(local_cost) > 0;
    for_each(dev_, n, [=] TESSERA_HD(int s) {
      const double c = rec[kRecord * static_cast<std::int64_t>(s) + 5];
      cum[s] = by_cost ? (c > 0 ? c : 1.0) : 1.0;
    });
    const double run = n > 0 ? exclusive_scan(dev_, cum, cum, n) : 0.0;
    // cum[s] is now the work before s; sample j closes at the first s whose
    // work through s reaches run * j / kSamples (the last body at most).
    ensure(dev_, sample_work_, static_cast<std::size_t>(kSamples));
    ensure(dev_, sample_keys_, static_cast<std::size_t>(kSamples));
    double* swork = sample_work_.data();
    std::uint64_t* skey = sample_keys_.data();
    const std::uint64_t* skeys = keys_.data();
    const std::int64_t cn = n;
    if (n > 0)
      for_each(dev_, kSamples, [=] TESSERA_HD(int j) {
        const double target = run * (j + 1) / kSamples;
        std::int64_t lo = 0, hi = cn - 1;  // first s with cum[s] + w[s] >= target, else the last
        while (lo < hi) {
          const std::int64_t mid = lo + (hi - lo) / 2;
          const double c = rec[kRecord * mid + 5];
          const double through = cum[mid] + (by_cost ? (c > 0 ? c : 1.0) : 1.0);
          if (through < target) lo = mid + 1;
          else hi = mid;
        }
        const double c = rec[kRecord * lo + 5];
        swork[j] = cum[lo] + (by_cost ? (c > 0 ? c : 1.0) : 1.0);
        skey[j] = skeys[lo];
      });
    std::vector<double> through(static_cast<std::size_t>(kSamples));
    std::vector<std::uint64_t> sample_key(static_cast<std::size_t>(kSamples));
    if (n > 0) {
      memory::copy(through.data(), Device::host(), swork, dev_, through.size() * sizeof(double));
      memory::copy(sample_key.data(), Device::host(), skey, dev_, sample_key.size() * sizeof(std::uint64_t));
    }
    // Each sample: the key closing a run of about run / kSamples weight, and that weight.
    struct Sample {
      std::uint64_t key;
      double weight;
    };
    std::vector<Sample> mine;
    double prev = 0;
    for (int j = 0; j < kSamples && n > 0; ++j)
      if (through[j] > prev) mine.push_back({sample_key[j], through[j] - prev}), prev = through[j];
    std::string bytes(mine.size() * sizeof(Sample), '\0');
    if (!mine.empty()) std::memcpy(bytes.data(), mine.data(), bytes.size());
    std::vector<Sample> all;
    for (const std::string& r : collectives::all_gather(bytes)) {
      const std::size_t k = r.size() / sizeof(Sample);
      const std::size_t at = all.size();
      all.resize(at + k);
      if (k) std::memcpy(all.data() + at, r.data(), r.size());
    }
    std::stable_sort(all.begin(), all.end(), [](const Sample& a, const Sample& b) { return a.key < b.key; });
    double total = 0;
    for (const Sample& x : all) total += x.weight;
    // Rank r owns keys in [split[r - 1], split[r]) (split[-1] = 0, split[size - 1] = max).
    std::vector<std::uint64_t> split(static_cast<std::size_t>(size_ - 1), ~0ULL);
    double acc = 0;
    int r = 1;
    for (const Sample& x : all) {
      acc += x.weight;
      while (r < size_ && acc >= total * r / size_) split[r++ - 1] = x.key + 1;
    }
    // Bodies per owner (own keys sorted: contiguous runs).
    ensure(dev_, cuts_, static_cast<std::size_t>(size_));
    ensure(dev_, splits_, static_cast<std::size_t>(size_));
    memory::copy(splits_.data(), dev_, split.data(), Device::host(), split.size() * sizeof(std::uint64_t));
    std::int64_t* cuts = cuts_.data();
    const std::uint64_t* sp = splits_.data();
    for_each(dev_, size_ - 1, [=] TESSERA_HD(int q) {
      std::int64_t lo = 0, hi = cn;  // lower bound of sp[q] in the sorted keys
      while (lo < hi) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (skeys[mid] < sp[q]) lo = mid + 1;
        else hi = mid;
      }
      cuts[q] = lo;
    });
    send_first_.assign(static_cast<std::size_t>(size_ + 1), n);
    send_first_[0] = 0;
    if (size_ > 1)
      memory::copy(send_first_.data() + 1, Device::host(), cuts, dev_, static_cast<std::size_t>(size_ - 1) * sizeof(std::int64_t));
    std::vector<double> matrix(static_cast<std::size_t>(size_ * size_), 0.0);
    for (int q = 0; q < size_; ++q) matrix[rank_ * size_ + q] = double(send_first_[q + 1] - send_first_[q]);
    matrix = collectives::sum(matrix);
    recv_first_.assign(static_cast<std::size_t>(size_ + 1), 0);
    for (int q = 0; q < size_; ++q)
      recv_first_[q + 1] = recv_first_[q] + static_cast<std::int64_t>(matrix[q * size_ + rank_]);
    owned_ = recv_first_[size_];
    ensure(dev_, recv_, static_cast<std::size_t>(kRecord * std::max<std::int64_t>(1, owned_)));
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    for (int q = 0; q < size_; ++q) {
      const std::int64_t cs = send_first_[q + 1] - send_first_[q], cr = recv_first_[q + 1] - recv_first_[q];
      if (cs > 0) sends.push_back({q, kMigrate, send_.data() + kRecord * send_first_[q], cs * kRecord * sizeof(double)});
      if (cr > 0) recvs.push_back({q, kMigrate, recv_.data() + kRecord * recv_first_[q], cr * kRecord * sizeof(double)});
    }
    transport_->exchange(sends, recvs);
    ensure(dev_, planes_, static_cast<std::size_t>(5 * std::max<std::int64_t>(1, owned_)));
    unpack_records(dev_, owned_, recv_.data(), planes_.data());
  }

  // 2. The locally essential tree: every rank's domain boxes (its owned
  // bodies' bounds and smallest |a_old|) to all; each rank walks its tree
  // against every other rank's boxes with the walk's own criterion (the
  // nearest point of a box: conservative for every group in it) and sends
  // the reached part of its tree as a tree (octree.hpp, export_write), which
  // the receiver walks (load_essential).
  void exchange_essential(bool relative) {
    const std::int64_t n = owned_;
    const double* o = planes_.data();
    // Each rank's domain as the tight boxes of its tree's nodes that first
    // hold at most n / kDomainBoxes bodies, to every rank (padded with empty
    // boxes, lo > hi, to the most any rank has).
    std::int64_t mine = 0;
    if (n > 0) mine = tree_.domain_boxes(std::max<std::int64_t>(1, n / kDomainBoxes), relative ? o + 4 * n : nullptr, box_scratch_);
    const std::int64_t per = std::max<std::int64_t>(1, collectives::max(mine));
    std::vector<double> boxes(static_cast<std::size_t>(7 * per * size_), 0.0);
    for (std::int64_t c = mine; c < per; ++c)
      for (int d = 0; d < 3; ++d) boxes[7 * (per * rank_ + c) + d] = 1e300;
    if (mine > 0) memory::copy(boxes.data() + 7 * per * rank_, Device::host(), box_scratch_.data(), dev_,
                               static_cast<std::size_t>(7 * mine) * sizeof(double));
    std::vector<double> has(static_cast<std::size_t>(size_), 0.0);
    has[rank_] = n > 0;
    boxes = collectives::sum(boxes);
    has = collectives::sum(has);
    // Device copies of the boxes, counts and offsets (kept from step to step).
    ensure(dev_, boxes_dev_, boxes.size());
    ensure(dev_, counts_dev_, static_cast<std::size_t>(2 * size_));
    ensure(dev_, offsets_dev_, static_cast<std::size_t>(size_ + 1));
    memory::copy(boxes_dev_.data(), dev_, boxes.data(), Device::host(), boxes.size() * sizeof(double));
    // Counts (nodes, bodies) for every domain; none to itself or to an empty rank.
    std::vector<std::int64_t> counts(static_cast<std::size_t>(2 * size_), 0);
    if (n > 0) {
      tree_.export_count(params_, open_, relative, boxes_dev_.data(), size_, static_cast<int>(per), rank_,
                         counts_dev_.data());
      memory::copy(counts.data(), Device::host(), counts_dev_.data(), dev_, counts.size() * sizeof(std::int64_t));
    }
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(size_ + 1), 0);
    for (int q = 0; q < size_; ++q) {
      if (q == rank_ || !(has[q] > 0)) counts[2 * q] = counts[2 * q + 1] = 0;
      offsets[q + 1] = offsets[q] + kNode * counts[2 * q] + kBody * counts[2 * q + 1];
    }
    ensure(dev_, exported_, static_cast<std::size_t>(std::max<std::int64_t>(1, offsets[size_])));
    if (n > 0 && offsets[size_] > 0) {
      memory::copy(offsets_dev_.data(), dev_, offsets.data(), Device::host(), offsets.size() * sizeof(std::int64_t));
      memory::copy(counts_dev_.data(), dev_, counts.data(), Device::host(), counts.size() * sizeof(std::int64_t));
      tree_.export_write(params_, open_, relative, boxes_dev_.data(), size_, static_cast<int>(per), counts_dev_.data(),
                         offsets_dev_.data(), exported_.data());
    }
    // Who sends whom what, then the records: into staging by source, then
    // regrouped as all nodes followed by all bodies.
    std::vector<double> matrix(static_cast<std::size_t>(2 * size_ * size_), 0.0);
    for (int q = 0; q < size_; ++q)
      for (int c = 0; c < 2; ++c) matrix[2 * (rank_ * size_ + q) + c] = static_cast<double>(counts[2 * q + c]);
    matrix = collectives::sum(matrix);
    std::vector<std::int64_t> in_nodes(static_cast<std::size_t>(size_)), in_bodies(static_cast<std::size_t>(size_));
    std::vector<std::int64_t> in_at(static_cast<std::size_t>(size_ + 1), 0);
    for (int q = 0; q < size_; ++q) {
      in_nodes[q] = static_cast<std::int64_t>(matrix[2 * (q * size_ + rank_)]);
      in_bodies[q] = static_cast<std::int64_t>(matrix[2 * (q * size_ + rank_) + 1]);
      in_at[q + 1] = in_at[q] + kNode * in_nodes[q] + kBody * in_bodies[q];
    }
    ensure(dev_, staging_, static_cast<std::size_t>(std::max<std::int64_t>(1, in_at[size_])));
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    for (int q = 0; q < size_; ++q) {
      const std::int64_t cs = offsets[q + 1] - offsets[q], cr = in_at[q + 1] - in_at[q];
      if (cs > 0) sends.push_back({q, kEssential, exported_.data() + offsets[q], cs * sizeof(double)});
      if (cr > 0) recvs.push_back({q, kEssential, staging_.data() + in_at[q], cr * sizeof(double)});
    }
    transport_->exchange(sends, recvs);
    imported_nodes_ = imported_bodies_ = 0;
    for (int q = 0; q < size_; ++q) imported_nodes_ += in_nodes[q], imported_bodies_ += in_bodies[q];
    imported_bytes_ = static_cast<double>(in_at[size_]) * sizeof(double);
    if (!imports_reported_) {
      // Once a run: what the essential tree costs the busiest rank.
      const double most = collectives::max(imported_bytes_);
      const double bodies = collectives::max(static_cast<double>(imported_bodies_));
      const double nodes = collectives::max(static_cast<double>(imported_nodes_));
      const double owned = collectives::max(static_cast<double>(owned_));
      logging::info(strfmt("nbody.tree: essential tree on %d ranks, busiest rank imports %.3g MB (at most %.0f "
                           "node records, %.0f bodies; at most %.0f bodies owned)",
                           size_, most / 1e6, nodes, bodies, owned));
      imports_reported_ = true;
    }
    if (imported_nodes_ > 0) {
      double lo[3], cube;
      tree_.frame(lo, cube);
      import_tree_.load_essential(staging_.data(), in_at, in_nodes, in_bodies, lo, cube, open_);
    }
  }

  // 3. The owned records' results travel back to the ranks they came from,
  // in the order they came, and land on the bodies in input order.
  void send_back(std::int64_t n, const ForceOutputs& out) {
    ensure(dev_, result_send_, static_cast<std::size_t>(kResult * std::max<std::int64_t>(1, owned_)));
    pack_results(dev_, owned_, result_planes_.data(), result_send_.data());
    ensure(dev_, result_recv_, static_cast<std::size_t>(kResult * std::max<std::int64_t>(1, n)));
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    for (int q = 0; q < size_; ++q) {
      const std::int64_t cs = recv_first_[q + 1] - recv_first_[q], cr = send_first_[q + 1] - send_first_[q];
      if (cs > 0)
        sends.push_back({q, kReturn, result_send_.data() + kResult * recv_first_[q], cs * kResult * sizeof(double)});
      if (cr > 0)
        recvs.push_back({q, kReturn, result_recv_.data() + kResult * send_first_[q], cr * kResult * sizeof(double)});
    }
    transport_->exchange(sends, recvs);
    scatter_results(dev_, n, perm_.data(), result_recv_.data(), out);
  }

 private:
  Device dev_;
  int rank_ = 0, size_ = 1;
  GravityParams params_;
  std::int64_t total_ = 0;
  OpeningParams open_;
  Timers* timers_ = nullptr;
  Timers untimed_;
  Octree tree_, import_tree_;
  bool first_pass_ = true;
  bool imports_reported_ = false, walk_reported_ = false;
  WalkCounts imported_walk_;
  WalkCounts last_;
  std::unique_ptr<Transport> transport_;
  Buffer<double> amag_;
  // Several ranks: own bodies' keys and key order, the records sent to and
  // received from each owner (first record per rank), the owned records as
  // planes, the essential tree exported and imported, the results.
  Buffer<std::uint64_t> keys_, splits_;
  Buffer<std::int32_t> perm_;
  // Splitters: work before each own body, the samples' work and keys, the
  // first own body of each owner after the first.
  Buffer<double> cum_, sample_work_;
  Buffer<std::uint64_t> sample_keys_;
  Buffer<std::int64_t> cuts_;
  // The essential tree's export: the domains' boxes, counts and offsets.
  Buffer<double> boxes_dev_;
  Buffer<std::int64_t> counts_dev_, offsets_dev_;
  Buffer<double> box_scratch_, import_out_;
  Buffer<double> send_, recv_, planes_, exported_, staging_, result_planes_, result_send_, result_recv_;
  std::vector<std::int64_t> send_first_, recv_first_;
  std::int64_t owned_ = 0, imported_nodes_ = 0, imported_bodies_ = 0;
  double imported_bytes_ = 0;
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
  const std::string walk = d.string("physics.tree_gpu_walk");
  if (walk == "warp") p.gpu_walk = OpeningParams::GpuWalk::Warp;
  else if (walk == "portable") p.gpu_walk = OpeningParams::GpuWalk::Portable;
  else throw InputError(strfmt("[physics] tree_gpu_walk = \"%s\": expected \"portable\" or \"warp\"", walk.c_str()));
  return p;
}

std::unique_ptr<ForceProvider> make_tree_forces(const ProviderContext& c) { return std::make_unique<TreeForces>(c); }

}  // namespace tessera::nbody
