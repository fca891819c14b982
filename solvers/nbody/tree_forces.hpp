#pragma once
// nbody.tree's force provider: a Barnes-Hut octree (octree.hpp) rebuilt
// every force evaluation, walked per group of bodies consecutive in key
// order, monopoles + quadrupoles, opening by angle theta or by GADGET's
// relative criterion.
//
// Several ranks, a locally essential tree (each step):
//   1. ownership: the Morton keys of the global bounding cube are split into
//      contiguous ranges, one per rank, of about equal work (each body's
//      interactions in the last pass, kept in the solver's `tree_cost`
//      column so a restart balances as the straight run did; body counts
//      before there is one), from weighted key samples of every rank; each
//      body's record (position, mass, |a_old|, work) goes to its owner, all
//      to all over the Transport (the solver's bodies stay where they are);
//   2. each rank builds the octree of the bodies it owns and describes its
//      domain to the others as the tight boxes of its tree's nodes of about
//      n / 64 bodies; for every other rank it walks its tree against those
//      boxes with the walk's criterion (the nearest point of each box) and
//      sends, as a tree, every node its walk reached: those every box
//      accepts as multipoles (M, centre of mass, quadrupole) and those some
//      box opens, with their cells and children, and the bodies of the
//      opened leaves (Octree::export_write);
//   3. the owned bodies walk their own tree in groups, and then the other
//      ranks' essential trees hung under one root (Octree::load_essential)
//      with the same groups and criterion, so a group far from a domain
//      takes a coarser node than the domain as a whole needed; the
//      accelerations, potentials and work go back to the bodies' ranks.
// Forces agree with one rank's tree within the tree's tolerance, not bit for
// bit (which nodes are opened depends on the split); at a fixed rank count
// they are deterministic, so restarts are bit for bit.
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
