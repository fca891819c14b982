// Pencil transposes and the block <-> pencil redistribution move every element
// to exactly where its global index says, for slab and pencil grids, uneven
// splits, 4-, 8- and 16-byte elements, at whatever rank count mpirun gives.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/pencil_layout.hpp"
#include "decomposition/pencil_redistribution.hpp"
#include "decomposition/pencil_transpose.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "tests/mpi/pencil_grids.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

struct Pair {  // a 16-byte element, as complex<double>
  double re, im;
  bool operator==(const Pair&) const = default;
};

Transport& transport() {
  static std::unique_ptr<Transport> t;
  if (!t || !(t->device() == test_device())) t = make_transport(TransportKind::Auto, test_device());
  return *t;
}

// A value no two cells share; exact in float for the sizes used here.
double code(int i, int j, int k, const std::array<int, 3>& n) { return 1.0 + i + n[0] * (j + n[1] * static_cast<double>(k)); }

template <class T>
T make_value(double v) {
  if constexpr (std::is_same_v<T, Pair>) return Pair{v, -v};
  else return static_cast<T>(v);
}

// Host copy of this rank's pencil in orientation p, in its memory order.
template <class T>
std::vector<T> expected_pencil(const PencilLayout& L, Pencil p) {
  const Range3 b = L.box(p);
  const auto o = PencilLayout::memory_order(p);
  std::vector<T> v;
  v.reserve(static_cast<std::size_t>(b.size()));
  int g[3];
  for (g[o[2]] = b.lo[o[2]]; g[o[2]] < b.hi[o[2]]; ++g[o[2]])
    for (g[o[1]] = b.lo[o[1]]; g[o[1]] < b.hi[o[1]]; ++g[o[1]])
      for (g[o[0]] = b.lo[o[0]]; g[o[0]] < b.hi[o[0]]; ++g[o[0]])
        v.push_back(make_value<T>(code(g[0], g[1], g[2], L.cells())));
  return v;
}

template <class T>
int mismatches(const std::vector<T>& got, const std::vector<T>& want) {
  if (got.size() != want.size()) return -1;
  int bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) bad += !(got[i] == want[i]);
  return bad;
}

// X -> Y -> Z -> Y -> X, checking every stage against the exact pencils.
template <class T>
void check_transposes(const PencilLayout& L) {
  SCOPED_TRACE(L.describe());
  PencilTranspose tr(L, transport(), sizeof(T));
  Buffer<T> x(test_device(), L.local_size(Pencil::X)), y(test_device(), L.local_size(Pencil::Y)),
      z(test_device(), L.local_size(Pencil::Z)), back(test_device(), L.local_size(Pencil::X));
  x.copy_from_host(expected_pencil<T>(L, Pencil::X));
  tr(Pencil::X, Pencil::Y, x.data(), y.data());
  EXPECT_EQ(mismatches(y.to_host(), expected_pencil<T>(L, Pencil::Y)), 0) << "x -> y";
  tr(Pencil::Y, Pencil::Z, y.data(), z.data());
  EXPECT_EQ(mismatches(z.to_host(), expected_pencil<T>(L, Pencil::Z)), 0) << "y -> z";
  y.copy_from_host(std::vector<T>(y.size(), make_value<T>(0)));
  tr(Pencil::Z, Pencil::Y, z.data(), y.data());
  EXPECT_EQ(mismatches(y.to_host(), expected_pencil<T>(L, Pencil::Y)), 0) << "z -> y";
  tr(Pencil::Y, Pencil::X, y.data(), back.data());
  EXPECT_EQ(mismatches(back.to_host(), expected_pencil<T>(L, Pencil::X)), 0) << "y -> x";
}

}  // namespace

TEST(PencilTranspose, EveryElementLandsAtItsGlobalIndex) {
  int layouts = 0;
  for (std::array<int, 3> cells : {std::array<int, 3>{17, 12, 9}, {8, 8, 8}, {9, 16, 1}, {5, 11, 13}})
    for (auto grid : tessera::testing::pencil_grids_for(cells)) {
      const auto L = PencilLayout::for_this_process(cells, grid);
      check_transposes<double>(L);
      check_transposes<float>(L);
      check_transposes<Pair>(L);
      ++layouts;
    }
  EXPECT_GE(layouts, 4);
}

TEST(PencilTranspose, RefusesWhatIsNotATranspose) {
  const auto L = PencilLayout::for_this_process({8, 8, 8});
  PencilTranspose tr(L, transport(), sizeof(double));
  Buffer<double> a(test_device(), L.local_size(Pencil::X)), b(test_device(), L.local_size(Pencil::Z));
  try {
    tr(Pencil::X, Pencil::Z, a.data(), b.data());
    ADD_FAILURE() << "x -> z accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("go through the y-pencil"), std::string::npos) << e.what();
  }
  Buffer<float> f(test_device(), L.local_size(Pencil::Y));
  try {
    tr(Pencil::Y, Pencil::X, f.data(), reinterpret_cast<float*>(a.data()));
    ADD_FAILURE() << "float elements accepted by a double transpose";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("8-byte elements was handed 4-byte"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PencilTranspose(L, transport(), 12), Error);
}

namespace {

// Block field (with ghosts) -> x-pencils -> back; ghosts keep their marker.
template <class T>
void check_redistribution(const std::array<int, 3>& cells, std::array<int, 3> ranks, std::array<int, 2> grid, int ghosts) {
  LayoutSpec spec;
  spec.cells = cells;
  spec.ranks = ranks;
  spec.periodic = {true, true, true};
  spec.ghosts = ghosts;
  const CartesianLayout blocks = CartesianLayout::for_this_process(spec);
  const PencilLayout pencils = PencilLayout::for_this_process(cells, grid);
  SCOPED_TRACE(blocks.describe() + " / " + pencils.describe());
  PencilRedistribution redist(blocks, pencils, transport(), sizeof(T), ghosts);
  const Range3 own = blocks.owned();
  Range3 store = own;
  for (int d = 0; d < 3; ++d)
    if (blocks.active(d)) store.lo[d] -= ghosts, store.hi[d] += ghosts;
  ASSERT_EQ(redist.field_size(), store.size());
  const T marker = make_value<T>(-7);
  std::vector<T> field(static_cast<std::size_t>(store.size()), marker);
  const Span3<T> f(field.data(), store);
  for (int k = own.lo[2]; k < own.hi[2]; ++k)
    for (int j = own.lo[1]; j < own.hi[1]; ++j)
      for (int i = own.lo[0]; i < own.hi[0]; ++i) f(i, j, k) = make_value<T>(code(i, j, k, cells));
  Buffer<T> dev_field(test_device(), field.size()), pencil(test_device(), redist.pencil_size());
  dev_field.copy_from_host(field);
  redist.to_pencils(dev_field.data(), pencil.data());
  EXPECT_EQ(mismatches(pencil.to_host(), expected_pencil<T>(pencils, Pencil::X)), 0) << "blocks -> pencils";
  dev_field.copy_from_host(std::vector<T>(field.size(), marker));
  redist.from_pencils(pencil.data(), dev_field.data());
  EXPECT_EQ(mismatches(dev_field.to_host(), field), 0) << "pencils -> blocks";
}

}  // namespace

TEST(PencilRedistribution, BlocksToPencilsAndBack) {
  const int n = collectives::size();
  const std::array<int, 3> cells{17, 12, 9};
  for (auto grid : tessera::testing::pencil_grids_for(cells)) {
    check_redistribution<double>(cells, {0, 0, 0}, grid, 0);
    check_redistribution<double>(cells, {0, 0, 0}, grid, 2);
    check_redistribution<float>(cells, {n, 1, 1}, grid, 1);
    check_redistribution<Pair>(cells, {1, 1, n}, grid, 0);
  }
}

TEST(PencilRedistribution, RefusesMismatchedLayouts) {
  LayoutSpec spec;
  spec.cells = {16, 8, 8};
  const CartesianLayout blocks = CartesianLayout::for_this_process(spec);
  const PencilLayout pencils = PencilLayout::for_this_process({8, 8, 8});
  try {
    PencilRedistribution r(blocks, pencils, transport(), sizeof(double));
    ADD_FAILURE() << "mismatched global sizes accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the blocks cover 16 x 8 x 8 cells, the pencils 8 x 8 x 8"),
              std::string::npos)
        << e.what();
  }
}
