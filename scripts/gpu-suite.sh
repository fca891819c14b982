#!/usr/bin/env bash
# Entry point on the GPU machine, copied into .gpu/ by gpu-bundle.sh:
#   bash .gpu/gpu-suite.sh [--quick]
# Unpacks the bundle into /tmp, links in the libraries that machine lacks,
# and runs scripts/gpu-tests.sh, which writes $OUT/summary.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -rf /tmp/tessera-gpu
tar -C /tmp -xJf "$here/bundle.tar.xz"
source /tmp/tessera-gpu/env.sh
exec bash /tmp/tessera-gpu/scripts/gpu-tests.sh "$@"
