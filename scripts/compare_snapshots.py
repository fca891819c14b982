#!/usr/bin/python3
"""Compares the last snapshots of two Tessera runs field by field (grid
fields and particle arrays, matched by particle id) and fails when any
relative difference exceeds --rtol. Used to check the CUDA backend against the
host one, and contracted (FMA) host arithmetic against uncontracted
(scripts/compare-backends.sh).

    compare_snapshots.py RUN_A RUN_B --rtol 1e-12 [--floor 0]

Each dataset's difference is max |a - b| / max(max |b|, floor): relative to
the dataset's scale, so values crossing zero do not blow up; --floor keeps a
dataset that is zero up to round-off in one run (a transverse velocity in a
1-D problem) from turning noise into an O(1) figure. Prints one line per
dataset with its worst element, then a verdict line starting with "ok" or
"FAIL" that names the worst dataset and its value.
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
    """(time, step, {name: array}) with particle rows in id order."""
    out = {}
    with h5py.File(path, "r") as f:
        time, step = float(f.attrs.get("time", np.nan)), int(f.attrs.get("step", -1))
        if "fields" in f:
            for k in f["fields"]:
                out["fields/" + k] = f["fields"][k][...]
        if "particles" in f:
            p = f["particles"]
            order = np.argsort(p["id"][...])
            for k in p:
                if k != "id":
                    out["particles/" + k] = p[k][...][order]
    return time, step, out


def where(shape, flat):
    """The worst element's index, as the dataset's own axes: (z, y, x) for a
    grid field, (row, component) for particles."""
    return "(%s)" % ", ".join(str(int(i)) for i in np.unravel_index(flat, shape))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, required=True)
    ap.add_argument("--floor", type=float, default=0.0,
                    help="smallest scale a dataset is measured against (absolute)")
    args = ap.parse_args()
    fa, fb = last_snapshot(args.a), last_snapshot(args.b)
    (ta, sa, a), (tb, sb, b) = arrays(fa), arrays(fb)
    if sorted(a) != sorted(b):
        sys.exit("different datasets: %s vs %s" % (sorted(a), sorted(b)))
    if sa != sb or ta != tb:
        # Not fatal: adaptive dt may take another step count; the fields then
        # differ by more than round-off and the verdict says so.
        print("  note: step %d t = %.17g vs step %d t = %.17g" % (sa, ta, sb, tb))
    worst, worst_name = 0.0, "-"
    for k in sorted(a):
        x, y = a[k].astype(np.float64), b[k].astype(np.float64)
        if x.shape != y.shape:
            sys.exit("%s: shapes %s and %s" % (k, x.shape, y.shape))
        if not x.size:
            continue
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            d, at = float("inf"), "non-finite values"
        else:
            scale = max(float(np.max(np.abs(y))), args.floor, 1e-300)
            diff = np.abs(x - y)
            i = int(np.argmax(diff))
            d = float(diff.flat[i]) / scale
            at = "at %s: %.17g vs %.17g, scale %.3g" % (where(x.shape, i), x.flat[i], y.flat[i], scale)
        if d > worst or worst_name == "-":
            worst, worst_name = max(worst, d), k
        print("  %-26s max |a - b| / max |b| = %.3e  %s" % (k, d, at))
    ok = worst <= args.rtol
    margin = "margin %.3gx" % (args.rtol / worst) if worst > 0 else "identical"
    print("%s: worst %.3e in %s (tolerance %.1e, %s), step %d t = %.6g: %s vs %s"
          % ("ok" if ok else "FAIL", worst, worst_name, args.rtol, margin, sb, tb, fa, fb))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
