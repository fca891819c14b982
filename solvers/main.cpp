#include "solvers/cli.hpp"
#include "solvers/solver_registry.hpp"

int main(int argc, char** argv) {
  tessera::register_builtin_solvers();
  return tessera::main_cli(argc, argv);
}
