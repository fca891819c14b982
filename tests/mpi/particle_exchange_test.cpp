// Particle migration and ghosts at whatever rank count mpirun gives, checked
// against a serial model of the whole system: every rank generates the same N
// particles (same random stream), starts with those of id % size == rank
// (anywhere, many outside the global box), and after migrate() must hold
// exactly the particles its box owns, at the wrapped positions, bit for bit,
// with their columns. Ghosts must equal, as a multiset of (id, x, y, z) bit
// patterns, what a brute-force search over all particles and periodic images
// finds within `width` of the rank's box; update_ghosts() must move them with
// their owners.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/particle_exchange.hpp"
#include "decomposition/particles.hpp"
#include "decomposition/transport.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

using Vec = std::array<double, 3>;
// (id, x, y, z) with coordinates as bit patterns: equality means bit for bit.
using Key = std::tuple<std::int64_t, std::uint64_t, std::uint64_t, std::uint64_t>;

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

Transport& transport() {
  static std::unique_ptr<Transport> t;
  if (!t || !(t->device() == test_device())) t = make_transport(TransportKind::Auto, test_device());
  return *t;
}

// Exact in double: the columns carried along are functions of the id.
Vec velocity_of(std::int64_t id) { return {0.5 * id, -0.25 * id, 1.0 + id}; }
Vec moved_velocity_of(std::int64_t id) { return {3.0 * id, 2.0 + id, -0.125 * id}; }
std::int64_t tag_of(std::int64_t id) { return 7 * id; }

// Where migration must put a coordinate: one +-L per crossing of a global face
// (as the particle crosses ranks), and a sum that rounds onto the far face is
// that face's image, the lower face.
double wrapped(double x, double lower, double upper, double length) {
  while (x < lower) {
    double y = x + length;
    x = y >= upper ? lower : y;
  }
  while (x >= upper) {
    double y = x + (-length);
    x = y < lower ? lower : y;
  }
  return x;
}

// The whole system as every rank sees it.
struct World {
  LayoutSpec spec;
  std::vector<Vec> start, settled;  // indexed by id
};

// `lattice`: coordinates on multiples of 1/lattice only, so that with a box
// and widths of whole numbers every comparison can tie exactly: particles on
// rank faces, on the edge of the ghost region, on the global faces.
World make_world(const LayoutSpec& spec, std::int64_t n, std::uint64_t seed, int lattice = 0) {
  World w;
  w.spec = spec;
  std::mt19937_64 rng(seed);
  for (std::int64_t id = 0; id < n; ++id) {
    Vec s{}, e{};
    for (int d = 0; d < 3; ++d) {
      const double lo = spec.lower[d], hi = spec.upper[d], len = hi - lo;
      double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
      if (lattice > 0) {
        const double steps = 2.0 * len * lattice;
        u = std::floor(u * steps) / steps;
      }
      // Periodic axes: up to half a box beyond either face, so particles
      // cross several ranks and wrap; others stay inside.
      s[d] = spec.periodic[d] ? (lo - 0.5 * len) + 2.0 * len * u : lo + len * u;
      if (!(s[d] < hi)) s[d] = lo;
      e[d] = spec.periodic[d] ? wrapped(s[d], lo, hi, len) : s[d];
    }
    w.start.push_back(s);
    w.settled.push_back(e);
  }
  return w;
}

struct Columns {
  int velocity = -1, tag = -1;
};

// This rank's starting share: ids with id % size == rank, wherever they are.
std::unique_ptr<Particles> make_particles(const World& w, Columns& c) {
  auto p = std::make_unique<Particles>(test_device());
  c.velocity = p->add_real_column("velocity", 3);
  c.tag = p->add_int_column("tag", 1);
  const int r = collectives::rank(), size = collectives::size();
  std::vector<std::int64_t> ids, tags;
  std::array<std::vector<double>, 3> x, v;
  for (std::int64_t id = r; id < static_cast<std::int64_t>(w.start.size()); id += size) {
    ids.push_back(id);
    tags.push_back(tag_of(id));
    for (int d = 0; d < 3; ++d) {
      x[d].push_back(w.start[id][d]);
      v[d].push_back(velocity_of(id)[d]);
    }
  }
  p->resize_owned(static_cast<std::int64_t>(ids.size()));
  p->id_from_host(ids);
  p->integer_from_host(c.tag, 0, tags);
  for (int d = 0; d < 3; ++d) {
    p->position_from_host(d, x[d]);
    p->real_from_host(c.velocity, d, v[d]);
  }
  return p;
}

struct Box {
  Vec lo, hi;
  bool contains(const Vec& x) const {
    for (int d = 0; d < 3; ++d)
      if (!(x[d] >= lo[d] && x[d] < hi[d])) return false;
    return true;
  }
};

Box box_of(const CartesianLayout& l) {
  Box b;
  for (int d = 0; d < 3; ++d) b.lo[d] = l.owned_lower(d), b.hi[d] = l.owned_upper(d);
  return b;
}

// Prints the first few problems of this rank (only rank 0's gtest output is
// shown, so the other ranks report on stderr themselves).
struct Problems {
  int count = 0;
  void add(const std::string& what) {
    if (++count <= 5) std::fprintf(stderr, "rank %d: %s\n", collectives::rank(), what.c_str());
  }
};

// Everything migrate() promises, for this rank; returns this rank's problems.
int check_migrated(const Particles& p, const Columns& c, const World& w, const CartesianLayout& layout) {
  Problems bad;
  const auto id = p.id_to_host();
  const auto tag = p.integer_to_host(c.tag);
  std::array<std::vector<double>, 3> x, v;
  for (int d = 0; d < 3; ++d) x[d] = p.position_to_host(d), v[d] = p.real_to_host(c.velocity, d);
  const Box box = box_of(layout);
  if (p.ghosts() != 0) bad.add("ghosts left after migrate");
  const std::int64_t n = static_cast<std::int64_t>(w.start.size());
  std::vector<double> seen(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t i = 0; i < p.owned(); ++i) {
    if (id[i] < 0 || id[i] >= n) {
      bad.add("unknown id " + std::to_string(id[i]));
      continue;
    }
    seen[id[i]] += 1;
    const Vec xi{x[0][i], x[1][i], x[2][i]};
    if (!box.contains(xi)) bad.add("id " + std::to_string(id[i]) + " outside this rank's box");
    for (int d = 0; d < 3; ++d) {
      if (bits(xi[d]) != bits(w.settled[id[i]][d]))
        bad.add("id " + std::to_string(id[i]) + ": position " + std::to_string(d) + " is " +
                std::to_string(xi[d]) + ", expected " + std::to_string(w.settled[id[i]][d]));
      if (v[d][i] != velocity_of(id[i])[d]) bad.add("id " + std::to_string(id[i]) + ": velocity did not follow");
    }
    if (tag[i] != tag_of(id[i])) bad.add("id " + std::to_string(id[i]) + ": int column did not follow");
  }
  // Every id exactly once over all ranks.
  const std::vector<double> total = collectives::sum(seen);
  if (collectives::rank() == 0)
    for (std::int64_t id_ = 0; id_ < n; ++id_)
      if (total[id_] != 1.0) bad.add("id " + std::to_string(id_) + " held " + std::to_string(total[id_]) + " times");
  return bad.count;
}

// The ghosts this rank must have: every image (shifts of -L, 0, +L along
// periodic axes) of every particle within `width` of this rank's box, except
// the particles it owns themselves.
std::vector<Key> brute_force_ghosts(const World& w, const std::vector<Vec>& where, const CartesianLayout& layout,
                                    double width) {
  const Box box = box_of(layout);
  std::vector<Key> out;
  std::array<std::vector<double>, 3> shifts;
  for (int d = 0; d < 3; ++d) {
    shifts[d] = {0.0};
    if (w.spec.periodic[d]) shifts[d] = {0.0, -layout.length(d), layout.length(d)};
  }
  for (std::int64_t id = 0; id < static_cast<std::int64_t>(where.size()); ++id)
    for (double sx : shifts[0])
      for (double sy : shifts[1])
        for (double sz : shifts[2]) {
          const Vec s{sx, sy, sz};
          Vec x{};
          bool inside = true;
          for (int d = 0; d < 3; ++d) {
            x[d] = s[d] == 0.0 ? where[id][d] : where[id][d] + s[d];
            inside = inside && x[d] >= box.lo[d] - width && x[d] < box.hi[d] + width;
          }
          if (!inside) continue;
          if (sx == 0.0 && sy == 0.0 && sz == 0.0 && box.contains(x)) continue;  // owned here
          out.emplace_back(id, bits(x[0]), bits(x[1]), bits(x[2]));
        }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Key> ghost_keys(const Particles& p) {
  const auto id = p.id_to_host();
  const auto x = p.position_to_host(0), y = p.position_to_host(1), z = p.position_to_host(2);
  std::vector<Key> out;
  for (std::int64_t i = p.owned(); i < p.total(); ++i) out.emplace_back(id[i], bits(x[i]), bits(y[i]), bits(z[i]));
  std::sort(out.begin(), out.end());
  return out;
}

// Ghosts equal the brute-force set and carry their columns; returns problems.
int check_ghosts(const Particles& p, const Columns& c, const World& w, const CartesianLayout& layout, double width) {
  Problems bad;
  const std::vector<Key> want = brute_force_ghosts(w, w.settled, layout, width);
  const std::vector<Key> got = ghost_keys(p);
  std::vector<Key> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  for (const Key& k : missing) bad.add("missing ghost of id " + std::to_string(std::get<0>(k)));
  for (const Key& k : extra) bad.add("unexpected ghost of id " + std::to_string(std::get<0>(k)));
  if (got.size() != want.size())
    bad.add("width " + std::to_string(width) + ": " + std::to_string(got.size()) + " ghosts, expected " +
            std::to_string(want.size()));
  const auto id = p.id_to_host();
  const auto tag = p.integer_to_host(c.tag);
  for (int d = 0; d < 3; ++d) {
    const auto v = p.real_to_host(c.velocity, d);
    for (std::int64_t i = p.owned(); i < p.total(); ++i)
      if (v[i] != velocity_of(id[i])[d]) bad.add("ghost of id " + std::to_string(id[i]) + ": velocity wrong");
  }
  for (std::int64_t i = p.owned(); i < p.total(); ++i)
    if (tag[i] != tag_of(id[i])) bad.add("ghost of id " + std::to_string(id[i]) + ": int column wrong");
  return bad.count;
}

// The largest width every rank's box admits along the axes that send ghosts.
double smallest_box(const LayoutSpec& spec) {
  double m = 1e300;
  for (int r = 0; r < collectives::size(); ++r) {
    CartesianLayout l(spec, collectives::size(), r);
    for (int d = 0; d < 3; ++d)
      if (l.active(d) || l.periodic(d)) m = std::min(m, l.owned_upper(d) - l.owned_lower(d));
  }
  return m;
}

// migrate + build_ghosts at several widths, all checked; returns the sum of
// every rank's problems and the total ghost count over ranks.
std::pair<std::int64_t, std::int64_t> migrate_and_ghosts(const World& w, const std::vector<double>& widths) {
  const LayoutSpec& spec = w.spec;
  const std::int64_t n = static_cast<std::int64_t>(w.start.size());
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  Columns c;
  auto p = make_particles(w, c);
  ParticleExchange ex(layout, transport());
  ex.migrate(*p);
  std::int64_t bad = check_migrated(*p, c, w, layout);
  if (collectives::sum(p->owned()) != n) bad += 1;
  std::int64_t ghosts = 0;
  for (double width : widths) {
    ex.build_ghosts(*p, width);
    bad += check_ghosts(*p, c, w, layout, width);
    ghosts += p->ghosts();
  }
  return {collectives::sum(bad), collectives::sum(ghosts)};
}

LayoutSpec cube(std::array<bool, 3> periodic) {
  LayoutSpec s;
  s.cells = {24, 24, 24};
  s.periodic = periodic;
  s.lower = {-1.5, -1.5, -1.5};
  s.upper = {2.5, 2.5, 2.5};
  return s;
}

// Widths as fractions of the smallest rank box (1.0: the largest allowed).
std::vector<double> widths(const LayoutSpec& spec, std::vector<double> fractions) {
  for (double& f : fractions) f *= smallest_box(spec);
  return fractions;
}

std::pair<std::int64_t, std::int64_t> migrate_and_ghosts(const LayoutSpec& spec, std::int64_t n, std::uint64_t seed,
                                                         const std::vector<double>& fractions) {
  return migrate_and_ghosts(make_world(spec, n, seed), widths(spec, fractions));
}

const std::vector<double> kWidths{0.0, 0.15, 0.5, 0.97, 1.0};

}  // namespace

TEST(ParticleExchange, FullyPeriodic3D) {
  auto [bad, ghosts] = migrate_and_ghosts(cube({true, true, true}), 3000, 11, kWidths);
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, TwoDimensionalWithInactiveZ) {
  LayoutSpec s = cube({true, true, false});
  s.cells[2] = 1;
  s.lower[2] = 0.0;
  s.upper[2] = 0.25;
  auto [bad, ghosts] = migrate_and_ghosts(s, 2000, 12, kWidths);
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, TwoDimensionalWithPeriodicSingleCellZ) {
  // z has one cell but is periodic: never split, yet images along z exist.
  LayoutSpec s = cube({true, true, true});
  s.cells[2] = 1;
  s.lower[2] = 0.0;
  s.upper[2] = 0.5;
  auto [bad, ghosts] = migrate_and_ghosts(s, 1500, 13, {0.0, 0.1, 0.45});
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, MixedPeriodicAndWalledAxes) {
  LayoutSpec s;
  s.cells = {24, 18, 12};
  s.periodic = {true, false, true};
  s.lower = {-1.5, 0.0, 1.0};
  s.upper = {2.5, 3.0, 2.0};
  auto [bad, ghosts] = migrate_and_ghosts(s, 3000, 14, kWidths);
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, AllWalledAxes) {
  auto [bad, ghosts] = migrate_and_ghosts(cube({false, false, false}), 2000, 15, {0.2, 1.0});
  EXPECT_EQ(bad, 0);
  if (collectives::size() > 1) {
    EXPECT_GT(ghosts, 0);
  }
}

TEST(ParticleExchange, SlabsAlongX) {
  // Every rank along x: thin slabs, many hops per particle; with two ranks the
  // lower and upper neighbour are the same rank (told apart by tag). 25 cells
  // split unevenly.
  LayoutSpec s = cube({true, true, true});
  s.cells[0] = 25;
  s.ranks = {collectives::size(), 1, 1};
  auto [bad, ghosts] = migrate_and_ghosts(s, 2500, 16, kWidths);
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, ColumnsAlongZ) {
  LayoutSpec s = cube({true, false, true});
  s.ranks = {1, 1, collectives::size()};
  auto [bad, ghosts] = migrate_and_ghosts(s, 2000, 17, {0.3, 1.0});
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ghosts, 0);
}

TEST(ParticleExchange, LatticePointsTieOnEveryFace) {
  // Box [0, 24) of 24 cells: rank faces are whole numbers, coordinates are
  // multiples of 1/2, widths whole or half: every bound is hit exactly.
  for (std::array<bool, 3> periodic : {std::array<bool, 3>{true, true, true}, std::array<bool, 3>{true, false, true}}) {
    LayoutSpec s;
    s.cells = {24, 24, 24};
    s.periodic = periodic;
    s.lower = {0.0, 0.0, 0.0};
    s.upper = {24.0, 24.0, 24.0};
    const World w = make_world(s, 4000, 18, 2);
    auto [bad, ghosts] = migrate_and_ghosts(w, {0.5, 2.0, 3.0, smallest_box(s)});
    EXPECT_EQ(bad, 0);
    EXPECT_GT(ghosts, 0);
  }
}

// A migrated world with ghosts 0.4 of the narrowest rank box wide, and the
// ids and positions (owned, then ghosts) right after that build. Not
// movable: the exchange keeps a reference to the layout.
struct Ghosted {
  World w;
  CartesianLayout layout;
  Columns c;
  std::unique_ptr<Particles> p;
  std::unique_ptr<ParticleExchange> ex;
  std::vector<std::int64_t> ids;
  std::array<std::vector<double>, 3> before;

  Ghosted(const LayoutSpec& spec, std::int64_t n, std::uint64_t seed)
      : w(make_world(spec, n, seed)), layout(CartesianLayout::for_this_process(spec)) {
    p = make_particles(w, c);
    ex = std::make_unique<ParticleExchange>(layout, transport());
    ex->migrate(*p);
    ex->build_ghosts(*p, 0.4 * smallest_box(spec));
    ids = p->id_to_host();
    for (int d = 0; d < 3; ++d) before[d] = p->position_to_host(d);
  }
  Ghosted(const Ghosted&) = delete;
  Ghosted& operator=(const Ghosted&) = delete;
};

TEST(ParticleExchange, UpdateGhostsFollowsOwners) {
  const LayoutSpec spec = cube({true, true, true});
  const std::int64_t n = 2500;
  const Ghosted g(spec, n, 21);
  const World& w = g.w;
  const CartesianLayout& layout = g.layout;
  const Columns& c = g.c;
  Particles* p = g.p.get();
  ParticleExchange& ex = *g.ex;
  const auto& ids_before = g.ids;
  const auto& before = g.before;
  const double width = 0.4 * smallest_box(spec);

  // Each ghost's image shift, recovered bit for bit from the settled position.
  std::vector<Vec> shift;
  std::int64_t bad = 0;
  for (std::int64_t i = p->owned(); i < p->total(); ++i) {
    Vec s{};
    for (int d = 0; d < 3; ++d) {
      bool found = false;
      for (double cand : {0.0, -layout.length(d), layout.length(d)}) {
        const double x = w.settled[ids_before[i]][d];
        if (!found && bits(cand == 0.0 ? x : x + cand) == bits(before[d][i])) s[d] = cand, found = true;
      }
      if (!found) ++bad;
    }
    shift.push_back(s);
  }

  // Move the owned particles (by id, slightly: some leave the box; no
  // migrate in between, as between two Verlet-list rebuilds) and change the
  // velocity; update positions and velocities only.
  std::vector<Vec> moved(w.settled);
  for (std::int64_t id = 0; id < n; ++id)
    for (int d = 0; d < 3; ++d) moved[id][d] = w.settled[id][d] + 0.001 * static_cast<double>((id * 37 + d * 11) % 17 - 8);
  std::array<std::vector<double>, 3> x, v;
  for (std::int64_t i = 0; i < p->owned(); ++i)
    for (int d = 0; d < 3; ++d) {
      x[d].push_back(moved[ids_before[i]][d]);
      v[d].push_back(moved_velocity_of(ids_before[i])[d]);
    }
  for (int d = 0; d < 3; ++d) {
    p->position_from_host(d, x[d]);
    p->real_from_host(c.velocity, d, v[d]);
  }
  ex.update_ghosts(*p, {c.velocity});

  const auto ids = p->id_to_host();
  const auto tag = p->integer_to_host(c.tag);
  EXPECT_EQ(ids, ids_before);
  for (int d = 0; d < 3; ++d) {
    const auto xd = p->position_to_host(d);
    const auto vd = p->real_to_host(c.velocity, d);
    for (std::int64_t i = p->owned(); i < p->total(); ++i) {
      const std::int64_t g = i - p->owned();
      const double want = shift[g][d] == 0.0 ? moved[ids[i]][d] : moved[ids[i]][d] + shift[g][d];
      if (bits(xd[i]) != bits(want)) ++bad;
      if (vd[i] != moved_velocity_of(ids[i])[d]) ++bad;
    }
  }
  // Columns not asked for stay as they were.
  for (std::int64_t i = p->owned(); i < p->total(); ++i)
    if (tag[i] != tag_of(ids[i])) ++bad;
  EXPECT_EQ(collectives::sum(bad), 0);
  EXPECT_GT(collectives::sum(p->ghosts()), 0);

  // The ghost set of the moved system still matches a fresh brute force once
  // migrated and rebuilt; storage does not grow in the steady state.
  World after = w;
  for (std::int64_t id = 0; id < n; ++id)
    for (int d = 0; d < 3; ++d)
      after.settled[id][d] = wrapped(moved[id][d], spec.lower[d], spec.upper[d], spec.upper[d] - spec.lower[d]);
  for (std::int64_t i = 0; i < p->owned(); ++i)
    for (int d = 0; d < 3; ++d) v[d][i] = velocity_of(ids[i])[d];
  for (int d = 0; d < 3; ++d) p->real_from_host(c.velocity, d, v[d]);
  ex.migrate(*p);
  EXPECT_EQ(p->ghosts(), 0);
  ex.build_ghosts(*p, width);
  const std::int64_t capacity = p->capacity();
  EXPECT_EQ(collectives::sum(static_cast<std::int64_t>(check_ghosts(*p, c, after, layout, width))), 0);
  ex.migrate(*p);
  ex.build_ghosts(*p, width);
  EXPECT_EQ(p->capacity(), capacity);
}

TEST(ParticleExchange, GhostOrderIsDeterministic) {
  const LayoutSpec spec = cube({true, true, true});
  const World w = make_world(spec, 2000, 31);
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  const double width = 0.6 * smallest_box(spec);
  std::vector<std::vector<std::int64_t>> ids;
  std::vector<std::vector<double>> xs;
  for (int run = 0; run < 2; ++run) {
    Columns c;
    auto p = make_particles(w, c);
    ParticleExchange ex(layout, transport());
    ex.migrate(*p);
    for (int again = 0; again < 2; ++again) {
      ex.build_ghosts(*p, width);
      ids.push_back(p->id_to_host());
      xs.push_back(p->position_to_host(0));
    }
  }
  std::int64_t differ = 0;
  for (std::size_t k = 1; k < ids.size(); ++k) differ += (ids[k] != ids[0]) + (xs[k] != xs[0]);
  EXPECT_EQ(collectives::sum(differ), 0);
}

TEST(ParticleExchange, WidthBeyondABoxIsAnInputError) {
  const LayoutSpec spec = cube({true, true, true});
  const World w = make_world(spec, 200, 41);
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  Columns c;
  auto p = make_particles(w, c);
  ParticleExchange ex(layout, transport());
  ex.migrate(*p);
  // Every rank reaches the same verdict, so nobody waits in an exchange.
  EXPECT_THROW(ex.build_ghosts(*p, 1.01 * smallest_box(spec)), InputError);
  EXPECT_THROW(ex.build_ghosts(*p, -0.1), InputError);
  EXPECT_NO_THROW(ex.build_ghosts(*p, smallest_box(spec)));
}

TEST(ParticleExchange, UpdateWithoutBuildIsAnError) {
  const LayoutSpec spec = cube({true, true, true});
  const World w = make_world(spec, 100, 42);
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  Columns c;
  auto p = make_particles(w, c);
  ParticleExchange ex(layout, transport());
  EXPECT_THROW(ex.update_ghosts(*p), Error);
  ex.migrate(*p);
  ex.build_ghosts(*p, 0.1);
  EXPECT_NO_THROW(ex.update_ghosts(*p));
  ex.migrate(*p);  // ghosts are gone, and with them the routes
  EXPECT_THROW(ex.update_ghosts(*p), Error);
}

namespace {

// Runs migrate with one particle (id `bad_id`, held by the last rank) placed
// at `where`; returns how many ranks threw an Error naming it, and how many
// threw at all.
std::pair<std::int64_t, std::int64_t> migrate_with_stray(const LayoutSpec& spec, const Vec& where,
                                                         std::int64_t bad_id) {
  const World w = make_world(spec, 300, 51);
  const CartesianLayout layout = CartesianLayout::for_this_process(spec);
  Columns c;
  auto p = make_particles(w, c);
  if (collectives::rank() == collectives::size() - 1) {
    const std::int64_t k = p->owned();
    p->resize_owned(k + 1);
    auto ids = p->id_to_host();
    ids[k] = bad_id;
    p->id_from_host(ids);
    for (int d = 0; d < 3; ++d) {
      auto x = p->position_to_host(d);
      x[k] = where[d];
      p->position_from_host(d, x);
    }
  }
  ParticleExchange ex(layout, transport());
  std::int64_t named = 0, threw = 0;
  try {
    ex.migrate(*p);
  } catch (const Error& e) {
    threw = 1;
    named = std::string(e.message()).find("id " + std::to_string(bad_id) + " ") != std::string::npos;
  }
  return {collectives::sum(named), collectives::sum(threw)};
}

}  // namespace

TEST(ParticleExchange, BeyondAWalledFaceIsAnError) {
  LayoutSpec s;
  s.cells = {24, 18, 12};
  s.periodic = {true, false, true};
  s.lower = {-1.5, 0.0, 1.0};
  s.upper = {2.5, 3.0, 2.0};
  const int n = collectives::size();
  // Above the upper wall (after wrapping along x), then below the lower one.
  auto [named, threw] = migrate_with_stray(s, {3.9, 3.2, 1.5}, 987654);
  EXPECT_EQ(named, 1);
  EXPECT_EQ(threw, n);
  std::tie(named, threw) = migrate_with_stray(s, {0.1, -1e-9, 1.5}, 55555);
  EXPECT_EQ(named, 1);
  EXPECT_EQ(threw, n);
  // Exactly on the upper wall is outside: the box is half-open.
  std::tie(named, threw) = migrate_with_stray(s, {0.1, 3.0, 1.5}, 4242);
  EXPECT_EQ(named, 1);
  EXPECT_EQ(threw, n);
}

TEST(ParticleExchange, BeyondAnInactiveWalledAxisIsAnError) {
  LayoutSpec s = cube({true, true, false});
  s.cells[2] = 1;
  s.lower[2] = 0.0;
  s.upper[2] = 0.25;
  auto [named, threw] = migrate_with_stray(s, {0.0, 0.0, 0.3}, 31337);
  EXPECT_EQ(named, 1);
  EXPECT_EQ(threw, collectives::size());
}

TEST(ParticleExchange, NonFinitePositionIsAnError) {
  auto [named, threw] = migrate_with_stray(cube({true, true, true}), {0.0, std::numeric_limits<double>::quiet_NaN(), 0.0}, 777);
  EXPECT_EQ(named, 1);
  EXPECT_EQ(threw, collectives::size());
}

TEST(ParticleExchange, RoundingOntoTheFarFaceSettlesOnTheLowerFace) {
  // In [0.1, 0.7), L = 0.7 - 0.1 rounds so that x + L for x just below 0.1
  // gives exactly 0.7, and 0.7 - L gives just below 0.1: unless migration
  // settles such values on the lower face, they bounce between the end ranks.
  LayoutSpec s = cube({true, true, true});
  s.lower = {0.1, 0.1, 0.1};
  s.upper = {0.7, 0.7, 0.7};
  const double length = 0.7 - 0.1, below = std::nextafter(0.1, 0.0);
  ASSERT_EQ(below + length, 0.7);  // the cases this test is about
  ASSERT_LT(0.7 - length, 0.1);
  const CartesianLayout layout = CartesianLayout::for_this_process(s);
  Particles p(test_device());
  if (collectives::rank() == collectives::size() - 1) {
    p.resize_owned(2);
    p.id_from_host({0, 1});
    p.position_from_host(0, {below, 0.3});
    p.position_from_host(1, {0.3, 0.7});
    p.position_from_host(2, {0.3, 0.3});
  }
  ParticleExchange ex(layout, transport());
  ex.migrate(p);
  const auto id = p.id_to_host();
  const auto x = p.position_to_host(0), y = p.position_to_host(1), z = p.position_to_host(2);
  const Box box = box_of(layout);
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < p.owned(); ++i) {
    if (!box.contains({x[i], y[i], z[i]})) ++bad;
    if (id[i] == 0 && (bits(x[i]) != bits(0.1) || bits(wrapped(below, 0.1, 0.7, length)) != bits(0.1))) ++bad;
    if (id[i] == 1 && (bits(y[i]) != bits(0.1) || bits(wrapped(0.7, 0.1, 0.7, length)) != bits(0.1))) ++bad;
  }
  EXPECT_EQ(collectives::sum(bad), 0);
  EXPECT_EQ(collectives::sum(p.owned()), 2);
}

TEST(ParticleExchange, SetBoxKeepsGhostRoutesWithShiftsOfTheNewBox) {
  // A barostat dilates the box and every position about the centre between
  // two builds: update_ghosts must then place each ghost at its owner's new
  // position plus a shift of the new box length, bit for bit.
  const LayoutSpec spec = cube({true, true, true});
  const Ghosted g(spec, 2000, 51);
  const World& w = g.w;
  const CartesianLayout& layout = g.layout;
  Particles* p = g.p.get();
  ParticleExchange& ex = *g.ex;
  const auto& ids = g.ids;
  const auto& before = g.before;
  // Each ghost's image: -1, 0 or +1 box lengths from its owner's position.
  std::vector<std::array<int, 3>> image;
  for (std::int64_t i = p->owned(); i < p->total(); ++i) {
    std::array<int, 3> k{};
    for (int d = 0; d < 3; ++d) {
      const double x = w.settled[ids[i]][d];
      k[d] = before[d][i] == x ? 0 : (before[d][i] > x ? 1 : -1);
    }
    image.push_back(k);
  }

  const auto narrowest = ex.smallest_rank_box();
  const double mu = 0.97;
  LayoutSpec dilated = spec;
  dilated.ranks = layout.process_grid();
  Vec centre{};
  for (int d = 0; d < 3; ++d) {
    centre[d] = 0.5 * (spec.lower[d] + spec.upper[d]);
    dilated.lower[d] = centre[d] + mu * (spec.lower[d] - centre[d]);
    dilated.upper[d] = centre[d] + mu * (spec.upper[d] - centre[d]);
  }
  const CartesianLayout next(dilated, layout.size(), layout.rank());
  for (int d = 0; d < 3; ++d) {
    std::vector<double> x(before[d].begin(), before[d].begin() + p->owned());
    for (double& v : x) v = centre[d] + mu * (v - centre[d]);
    p->position_from_host(d, x);
  }
  ex.set_box(next);
  ex.update_ghosts(*p);

  std::int64_t bad = 0;
  for (int d = 0; d < 3; ++d) {
    const auto x = p->position_to_host(d);
    for (std::int64_t i = p->owned(); i < p->total(); ++i) {
      const double owner = centre[d] + mu * (w.settled[ids[i]][d] - centre[d]);
      const int k = image[i - p->owned()][d];
      if (bits(x[i]) != bits(k == 0 ? owner : owner + k * next.length(d))) ++bad;
    }
  }
  EXPECT_EQ(collectives::sum(bad), 0);
  EXPECT_GT(collectives::sum(p->ghosts()), 0);
  for (int d = 0; d < 3; ++d) EXPECT_NEAR(ex.smallest_rank_box()[d], mu * narrowest[d], 1e-12);

  // Only the bounds may change.
  LayoutSpec other = dilated;
  other.cells = {12, 24, 24};
  EXPECT_THROW(ex.set_box(CartesianLayout(other, layout.size(), layout.rank())), Error);
}
