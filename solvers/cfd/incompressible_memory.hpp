#pragma once
// cfd.incompressible's memory estimate for a deck (SolverInfo::memory): what
// setup allocates, rank by rank, from the same layout arithmetic.
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::cfd {

MemoryEstimate incompressible_memory(const deck::Deck& d, int ranks, Backend backend);

}  // namespace tessera::cfd
