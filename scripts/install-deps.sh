#!/usr/bin/env bash
# Installs the Debian 12 packages Tessera builds and tests with (skips the
# ones already installed). The CUDA toolkit, when present, is used from
# /usr/local/cuda; without it Tessera builds its host backend only.
# python3-paraview also provides VTK for /usr/bin/python3 (vtkmodules, VTK 9.2;
# it conflicts with python3-vtk9); xvfb lets postprocess/render.py render
# without a display (the validation report's pictures).
set -euo pipefail
packages=(cmake ninja-build g++ git pkg-config ccache
          libopenmpi-dev openmpi-bin libhdf5-openmpi-dev
          libtomlplusplus-dev libcli11-dev libgtest-dev libfftw3-dev
          paraview python3-paraview python3-numpy python3-h5py python3-matplotlib
          xvfb xauth)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
