#!/usr/bin/python3
"""Radial distribution function g(r) of Tessera particle output.

    postprocess/rdf.py SNAPSHOT.h5 [MORE.h5 ...] [--rmax R] [--bins B] [--out PREFIX]

Each input is a particle snapshot (snapshots/<name>_NNNNN.h5) or an H5MD
trajectory (every frame is used). Pairs are counted under the minimum-image
convention in the periodic directions of the box, histogrammed, normalised
by the ideal-gas count of each spherical shell (4/3 pi (r_hi^3 - r_lo^3) N/V
per particle) and averaged over all frames. rmax defaults to half the
shortest periodic box length (the largest radius minimum image allows);
a smaller --rmax is much faster for large systems (pairs are found with cell
lists at least rmax wide).
Non-periodic directions are not corrected for the box edge, so there g(r)
falls below 1 as r grows.

Writes PREFIX.csv (r: bin centre, g, coordination: mean number of
neighbours closer than the bin's upper edge) and, where matplotlib is
installed, PREFIX.png.
"""
import argparse
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plotting  # noqa: E402  (matplotlib optional)
import tessera_io  # noqa: E402

__all__ = ["load_frames", "pair_histogram", "rdf"]


def load_frames(path):
    """[(positions (N, 3), lower, upper, periodic)] for a snapshot or every frame of an H5MD file."""
    import h5py

    with h5py.File(path, "r") as f:
        is_h5md = "h5md" in f
    if is_h5md:
        t = tessera_io.load_h5md(path)
        lower, periodic = t["box"]["lower"], t["box"]["periodic"]
        return [(x, lower, lower + t["box"]["edges"][k], periodic) for k, x in enumerate(t["position"])]
    p = tessera_io.load_particles(path)
    if "box" not in p:
        raise ValueError("%s: no /box group, so no box to normalise by" % path)
    box = p["box"]
    return [(p["position"], box["lower"], box["upper"], np.asarray(box["periodic"]).astype(bool))]


def _cells(x, length, periodic, rmax):
    """Cells at least rmax wide; a periodic direction with fewer than 3 cells
    gets a single one so that no neighbour cell is visited twice."""
    n = np.maximum(1, np.floor(length / rmax).astype(np.int64))
    n = np.where(periodic & (n < 3), 1, n)
    c = np.floor(x / length * n).astype(np.int64)
    c = np.clip(c, 0, n - 1)  # non-periodic particles beyond the box join the edge cell
    return n, c


def pair_histogram(positions, lower, upper, periodic, rmax, bins):
    """Ordered-pair counts (each pair twice) per distance bin in [0, rmax).

    Cell lists in numpy: particles go into cells at least rmax wide, and each
    cell meets its neighbour cells in one vectorised block, so the work is
    O(N) for a fixed density instead of O(N^2).
    """
    x = np.asarray(positions, dtype=np.float64) - lower
    length = np.asarray(upper, dtype=np.float64) - lower
    periodic = np.asarray(periodic, dtype=bool)
    if np.any(periodic & (rmax > 0.5 * length + 1e-12)):
        raise ValueError("rmax %g exceeds half the periodic box length %g: minimum image would miss pairs"
                         % (rmax, np.min(length[periodic])))
    x = np.where(periodic, np.mod(x, length), x)
    n, c = _cells(x, length, periodic, rmax)
    cell = (c[:, 0] * n[1] + c[:, 1]) * n[2] + c[:, 2]
    ncells = int(np.prod(n))
    order = np.argsort(cell, kind="stable")
    occupancy = np.bincount(cell, minlength=ncells)
    start = np.concatenate(([0], np.cumsum(occupancy)[:-1]))
    slot = np.arange(len(order)) - start[cell[order]]
    width = max(1, int(occupancy.max()) if len(order) else 1)
    members = np.full((ncells, width), -1, dtype=np.int64)
    members[cell[order], slot] = order

    counts = np.zeros(bins, dtype=np.int64)
    coords = np.stack(np.unravel_index(np.arange(ncells), tuple(n)), axis=1)
    offsets = [(-1, 0, 1) if n[d] > 1 else (0,) for d in range(3)]
    # Blocks of at most `budget` pairs bound the memory: several cells at once
    # when cells are small, slices of one cell's particles when they are large.
    budget = 2_000_000
    chunk = max(1, budget // (width * width))
    rows = max(1, budget // (chunk * width))
    r2max = rmax * rmax
    for off in itertools.product(*offsets):
        nb = coords + np.asarray(off)
        valid = np.ones(ncells, dtype=bool)
        for d in range(3):
            if periodic[d]:
                nb[:, d] %= n[d]
            else:
                valid &= (nb[:, d] >= 0) & (nb[:, d] < n[d])
        here = np.nonzero(valid)[0]
        there = (nb[here, 0] * n[1] + nb[here, 1]) * n[2] + nb[here, 2]
        for s in range(0, len(here), chunk):
            b = members[there[s:s + chunk]]
            for q in range(0, width, rows):
                a = members[here[s:s + chunk], q:q + rows]
                keep = (a[:, :, None] >= 0) & (b[:, None, :] >= 0) & (a[:, :, None] != b[:, None, :])
                d = x[a][:, :, None, :] - x[b][:, None, :, :]
                d = np.where(periodic, d - length * np.round(d / length), d)
                r2 = np.einsum("...k,...k->...", d, d)
                keep &= r2 < r2max
                counts += np.histogram(np.sqrt(r2[keep]), bins=bins, range=(0.0, rmax))[0]
    return counts


def rdf(frames, rmax=None, bins=100):
    """g(r) averaged over frames [(positions, lower, upper, periodic)].

    Returns (r, g, coordination): bin centres, g(r), and the mean number of
    neighbours within each bin's upper edge.
    """
    if rmax is None:
        _, lower, upper, periodic = frames[0]
        length = np.asarray(upper) - np.asarray(lower)
        rmax = 0.5 * float(np.min(length[periodic] if np.any(periodic) else length))
    edges = np.linspace(0.0, rmax, bins + 1)
    counts = np.zeros(bins, dtype=np.int64)
    particles = 0
    ideal = 0.0  # sum over frames of N * density
    for positions, lower, upper, periodic in frames:
        n = len(positions)
        counts += pair_histogram(positions, lower, upper, periodic, rmax, bins)
        particles += n
        ideal += n * n / float(np.prod(np.asarray(upper) - np.asarray(lower)))
    shells = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    g = counts / (ideal * shells)
    coordination = np.cumsum(counts) / float(particles)
    return 0.5 * (edges[1:] + edges[:-1]), g, coordination


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="particle snapshots or H5MD trajectories")
    ap.add_argument("--rmax", type=float, help="largest distance (default: half the shortest periodic box length)")
    ap.add_argument("--bins", type=int, default=100)
    ap.add_argument("--out", default="rdf", help="output prefix: PREFIX.csv and PREFIX.png (default rdf)")
    a = ap.parse_args()
    frames = []
    for path in a.inputs:
        frames += load_frames(path)
    try:
        r, g, coordination = rdf(frames, a.rmax, a.bins)
    except ValueError as e:
        sys.exit("rdf.py: %s" % e)
    np.savetxt(a.out + ".csv", np.column_stack([r, g, coordination]), delimiter=",",
               header="r,g,coordination", comments="", fmt="%.10g")

    plt = plotting.pyplot()
    if plt is None:
        print("wrote %s.csv (%s)" % (a.out, plotting.SKIPPED))
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(r, g, "-")
    ax.axhline(1.0, color="0.6", lw=0.8, ls="--")
    ax.set_xlabel("r")
    ax.set_ylabel("g(r)")
    ax.set_xlim(0, r[-1] + 0.5 * (r[1] - r[0]))
    ax.set_title("g(r): %d frame%s, %d particles" % (len(frames), "" if len(frames) == 1 else "s", len(frames[0][0])))
    fig.savefig(a.out + ".png", dpi=100, bbox_inches="tight")
    print("wrote %s.csv and %s.png" % (a.out, a.out))


if __name__ == "__main__":
    main()
