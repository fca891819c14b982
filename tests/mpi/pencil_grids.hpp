#pragma once
// Every p1 x p2 pencil grid of this job's ranks that fits a global size: the
// slab and pencil layouts the MPI tests run through.
#include <array>
#include <vector>

#include "decomposition/pencil_layout.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"

namespace tessera::testing {

inline std::vector<std::array<int, 2>> pencil_grids_for(const std::array<int, 3>& cells) {
  std::vector<std::array<int, 2>> out;
  const int n = collectives::size();
  for (int p1 = 1; p1 <= n; ++p1) {
    if (n % p1) continue;
    try {
      (void)PencilLayout(cells, n, 0, {p1, n / p1});
      out.push_back({p1, n / p1});
    } catch (const InputError&) {
    }
  }
  return out;
}

}  // namespace tessera::testing
