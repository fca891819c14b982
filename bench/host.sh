#!/usr/bin/env bash
# Issue 17's host figures in one run, on an idle machine: the core's own
# ceilings (FMA chains, sqrt+divide), md.lj against LAMMPS on in.lj at 32k
# and 256k atoms (md_vs_lammps.sh, alternating rounds), cfd.euler 3-D
# PLM+HLLC+RK2 at 64^3 and 128^3, the nbody.direct force pass in single and
# double, and nbody.tree at 1M bodies; each Tessera figure at every thread
# count in THREADS (default "1 2"). Paste the output into bench/NOTES.md.
#   bench/host.sh        (BUILD=build-host, THREADS="1 2", ROUNDS=3, QUICK=1: md at 32k only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build-host}
threads=${THREADS:-1 2}
rounds=${ROUNDS:-3}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
bin=$build/bench
echo "# host figures, $(date -u +%F\ %H:%M) UTC, commit $(git -C "$here" rev-parse --short HEAD)"
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "## ceilings"
ceil=$(OMP_NUM_THREADS=1 "$bin/tessera_bench_ceilings" --device cpu 2>&1 | tee /dev/stderr | grep "host per core:" || true)
gflops32=$(sed -n 's/.*fp32_gflops=\([0-9.e+]*\).*/\1/p' <<< "$ceil")
rsqrt32=$(sed -n 's/.*rsqrt32_per_s=\([0-9.e+]*\).*/\1/p' <<< "$ceil")
gflops64=$(sed -n 's/.*fp64_gflops=\([0-9.e+]*\).*/\1/p' <<< "$ceil")
rsqrt64=$(sed -n 's/.*rsqrt64_per_s=\([0-9.e+]*\).*/\1/p' <<< "$ceil")

echo "## md.lj vs LAMMPS (in.lj, 100 steps)"
sizes="20 40"
[ -n "${QUICK:-}" ] && sizes=20
TESSERA=$build/solvers/tessera ROUNDS=$rounds THREADS="$threads" "$here/md_vs_lammps.sh" $sizes

echo "## cfd.euler (3-D PLM + HLLC + RK2)"
for t in $threads; do
  OMP_NUM_THREADS=$t TESSERA=$build/solvers/tessera DEVICE=cpu "$here/euler.sh" 64 128 | sed "s/^/$t thread(s), /"
done

echo "## nbody.direct force pass"
for t in $threads; do
  OMP_NUM_THREADS=$t "$bin/tessera_bench_gravity" --device cpu --n 16384,65536 --precision single \
    ${gflops32:+--core-gflops $gflops32} ${rsqrt32:+--core-rsqrt $rsqrt32} 2>&1 | grep -E "interactions|thread"
  OMP_NUM_THREADS=$t "$bin/tessera_bench_gravity" --device cpu --n 16384,65536 --precision double \
    ${gflops64:+--core-gflops $gflops64} ${rsqrt64:+--core-rsqrt $rsqrt64} 2>&1 | grep -E "interactions|thread"
done

echo "## nbody.tree (Plummer, theta 0.5, quadrupoles, single)"
for t in $threads; do
  OMP_NUM_THREADS=$t "$bin/tessera_bench_tree" --device cpu --n 65536,1048576 --repeat 1 2>&1 | sed "s/^/$t thread(s): /" | grep -v "^$t thread(s): *$"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
