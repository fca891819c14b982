#!/usr/bin/env bash
# Builds for Hopper (sm_90) and packs everything the GPU suite needs into
# .gpu/ (ignored by git), as ../shared/GPU.md describes: the programs, the
# shared libraries the GPU machine lacks, and every file the suite reads
# (test decks and data, example inputs, benchmarks, the validation suite and
# its references, the postprocess tools, the exact Riemann solver). The tree
# is compressed into .gpu/bundle.tar.xz so it fits the 64 MiB carry limit.
# On the GPU machine, one command (device tool, carry: [".gpu"]):
#   bash .gpu/gpu-suite.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
bundle_tool=${BUNDLE_SH:-../shared/gpu/bundle.sh}
build=${BUILD_DIR:-build-cuda}
[ -n "${SKIP_BUILD:-}" ] || scripts/build.sh cuda
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
stage=$(mktemp -d)/tessera-gpu
programs=("$build/solvers/tessera" "$build/tests/tessera_tests" "$build/tests/tessera_mpi_tests"
          "$build/tests/tessera_test_cli" "$build/validation/tessera_exact_riemann")
for b in "$build"/bench/tessera_bench_*; do [ -x "$b" ] && [ -f "$b" ] && programs+=("$b"); done
"$bundle_tool" "$stage" "${programs[@]}" > /dev/null
# cuFFT (~290 MB) cannot travel: the GPU machine's own CUDA 13 cuFFT is used.
rm -f "$stage"/lib/libcufft*
strip --strip-unneeded "$stage"/bin/* 2> /dev/null || true
mkdir -p "$stage/src/tests" "$stage/scripts"
cp -r tests/decks tests/data "$stage/src/tests/"
cp -r inputs bench validation postprocess "$stage/src/"
find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
cp scripts/gpu-tests.sh scripts/gpu_summary.py scripts/compare-backends.sh scripts/compare_snapshots.py "$stage/scripts/"
git rev-parse --short HEAD > "$stage/COMMIT"
git status --porcelain | grep -q . && echo "(with uncommitted changes)" >> "$stage/COMMIT"
rm -rf .gpu
mkdir -p .gpu
tar -C "$(dirname "$stage")" -cJf .gpu/bundle.tar.xz tessera-gpu
cp scripts/gpu-suite.sh .gpu/gpu-suite.sh
rm -rf "$(dirname "$stage")"
du -sh .gpu
