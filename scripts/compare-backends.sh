#!/usr/bin/env bash
# The CUDA backend against the host one on the same decks: each case runs on
# --device cpu and on the "other" side, and the last snapshots must agree to
# the case's relative tolerance (compare_snapshots.py: max |a - b| / max |b|
# per field or particle array).
#
#   compare-backends.sh [path/to/tessera] [source dir]     on the GPU machine: cpu vs gpu
#   OTHER_TESSERA=build-fma/solvers/tessera OTHER_DEVICE=cpu \
#     scripts/compare-backends.sh build-host/solvers/tessera .
#                  host arithmetic against FMA-contracted host arithmetic
#                  (a TESSERA_HOST_FMA=ON build), without a GPU
#
# Environment: OTHER_TESSERA (binary of the other side; default the same),
# OTHER_DEVICE (gpu), OTHER_KERNEL (cfd.euler's stage kernel on the other
# side; default auto: fused on a GPU, split on the host), CASES (names to run; default all), KEEP (a directory to
# keep the runs in; default a temporary one, removed), PYTHON.
#
# Tolerances (README, "Floating point"): host code is never contracted, device
# code is (nvcc --fmad=true). Each tolerance is 100x the worst difference
# measured here between contracted and uncontracted host builds (scripts/README.md
# has the figures), rounded up to a power of ten: besides contraction the GPU
# differs in libm (CUDA's sin/cos/exp/pow are within 1-2 ulp, not correctly
# rounded as glibc's nearly are), in the order of its force sums and
# reductions, and in single-precision rsqrt, each an error of the same kind and
# size as contraction, and the differences grow alike through the run.
set -uo pipefail
tessera=${1:-bin/tessera}
src=${2:-src}
other=${OTHER_TESSERA:-$tessera}
other_dev=${OTHER_DEVICE:-gpu}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${KEEP:-}" ]; then work=$KEEP; mkdir -p "$work"; else work=$(mktemp -d); fi
# compare_snapshots.py needs numpy and h5py: fall back to the system Python
# when the first python3 on PATH (a virtual environment) lacks them.
py=${PYTHON:-python3}
"$py" -c "import h5py, numpy" 2>/dev/null || py=/usr/bin/python3
status=0
echo "host: $tessera --device cpu; other: $other --device $other_dev"
check() {  # name rtol deck overrides...
  local name=$1 rtol=$2 deck=$3
  shift 3
  if [ -n "${CASES:-}" ] && [[ " $CASES " != *" $name "* ]]; then return; fi
  local side bin dev extra
  for side in host other; do
    bin=$tessera dev=cpu extra=()
    if [ $side = other ]; then
      bin=$other dev=$other_dev
      [[ -n "${OTHER_KERNEL:-}" && $deck == inputs/cfd/* ]] && extra=(--set "physics.kernel=$OTHER_KERNEL")
    fi
    rm -rf "${work:?}/$name-$side"
    "$bin" run "$src/$deck" --device $dev --output "$work/$name-$side" --set output.every_time=0 "$@" "${extra[@]}" \
      > "$work/$name-$side.log" 2>&1 || { echo "FAIL: $name on $dev ($bin)"; tail -3 "$work/$name-$side.log"; status=1; return; }
  done
  echo "== $name"
  "$py" "$here/compare_snapshots.py" "$work/$name-host" "$work/$name-other" --rtol "$rtol" || status=1
}
steps="--set output.every_steps=1000000"
walls=""
for face in x_lower x_upper y_lower y_upper; do walls+=" --set boundary.$face=reflecting"; done
# Each case: the tolerance, then (comment) the worst difference measured
# between the host build and a TESSERA_HOST_FMA=ON build (2026-12-03).
# 6.9e-12 (velocity_x, at the rarefaction's tail: the MC limiter's kinks).
check sod_plm_hllc 1e-9 inputs/cfd/sod.toml $steps --set "grid.cells=[400,1,1]"
# 4.2e-13 (velocity_y, relative to its small max 7.5e-3).
check kh_weno5_dye 1e-10 inputs/cfd/kelvin_helmholtz.toml $steps --set "grid.cells=[64,128,1]" --set run.t_end=0.2 \
  --set physics.reconstruction=weno5 --set physics.integrator=rk3
# 2.3e-13 (velocity_z), measured with the classic CW84 face values, which
# grew symmetry-breaking round-off tenfold every 0.05 in this flow (2.5e-8 at
# t = 0.5), hence t = 0.2. PPM now uses Colella-Sekora face values and stays
# at round-off (contracted vs not: 1.8e-13 at t = 0.5, 1.3e-13 at t = 0.8);
# the case can run longer once that is measured here again.
check tgv_ns_ppm 1e-10 inputs/cfd/taylor_green.toml $steps --set "grid.cells=[32,32,32]" --set run.t_end=0.2 \
  --set physics.reconstruction=ppm
# 3.1e-14 (velocity_x). A closed box: the shock (R = 1.004 (E t^2 / rho0)^(1/4))
# reaches the walls at +-0.6 near t = 0.36 and reflects; mass stays in the box.
check sedov_walls 1e-11 inputs/cfd/sedov_cylindrical.toml $steps $walls --set "grid.cells=[128,128,1]" \
  --set run.t_end=0.5
# 1.6e-14 (force). MD is chaotic, but over 20 steps (t = 0.1) differences stay
# at round-off; longer runs would compare trajectories that have parted.
check lj_melt_20 1e-11 inputs/md/lj_melt.toml --set run.steps=20 --set output.every_steps=20 --set "box.cells=[8,8,8]"
# 2.1e-7 (acceleration: pair terms in float; positions differ by 6e-11). On a
# GPU also rsqrtf (2 ulp) and float coordinates relative to another origin
# (the first of a block of 512 targets on the GPU, of 16 on the host).
check plummer_single 1e-4 inputs/nbody/plummer.toml --set run.t_end=0.25 --set output.every_steps=64 \
  --set physics.precision=single
[ -n "${KEEP:-}" ] || rm -rf "$work"
exit $status
