#pragma once
// Solvers that exist only to exercise the driver, the CLI and the runtime
// until (and alongside) the physics solvers.
namespace tessera::testing {

// Registers "test.decay" (idempotent).
void register_test_solvers();

}  // namespace tessera::testing
