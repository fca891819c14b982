#pragma once
// Solvers that exist only to exercise the driver, the CLI and the runtime
// until (and alongside) the physics solvers.
namespace tessera::testing {

// Registers "test.decay" and "test.diffusion" (idempotent).
void register_test_solvers();
void register_diffusion_solver();

}  // namespace tessera::testing
