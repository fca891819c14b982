#pragma once
// A restart continues the physics of its checkpoint: the decks must agree on
// every key except those that only say how the run is driven or written
// ([run] other than solver, [output], [checkpoint], [parallel]).
#include <string>
#include <vector>

#include "io/deck.hpp"

namespace tessera {

// One line per differing key: "[physics] cfl_number is 0.3 in the deck but 0.5 in the checkpoint".
std::vector<std::string> physics_differences(const deck::Deck& current, const deck::Deck& checkpointed);

}  // namespace tessera
