#!/usr/bin/python3
"""Plot one field of a Tessera grid snapshot to a PNG.

2-D runs are drawn as an image over the domain, 1-D runs as a profile, 3-D
runs as the z mid-plane.

    postprocess/plot_field.py SNAPSHOT.h5 FIELD OUT.png [--cmap RdBu_r]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plotting  # noqa: E402
import tessera_io  # noqa: E402

plt = plotting.pyplot()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot")
    ap.add_argument("field")
    ap.add_argument("out")
    ap.add_argument("--cmap", default="viridis")
    a = ap.parse_args()
    if plt is None:  # this tool only draws
        sys.exit("plot_field.py: matplotlib not available (%s)" % plotting.why())
    g = tessera_io.load_grid(a.snapshot)
    if a.field not in g["fields"]:
        sys.exit("no field '%s' in %s (it has: %s)" % (a.field, a.snapshot, ", ".join(sorted(g["fields"]))))
    f = g["fields"][a.field]
    nx, ny, nz = g["cells"]
    lo, hi = g["lower"], g["upper"]
    fig = plt.figure(figsize=(6, 4) if ny == 1 else (5, 5 * (hi[1] - lo[1]) / (hi[0] - lo[0]) + 0.5))
    if ny == 1 and nz == 1:
        x = lo[0] + (hi[0] - lo[0]) * (0.5 + __import__("numpy").arange(nx)) / nx
        plt.plot(x, f[0, 0, :], "-")
        plt.xlabel("x")
        plt.ylabel(a.field)
    else:
        plane = f[nz // 2] if nz > 1 else f[0]
        plt.imshow(plane, origin="lower", extent=[lo[0], hi[0], lo[1], hi[1]], cmap=a.cmap)
        plt.colorbar(label=a.field)
        plt.xlabel("x")
        plt.ylabel("y")
    plt.title("%s at t = %.4g (step %d)" % (a.field, g["time"], g["step"]))
    fig.savefig(a.out, dpi=90, bbox_inches="tight")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
