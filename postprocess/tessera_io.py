"""Read Tessera's HDF5 snapshots into numpy arrays.

The layout is the one DESIGN.md fixes for users' scripts:

* grid snapshot: root attributes ``time``, ``step``; ``/grid`` attributes
  ``cells`` (x, y, z), ``lower``, ``upper``; cell-centred fields
  ``/fields/<name>`` of shape (nz, ny, nx), x fastest, also for 2-D and 1-D
  runs (nz = 1, ny = 1);
* particle snapshot: the same root attributes; ``/particles/<name>`` arrays
  of length N (or N x 3): ``id``, ``position``, ``velocity``, ``mass``,
  ``type``...; ``/box`` attributes ``lower``, ``upper``, ``periodic``;
* H5MD trajectory (io/h5md.hpp, or any H5MD 1.x file with one particle
  group and a cuboid box): every frame's positions, row i = particle i.

Example::

    from tessera_io import load_grid, load_particles, cell_centres
    g = load_grid("run/snapshots/flow_00010.h5")
    rho = g["fields"]["density"][0, 0, :]      # a 1-D profile along x
    x, y, z = cell_centres(g)
    p = load_particles("run/snapshots/lj_00010.h5")
    p["position"][p["id"] == 42]               # rows are sorted by id

Needs numpy and h5py (Debian: python3-numpy, python3-h5py).
"""
import h5py
import numpy as np

__all__ = ["load_grid", "load_particles", "load_h5md", "cell_centres"]


def _root(f):
    return float(f.attrs["time"]), int(f.attrs["step"])


def load_grid(path):
    """A grid snapshot as a dict.

    Keys: ``time`` (float), ``step`` (int), ``cells`` (int64 [nx, ny, nz]),
    ``lower``, ``upper`` (float64 [3], x, y, z) and ``fields``: name -> array
    of shape (nz, ny, nx) in the stored precision (index ``[k, j, i]``).
    """
    with h5py.File(path, "r") as f:
        time, step = _root(f)
        grid = f["grid"]
        cells = np.asarray(grid.attrs["cells"], dtype=np.int64)
        out = {
            "time": time,
            "step": step,
            "cells": cells,
            "lower": np.asarray(grid.attrs["lower"], dtype=np.float64),
            "upper": np.asarray(grid.attrs["upper"], dtype=np.float64),
            "fields": {},
        }
        shape = (int(cells[2]), int(cells[1]), int(cells[0]))
        for name, ds in f.get("fields", {}).items():
            data = ds[()]
            if data.shape != shape:
                raise ValueError("%s: /fields/%s has shape %s, expected %s (nz, ny, nx)"
                                 % (path, name, data.shape, shape))
            out["fields"][name] = data
    return out


def cell_centres(grid):
    """The x, y, z cell-centre coordinates (1-D arrays) of a load_grid result."""
    lower, upper, cells = grid["lower"], grid["upper"], grid["cells"]
    return tuple(lower[d] + (np.arange(cells[d]) + 0.5) * (upper[d] - lower[d]) / cells[d] for d in range(3))


def load_particles(path):
    """A particle snapshot as a dict, every per-particle array sorted by id.

    Keys: ``time``, ``step``, one array per dataset under ``/particles``
    (``id``, ``position`` (N, 3), ``velocity``, ``mass``, ``type``...; the
    XDMF connectivity list is left out) and, when the file has one, ``box``:
    a dict of ``lower``, ``upper``, ``periodic``. Ranks write particles in
    whatever order they own them; sorting by id makes snapshots comparable.
    """
    with h5py.File(path, "r") as f:
        time, step = _root(f)
        group = f["particles"]
        arrays = {name: ds[()] for name, ds in group.items() if name != "connectivity"}
        box = None
        if "box" in f:
            box = {key: np.asarray(value) for key, value in f["box"].attrs.items()}
    if "id" not in arrays:
        raise ValueError("%s: /particles/id is missing" % path)
    order = np.argsort(arrays["id"], kind="stable")
    out = {"time": time, "step": step}
    out.update({name: data[order] for name, data in arrays.items()})
    if box is not None:
        out["box"] = box
    return out


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _series(ds, frames):
    """An H5MD step or time dataset as one value per frame: explicit storage
    holds them; fixed storage holds the increment and an ``offset`` attribute."""
    if ds.shape == ():
        return ds.attrs.get("offset", 0) + ds[()] * np.arange(frames)
    return np.asarray(ds[()])


def load_h5md(path, group=None):
    """An H5MD trajectory as a dict.

    Keys: ``step`` (int64 [T]), ``time`` (float64 [T]), ``position`` (T, N, 3),
    ``velocity`` (T, N, 3) when stored, ``species`` (N) when stored, ``id``
    (the row numbers: H5MD keeps one particle per row) and ``box``: ``lower``
    (Tessera's ``box/lower`` attribute, else zeros), ``upper`` (lower plus the
    first frame's edges), ``edges`` (T, 3), ``periodic`` (bool [3]).
    ``group`` picks the particle group (default: the only one, or ``all``).
    """
    with h5py.File(path, "r") as f:
        if "h5md" not in f or "particles" not in f:
            raise ValueError("%s: not an H5MD file with particles (no /h5md or /particles group)" % path)
        groups = list(f["particles"])
        if group is None:
            group = "all" if "all" in groups else groups[0]
        g = f["particles"][group]
        box = g["box"]
        dim = int(box.attrs["dimension"])
        periodic = np.array([_text(b) == "periodic" for b in box.attrs["boundary"]], dtype=bool)
        pos = g["position"]
        out = {"position": pos["value"][()]}
        frames = out["position"].shape[0]
        out["step"] = _series(pos["step"], frames).astype(np.int64)
        out["time"] = _series(pos["time"], frames).astype(np.float64) if "time" in pos else out["step"] * 1.0
        if "velocity" in g:
            out["velocity"] = g["velocity"]["value"][()]
        if "species" in g and isinstance(g["species"], h5py.Dataset):
            out["species"] = g["species"][()]
        if "edges" not in box:
            edges = np.full((len(out["step"]), dim), np.inf)
        elif isinstance(box["edges"], h5py.Dataset):
            edges = np.tile(np.asarray(box["edges"][()], dtype=np.float64), (len(out["step"]), 1))
        else:
            edges = np.asarray(box["edges"]["value"][()], dtype=np.float64)
        if edges.ndim == 3:
            raise ValueError("%s: triclinic boxes are not supported" % path)
        lower = np.asarray(box.attrs["lower"], dtype=np.float64) if "lower" in box.attrs else np.zeros(dim)
        out["box"] = {"lower": lower, "upper": lower + edges[0], "edges": edges, "periodic": periodic}
        out["id"] = np.arange(out["position"].shape[1], dtype=np.int64)
    return out
