#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo: a 2-D Kelvin-Helmholtz
# instability (Lecoanet et al. 2016 setup, 128 x 256 cells, about a minute on
# 2 cores) on 2 MPI ranks, then draws the dye at the last snapshot.
# Open build/demo-kh/kelvin_helmholtz.xmf in ParaView to step through it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
bin=build/solvers/tessera
$bin info
$bin check inputs/cfd/kelvin_helmholtz.toml
rm -rf build/demo-kh
mpirun -np 2 --oversubscribe $bin run inputs/cfd/kelvin_helmholtz.toml --output build/demo-kh
last=$(ls build/demo-kh/snapshots/kelvin_helmholtz_*.h5 2>/dev/null | tail -1 || true)
[ -n "$last" ] || last=$(ls build/demo-kh/snapshots/*.h5 | tail -1)
/usr/bin/python3 postprocess/plot_field.py "$last" scalar_0 build/demo-kh/dye.png --cmap RdBu_r
echo
echo "demo output: build/demo-kh (run.json, diagnostics.csv, snapshots/, *.xmf for ParaView, dye.png)"
