#!/usr/bin/env bash
# The GPU suite: everything that needs a GPU, in one command, run from an
# unpacked bundle (gpu-bundle.sh; gpu-suite.sh unpacks it and calls this).
#   gpu-tests.sh            full: unit and MPI tests on CUDA (1, 2, 4 ranks),
#                           CUDA against the host (compare-backends.sh), the
#                           GPU validation cases, every benchmark (~8 minutes)
#   gpu-tests.sh --quick    the same kinds of check, smaller (~3 minutes)
#   gpu-tests.sh --long [CASE]  one long validation case alone (4-10 minutes: a
#                           device call of its own): default the 256^3 cfd.euler
#                           Taylor-Green case against the DNS; incompressible_tgv3d_512
#                           the 512^3 cfd.incompressible one (GPU-only)
# Writes $OUT/summary.md (pass/fail and seconds per item, figures with their
# roofline fractions against ceilings measured on the card: paste it into
# bench/NOTES.md), $OUT/logs.txt (each item's log) and the validation report.
# Each item has its own time limit; an item that would start after the time
# budget (BUDGET_S, default 450 s full, 200 s quick) is reported as skipped.
# Exit status 0 only when every item passed.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=full
[ "${1:-}" = "--quick" ] && mode=quick
[ "${1:-}" = "--long" ] && mode=long
long_case=${2:-taylor_green}
out=${OUT:-/tmp/tessera-gpu-out}
work=/tmp/tessera-gpu-work
rm -rf "$work"
mkdir -p "$out" "$work"
export TESSERA_SOURCE_DIR=$PWD/src TESSERA_TEST_CLI=$PWD/bin/tessera_test_cli OMP_WAIT_POLICY=passive
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export PYTHONUNBUFFERED=1
case $mode in quick) budget=${BUDGET_S:-200} ;; long) budget=${BUDGET_S:-600} ;; *) budget=${BUDGET_S:-450} ;; esac
start=$(date +%s)
results=$work/results.tsv
: > "$results"

# item NAME LIMIT_SECONDS COMMAND: runs COMMAND (bash) with its log in
# $work/NAME.log and records pass/FAIL/skipped and the seconds it took.
item() {
  local name=$1 limit=$2 cmd=$3
  local t0 elapsed rc status
  elapsed=$(( $(date +%s) - start ))
  if (( elapsed >= budget )); then
    printf '%s\tskipped (time budget of %ss spent)\t0\n' "$name" "$budget" >> "$results"
    echo "$name: skipped"
    return
  fi
  t0=$(date +%s)
  timeout -s KILL "$limit" bash -c "$cmd" > "$work/$name.log" 2>&1
  rc=$?
  status=pass
  if [ $rc -eq 137 ]; then status="FAIL (killed at its ${limit}s limit)"; elif [ $rc -ne 0 ]; then status="FAIL (exit $rc)"; fi
  printf '%s\t%s\t%s\n' "$name" "$status" "$(( $(date +%s) - t0 ))" >> "$results"
  echo "$name: $status ($(( $(date +%s) - t0 )) s)"
}

gpu="TESSERA_DEVICE=gpu"
val="python3 src/validation/run.py --device gpu --tessera bin/tessera --exact bin/tessera_exact_riemann --out $work/validation"
if [ $mode = long ]; then
  item info 60 "bin/tessera info"
  item validation_$long_case 590 "$val --cases $long_case"
  python3 scripts/gpu_summary.py "$work" "$mode" "$(cat COMMIT 2>/dev/null)" $(( $(date +%s) - start )) > "$out/summary.md"
  for f in report.md summary.json; do [ -f "$work/validation/$f" ] && cp "$work/validation/$f" "$out/validation_$f"; done
  cat "$out/summary.md"
  ! grep -qv $'\tpass\t' "$results"
  exit
fi
item info 60 "bin/tessera info && { nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem --format=csv || true; }"
item ceilings 60 "bin/tessera_bench_ceilings --device gpu"
if [ $mode = quick ]; then
  item unit 150 "$gpu bin/tessera_tests --gtest_filter='ForEach*:Reduce*:Buffer*:Scan*:Sort*:FftLocal*:Gravity*:NbodyTree.WarpWalk*:PoissonSolver*:DistributedFft*:EulerStageKernel*:EulerSod*:Incompressible*:MdMixedPrecision*:Cli.Fail*:Cli.OneFailing*'"
  item mpi_np1_nccl 90 "$gpu mpirun -np 1 bin/tessera_mpi_tests --gtest_filter='Transport*:HaloExchange*:ParticleExchange*:DistributedFft*:PencilTranspose*'"
  item mpi_np2 120 "$gpu mpirun -np 2 bin/tessera_mpi_tests --gtest_filter='Transport*:HaloExchange*:ParticleExchange*:DistributedFft*:PencilTranspose*:RankInvariance*:IncompressibleRanks*'"
else
  item unit 300 "$gpu bin/tessera_tests"
  item mpi_np1_nccl 150 "$gpu mpirun -np 1 bin/tessera_mpi_tests"
  item mpi_np2 200 "$gpu mpirun -np 2 bin/tessera_mpi_tests"
  item mpi_np4 240 "$gpu mpirun -np 4 bin/tessera_mpi_tests"
fi
item backends 240 "scripts/compare-backends.sh bin/tessera src"
# Every GPU-sized case but the 256^3 cfd.euler Taylor-Green vortex and the GPU-only
# 512^3 cfd.incompressible one (--long runs each alone).
if [ $mode = quick ]; then
  item validation 150 "$val --quick"
else
  item validation 300 "$val --cases $(python3 src/validation/run.py --list | awk '$1 != "taylor_green" && $1 != "incompressible_tgv3d_512" {printf "%s%s", sep, $1; sep=","}')"
fi
bench="TESSERA=bin/tessera DEVICE=gpu"
if [ $mode = quick ]; then
  item bench_euler 60 "$bench src/bench/euler.sh 256"
  item bench_md 60 "$bench PRECISIONS=double src/bench/md.sh 40"
  item bench_gravity 60 "bin/tessera_bench_gravity --device gpu --precision single"
  item bench_fft 60 "bin/tessera_bench_fft --device gpu --sizes 256 --r2c 256"
  item bench_incompressible 60 "$bench src/bench/incompressible.sh 256"
  item bench_tree 90 "bin/tessera_bench_tree --device gpu --n 1048576 --direct"
  item bench_tree_warp 60 "bin/tessera_bench_tree --device gpu --n 1048576 --gpu-walk warp"
  item bench_pppm 60 "bin/tessera_bench_pppm --device gpu --n 256000 --spreading gather && bin/tessera_bench_pppm --device gpu --n 256000 --spreading atomic"
else
  item bench_euler 120 "$bench src/bench/euler.sh 128 256 384 && $bench KERNEL=split src/bench/euler.sh 256"
  item bench_md 120 "$bench src/bench/md.sh 16 40 80"
  item bench_gravity 90 "bin/tessera_bench_gravity --device gpu --precision single && bin/tessera_bench_gravity --device gpu --precision double"
  item bench_halo 60 "bin/tessera_bench_halo --device gpu --cells 256 --transport nccl && mpirun -np 2 bin/tessera_bench_halo --device gpu --cells 256 --transport mpi"
  item bench_fft 120 "bin/tessera_bench_fft --device gpu --sizes 256,512 --r2c 512"
  item bench_incompressible 150 "$bench src/bench/incompressible.sh 256 512"
  item bench_tree 240 "bin/tessera_bench_tree --device gpu --n 65536,262144,1048576 --direct && bin/tessera_bench_tree --device gpu --n 8388608,33554432"
  item bench_tree_warp 150 "bin/tessera_bench_tree --device gpu --n 1048576,8388608,33554432 --gpu-walk warp"
  item bench_pppm 120 "bin/tessera_bench_pppm --device gpu --n 256000,2048000 --spreading gather && bin/tessera_bench_pppm --device gpu --n 256000,2048000 --spreading atomic"
  item bench_md_charged 120 "$bench src/bench/md_charged.sh 40 80"
fi

python3 scripts/gpu_summary.py "$work" "$mode" "$(cat COMMIT 2>/dev/null)" $(( $(date +%s) - start )) > "$out/summary.md"
for f in "$work"/*.log; do echo "===== $(basename "$f" .log)"; tail -n 400 "$f"; done > "$out/logs.txt"
# The validation report and its summary (not the runs' snapshots: too large to come back).
for f in report.md summary.json; do [ -f "$work/validation/$f" ] && cp "$work/validation/$f" "$out/validation_$f"; done
cat "$out/summary.md"
! grep -qv $'\tpass\t' "$results"
