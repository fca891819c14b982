#pragma once
// nbody.tree's force provider: a Barnes-Hut octree (octree.hpp) rebuilt
// every force evaluation, walked per group of bodies consecutive in key
// order, monopoles + quadrupoles, opening by angle theta or by GADGET's
// relative criterion.
//
// Several ranks: every rank gathers all bodies over the ring of the
// Transport and builds the same whole tree (a replicated tree, not yet a
// locally essential one: the walk, the dominant cost, is split over ranks;
// the build and the memory are not). The groups (consecutive in key order)
// are split into contiguous runs, one per rank, of about equal cost (the
// interactions each group needed in the last pass); each rank walks its run
// and the results travel back over the ring. A body's force is the same bits
// whichever rank walks its group, so forces do not depend on the rank count
// (host backend) and a restart (which loses the costs) is bit for bit.
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
