#!/usr/bin/env bash
# Configures and builds one preset (default: release = CUDA when nvcc is found).
# Usage: scripts/build.sh [preset]     presets: release cuda host debug
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
# nvcc lives outside PATH in a default CUDA install.
[ -x /usr/local/cuda/bin/nvcc ] && export PATH="/usr/local/cuda/bin:$PATH"
cmake --preset "$preset"
cmake --build --preset "$preset"
