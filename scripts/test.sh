#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit and CLI
# tests, MPI tests under mpirun with 1, 2, 3, 4 and 8 ranks, ParaView and Python
# checks, quick validation); with the debug preset (sanitizers) the unit and
# MPI tests only.
# Usage: scripts/test.sh [preset] [ctest arguments...]   presets: release (default) cuda host debug
# Tests run on the backend TESSERA_DEVICE names (auto: the GPU when one is visible).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
shift $(( $# > 0 ? 1 : 0 ))
scripts/install-deps.sh
scripts/build.sh "$preset"
# Open MPI refuses root without these (containers and CI run as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --preset "$preset" "$@"
