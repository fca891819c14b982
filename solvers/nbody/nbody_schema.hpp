#pragma once
// nbody.direct's deck keys.
#include <string>
#include <vector>

#include "io/schema.hpp"

namespace tessera::nbody {

deck::Schema nbody_schema();
std::vector<std::string> nbody_fields();  // what [output] fields may name

}  // namespace tessera::nbody
