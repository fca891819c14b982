// GoogleTest main for tests that run under mpirun: MPI is initialised once,
// only rank 0 prints, and any rank's failure fails the job.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "runtime/device.hpp"
#include "runtime/mpi_env.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/test_solvers.hpp"

int main(int argc, char** argv) {
  // As `tessera run` does: each rank's GPU is current before MPI starts.
  const char* dev = std::getenv("TESSERA_DEVICE");
  if (!dev || std::string(dev) != "cpu") tessera::bind_gpu_before_mpi_init();
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
