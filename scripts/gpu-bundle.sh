#!/usr/bin/env bash
# Builds for Hopper (sm_90) and gathers the programs, the shared libraries the
# GPU machine lacks, and the files the tests read into .gpu/ (ignored by git),
# as ../shared/GPU.md describes. Send it with the device tool (carry: [".gpu"]):
#   source .gpu/env.sh && cd .gpu && scripts/gpu-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bundle_tool=${BUNDLE_SH:-../shared/gpu/bundle.sh}
scripts/build.sh cuda
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu
"$bundle_tool" .gpu build-cuda/solvers/tessera build-cuda/tests/tessera_tests \
  build-cuda/tests/tessera_mpi_tests build-cuda/tests/tessera_test_cli \
  build-cuda/bench/tessera_bench_halo build-cuda/bench/tessera_bench_snapshot build-cuda/bench/tessera_bench_gravity
# cuFFT (about 280 MB) would not fit the 64 MiB a bundle may carry; the GPU
# machine has its own (same CUDA 13, same soname), as it has the driver.
rm -f .gpu/lib/libcufft*
mkdir -p .gpu/src/tests .gpu/scripts
cp -r tests/decks .gpu/src/tests/
cp -r inputs bench .gpu/src/
cp scripts/gpu-tests.sh scripts/compare-backends.sh scripts/compare_snapshots.py .gpu/scripts/
du -sh .gpu
