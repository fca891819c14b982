#include "solvers/parallel_setup.hpp"

namespace tessera {

std::array<int, 3> process_grid_request(const deck::Deck& deck) {
  auto r = deck.integers("parallel.ranks");
  return {static_cast<int>(r[0]), static_cast<int>(r[1]), static_cast<int>(r[2])};
}

std::unique_ptr<Transport> transport_from_deck(const deck::Deck& deck, const Device& dev) {
  return make_transport(parse_transport_kind(deck.string("parallel.transport")), dev);
}

}  // namespace tessera
