#pragma once
// The nbody solvers' memory estimates for a deck (SolverInfo::memory).
// nbody.direct's: the bodies' columns, the two ring blocks and Hermite's
// predictor arrays.
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::nbody {

MemoryEstimate nbody_memory(const deck::Deck& d, int ranks, Backend backend);
// nbody.tree's: the same bodies, no ring; the tree's sorted copies, keys,
// nodes and walk scratch; on several ranks every body gathered (octree.hpp).
MemoryEstimate nbody_tree_memory(const deck::Deck& d, int ranks, Backend backend);

}  // namespace tessera::nbody
