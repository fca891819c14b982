#pragma once
// The nbody solvers' deck keys.
#include <string>
#include <vector>

#include "io/schema.hpp"

namespace tessera::nbody {

deck::Schema nbody_schema();
deck::Schema nbody_tree_schema();  // nbody_schema plus the tree's [physics] keys
std::vector<std::string> nbody_fields();  // what [output] fields may name

}  // namespace tessera::nbody
