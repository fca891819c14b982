"""Read Tessera's HDF5 snapshots into numpy arrays.

The layout is the one DESIGN.md fixes for users' scripts:

* grid snapshot: root attributes ``time``, ``step``; ``/grid`` attributes
  ``cells`` (x, y, z), ``lower``, ``upper``; cell-centred fields
  ``/fields/<name>`` of shape (nz, ny, nx), x fastest, also for 2-D and 1-D
  runs (nz = 1, ny = 1);
* particle snapshot: the same root attributes; ``/particles/<name>`` arrays
  of length N (or N x 3): ``id``, ``position``, ``velocity``, ``mass``,
  ``type``...; ``/box`` attributes ``lower``, ``upper``, ``periodic``.

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

__all__ = ["load_grid", "load_particles", "cell_centres"]


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
