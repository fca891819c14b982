#!/usr/bin/env bash
# md.lj figure of merit: LAMMPS's bench/in.lj (fcc at 0.8442, rc 2.5, skin
# 0.3, NVE, lists every 20 steps) with 4 N^3 atoms for each N given (default
# 20 40 80: 32000, 256000 and 2048000 atoms, the issue's sizes), in each
# precision, 100 steps; prints atom-steps/s. No snapshots, one thermo row at
# the end, so the figure is the step loop's.
#   bench/md.sh [N...]   (TESSERA=path/to/tessera, DEVICE=gpu|cpu, PRECISIONS="double mixed", STEPS=100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tessera=${TESSERA:-$here/../build/solvers/tessera}
device=${DEVICE:-auto}
precisions=${PRECISIONS:-double mixed}
steps=${STEPS:-100}
sizes=${*:-20 40 80}
for n in $sizes; do
  for p in $precisions; do
    out=$(mktemp -d)
    "$tessera" run "$here/../inputs/md/lj_melt.toml" --device "$device" --output "$out/run" \
      --set "box.cells=[$n,$n,$n]" --set "physics.precision=$p" --set "run.steps=$steps" \
      --set "run.diagnostics_every=$steps" --set output.every_steps=0 |
      grep -E "figure of merit|device" | sed "s/^/$((4 * n * n * n)) atoms, $p: /"
    rm -rf "$out"
  done
done
