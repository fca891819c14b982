#!/usr/bin/env bash
# Runs inside a bundle made by gpu-bundle.sh, on the GPU machine: the whole
# suite on the CUDA backend, then the MPI tests with 2 ranks sharing the GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
export TESSERA_SOURCE_DIR=$PWD/src TESSERA_TEST_CLI=$PWD/bin/tessera_test_cli
status=0
bin/tessera info || status=1
TESSERA_DEVICE=cuda bin/tessera_tests || status=1
TESSERA_DEVICE=cpu bin/tessera_tests --gtest_filter='Cli.*' || status=1
for np in 1 2; do
  TESSERA_DEVICE=cuda mpirun -np $np --oversubscribe bin/tessera_mpi_tests || status=1
done
exit $status
