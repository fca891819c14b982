#pragma once
// The deck tables the driver owns, common to every solver: [run] and [output].
#include <string>
#include <vector>

#include "io/schema.hpp"

namespace tessera {

deck::Schema run_schema(const std::vector<std::string>& solver_names);

}  // namespace tessera
