#!/usr/bin/env bash
# cfd.euler figure of merit: 3-D PLM + HLLC + RK2 (double) at N^3 for each N
# given (default 128 256 384), 20 steps each; prints cell-updates/s (and per
# core on the host: the figure over OMP_NUM_THREADS).
#   bench/euler.sh [N...]    (TESSERA=path/to/tessera, DEVICE=gpu|cpu, KERNEL=auto|fused|split)
#   host, one core:  OMP_NUM_THREADS=1 DEVICE=cpu bench/euler.sh 64 128
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tessera=${TESSERA:-$here/../build/solvers/tessera}
device=${DEVICE:-auto}
kernel=${KERNEL:-auto}
sizes=${*:-128 256 384}
for n in $sizes; do
  out=$(mktemp -d)
  "$tessera" run "$here/decks/euler_plm_hllc_3d.toml" --device "$device" --output "$out/run" \
    --set "grid.cells=[$n,$n,$n]" --set "physics.kernel=$kernel" | grep -E "figure of merit|device|stage kernel" |
    sed "s/^/$n^3: /" | awk '/OpenMP, [0-9]+ threads/ { match($0, /[0-9]+ threads/); t = substr($0, RSTART) + 0 }
      { print } /figure of merit/ && t > 0 { printf "%s per core (%d threads): %.4e cell-updates/s\n", $1, t, $5 / t }'
  rm -rf "$out"
done
