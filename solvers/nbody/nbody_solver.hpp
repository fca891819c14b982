#pragma once
// The nbody solvers: one solver (bodies, KDK leapfrog or 4th-order Hermite
// with a fixed or adaptive global step, initial conditions, diagnostics,
// Tessera and GADGET-4 snapshots, checkpoints) over a ForceProvider
// (force_provider.hpp), registered once per provider:
//   nbody.direct  direct summation, ring over ranks (direct_forces.cu)
//   nbody.tree    Barnes-Hut octree (tree_forces.cu)
namespace tessera::deck {
class Deck;
}

namespace tessera::nbody {

// The checks between keys the schema cannot express (InputError naming the
// key); setup runs them and so does `tessera check`.
void validate_deck(const deck::Deck& d);

// nbody.tree's checks: validate_deck's and leapfrog only.
void validate_tree_deck(const deck::Deck& d);

// Add "nbody.direct" and "nbody.tree" to the solver registry (idempotent).
void register_direct_solver();
void register_tree_solver();

}  // namespace tessera::nbody
