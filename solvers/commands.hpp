#pragma once
// The commands behind `tessera check`, `keys` and `info` (run is the driver).
#include <string>
#include <vector>

namespace tessera {

class MpiEnvironment;

// Validates a deck; prints a one-line verdict (and the resolved deck when
// `print_resolved`). Throws InputError on problems.
void command_check(const std::string& deck_path, const std::vector<std::string>& overrides, bool print_resolved);
// Lists the solvers and the driver's keys, or one solver's full schema.
void command_keys(const std::string& solver, bool markdown);
void command_info(const MpiEnvironment& mpi);

}  // namespace tessera
