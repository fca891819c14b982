#pragma once
// nbody.direct's memory estimate for a deck (SolverInfo::memory): the
// bodies' columns, the two ring blocks and Hermite's predictor arrays.
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "solvers/solver_registry.hpp"

namespace tessera::nbody {

MemoryEstimate nbody_memory(const deck::Deck& d, int ranks, Backend backend);

}  // namespace tessera::nbody
