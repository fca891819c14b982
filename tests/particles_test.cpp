// Particles storage on the backend TESSERA_DEVICE selects: columns, growth
// that keeps values, ghosts dropped by resize_owned, typed access checks,
// and the alternate storage used for stable compaction.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decomposition/particle_order.hpp"
#include "decomposition/particles.hpp"
#include "runtime/error.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

std::vector<double> ramp(std::int64_t n, double scale) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[i] = scale * static_cast<double>(i);
  return v;
}

std::vector<std::int64_t> ids(std::int64_t n, std::int64_t first) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[i] = first + i;
  return v;
}

}  // namespace

TEST(Particles, ColumnsAndRecordWords) {
  Particles p(test_device());
  EXPECT_EQ(p.columns(), 2);
  EXPECT_EQ(p.column("position"), 0);
  EXPECT_EQ(p.column("id"), 1);
  EXPECT_EQ(p.components(0), 3);
  EXPECT_TRUE(p.is_real(0));
  EXPECT_FALSE(p.is_real(1));
  const int v = p.add_real_column("velocity", 3);
  const int t = p.add_int_column("type", 1);
  EXPECT_EQ(v, 2);
  EXPECT_EQ(t, 3);
  EXPECT_EQ(p.column("type"), t);
  EXPECT_EQ(p.column_name(v), "velocity");
  EXPECT_EQ(p.record_words(), 3 + 1 + 3 + 1);
  EXPECT_THROW(p.column("mass"), Error);
  EXPECT_THROW(p.add_real_column("velocity", 1), Error);
  EXPECT_THROW(p.add_real_column("bad", 0), Error);
}

TEST(Particles, TypedAccessChecksTheColumnType) {
  Particles p(test_device());
  const int t = p.add_int_column("type", 1);
  EXPECT_THROW(p.real(t), Error);
  EXPECT_THROW(p.integer(0), Error);
  EXPECT_NO_THROW(p.integer(t));
  EXPECT_NO_THROW(p.words(t, 0));
}

TEST(Particles, GrowthKeepsValuesAndResizeDropsGhosts) {
  Particles p(test_device());
  const int m = p.add_real_column("mass", 1);
  p.resize_owned(10);
  p.position_from_host(1, ramp(10, 0.5));
  p.id_from_host(ids(10, 100));
  p.real_from_host(m, 0, ramp(10, 2.0));
  p.set_ghosts(0);
  const std::int64_t cap = p.capacity();
  EXPECT_GE(cap, 10);

  // Growing far past the capacity keeps the owned values.
  p.resize_owned(5 * cap);
  EXPECT_EQ(p.owned(), 5 * cap);
  EXPECT_GE(p.capacity(), 5 * cap);
  auto y = p.position_to_host(1);
  auto id = p.id_to_host();
  auto mass = p.real_to_host(m);
  ASSERT_EQ(static_cast<std::int64_t>(y.size()), 5 * cap);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(y[i], 0.5 * i);
    EXPECT_EQ(id[i], 100 + i);
    EXPECT_EQ(mass[i], 2.0 * i);
  }

  // Shrinking keeps the first values and never gives memory back.
  const std::int64_t big = p.capacity();
  p.resize_owned(4);
  EXPECT_EQ(p.capacity(), big);
  id = p.id_to_host();
  EXPECT_EQ(id, (std::vector<std::int64_t>{100, 101, 102, 103}));

  // Ghosts sit after the owned particles; resize_owned drops them.
  p.set_ghosts(3);
  EXPECT_EQ(p.total(), 7);
  EXPECT_EQ(static_cast<std::int64_t>(p.id_to_host().size()), 7);
  p.resize_owned(4);
  EXPECT_EQ(p.ghosts(), 0);
  EXPECT_THROW(p.set_ghosts(p.capacity()), Error);
}

TEST(Particles, ReserveKeepsOwnedAndGhostValues) {
  Particles p(test_device());
  p.resize_owned(3);
  p.id_from_host(ids(3, 7));
  p.reserve(4);
  p.set_ghosts(p.capacity() - 3);
  const std::int64_t total = p.total();
  std::vector<std::int64_t> before = p.id_to_host();
  p.reserve(4 * total);
  EXPECT_EQ(p.total(), total);
  EXPECT_EQ(p.id_to_host(), before);
}

TEST(Particles, HostCopiesMustMatchTheOwnedCount) {
  Particles p(test_device());
  p.resize_owned(4);
  EXPECT_THROW(p.id_from_host(ids(3, 0)), Error);
  EXPECT_THROW(p.position_from_host(0, ramp(5, 1.0)), Error);
}

TEST(Particles, ColumnsAfterParticlesAreRefused) {
  Particles p(test_device());
  p.resize_owned(1);
  EXPECT_THROW(p.add_real_column("late", 1), Error);
}

TEST(Particles, SwapAlternateExchangesEveryColumn) {
  Particles p(test_device());
  const int t = p.add_int_column("type", 2);
  p.resize_owned(2);
  p.id_from_host({1, 2});
  p.integer_from_host(t, 1, {5, 6});
  std::uint64_t* main_id = p.words(1, 0);
  std::uint64_t* alt_id = p.alternate_words(1, 0);
  std::uint64_t* alt_type = p.alternate_words(t, 1);
  EXPECT_NE(main_id, alt_id);
  p.swap_alternate();
  EXPECT_EQ(p.words(1, 0), alt_id);
  EXPECT_EQ(p.alternate_words(1, 0), main_id);
  EXPECT_EQ(p.words(t, 1), alt_type);
  p.swap_alternate();
  EXPECT_EQ(p.id_to_host(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(p.integer_to_host(t, 1), (std::vector<std::int64_t>{5, 6}));
}

TEST(Particles, SortOwnedByIdGivesOneOrderWhateverTheStart) {
  // Two ranks' views of the same particles reached through different
  // migrations: after the sort the arrays are identical, columns included.
  auto make = [](const std::vector<std::int64_t>& ids) {
    auto p = std::make_unique<Particles>(test_device());
    const int v = p->add_real_column("velocity", 3);
    const int t = p->add_int_column("type", 1);
    const auto n = static_cast<std::int64_t>(ids.size());
    p->resize_owned(n);
    p->id_from_host(ids);
    std::vector<double> x, vy;
    std::vector<std::int64_t> type;
    for (std::int64_t id : ids) x.push_back(0.5 * id), vy.push_back(-2.0 * id), type.push_back(id % 3);
    for (int d = 0; d < 3; ++d) p->position_from_host(d, x);
    for (int d = 0; d < 3; ++d) p->real_from_host(v, d, vy);
    p->integer_from_host(t, 0, type);
    return p;
  };
  auto a = make({7, 3, 11, 0, 5, 2}), b = make({2, 11, 0, 7, 5, 3});
  sort_owned_by_id(*a);
  sort_owned_by_id(*b);
  EXPECT_EQ(a->id_to_host(), (std::vector<std::int64_t>{0, 2, 3, 5, 7, 11}));
  EXPECT_EQ(a->position_to_host(1), (std::vector<double>{0, 1, 1.5, 2.5, 3.5, 5.5}));
  EXPECT_EQ(a->real_to_host(a->column("velocity"), 1), (std::vector<double>{0, -4, -6, -10, -14, -22}));
  EXPECT_EQ(a->integer_to_host(a->column("type")), (std::vector<std::int64_t>{0, 2, 0, 2, 1, 2}));
  for (int c = 0; c < a->columns(); ++c)
    for (int k = 0; k < a->components(c); ++k) {
      if (a->is_real(c)) {
        auto va = c == 0 ? a->position_to_host(k) : a->real_to_host(c, k);
        auto vb = c == 0 ? b->position_to_host(k) : b->real_to_host(c, k);
        EXPECT_EQ(va, vb) << a->column_name(c);
      } else {
        auto va = c == 1 ? a->id_to_host() : a->integer_to_host(c, k);
        auto vb = c == 1 ? b->id_to_host() : b->integer_to_host(c, k);
        EXPECT_EQ(va, vb) << a->column_name(c);
      }
    }
}
