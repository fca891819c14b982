#!/usr/bin/env bash
# md.lj against LAMMPS on in.lj (fcc 0.8442, lj/cut 2.5, skin 0.3, lists
# every 20 steps unchecked, NVE, 100 steps): inputs/md/lj_melt.toml and
# bench/decks/in.lj at 4 N^3 atoms for each N given (default 20 40: 32000
# and 256000), run alternately ROUNDS times, LAMMPS serial and Tessera at
# each thread count in THREADS (default 1: per core; THREADS="1 2" adds the
# scaling). Prints every run's whole-process wall time and loop time
# (Tessera: "s stepping" of its last line; LAMMPS: "Loop time"), then per
# size and thread count the medians and the ratios tessera / lammps (below
# 1 is faster). Only diagnostics at the first and last step, no snapshots.
# LMP_RANKS="1 2" also runs LAMMPS on 2 MPI ranks (mpirun): Debian's lmp has
# no OPENMP package (`lmp -h`: no */omp styles), so ranks are its parallel
# reference; Tessera at t threads is then also compared with LAMMPS at t ranks.
#   bench/md_vs_lammps.sh [N...]
#   TESSERA=path/to/tessera (default build-host's, else build's) LMP=lmp ROUNDS=3 THREADS=1 STEPS=100 LMP_RANKS=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tessera=${TESSERA:-}
if [ -z "$tessera" ]; then
  tessera=$here/../build-host/solvers/tessera
  [ -x "$tessera" ] || tessera=$here/../build/solvers/tessera
fi
lmp=${LMP:-lmp}
rounds=${ROUNDS:-3}
threads=${THREADS:-1}
lmp_ranks=${LMP_RANKS:-1}
steps=${STEPS:-100}
sizes=${*:-20 40}
command -v "$lmp" >/dev/null || { echo "md_vs_lammps.sh: no LAMMPS ($lmp); set LMP=" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s%N; }

for n in $sizes; do
  atoms=$((4 * n * n * n))
  scale=$(python3 -c "print($n / 20)")
  : > "$work/times"
  for r in $(seq "$rounds"); do
    for t in $threads; do
      rm -rf "$work/run"
      s=$(now)
      OMP_NUM_THREADS=$t "$tessera" run "$here/../inputs/md/lj_melt.toml" --device cpu --output "$work/run" \
        --set "box.cells=[$n,$n,$n]" --set "run.steps=$steps" --set "run.diagnostics_every=$steps" \
        --set output.every_steps=0 > "$work/tessera.log" 2>&1
      e=$(now)
      loop=$(sed -n 's/.*(\([0-9.]*\) s stepping).*/\1/p' "$work/tessera.log" | tail -1)
      echo "tessera $t $(( e - s )) $loop" >> "$work/times"
      echo "$atoms atoms, round $r: tessera ($t thread(s)) $(( (e - s) / 1000000 )) ms wall, $loop s loop"
    done
    for np in $lmp_ranks; do
      launch=()
      [ "$np" -gt 1 ] && launch=(mpirun -np "$np" --oversubscribe)
      s=$(now)
      (cd "$work" && OMP_NUM_THREADS=1 "${launch[@]}" "$lmp" -in "$here/decks/in.lj" -var x "$scale" -var y "$scale" \
        -var z "$scale" -var steps "$steps" -log lammps.log -screen none)
      e=$(now)
      loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on.*/\1/p' "$work/lammps.log" | tail -1)
      echo "lammps $np $(( e - s )) $loop" >> "$work/times"
      echo "$atoms atoms, round $r: lammps ($np rank(s)) $(( (e - s) / 1000000 )) ms wall, $loop s loop"
    done
  done
  python3 - "$work/times" "$atoms" "$steps" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
atoms, steps = int(sys.argv[2]), int(sys.argv[3])
def med(code, threads, col):
    return statistics.median(float(r[col]) * (1e-9 if col == 2 else 1) for r in rows if r[0] == code and r[1] == threads)
lammps_ranks = sorted({r[1] for r in rows if r[0] == "lammps"}, key=int)
for np in lammps_ranks:
    print("%d atoms: lammps (%s rank(s)) median %.3f s wall, %.3f s loop (%.3g atom-steps/s)"
          % (atoms, np, med("lammps", np, 2), med("lammps", np, 3), atoms * steps / med("lammps", np, 3)))
lw, ll = med("lammps", "1", 2), med("lammps", "1", 3)
for t in sorted({r[1] for r in rows if r[0] == "tessera"}, key=int):
    tw, tl = med("tessera", t, 2), med("tessera", t, 3)
    same = ""
    if t != "1" and t in lammps_ranks:
        same = "; against lammps on %s ranks: wall %.2f, loop %.2f" % (t, tw / med("lammps", t, 2), tl / med("lammps", t, 3))
    print("%d atoms: tessera (%s thread(s)) median %.3f s wall, %.3f s loop (%.3g atom-steps/s); ratio tessera/lammps "
          "serial: wall %.2f, loop %.2f%s" % (atoms, t, tw, tl, atoms * steps / tl, tw / lw, tl / ll, same))
PY
done
