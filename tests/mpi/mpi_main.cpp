// GoogleTest main for tests that run under mpirun: MPI is initialised once,
// only rank 0 prints, and any rank's failure fails the job.
#include <gtest/gtest.h>

#include "runtime/mpi_env.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/test_solvers.hpp"

int main(int argc, char** argv) {
  tessera::MpiEnvironment mpi(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  tessera::register_builtin_solvers();
  tessera::testing::register_test_solvers();
  if (mpi.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
