#!/usr/bin/env bash
# The CUDA backend against the host one on the same decks: each runs on
# --device cpu and --device gpu and the last snapshots must agree to the
# stated relative tolerance (issue targets: cfd.euler 1e-12; md.lj double to
# round-off after 20 steps; nbody.direct single to single-precision round-off).
#   compare-backends.sh [path/to/tessera] [source dir]    (run on the GPU machine;
#   OTHER_DEVICE=cpu checks the plumbing on a machine without one)
set -uo pipefail
tessera=${1:-bin/tessera}
src=${2:-src}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
status=0
check() {  # name rtol deck overrides...
  local name=$1 rtol=$2 deck=$3
  shift 3
  local side=host
  for dev in cpu ${OTHER_DEVICE:-gpu}; do
    "$tessera" run "$src/$deck" --device $dev --output "$work/$name-$side" --set output.every_time=0 "$@" \
      > "$work/$name-$side.log" 2>&1 || { echo "FAIL: $name on $dev"; tail -3 "$work/$name-$side.log"; status=1; return; }
    side=other
  done
  echo "== $name"
  ${PYTHON:-python3} "$here/compare_snapshots.py" "$work/$name-host" "$work/$name-other" --rtol "$rtol" || status=1
}
steps="--set output.every_steps=1000000"
check sod_plm_hllc 1e-12 inputs/cfd/sod.toml $steps --set "grid.cells=[400,1,1]"
check kh_weno5_dye 1e-12 inputs/cfd/kelvin_helmholtz.toml $steps --set "grid.cells=[64,128,1]" --set run.t_end=0.2 \
  --set physics.reconstruction=weno5 --set physics.integrator=rk3
check tgv_ns_ppm 1e-12 inputs/cfd/taylor_green.toml $steps --set "grid.cells=[32,32,32]" --set run.t_end=0.5 \
  --set physics.reconstruction=ppm
check sedov_walls 1e-12 inputs/cfd/sedov_cylindrical.toml $steps --set "grid.cells=[128,128,1]" --set run.t_end=0.05
check lj_melt_20 1e-10 inputs/md/lj_melt.toml --set run.steps=20 --set output.every_steps=20 --set "box.cells=[8,8,8]"
check plummer_single 1e-5 inputs/nbody/plummer.toml --set run.t_end=0.25 --set output.every_steps=64 \
  --set physics.precision=single
rm -rf "$work"
exit $status
