#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo. Until the first physics
# solver lands the demo shows the build (tessera info), the deck reference
# (tessera keys), a deck check, and a short run of the test solver.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
bin=build/solvers/tessera
testbin=build/tests/tessera_test_cli
$bin info
$bin keys
$testbin check tests/decks/good/decay.toml
rm -rf build/demo-output
mpirun -np 2 --oversubscribe $testbin run tests/decks/good/decay.toml --output build/demo-output
echo
echo "demo output: build/demo-output (run.json, diagnostics.csv, snapshots/)"
head -4 build/demo-output/diagnostics.csv
