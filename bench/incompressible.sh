#!/usr/bin/env bash
# cfd.incompressible figure of merit: 3-D periodic Taylor-Green (Re 1600, double)
# at N^3 for each N given (default 256 512), STEPS steps each (default 20);
# prints cell-updates/s per full step (three RK stages, three projections)
# and the split of the stepping time between the momentum and projection
# (pressure) timer regions of run.json (sync_timers on, so each region's time
# is its own).
#   bench/incompressible.sh [N...]    (TESSERA=path/to/tessera, DEVICE=gpu|cpu, STEPS=20)
# Host figure per core: DEVICE=cpu OMP_NUM_THREADS=1 bench/incompressible.sh 64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tessera=${TESSERA:-$here/../build/solvers/tessera}
device=${DEVICE:-auto}
steps=${STEPS:-20}
sizes=${*:-256 512}
for n in $sizes; do
  out=$(mktemp -d)
  "$tessera" run "$here/decks/incompressible_tgv_3d.toml" --device "$device" --output "$out/run" \
    --set "grid.cells=[$n,$n,$n]" --set "run.steps=$steps" > "$out/log" 2>&1 || { cat "$out/log"; rm -rf "$out"; exit 1; }
  grep -E "device" "$out/log" | head -1 | sed "s/^/$n^3: /" || true
  python3 - "$out/run/run.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = sys.argv[2]
reg = {k: v["seconds"] for k, v in r["regions"].items()}
fom = r["figure_of_merit"]
step = reg.get("step", 0.0)
print("%s^3: cfd.incompressible figure of merit: %.4e %s (%d steps, %.4g ms per step)"
      % (n, fom["value"], fom["unit"], r["steps"], 1e3 * step / max(r["steps"], 1)))
mom, pres = reg.get("momentum"), reg.get("projection", reg.get("pressure"))
if mom is not None and pres is not None and step > 0:
    print("%s^3: split of the stepping time: momentum %.1f %%, pressure %.1f %%, other %.1f %%"
          % (n, 100 * mom / step, 100 * pres / step, 100 * (step - mom - pres) / step))
else:
    print("%s^3: no momentum/projection regions in run.json (regions: %s)" % (n, ", ".join(sorted(reg))))
for k in sorted(reg, key=reg.get, reverse=True):
    print("%s^3:   region %-12s %9.4f s" % (n, k, reg[k]))
PY
  rm -rf "$out"
done
