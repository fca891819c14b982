// md on the host: the half neighbour list with Newton's third law against
// the full list (the GPU's) on the same configuration, momentum
// conservation, the same bits at 1 and 2 OpenMP threads (bins in colours),
// and the atom sort along the bins (records travel whole; the order depends
// on positions and ids only).
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/deck.hpp"
#include "physics/md/units.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "runtime/for_each_task.hpp"
#include "solvers/md/atom_sort.hpp"
#include "solvers/md/bin_grid.hpp"
#include "solvers/md/lattice.hpp"
#include "solvers/md/md_schema.hpp"
#include "solvers/md/neighbor_list.hpp"
#include "solvers/md/pair_force.hpp"
#include "solvers/driver.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/cli_runner.hpp"

using namespace tessera;
namespace fs = std::filesystem;

namespace {

constexpr double kRange = 2.8;  // cutoff 2.5 + skin 0.3

deck::Deck md_deck(const std::vector<std::string>& overrides) {
  // in.lj's pair style; the keys a test changes come as overrides.
  const char* text = "[physics]\npotential = \"lj\"\nepsilon = 1.0\nsigma = 1.0\ncutoff = 2.5\nshift = false\n";
  return deck::Deck::validate(deck::RawDeck::parse_string(text, "host_list.toml", overrides), md::md_schema(), {true});
}

// A jiggled fcc liquid-density box [0, L)^3 of 6^3 cells (864 atoms, 6 bins
// of the list range per axis with the ghost shell: several blocks per
// colour), types alternating 1, 2, charges +-1, then its periodic images
// within the list range as ghosts.
struct System {
  Device dev = Device::host();
  Particles p{dev};
  int type = -1, charge = -1, force = -1;
  double box = 0;
  explicit System(const std::string& kind = "fcc", int cells = 6, double density = 0.8442, double jiggle = 0.15) {
    type = p.add_int_column("type", 1);
    charge = p.add_real_column("charge", 1);
    force = p.add_real_column("force", 3);
    md::Lattice lat = md::make_lattice(kind, density, {cells, cells, cells});
    box = lat.box[0];
    const std::size_t n = lat.x.size();
    std::vector<double> x(n), y(n), z(n), q(n);
    std::vector<std::int64_t> id(n), t(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto d = [&](int k) { return jiggle * std::sin(1.7 * static_cast<double>(3 * i + k) + 0.3 * k); };
      auto wrap = [&](double v) { return v < 0 ? v + box : (v >= box ? v - box : v); };
      x[i] = wrap(lat.x[i] + d(0)), y[i] = wrap(lat.y[i] + d(1)), z[i] = wrap(lat.z[i] + d(2));
      // Ids scrambled against the lattice order, so sorting has work to do.
      id[i] = static_cast<std::int64_t>((i * 389) % n);
      t[i] = 1 + static_cast<std::int64_t>(i % 2);
      q[i] = i % 2 ? -1.0 : 1.0;
    }
    p.resize_owned(static_cast<std::int64_t>(n));
    p.position_from_host(0, x), p.position_from_host(1, y), p.position_from_host(2, z);
    p.id_from_host(id);
    p.integer_from_host(type, 0, t);
    p.real_from_host(charge, 0, q);
  }
  md::BinGrid bins() const { return md::bin_grid({0, 0, 0}, {box, box, box}, kRange); }
  // Images of the owned atoms within kRange of the box, after them.
  void add_ghosts() {
    const std::int64_t n = p.owned();
    std::vector<double> gx, gy, gz, gq;
    std::vector<std::int64_t> gid, gt;
    const double* pos[3] = {p.position(0), p.position(1), p.position(2)};
    for (int sx = -1; sx <= 1; ++sx)
      for (int sy = -1; sy <= 1; ++sy)
        for (int sz = -1; sz <= 1; ++sz) {
          if (sx == 0 && sy == 0 && sz == 0) continue;
          for (std::int64_t i = 0; i < n; ++i) {
            const double v[3] = {pos[0][i] + sx * box, pos[1][i] + sy * box, pos[2][i] + sz * box};
            bool near = true;
            for (double c : v) near = near && c >= -kRange && c < box + kRange;
            if (!near) continue;
            gx.push_back(v[0]), gy.push_back(v[1]), gz.push_back(v[2]);
            gid.push_back(p.id()[i]), gt.push_back(p.integer(type)[i]), gq.push_back(p.real(charge)[i]);
          }
        }
    const auto g = static_cast<std::int64_t>(gx.size());
    p.reserve(n + g);
    for (std::int64_t k = 0; k < g; ++k) {
      const auto u = static_cast<std::size_t>(k);
      p.position(0)[n + k] = gx[u], p.position(1)[n + k] = gy[u], p.position(2)[n + k] = gz[u];
      p.id()[n + k] = gid[u], p.integer(type)[n + k] = gt[u], p.real(charge)[n + k] = gq[u];
    }
    p.set_ghosts(g);
  }
};

struct Result {
  std::vector<double> fx, fy, fz, e_vdw, e_coul, virial;
};

Result pair_pass(System& s, const md::PairForce& pair, md::ListKind kind, bool charged) {
  md::NeighborList list(s.dev, kind);
  list.build(s.p, {0, 0, 0}, {s.box, s.box, s.box}, kRange);
  const auto n = static_cast<std::size_t>(s.p.owned());
  Result r;
  for (auto* v : {&r.e_vdw, &r.e_coul, &r.virial}) v->assign(n, 0.0);
  md::PairOutputs out;
  out.fx = s.p.real(s.force, 0), out.fy = s.p.real(s.force, 1), out.fz = s.p.real(s.force, 2);
  out.e_vdw = r.e_vdw.data(), out.e_coul = r.e_coul.data(), out.virial = r.virial.data();
  pair.compute(s.p, s.type, charged ? s.charge : -1, list, out);
  r.fx.assign(out.fx, out.fx + n), r.fy.assign(out.fy, out.fy + n), r.fz.assign(out.fz, out.fz + n);
  return r;
}

double total(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

void expect_half_matches_full(const std::vector<std::string>& overrides, bool charged) {
  System s;
  s.add_ghosts();
  const deck::Deck d = md_deck(overrides);
  const md::PairForce pair(d, s.dev, md::unit_system("lj"), 2);
  const Result half = pair_pass(s, pair, md::ListKind::Half, charged);
  const Result full = pair_pass(s, pair, md::ListKind::Full, charged);
  double scale = 0;
  for (std::size_t i = 0; i < full.fx.size(); ++i)
    scale = std::max({scale, std::fabs(full.fx[i]), std::fabs(full.fy[i]), std::fabs(full.fz[i])});
  ASSERT_GT(scale, 1.0);
  double worst = 0;
  for (std::size_t i = 0; i < full.fx.size(); ++i)
    worst = std::max({worst, std::fabs(half.fx[i] - full.fx[i]), std::fabs(half.fy[i] - full.fy[i]),
                      std::fabs(half.fz[i] - full.fz[i])});
  EXPECT_LE(worst / scale, 1e-13) << "largest force " << scale;
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-13 * std::max(1.0, std::fabs(b)); };
  EXPECT_PRED2(near, total(half.e_vdw), total(full.e_vdw));
  EXPECT_PRED2(near, total(half.virial), total(full.virial));
  if (charged) {
    EXPECT_NE(total(full.e_coul), 0.0);
    EXPECT_PRED2(near, total(half.e_coul), total(full.e_coul));
  }
  // Newton's third law: periodic images mirror every owned-ghost pair, so
  // the total force vanishes to round-off.
  const double sums[3] = {total(half.fx), total(half.fy), total(half.fz)};
  for (double f : sums) EXPECT_LE(std::fabs(f), 1e-12 * scale * static_cast<double>(full.fx.size()));
}

}  // namespace

TEST(MdHostList, HalfListForcesMatchTheFullListLennardJonesTwoTypes) {
  expect_half_matches_full({"physics.type_epsilon=[1.0, 0.6]", "physics.type_sigma=[1.0, 0.9]"}, false);
}

TEST(MdHostList, HalfListForcesMatchTheFullListOneType) { expect_half_matches_full({}, false); }

TEST(MdHostList, HalfListForcesMatchTheFullListMorse) {
  expect_half_matches_full({"physics.potential=\"morse\"", "physics.morse_d0=1.0", "physics.morse_alpha=2.0",
                            "physics.morse_r0=1.1", "physics.shift=true"},
                           false);
}

TEST(MdHostList, HalfListForcesMatchTheFullListCharged) {
  expect_half_matches_full({"physics.potential=\"lj/cut/coul/cut\"", "physics.type_charge=[1.0, -1.0]"}, true);
}

TEST(MdHostList, HalfListForcesMatchTheFullListMixedPrecision) {
  expect_half_matches_full({"physics.precision=\"mixed\""}, false);
}

static void expect_each_pair_once(System& s) {
  s.add_ghosts();
  md::NeighborList half(s.dev, md::ListKind::Half), full(s.dev, md::ListKind::Full);
  half.build(s.p, {0, 0, 0}, {s.box, s.box, s.box}, kRange);
  full.build(s.p, {0, 0, 0}, {s.box, s.box, s.box}, kRange);
  const std::int64_t n = s.p.owned();
  std::map<std::pair<int, int>, int> seen;  // (owned, partner) with owned < partner for owned pairs
  const md::NeighborView hv = half.view(), fv = full.view();
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < hv.count(i); ++k) {
      const int j = hv.at(i, k);
      ++seen[j < n ? std::make_pair(std::min(i, j), std::max(i, j)) : std::make_pair(i, j)];
    }
  std::size_t expected = 0;
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < fv.count(i); ++k) {
      const int j = fv.at(i, k);
      if (j < n && j < i) continue;
      ++expected;
      const auto key = j < n ? std::make_pair(i, j) : std::make_pair(i, j);
      EXPECT_EQ(seen[key], 1) << "pair " << i << ", " << j;
    }
  EXPECT_EQ(seen.size(), expected);
}

TEST(MdHostList, HalfListHoldsEachOwnedPairOnceAndGhostPairsOnTheOwnedSide) {
  System liquid;
  expect_each_pair_once(liquid);
  // A perfect bcc lattice at 0.8 (4^3 cells): every atom has the same count,
  // which once filled the list's capacity exactly (the compaction's spare
  // slot).
  System bcc("bcc", 4, 0.8, 0.0);
  expect_each_pair_once(bcc);
}

TEST(MdHostList, SameBitsAtOneAndTwoThreads) {
  System s;
  s.add_ghosts();
  const deck::Deck d = md_deck({"physics.type_epsilon=[1.0, 0.6]", "physics.type_sigma=[1.0, 0.9]"});
  const md::PairForce pair(d, s.dev, md::unit_system("lj"), 2);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const Result one = pair_pass(s, pair, md::ListKind::Half, false);
  omp_set_num_threads(2);
  const Result two = pair_pass(s, pair, md::ListKind::Half, false);
  omp_set_num_threads(before);
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
  };
  EXPECT_TRUE(same(one.fx, two.fx));
  EXPECT_TRUE(same(one.fy, two.fy));
  EXPECT_TRUE(same(one.fz, two.fz));
  EXPECT_TRUE(same(one.e_vdw, two.e_vdw));
  EXPECT_TRUE(same(one.virial, two.virial));
}

TEST(MdHostList, AtomSortMovesWholeRecordsIntoBinThenIdOrder) {
  System s;
  const std::int64_t n = s.p.owned();
  // Each atom's record before the sort, by id.
  std::map<std::int64_t, std::vector<double>> before;
  for (std::int64_t i = 0; i < n; ++i)
    before[s.p.id()[i]] = {s.p.position(0)[i], s.p.position(1)[i], s.p.position(2)[i],
                           static_cast<double>(s.p.integer(s.type)[i]), s.p.real(s.charge)[i]};
  md::AtomSort sort(s.dev);
  const md::BinGrid bins = s.bins();
  sort.sort(s.p, bins);
  ASSERT_EQ(s.p.owned(), n);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::vector<double> rec = {s.p.position(0)[i], s.p.position(1)[i], s.p.position(2)[i],
                                     static_cast<double>(s.p.integer(s.type)[i]), s.p.real(s.charge)[i]};
    EXPECT_EQ(rec, before.at(s.p.id()[i]));
    if (i == 0) continue;
    const int b0 = bins.index(s.p.position(0)[i - 1], s.p.position(1)[i - 1], s.p.position(2)[i - 1]);
    const int b1 = bins.index(s.p.position(0)[i], s.p.position(1)[i], s.p.position(2)[i]);
    EXPECT_TRUE(b0 < b1 || (b0 == b1 && s.p.id()[i - 1] < s.p.id()[i])) << "at " << i;
  }
  // A different start (reversed) sorts to the same arrays.
  System r;
  std::vector<double> pos[3];
  for (int a = 0; a < 3; ++a) pos[a] = s.p.position_to_host(a);
  std::vector<std::int64_t> ids = s.p.id_to_host(), types = s.p.integer_to_host(s.type);
  std::vector<double> q = s.p.real_to_host(s.charge);
  for (auto* v : {&pos[0], &pos[1], &pos[2], &q}) std::reverse(v->begin(), v->end());
  std::reverse(ids.begin(), ids.end()), std::reverse(types.begin(), types.end());
  for (int a = 0; a < 3; ++a) r.p.position_from_host(a, pos[a]);
  r.p.id_from_host(ids), r.p.integer_from_host(r.type, 0, types), r.p.real_from_host(r.charge, 0, q);
  sort.sort(r.p, bins);
  EXPECT_EQ(r.p.id_to_host(), s.p.id_to_host());
  for (int a = 0; a < 3; ++a) EXPECT_EQ(r.p.position_to_host(a), s.p.position_to_host(a));
}

// The whole run, not just one pass: in.lj at 864 atoms (6^3 cells: several
// bars per colour), 40 steps through two list rebuilds with migration and
// re-sorting; the diagnostics file is the same text at 1 and 2 threads.
TEST(MdHostList, RunGivesTheSameBitsAtOneAndTwoThreads) {
  register_builtin_solvers();
  auto run_with = [](int threads) {
    omp_set_num_threads(threads);
    RunOptions o;
    o.deck_path = tessera::testing::source_path("inputs/md/lj_melt.toml").string();
    o.output_dir = tessera::testing::scratch_dir("host_list_threads_" + std::to_string(threads)).string();
    o.overrides = {"output.every_steps=0", "box.cells=[6,6,6]", "run.steps=40", "run.diagnostics_every=5"};
    run(o);
    std::ifstream in(fs::path(*o.output_dir) / "diagnostics.csv");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const int before = omp_get_max_threads();
  const std::string one = run_with(1), two = run_with(2);
  omp_set_num_threads(before);
  EXPECT_GT(one.size(), 500u);
  EXPECT_EQ(one, two);
}

// The pair pass's one parallel region (zeroing, then the four colours):
// every task of a phase exactly once, and all of them before any task of the
// next phase starts (the colours rely on it), empty phases included.
TEST(MdHostList, TaskPhasesRunEachTaskOnceAndInOrder) {
  const std::vector<int> tasks = {3, 0, 17, 1, 40};
  const int before = omp_get_max_threads();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    std::vector<std::vector<int>> started(tasks.size()), ended(tasks.size());
    for (std::size_t ph = 0; ph < tasks.size(); ++ph) {
      started[ph].assign(static_cast<std::size_t>(tasks[ph]), -1);
      ended[ph].assign(static_cast<std::size_t>(tasks[ph]), -1);
    }
    std::atomic<int> clock{0}, runs{0};
    for_each_task_phases(Device::host(), static_cast<int>(tasks.size()),
                         [&](int ph) { return std::int64_t{tasks[static_cast<std::size_t>(ph)]}; },
                         [&](int ph, int t) {
                           started[ph][t] = clock++;
                           volatile double sink = 0;
                           for (int k = 0; k < 2000 * (t % 5); ++k) sink = sink + k;  // uneven tasks
                           ended[ph][t] = clock++;
                           ++runs;
                         });
    EXPECT_EQ(runs.load(), 61) << threads << " threads";
    int last_end = -1;
    for (std::size_t ph = 0; ph < tasks.size(); ++ph) {
      if (tasks[ph] == 0) continue;
      const int first_start = *std::min_element(started[ph].begin(), started[ph].end());
      EXPECT_GT(first_start, last_end) << "phase " << ph << " began before the previous one ended, " << threads
                                       << " threads";
      EXPECT_GE(first_start, 0);
      last_end = *std::max_element(ended[ph].begin(), ended[ph].end());
    }
  }
  omp_set_num_threads(before);
}
