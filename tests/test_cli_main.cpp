// `tessera` with the test-only solvers registered: what the CLI tests run.
#include "solvers/cli.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/test_solvers.hpp"

int main(int argc, char** argv) {
  tessera::register_builtin_solvers();
  tessera::testing::register_test_solvers();
  return tessera::main_cli(argc, argv);
}
