#!/usr/bin/env bash
# Runs inside a bundle made by gpu-bundle.sh, on the GPU machine: the whole
# suite on the CUDA backend, the MPI tests with 1 and 2 ranks sharing the GPU,
# the CUDA results against the host ones (scripts/compare-backends.sh),
# then (with --bench) the figure-of-merit benchmarks; logs go to $OUT if set.
#   source .gpu/env.sh && .gpu/scripts/gpu-tests.sh [--bench]
set -uo pipefail
cd "$(dirname "$0")/.."
export TESSERA_SOURCE_DIR=$PWD/src TESSERA_TEST_CLI=$PWD/bin/tessera_test_cli
log=${OUT:-/tmp}
status=0
bin/tessera info || status=1
TESSERA_DEVICE=cuda bin/tessera_tests 2>&1 | tee "$log/unit_cuda.log" | tail -5 || status=1
for np in 1 2; do
  TESSERA_DEVICE=cuda mpirun -np $np --oversubscribe bin/tessera_mpi_tests 2>&1 | tail -3 || status=1
done
# The CUDA backend against the host one on the same decks (cfd.euler 1e-12).
scripts/compare-backends.sh bin/tessera src 2>&1 | tee "$log/backends.log" | grep -E "^(ok|FAIL)" || status=1
grep -q "^FAIL" "$log/backends.log" && status=1
if [ "${1:-}" = "--bench" ]; then
  {
    bin/tessera_bench_halo --device gpu --cells 256 --transport nccl
    mpirun -np 2 --oversubscribe bin/tessera_bench_halo --device gpu --cells 256 --transport mpi
    bin/tessera_bench_snapshot --device gpu --cells 256 --fields 5 --dir /tmp
    bin/tessera_bench_gravity --device gpu --precision single
    bin/tessera_bench_gravity --device gpu --precision double
    TESSERA=bin/tessera DEVICE=gpu src/bench/euler.sh 128 256 384
    TESSERA=bin/tessera DEVICE=gpu KERNEL=split src/bench/euler.sh 256
    TESSERA=bin/tessera DEVICE=gpu src/bench/md.sh 20 40 80
  } 2>&1 | tee "$log/bench.log"
fi
exit $status
