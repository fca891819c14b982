#pragma once
// md.lj's deck keys (LJ reduced units: sigma = epsilon = m = k_B = 1).
#include <string>
#include <vector>

#include "io/schema.hpp"

namespace tessera::md {

deck::Schema md_schema();
std::vector<std::string> md_fields();

}  // namespace tessera::md
