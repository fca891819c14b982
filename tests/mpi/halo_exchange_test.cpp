// Every ghost cell holds exactly the value of the global cell it mirrors, for
// 1-D, 2-D and 3-D layouts, periodic and walled axes, G = 1, 2, 3 ghost
// layers, 1 and 5 components, uneven splits, at whatever rank count mpirun
// gives; ghosts beyond walls stay untouched.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "decomposition/transport.hpp"
#include "runtime/collectives.hpp"
#include "runtime/format.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

constexpr double kUntouched = -1.0;

// A value no two (cell, component) pairs share; exact in double and float.
double value_of(const std::array<int, 3>& g, int c, const std::array<int, 3>& cells) {
  return 1.0 + g[0] + cells[0] * (g[1] + cells[1] * (g[2] + cells[2] * static_cast<double>(c)));
}

template <class T>
int check_halo(const LayoutSpec& spec, int ncomp) {
  CartesianLayout layout = CartesianLayout::for_this_process(spec);
  static std::unique_ptr<Transport> transport;
  if (!transport || !(transport->device() == test_device()))
    transport = make_transport(TransportKind::Auto, test_device());
  HaloExchange<T> halo(layout, *transport, ncomp, spec.ghosts);
  const Range3 box = halo.storage_box();
  const auto n = layout.local_cells();
  const Range3 own = layout.owned();
  std::vector<T> host(static_cast<std::size_t>(box.size() * ncomp), T(kUntouched));
  auto at = [&](int i, int j, int k, int c) -> T& {
    return host[static_cast<std::size_t>(c * box.size() + (i - box.lo[0]) +
                                         box.extent(0) * ((j - box.lo[1]) + box.extent(1) * (k - box.lo[2])))];
  };
  for (int c = 0; c < ncomp; ++c)
    for (int k = 0; k < n[2]; ++k)
      for (int j = 0; j < n[1]; ++j)
        for (int i = 0; i < n[0]; ++i)
          at(i, j, k, c) = T(value_of({own.lo[0] + i, own.lo[1] + j, own.lo[2] + k}, c, spec.cells));
  Buffer<T> field(test_device(), host.size());
  field.copy_from_host(host);
  halo.exchange(field.data());
  std::vector<T> out = field.to_host();
  host.swap(out);

  int bad = 0;
  for (int c = 0; c < ncomp; ++c)
    for (int k = box.lo[2]; k < box.hi[2]; ++k)
      for (int j = box.lo[1]; j < box.hi[1]; ++j)
        for (int i = box.lo[0]; i < box.hi[0]; ++i) {
          std::array<int, 3> g{own.lo[0] + i, own.lo[1] + j, own.lo[2] + k};
          bool beyond_wall = false;
          for (int d = 0; d < 3; ++d) {
            if (g[d] >= 0 && g[d] < spec.cells[d]) continue;
            if (spec.periodic[d]) g[d] = (g[d] + spec.cells[d]) % spec.cells[d];
            else beyond_wall = true;
          }
          const T expect = beyond_wall ? T(kUntouched) : T(value_of(g, c, spec.cells));
          if (at(i, j, k, c) != expect && ++bad <= 5)
            ADD_FAILURE() << layout.describe() << ": local (" << i << "," << j << "," << k << ") comp " << c
                          << " holds " << at(i, j, k, c) << ", expected " << expect;
        }
  return bad;
}

LayoutSpec make(std::array<int, 3> cells, std::array<bool, 3> periodic, int ghosts) {
  LayoutSpec s;
  s.cells = cells;
  s.periodic = periodic;
  s.ghosts = ghosts;
  return s;
}

}  // namespace

TEST(HaloExchange, GhostsMirrorTheirGlobalCells) {
  const std::vector<std::array<int, 3>> shapes = {{37, 1, 1}, {23, 19, 1}, {13, 11, 9}};
  const std::vector<std::array<bool, 3>> periodicity = {
      {true, true, true}, {false, false, false}, {true, false, true}, {false, true, false}};
  int cases = 0;
  for (const auto& cells : shapes)
    for (const auto& per : periodicity)
      for (int g : {1, 2, 3})
        for (int ncomp : {1, 5}) {
          LayoutSpec s = make(cells, per, g);
          EXPECT_EQ(check_halo<double>(s, ncomp), 0) << cells[0] << "x" << cells[1] << "x" << cells[2] << " G=" << g;
          ++cases;
        }
  EXPECT_EQ(cases, 72);
}

TEST(HaloExchange, SinglePrecisionFields) {
  EXPECT_EQ(check_halo<float>(make({16, 12, 10}, {true, true, false}, 2), 5), 0);
}

TEST(HaloExchange, FixedProcessGridsIncludingTwoRanksPerPeriodicAxis) {
  const int n = collectives::size();
  // All ranks along one axis: with 2 ranks each neighbour is the same rank on
  // both sides, told apart by tags.
  for (int axis = 0; axis < 3; ++axis) {
    LayoutSpec s = make({24, 18, 20}, {true, true, true}, 2);
    s.ranks = {1, 1, 1};
    s.ranks[axis] = n;
    if (s.cells[axis] / n < 2) continue;
    EXPECT_EQ(check_halo<double>(s, 5), 0) << "axis " << axis;
  }
}

TEST(HaloExchange, TransportMovesTaggedMessagesToSelf) {
  // Periodic self-exchange through the transport itself (what NCCL does with
  // one rank): two messages to self with different tags must not swap.
  auto t = make_transport(TransportKind::Auto, test_device());
  const int me = collectives::rank();
  Buffer<double> a(test_device(), 3), b(test_device(), 3), ra(test_device(), 3), rb(test_device(), 3);
  a.copy_from_host({1, 2, 3});
  b.copy_from_host({4, 5, 6});
  t->exchange({{me, 7, a.data(), 3 * sizeof(double)}, {me, 8, b.data(), 3 * sizeof(double)}},
              {{me, 8, rb.data(), 3 * sizeof(double)}, {me, 7, ra.data(), 3 * sizeof(double)}});
  EXPECT_EQ(ra.to_host(), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(rb.to_host(), (std::vector<double>{4, 5, 6}));
}
