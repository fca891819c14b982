#pragma once
// The md solver's deck keys (md, md.lj), in the units of [physics] units.
#include <string>
#include <vector>

#include "io/deck.hpp"
#include "io/schema.hpp"

namespace tessera::md {

deck::Schema md_schema();
std::vector<std::string> md_fields();
// What the schema cannot say about charges (InputError naming the key): a
// k-space solver needs a coul/long style, and a coul/long style a k-space
// solver (or g_ewald alone); charged styles need charges, given once (a data
// file's or type_charge); Buckingham styles need buck_a, buck_rho, buck_c and
// other styles refuse them. Registered with the solver, so `tessera check`
// refuses what the run would.
void check_charge_keys(const deck::Deck& d);

}  // namespace tessera::md
