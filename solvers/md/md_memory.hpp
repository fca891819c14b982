#pragma once
// md.lj's memory estimate for a deck (SolverInfo::memory): particle storage
// with its growth policy, ghosts within cutoff + skin, the Verlet list with
// its capacity policy, per-atom scratch and exchange buffers.
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::md {

MemoryEstimate md_memory(const deck::Deck& d, int ranks, Backend backend);

}  // namespace tessera::md
