// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "decomposition/particle_exchange.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <utility>

#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/memory.hpp"
#include "runtime/scan.hpp"

namespace tessera {

namespace {

// Column-component pointers travel to kernels by value (kernel parameter
// space), so a pack or unpack is one launch whatever the number of columns.
constexpr int kMaxWords = 64;
struct WordTable {
  std::uint64_t* p[kMaxWords];
};

// Directions along one axis, also the last bit of every tag: a message sent
// toward the upper neighbour is received "from the lower neighbour".
constexpr int kLower = 0, kUpper = 1;

// Tags: (operation, axis, direction of travel). Two messages to one peer (two
// ranks along a periodic axis) differ in direction, hence in tag.
enum : int { kTagMigrateCount = 100, kTagMigrateData = 110, kTagGhostCount = 120, kTagGhostData = 130, kTagUpdate = 140 };
int tag(int base, int axis, int toward) { return base + 2 * axis + toward; }

// Migration classes.
constexpr std::uint8_t kStay = 0, kToLower = 1, kToUpper = 2;

// Scans pack two counts into one 64-bit word (low half, high half), so one
// scan gives both offsets; kernels index with int, so neither half overflows.
constexpr std::uint64_t kHigh = std::uint64_t{1} << 32;
constexpr std::uint64_t kLowMask = kHigh - 1;

// A particle that still crosses ranks after this many sweeps along one axis
// (times the ranks along it) has a non-finite position or moved absurdly far.
constexpr int kSweepsPerRank = 16;
constexpr int kSweepsExtra = 64;

const char* axis_name(int axis) { return axis == 0 ? "x" : axis == 1 ? "y" : "z"; }

TESSERA_HD inline double as_double(std::uint64_t w) {
  double d;
  memcpy(&d, &w, sizeof d);
  return d;
}
TESSERA_HD inline std::uint64_t as_word(double d) {
  std::uint64_t w;
  memcpy(&w, &d, sizeof w);
  return w;
}

// The periodic image of a migrating coordinate. x < lower crosses with +L;
// the sum can round to exactly `upper`, which is `lower` again (and x - L for
// x >= upper can round a hair below `lower`): snap both to `lower`, so a
// particle never bounces between the two end ranks.
TESSERA_HD inline double wrap_shift(double x, double shift, double lower, double upper) {
  double y = x + shift;
  if (shift > 0 && y >= upper && x < lower) y = lower;
  if (shift < 0 && y < lower && x >= upper) y = lower;
  return y;
}

template <class T>
void ensure(Buffer<T>& b, const Device& dev, std::int64_t n) {
  if (static_cast<std::int64_t>(b.size()) >= n) return;
  const std::int64_t grown = std::max<std::int64_t>({n, static_cast<std::int64_t>(b.size()) * 3 / 2, 64});
  b = Buffer<T>(dev, static_cast<std::size_t>(grown));
}

// The neighbour across one face. The layout gives inactive axes (one cell)
// no neighbours, which suits grids; particles on a periodic inactive axis
// still have images: this rank itself, one box length away.
Neighbour face_neighbour(const CartesianLayout& layout, int axis, int sign) {
  std::array<int, 3> d{0, 0, 0};
  d[axis] = sign;
  if (layout.active(axis) || !layout.periodic(axis)) return layout.neighbour(d);
  Neighbour nb;
  nb.direction = d;
  nb.rank = layout.rank();
  nb.image[axis] = -sign;
  return nb;
}

}  // namespace

// One direction of one ghost sweep, kept so update_ghosts() can replay it.
struct GhostRoute {
  int peer = -1;                  // neighbour in this direction; -1: none
  double shift = 0;               // added to the coordinate along the axis
  std::int64_t send_count = 0;    // particles sent toward this neighbour
  Buffer<std::int32_t> source;    // their indices (owned or earlier ghosts)
  std::int64_t recv_count = 0;    // ghosts received from this neighbour
  std::int64_t recv_offset = 0;   // where they start in the particle arrays
};

struct ParticleExchange::State {
  CartesianLayout layout;
  Transport& transport;
  Device dev;
  std::array<double, 3> min_box{};  // smallest owned box along each axis, over all ranks

  // Per-particle scratch, reused across calls.
  Buffer<std::uint8_t> cls;
  Buffer<std::uint64_t> code, offset;
  // Message buffers per direction and the counts sent ahead of them.
  std::array<Buffer<std::uint64_t>, 2> send, recv;
  Buffer<std::int64_t> counts;  // send lower, send upper, recv from lower, recv from upper

  // The last build_ghosts: routes per axis and direction, and what it left.
  std::array<std::array<GhostRoute, 2>, 3> routes;
  std::array<bool, 3> swept{false, false, false};
  bool ghosts_valid = false;
  const Particles* built_for = nullptr;
  std::int64_t built_owned = 0, built_total = 0;

  State(const CartesianLayout& l, Transport& t) : layout(l), transport(t), dev(t.device()) {}

  bool sends_along(int axis) const { return layout.active(axis) || layout.periodic(axis); }
  double lower_of(int rank, int axis) const { return layout.face_position(axis, layout.owned_of(rank).lo[axis]); }
  double upper_of(int rank, int axis) const { return layout.face_position(axis, layout.owned_of(rank).hi[axis]); }

  void check_particles(const Particles& p) const {
    if (p.device().backend() != dev.backend() || p.device().gpu() != dev.gpu())
      throw Error("ParticleExchange: the particles and the transport live on different devices");
    if (p.record_words() > kMaxWords)
      throw Error(strfmt("ParticleExchange: particles of %d words per record exceed the %d supported",
                         p.record_words(), kMaxWords));
  }

  static WordTable table(Particles& p, bool alternate) {
    WordTable t{};
    int w = 0;
    for (int c = 0; c < p.columns(); ++c)
      for (int k = 0; k < p.components(c); ++k) t.p[w++] = alternate ? p.alternate_words(c, k) : p.words(c, k);
    return t;
  }

  // Sends `mine[dir]` counts to the neighbours and returns what each sends us.
  std::array<std::int64_t, 2> exchange_counts(int base, int axis, const std::array<int, 2>& peer,
                                              const std::array<std::int64_t, 2>& mine) {
    ensure(counts, dev, 4);
    memory::copy(counts.data(), dev, mine.data(), Device::host(), 2 * sizeof(std::int64_t));
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    for (int dir : {kLower, kUpper}) {
      if (peer[dir] < 0) continue;
      sends.push_back({peer[dir], tag(base, axis, dir), counts.data() + dir, sizeof(std::int64_t)});
      // The neighbour below us sent toward its upper side, and vice versa.
      recvs.push_back({peer[dir], tag(base, axis, 1 - dir), counts.data() + 2 + dir, sizeof(std::int64_t)});
    }
    if (!sends.empty()) transport.exchange(sends, recvs);
    std::array<std::int64_t, 2> theirs{0, 0};
    if (sends.empty()) return theirs;
    memory::copy(theirs.data(), Device::host(), counts.data() + 2, dev, 2 * sizeof(std::int64_t));
    for (int dir : {kLower, kUpper})
      if (peer[dir] < 0) theirs[dir] = 0;
    return theirs;
  }

  // Sends send[dir] (n[dir] records of `words` words) and receives into recv[dir].
  void exchange_records(int base, int axis, const std::array<int, 2>& peer, const std::array<std::int64_t, 2>& n,
                        const std::array<std::int64_t, 2>& r, int words) {
    std::vector<SendMessage> sends;
    std::vector<RecvMessage> recvs;
    const std::size_t rec = static_cast<std::size_t>(words) * sizeof(std::uint64_t);
    for (int dir : {kLower, kUpper}) {
      if (peer[dir] >= 0 && n[dir] > 0)
        sends.push_back({peer[dir], tag(base, axis, dir), send[dir].data(), static_cast<std::size_t>(n[dir]) * rec});
      if (peer[dir] >= 0 && r[dir] > 0)
        recvs.push_back({peer[dir], tag(base, axis, 1 - dir), recv[dir].data(), static_cast<std::size_t>(r[dir]) * rec});
    }
    if (!sends.empty() || !recvs.empty()) transport.exchange(sends, recvs);
  }

  // Packs the last build's sources along `axis` from `src` (route shifts
  // applied) and delivers them; returns where each direction's arrivals lie.
  // With one rank along the axis nothing travels: what went up arrived from below.
  std::array<const std::uint64_t*, 2> pass_ghosts(int base, int axis, const WordTable& src, int words,
                                                  const std::array<std::int64_t, 2>& n_recv);

  [[noreturn]] void throw_beyond_face(const Particles& p, int axis, const std::array<int, 2>& peer, bool mine) const;
  [[noreturn]] void throw_runaway(const Particles& p, int axis, int sweeps, bool mine) const;
};

namespace {

// Ghost copies of up to this many words run on one host thread: a copy of
// ~10k words takes a few microseconds, less than waking a sleeping OpenMP
// team (an md step at 32000 atoms made 12 of them, bench/NOTES.md md host).
constexpr std::int64_t kSerialCopyWords = 16384;

template <class F>
void copy_loop(const Device& dev, std::int64_t n, F f) {
  if (!dev.is_cuda() && n <= kSerialCopyWords) {
    for (int i = 0; i < static_cast<int>(n); ++i) f(i);
    return;
  }
  for_each(dev, n, f);
}

// Copies n records from `rec` into the particle arrays at [base, base + n).
void unpack(const Device& dev, WordTable dst, const std::uint64_t* rec, std::int64_t base, std::int64_t n,
            int words) {
  copy_loop(dev, n * words, [=] TESSERA_HD(int idx) {
    const int i = idx / words, w = idx - i * words;
    dst.p[w][base + i] = rec[idx];
  });
}

// Packs the particles listed in `source` into records, shifting the coordinate
// along `axis` (word `axis`: positions come first in every record).
void pack(const Device& dev, WordTable src, const std::int32_t* source, std::int64_t n, int words, int axis,
          double shift, std::uint64_t* rec) {
  copy_loop(dev, n * words, [=] TESSERA_HD(int idx) {
    const int i = idx / words, w = idx - i * words;
    std::uint64_t v = src.p[w][source[i]];
    // x + 0.0 would turn -0.0 into +0.0: leave unshifted words untouched.
    if (w == axis && shift != 0) v = as_word(as_double(v) + shift);
    rec[idx] = v;
  });
}

}  // namespace

std::array<const std::uint64_t*, 2> ParticleExchange::State::pass_ghosts(int base, int axis, const WordTable& src,
                                                                           int words,
                                                                           const std::array<std::int64_t, 2>& n_recv) {
  const auto& route = routes[axis];
  const std::array<int, 2> peer{route[kLower].peer, route[kUpper].peer};
  const std::array<std::int64_t, 2> n_send{route[kLower].send_count, route[kUpper].send_count};
  for (int dir : {kLower, kUpper}) {
    ensure(send[dir], dev, n_send[dir] * words);
    pack(dev, src, route[dir].source.data(), n_send[dir], words, axis, route[dir].shift, send[dir].data());
  }
  if (peer[kLower] == layout.rank() && peer[kUpper] == layout.rank()) return {send[kUpper].data(), send[kLower].data()};
  for (int dir : {kLower, kUpper}) ensure(recv[dir], dev, n_recv[dir] * words);
  exchange_records(base, axis, peer, n_send, n_recv, words);
  return {recv[kLower].data(), recv[kUpper].data()};
}

void ParticleExchange::State::throw_beyond_face(const Particles& p, int axis, const std::array<int, 2>& peer,
                                                bool mine) const {
  if (!mine)
    throw Error(strfmt("particle migration along %s: another rank holds a particle beyond a non-periodic face",
                       axis_name(axis)));
  const auto x = p.position_to_host(0), y = p.position_to_host(1), z = p.position_to_host(2);
  const auto id = p.id_to_host();
  const double lo = layout.owned_lower(axis), hi = layout.owned_upper(axis);
  const auto& c = axis == 0 ? x : axis == 1 ? y : z;
  for (std::int64_t i = 0; i < p.owned(); ++i) {
    const bool below = c[i] < lo, above = !(c[i] < hi);
    if ((below && peer[kLower] < 0) || (above && !below && peer[kUpper] < 0))
      throw Error(strfmt("particle id %lld at (%.17g, %.17g, %.17g) is beyond the non-periodic %s face %s = %.17g "
                         "of the domain",
                         static_cast<long long>(id[i]), x[i], y[i], z[i], below ? "lower" : "upper", axis_name(axis),
                         below ? layout.spec().lower[axis] : layout.spec().upper[axis]));
  }
  throw Error(strfmt("particle migration along %s: a particle is beyond a non-periodic face", axis_name(axis)));
}

void ParticleExchange::State::throw_runaway(const Particles& p, int axis, int sweeps, bool mine) const {
  if (mine) {
    const auto x = p.position_to_host(0), y = p.position_to_host(1), z = p.position_to_host(2);
    const auto id = p.id_to_host();
    const auto& c = axis == 0 ? x : axis == 1 ? y : z;
    const double lo = layout.owned_lower(axis), hi = layout.owned_upper(axis);
    for (std::int64_t i = 0; i < p.owned(); ++i)
      if (!(c[i] >= lo && c[i] < hi))
        throw Error(strfmt("particle id %lld at (%.17g, %.17g, %.17g) still changes rank along %s after %d sweeps: "
                           "its position is not finite or it moved far more than the box",
                           static_cast<long long>(id[i]), x[i], y[i], z[i], axis_name(axis), sweeps));
  }
  throw Error(strfmt("particle migration along %s did not settle after %d sweeps (a particle on another rank has a "
                     "non-finite position or moved far more than the box)",
                     axis_name(axis), sweeps));
}

namespace {

std::array<double, 3> narrowest_boxes(const CartesianLayout& layout) {
  std::array<double, 3> m{};
  for (int a = 0; a < 3; ++a) {
    m[a] = layout.length(a);
    for (int r = 0; r < layout.size(); ++r) {
      const Range3 box = layout.owned_of(r);
      m[a] = std::min(m[a], layout.face_position(a, box.hi[a]) - layout.face_position(a, box.lo[a]));
    }
  }
  return m;
}

}  // namespace

ParticleExchange::ParticleExchange(const CartesianLayout& layout, Transport& transport)
    : s_(std::make_unique<State>(layout, transport)) {
  // Every rank's box, from the layout's arithmetic: all ranks reach the same
  // verdict on a ghost width without communicating.
  s_->min_box = narrowest_boxes(layout);
}

ParticleExchange::~ParticleExchange() = default;

std::array<double, 3> ParticleExchange::smallest_rank_box() const { return s_->min_box; }

void ParticleExchange::set_box(const CartesianLayout& layout) {
  State& s = *s_;
  const LayoutSpec &now = s.layout.spec(), &next = layout.spec();
  if (layout.process_grid() != s.layout.process_grid() || next.cells != now.cells || next.periodic != now.periodic ||
      layout.rank() != s.layout.rank())
    throw Error("ParticleExchange::set_box: only the box bounds may change, not the process grid, cells or periodicity");
  s.layout = layout;
  s.min_box = narrowest_boxes(layout);
  // Shifts are +-L exactly, as build_ghosts computes them from the new L.
  for (int axis = 0; axis < 3; ++axis)
    for (GhostRoute& r : s.routes[axis])
      if (r.shift != 0) r.shift = std::copysign(layout.length(axis), r.shift);
}

void ParticleExchange::migrate(Particles& p) {
  State& s = *s_;
  s.check_particles(p);
  const Device& dev = s.dev;
  const int words = p.record_words();
  const int me = s.layout.rank();
  p.resize_owned(p.owned());  // ghosts are stale once particles move
  s.ghosts_valid = false;

  for (int axis = 0; axis < 3; ++axis) {
    const Neighbour nlo = face_neighbour(s.layout, axis, -1), nhi = face_neighbour(s.layout, axis, +1);
    const std::array<int, 2> peer{nlo.rank, nhi.rank};
    const double length = s.layout.length(axis);
    const std::array<double, 2> shift{nlo.image[axis] * length, nhi.image[axis] * length};
    const double glo = s.layout.spec().lower[axis], ghi = s.layout.spec().upper[axis];
    const double lo = s.layout.owned_lower(axis), hi = s.layout.owned_upper(axis);
    // One rank along a periodic axis: both neighbours are this rank.
    const bool local = nlo.rank == me && nhi.rank == me;
    const int max_sweeps = kSweepsPerRank * s.layout.process_grid()[axis] + kSweepsExtra;

    for (int sweep = 0;; ++sweep) {
      const std::int64_t n = p.owned();
      ensure(s.cls, dev, n);
      ensure(s.code, dev, n);
      ensure(s.offset, dev, n);
      std::uint8_t* cls = s.cls.data();
      std::uint64_t* code = s.code.data();
      std::uint64_t* offset = s.offset.data();
      const double* x = p.position(axis);
      // NaN goes up: it cannot settle anywhere, so the sweep limit names it.
      for_each(dev, n, [=] TESSERA_HD(int i) {
        const double xi = x[i];
        const std::uint8_t c = xi < lo ? kToLower : (xi >= hi || xi != xi) ? kToUpper : kStay;
        cls[i] = c;
        code[i] = c == kStay ? std::uint64_t{1} : c == kToLower ? kHigh : std::uint64_t{0};
      });
      const std::uint64_t totals = exclusive_scan(dev, code, offset, n);
      const std::int64_t n_stay = static_cast<std::int64_t>(totals & kLowMask);
      const std::int64_t n_lower = static_cast<std::int64_t>(totals >> 32);
      const std::int64_t n_upper = n - n_stay - n_lower;

      const bool beyond = (n_lower > 0 && peer[kLower] < 0) || (n_upper > 0 && peer[kUpper] < 0);
      const std::int64_t status = beyond ? 2 : (n_lower + n_upper > 0 ? 1 : 0);
      const std::int64_t global = collectives::max(status);
      if (global == 2) s.throw_beyond_face(p, axis, peer, beyond);
      if (global == 0) break;
      if (sweep >= max_sweeps) s.throw_runaway(p, axis, sweep, status != 0);

      if (local) {
        double* xw = p.position(axis);
        const double sl = shift[kLower], su = shift[kUpper];
        for_each(dev, n, [=] TESSERA_HD(int i) {
          const std::uint8_t c = cls[i];
          if (c != kStay) xw[i] = wrap_shift(xw[i], c == kToLower ? sl : su, glo, ghi);
        });
        continue;
      }

      // Stable compaction of the stayers into the alternate storage; leavers
      // become records, with the periodic image applied on the way out.
      const std::array<std::int64_t, 2> n_send{n_lower, n_upper};
      if (n_lower + n_upper > 0) {
        ensure(s.send[kLower], dev, n_lower * words);
        ensure(s.send[kUpper], dev, n_upper * words);
        const WordTable src = State::table(p, false), dst = State::table(p, true);
        std::uint64_t* to_lower = s.send[kLower].data();
        std::uint64_t* to_upper = s.send[kUpper].data();
        const double sl = shift[kLower], su = shift[kUpper];
        for_each(dev, n * words, [=] TESSERA_HD(int idx) {
          const int i = idx / words, w = idx - i * words;
          const std::uint8_t c = cls[i];
          std::uint64_t v = src.p[w][i];
          const std::int64_t stay_before = static_cast<std::int64_t>(offset[i] & kLowMask);
          const std::int64_t lower_before = static_cast<std::int64_t>(offset[i] >> 32);
          if (c == kStay) {
            dst.p[w][stay_before] = v;
            return;
          }
          if (w == axis) v = as_word(wrap_shift(as_double(v), c == kToLower ? sl : su, glo, ghi));
          if (c == kToLower)
            to_lower[lower_before * words + w] = v;
          else
            to_upper[(i - stay_before - lower_before) * words + w] = v;
        });
        p.swap_alternate();
        p.resize_owned(n_stay);
      }

      const std::array<std::int64_t, 2> n_recv = s.exchange_counts(kTagMigrateCount, axis, peer, n_send);
      ensure(s.recv[kLower], dev, n_recv[kLower] * words);
      ensure(s.recv[kUpper], dev, n_recv[kUpper] * words);
      s.exchange_records(kTagMigrateData, axis, peer, n_send, n_recv, words);
      if (n_recv[kLower] + n_recv[kUpper] == 0) continue;
      // Arrivals from below first, then from above: a deterministic order.
      const std::int64_t base = p.owned();
      p.resize_owned(base + n_recv[kLower] + n_recv[kUpper]);
      const WordTable dst = State::table(p, false);
      unpack(dev, dst, s.recv[kLower].data(), base, n_recv[kLower], words);
      unpack(dev, dst, s.recv[kUpper].data(), base + n_recv[kLower], n_recv[kUpper], words);
    }
  }
  dev.synchronize();
}

void ParticleExchange::build_ghosts(Particles& p, double width) {
  State& s = *s_;
  s.check_particles(p);
  if (!(width >= 0) || !std::isfinite(width))
    throw InputError(strfmt("ghost width %g must be a finite number >= 0", width));
  for (int axis = 0; axis < 3; ++axis)
    if (s.sends_along(axis) && width > s.min_box[axis])
      throw InputError(strfmt("ghost width %.17g exceeds the smallest rank box along %s (%.17g) by %.3g: ghosts "
                              "travel one rank per sweep; use fewer ranks along %s or a smaller width",
                              width, axis_name(axis), s.min_box[axis], width - s.min_box[axis], axis_name(axis)));

  const Device& dev = s.dev;
  const int words = p.record_words();
  const int me = s.layout.rank();
  p.resize_owned(p.owned());  // drop the previous ghosts
  s.ghosts_valid = false;

  for (int axis = 0; axis < 3; ++axis) {
    auto& route = s.routes[axis];
    s.swept[axis] = s.sends_along(axis);
    for (GhostRoute& r : route) r.peer = -1, r.send_count = r.recv_count = 0;
    if (!s.swept[axis]) continue;

    const Neighbour nlo = face_neighbour(s.layout, axis, -1), nhi = face_neighbour(s.layout, axis, +1);
    const std::array<int, 2> peer{nlo.rank, nhi.rank};
    const bool local = nlo.rank == me && nhi.rank == me;
    const double length = s.layout.length(axis);
    // A copy goes to a neighbour when its image lies in that neighbour's box
    // grown by `width`: the very test that defines a ghost, so ghosts agree
    // bit for bit with any search over images.
    std::array<double, 2> from{0, 0}, to{0, 0}, shift{0, 0};
    for (int dir : {kLower, kUpper}) {
      route[dir].peer = peer[dir];
      if (peer[dir] < 0) continue;
      const Neighbour& nb = dir == kLower ? nlo : nhi;
      shift[dir] = nb.image[axis] * length;
      route[dir].shift = shift[dir];
      from[dir] = s.lower_of(peer[dir], axis) - width;
      to[dir] = s.upper_of(peer[dir], axis) + width;
    }
    const bool has_lower = peer[kLower] >= 0, has_upper = peer[kUpper] >= 0;

    // Candidates: owned particles and the ghosts of earlier sweeps.
    const std::int64_t n = p.total();
    ensure(s.code, dev, n);
    ensure(s.offset, dev, n);
    std::uint64_t* code = s.code.data();
    std::uint64_t* offset = s.offset.data();
    const double* x = p.position(axis);
    const double fl = from[kLower], tl = to[kLower], sl = shift[kLower];
    const double fu = from[kUpper], tu = to[kUpper], su = shift[kUpper];
    for_each(dev, n, [=] TESSERA_HD(int i) {
      const double yl = x[i] + sl, yu = x[i] + su;
      const bool go_lower = has_lower && yl >= fl && yl < tl;
      const bool go_upper = has_upper && yu >= fu && yu < tu;
      code[i] = (go_lower ? std::uint64_t{1} : 0) | (go_upper ? kHigh : 0);
    });
    const std::uint64_t totals = exclusive_scan(dev, code, offset, n);
    const std::array<std::int64_t, 2> n_send{static_cast<std::int64_t>(totals & kLowMask),
                                             static_cast<std::int64_t>(totals >> 32)};
    for (int dir : {kLower, kUpper}) {
      route[dir].send_count = n_send[dir];
      ensure(route[dir].source, dev, n_send[dir]);
    }
    std::int32_t* src_lower = route[kLower].source.data();
    std::int32_t* src_upper = route[kUpper].source.data();
    for_each(dev, n, [=] TESSERA_HD(int i) {
      const std::uint64_t c = code[i], o = offset[i];
      if (c & kLowMask) src_lower[o & kLowMask] = i;
      if (c >> 32) src_upper[o >> 32] = i;
    });

    // With one rank along the axis, the copies sent up arrive "from below".
    const std::array<std::int64_t, 2> n_recv =
        local ? std::array<std::int64_t, 2>{n_send[kUpper], n_send[kLower]}
              : s.exchange_counts(kTagGhostCount, axis, peer, n_send);
    const std::array<const std::uint64_t*, 2> arrived =
        s.pass_ghosts(kTagGhostData, axis, State::table(p, false), words, n_recv);
    const std::int64_t base = p.total();
    p.reserve(base + n_recv[kLower] + n_recv[kUpper]);
    const WordTable dst = State::table(p, false);
    route[kLower].recv_offset = base;
    route[kLower].recv_count = n_recv[kLower];
    route[kUpper].recv_offset = base + n_recv[kLower];
    route[kUpper].recv_count = n_recv[kUpper];
    for (int dir : {kLower, kUpper}) unpack(dev, dst, arrived[dir], route[dir].recv_offset, n_recv[dir], words);
    p.set_ghosts(p.ghosts() + n_recv[kLower] + n_recv[kUpper]);
  }
  dev.synchronize();
  s.ghosts_valid = true;
  s.built_for = &p;
  s.built_owned = p.owned();
  s.built_total = p.total();
}

void ParticleExchange::update_ghosts(Particles& p, const std::vector<int>& extra_columns) {
  State& s = *s_;
  if (!s.ghosts_valid || s.built_for != &p || p.owned() != s.built_owned || p.total() != s.built_total)
    throw Error("ParticleExchange::update_ghosts: no ghosts to update for these particles (call build_ghosts after "
                "every migrate or change of the particle count)");
  // Positions first (word `axis` gets the shift), then the requested columns.
  WordTable table{};
  int words = 0;
  for (int k = 0; k < 3; ++k) table.p[words++] = p.words(0, k);
  for (std::size_t j = 0; j < extra_columns.size(); ++j) {
    const int c = extra_columns[j];
    if (c < 0 || c >= p.columns()) throw Error(strfmt("ParticleExchange::update_ghosts: no column %d", c));
    // Positions always travel; a column listed twice travels once.
    if (c == 0 || std::find(extra_columns.begin(), extra_columns.begin() + j, c) != extra_columns.begin() + j)
      continue;
    for (int k = 0; k < p.components(c); ++k) table.p[words++] = p.words(c, k);
  }

  const Device& dev = s.dev;
  for (int axis = 0; axis < 3; ++axis) {
    if (!s.swept[axis]) continue;
    const auto& route = s.routes[axis];
    const std::array<std::int64_t, 2> n_recv{route[kLower].recv_count, route[kUpper].recv_count};
    const std::array<const std::uint64_t*, 2> arrived = s.pass_ghosts(kTagUpdate, axis, table, words, n_recv);
    for (int dir : {kLower, kUpper}) unpack(dev, table, arrived[dir], route[dir].recv_offset, n_recv[dir], words);
  }
  dev.synchronize();
}

}  // namespace tessera
