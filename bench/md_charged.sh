#!/usr/bin/env bash
# Charged LJ melt (inputs/md/charged_lj.toml: fcc 0.8442, half the atoms +1,
# half -1, lj/cut/coul/long rc 2.5 + PPPM 1e-4 order 5, NVE, lists checked
# every step) with 4 N^3 atoms for each N given, md against LAMMPS's
# lj/cut/coul/long + pppm on the same system, run alternately ROUNDS times,
# one thread each (OMP_NUM_THREADS, default 1). Prints per size the median
# wall seconds of each, their ratio (tessera / lammps: below 1 is faster),
# atom-steps/s, tessera's split (pair, k-space spread / mesh exchange / FFT /
# interpolate) from run.json and LAMMPS's own (Pair, Kspace, Neigh, Comm)
# from its log. Without lmp (or with DEVICE=gpu) only tessera
# runs.
#   bench/md_charged.sh [N...]   (default 20: 32000 atoms; the issue's GPU sizes are 40 and 80:
#                                 256000 and 2048000)
#   TESSERA=path/to/tessera DEVICE=cpu|gpu ROUNDS=3 STEPS=100 LMP=lmp
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tessera=${TESSERA:-$here/../build/solvers/tessera}
device=${DEVICE:-cpu}
rounds=${ROUNDS:-3}
steps=${STEPS:-100}
lmp=${LMP:-lmp}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
sizes=${*:-20}
have_lmp=0
if [ "$device" != gpu ] && command -v "$lmp" >/dev/null; then have_lmp=1; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
  atoms=$((4 * n * n * n))
  cat > "$work/in.charged" <<LMP
units lj
atom_style charge
lattice fcc 0.8442
region box block 0 $n 0 $n 0 $n
create_box 2 box
create_atoms 1 box basis 1 1 basis 2 2 basis 3 1 basis 4 2
set type 1 charge 1.0
set type 2 charge -1.0
mass * 1.0
velocity all create 1.44 87287 loop geom
pair_style lj/cut/coul/long 2.5
pair_coeff * * 1.0 1.0
kspace_style pppm 1e-4
kspace_modify order 5
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
fix 1 all nve
timestep 0.005
thermo $steps
run $steps
LMP
  : > "$work/t_tessera"; : > "$work/t_lammps"
  for r in $(seq "$rounds"); do
    rm -rf "$work/run"
    s=$(date +%s%N)
    "$tessera" run "$here/../inputs/md/charged_lj.toml" --device "$device" --output "$work/run" \
      --set "box.cells=[$n,$n,$n]" --set "run.steps=$steps" --set "run.diagnostics_every=$steps" \
      --set output.every_steps=0 > "$work/tessera.log"
    echo $(( $(date +%s%N) - s )) >> "$work/t_tessera"
    if [ $have_lmp = 1 ]; then
      s=$(date +%s%N)
      (cd "$work" && "$lmp" -in in.charged -log lammps.log -screen none)
      echo $(( $(date +%s%N) - s )) >> "$work/t_lammps"
    fi
  done
  python3 - "$work" "$atoms" "$steps" <<'PY'
import json, statistics, sys
work, atoms, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def med(f):
    v = [float(x) * 1e-9 for x in open(f) if x.strip()]  # nanoseconds
    return statistics.median(v) if v else None
t, l = med(work + "/t_tessera"), med(work + "/t_lammps")
reg = {k: v["seconds"] for k, v in json.load(open(work + "/run/run.json"))["regions"].items()}
line = "%d atoms: tessera %.2f s (%.3g atom-steps/s)" % (atoms, t, atoms * steps / t)
if l:
    line += ", lammps %.2f s (%.3g atom-steps/s), ratio %.2f" % (l, atoms * steps / l, t / l)
print(line)
print("  tessera regions (last run, s): " + ", ".join("%s %.2f" % (k, v) for k, v in sorted(reg.items())
                                                     if k in ("step", "pair") or k.startswith("kspace")))
# LAMMPS's own split (its "MPI task timing breakdown": Pair, Kspace, Neigh, Comm, ...).
try:
    split = []
    for line in open(work + "/lammps.log"):
        cols = [c.strip() for c in line.split("|")]
        if len(cols) == 6 and cols[0] in ("Pair", "Bond", "Kspace", "Neigh", "Comm", "Output", "Modify", "Other"):
            split.append("%s %.2f" % (cols[0], float(cols[2])))
    if split:
        print("  lammps breakdown (last run, avg s): " + ", ".join(split))
except OSError:
    pass
PY
done
