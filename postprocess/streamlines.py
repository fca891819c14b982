#!/usr/bin/python3
"""Streamlines of a 2-D grid snapshot to a PNG.

Draws matplotlib streamlines of the cell-centred velocity_x / velocity_y of a
Tessera grid snapshot (the z mid-plane of a 3-D one) over a background of the
speed, the vorticity (the snapshot's `vorticity` field when written, else
dv/dx - du/dy by central differences of the cell-centred velocity) or none.

    postprocess/streamlines.py SNAPSHOT.h5 OUT.png [--background speed|vorticity|none]
                               [--density 1.6] [--dpi 90] [--title TEXT]

Streamlines follow the flow's direction only; their spacing is matplotlib's
choice (`--density`), not a stream-function level, so closely packed lines do
not mean a fast flow: the background shows the speed. Small corner eddies
(the lid-driven cavity's secondary vortices) need a higher density to be
drawn.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plotting  # noqa: E402
import tessera_io  # noqa: E402


def plane(grid):
    """x, y (cell centres), u, v, and the vorticity of the z mid-plane."""
    f = grid["fields"]
    nz = int(grid["cells"][2])
    for name in ("velocity_x", "velocity_y"):
        if name not in f:
            raise ValueError("the snapshot has no %s (fields: %s)" % (name, ", ".join(sorted(f))))
    u, v = f["velocity_x"][nz // 2].astype(float), f["velocity_y"][nz // 2].astype(float)
    x, y, _ = tessera_io.cell_centres(grid)
    if "vorticity" in f and nz == 1:
        w = f["vorticity"][0].astype(float)
    else:
        w = np.gradient(v, x, axis=1) - np.gradient(u, y, axis=0)
    return x, y, u, v, w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot")
    ap.add_argument("out")
    ap.add_argument("--background", choices=("speed", "vorticity", "none"), default="speed")
    ap.add_argument("--density", type=float, default=1.6, help="matplotlib streamplot density")
    ap.add_argument("--dpi", type=int, default=90)
    ap.add_argument("--title")
    a = ap.parse_args()
    plt = plotting.pyplot()
    if plt is None:  # this tool only draws
        sys.exit("streamlines.py: matplotlib not available (%s)" % plotting.why())
    g = tessera_io.load_grid(a.snapshot)
    if g["cells"][1] < 2:
        sys.exit("streamlines.py: %s is 1-D (ny = 1); streamlines need a 2-D or 3-D grid" % a.snapshot)
    x, y, u, v, w = plane(g)
    lo, hi = g["lower"], g["upper"]
    aspect = (hi[1] - lo[1]) / (hi[0] - lo[0])
    fig = plt.figure(figsize=(5.6, 5.0 * aspect + 0.4))
    ax = fig.add_subplot(1, 1, 1)
    extent = [lo[0], hi[0], lo[1], hi[1]]
    if a.background == "speed":
        im = ax.imshow(np.hypot(u, v), origin="lower", extent=extent, cmap="viridis")
        fig.colorbar(im, ax=ax, label="|u|", shrink=0.85)
    elif a.background == "vorticity":
        lim = float(np.percentile(np.abs(w), 99)) or 1.0  # the lid corners' singular values would wash it out
        im = ax.imshow(w, origin="lower", extent=extent, cmap="RdBu_r", vmin=-lim, vmax=lim)
        fig.colorbar(im, ax=ax, label="vorticity", shrink=0.85)
    colour = "white" if a.background == "speed" else "k"
    ax.streamplot(x, y, u, v, density=a.density, color=colour, linewidth=0.6, arrowsize=0.6)
    ax.set_xlim(lo[0], hi[0]); ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("x"); ax.set_ylabel("y")
    ax.set_title(a.title or "streamlines at t = %.4g (step %d, %d x %d)" % (g["time"], g["step"], g["cells"][0],
                                                                            g["cells"][1]), fontsize=9)
    fig.savefig(a.out, dpi=a.dpi, bbox_inches="tight")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
