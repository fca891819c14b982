#pragma once
// nbody.direct: direct-summation softened gravity, O(N^2) per force pass,
// bodies split evenly over ranks and source blocks passed around a ring
// (systolic), each hop's transfer overlapping the force work on the block in
// hand. Kick-drift-kick leapfrog or 4th-order Hermite, global time step.
namespace tessera::deck {
class Deck;
}

namespace tessera::nbody {

// The checks between keys the schema cannot express (InputError naming the
// key); setup runs them and so does `tessera check`.
void validate_deck(const deck::Deck& d);

// Adds "nbody.direct" to the solver registry (idempotent).
void register_direct_solver();

}  // namespace tessera::nbody
