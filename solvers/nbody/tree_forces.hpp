#pragma once
// nbody.tree's force provider: a Barnes-Hut octree (octree.hpp) rebuilt
// every force evaluation, walked per group of bodies consecutive in key
// order, monopoles + quadrupoles, opening by angle theta or by GADGET's
// relative criterion.
//
// Several ranks: every rank gathers all bodies over the ring of the
// Transport and builds the whole tree, then walks it for its own bodies only
// (a replicated tree: the walk, the dominant cost, is split over ranks; the
// build and the memory are not). Forces therefore do not depend on the rank
// count beyond the grouping of the targets.
#include <memory>

#include "solvers/nbody/force_provider.hpp"
#include "solvers/nbody/octree.hpp"

namespace tessera::deck {
class Deck;
}

namespace tessera::nbody {

// The tree's [physics] keys (nbody_tree_schema).
OpeningParams opening_from_deck(const deck::Deck& d);

std::unique_ptr<ForceProvider> make_tree_forces(const ProviderContext& c);

}  // namespace tessera::nbody
