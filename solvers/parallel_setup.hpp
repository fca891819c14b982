#pragma once
// What a solver needs from the deck's [parallel] table: its process-grid
// request and the transport, so every solver reads them the same way.
#include <array>
#include <memory>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/transport.hpp"
#include "io/deck.hpp"

namespace tessera {

// [parallel] ranks as LayoutSpec::ranks.
std::array<int, 3> process_grid_request(const deck::Deck& deck);
// [parallel] transport, created for `dev` (collective; logs the choice).
std::unique_ptr<Transport> transport_from_deck(const deck::Deck& deck, const Device& dev);

}  // namespace tessera
