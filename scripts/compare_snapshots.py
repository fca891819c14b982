#!/usr/bin/python3
"""Compares the last snapshots of two Tessera runs field by field (grid
fields and particle arrays, matched by particle id) and fails when any
relative difference exceeds --rtol. Used to check the CUDA backend against the
host one (scripts/compare-backends.sh).

    compare_snapshots.py RUN_A RUN_B --rtol 1e-12 [--floor 1e-300]
"""
import argparse
import glob
import os
import sys

import h5py
import numpy as np


def last_snapshot(run):
    files = sorted(f for f in glob.glob(os.path.join(run, "snapshots", "*.h5"))
                   if not os.path.basename(f).startswith("failure"))
    if not files:
        sys.exit("no snapshot in %s" % run)
    return files[-1]


def arrays(path):
    out = {}
    with h5py.File(path, "r") as f:
        if "fields" in f:
            for k in f["fields"]:
                out["fields/" + k] = f["fields"][k][...]
        if "particles" in f:
            p = f["particles"]
            order = np.argsort(p["id"][...])
            for k in p:
                if k != "id":
                    out["particles/" + k] = p[k][...][order]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, required=True)
    args = ap.parse_args()
    fa, fb = last_snapshot(args.a), last_snapshot(args.b)
    a, b = arrays(fa), arrays(fb)
    if sorted(a) != sorted(b):
        sys.exit("different datasets: %s vs %s" % (sorted(a), sorted(b)))
    worst = 0.0
    for k in sorted(a):
        x, y = a[k].astype(np.float64), b[k].astype(np.float64)
        if x.shape != y.shape:
            sys.exit("%s: shapes %s and %s" % (k, x.shape, y.shape))
        # Relative to the field's scale, so values crossing zero do not blow up.
        scale = max(np.max(np.abs(y)), 1e-300)
        d = float(np.max(np.abs(x - y)) / scale) if x.size else 0.0
        worst = max(worst, d)
        print("  %-28s max |a - b| / max |b| = %.3e" % (k, d))
    verdict = "ok" if worst <= args.rtol else "FAIL"
    print("%s: %s vs %s, worst %.3e (tolerance %.1e)" % (verdict, fa, fb, worst, args.rtol))
    return 0 if worst <= args.rtol else 1


if __name__ == "__main__":
    sys.exit(main())
