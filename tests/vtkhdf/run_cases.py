"""Runs every kind of VTKHDF output Tessera writes, for check_vtkhdf.py.

Usage: python3 run_cases.py TESSERA MPIEXEC DIR   (DIR is emptied first)

Small runs of the demo decks with [output] format = ["hdf5", "vtkhdf"]: a
1-D, a 2-D and a 3-D cfd.euler grid, md.lj and nbody.direct particles, each
at 1 and 2 ranks, plus one run with format = "vtkhdf" alone. DIR/cases.json
lists them. The checks compare each VTKHDF file with the HDF5 snapshot of
the same step, so the runs need not be physically interesting, only real.
"""
import json
import os
import shutil
import subprocess
import sys

tessera, mpiexec, out = sys.argv[1:4]
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
inputs = os.path.join(root, "inputs")

CASES = [
    ("euler_1d", "grid", "cfd/sod.toml", ["grid.cells=[24,1,1]", "run.steps=4", "output.every_steps=2"]),
    ("euler_2d", "grid", "cfd/kelvin_helmholtz.toml", ["grid.cells=[12,16,1]", "run.steps=4", "output.every_steps=2"]),
    ("euler_3d", "grid", "cfd/taylor_green.toml", ["grid.cells=[8,8,8]", "run.steps=2", "output.every_steps=1"]),
    ("md_lj", "particles", "md/lj_melt.toml", ["box.cells=[4,4,4]", "run.steps=4", "output.every_steps=2"]),
    ("nbody_direct", "particles", "nbody/plummer.toml", ["problem.n=64", "run.steps=4", "output.every_steps=2"]),
]

shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
env = dict(os.environ, OMP_NUM_THREADS="1")
listed = []


def run(name, kind, deck, sets, ranks, formats):
    run_dir = os.path.join(out, "%s_np%d" % (name, ranks))
    cmd = [mpiexec, "-np", str(ranks), "--oversubscribe", tessera, "run", os.path.join(inputs, deck),
           "--output", run_dir, "--device", "cpu", "--set", "output.format=" + formats]
    for s in sets:
        cmd += ["--set", s]
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        print(done.stdout)
        sys.exit("run failed (%d): %s" % (done.returncode, " ".join(cmd)))
    listed.append({"name": os.path.basename(run_dir), "kind": kind, "dir": run_dir, "ranks": ranks,
                   "hdf5": "hdf5" in formats})


for name, kind, deck, sets in CASES:
    for ranks in (1, 2):
        run(name, kind, deck, sets, ranks, '["hdf5","vtkhdf"]')
# VTKHDF alone: no .h5 and no .xmf; the series must stand on its own.
run("euler_2d_vtkhdf_only", "grid", "cfd/kelvin_helmholtz.toml", CASES[1][3], 2, '"vtkhdf"')

with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump(listed, f, indent=1)
print("%d runs in %s" % (len(listed), out))
