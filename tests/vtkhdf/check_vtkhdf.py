"""Opens every VTKHDF output of run_cases.py the way a user would, and
compares it with the HDF5 snapshot of the same step.

Usage: python3 check_vtkhdf.py DIR vtk        (VTK's own vtkHDFReader, each file)
       pvpython check_vtkhdf.py DIR paraview  (ParaView: each <name>.hdf.series
                                               as one time-varying dataset)

Grids: an ImageData whose points are the cell centres (a collapsed direction
two points thick, from lower to upper), every field as point data equal to
the HDF5 /fields/<name> value for value. Particles: an UnstructuredGrid of
one vertex cell per particle, points and every column equal to /particles
after matching by id (ranks may order particles differently). Every time
step's time and step match the HDF5 file's. Exits 1 listing each difference.
"""
import json
import os
import sys

import h5py
import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy

# Debian's python3 can import paraview too: the reader is chosen, not guessed.
PARAVIEW = sys.argv[2] == "paraview"

failures = []
checked = {"files": 0, "values": 0}


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def equal(tag, got, expected):
    got, expected = np.asarray(got), np.asarray(expected)
    if not check(got.shape == expected.shape, "%s: shape %s, expected %s" % (tag, got.shape, expected.shape)):
        return
    bad = np.flatnonzero(np.asarray(got != expected).reshape(len(got), -1).any(axis=1)) if got.size else []
    checked["values"] += got.size
    check(len(bad) == 0, "%s: %d values differ, first at %s" % (tag, len(bad), list(bad[:1])))


def compare_grid(tag, data, h5):
    if not check(data is not None and data.IsA("vtkImageData"), "%s: not an ImageData" % tag):
        return
    g = h5["grid"]
    cells, lower, upper = g.attrs["cells"], g.attrs["lower"], g.attrs["upper"]
    h = (upper - lower) / cells
    points = [int(n) if n > 1 else 2 for n in cells]
    check(list(data.GetDimensions()) == points, "%s: dimensions %s, expected %s" % (tag, data.GetDimensions(), points))
    origin = [lo + 0.5 * d if n > 1 else lo for lo, d, n in zip(lower, h, cells)]
    check(np.allclose(data.GetOrigin(), origin, rtol=0, atol=1e-12),
          "%s: origin %s, expected %s" % (tag, data.GetOrigin(), origin))
    check(np.allclose(data.GetSpacing(), h, rtol=1e-12), "%s: spacing %s, expected %s" % (tag, data.GetSpacing(), h))
    # A collapsed direction spans the whole slab [lower, upper].
    bounds = np.asarray(data.GetBounds()).reshape(3, 2)
    for a in range(3):
        want = (lower[a], upper[a]) if cells[a] == 1 else (origin[a], origin[a] + (cells[a] - 1) * h[a])
        check(np.allclose(bounds[a], want, atol=1e-12), "%s: bounds along %d %s, expected %s" % (tag, a, bounds[a], want))
    pd = data.GetPointData()
    names = sorted(pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays()))
    check(names == sorted(h5["fields"].keys()), "%s: arrays %s, expected %s" % (tag, names, sorted(h5["fields"])))
    for name, ds in h5["fields"].items():
        if pd.GetArray(name) is None:
            continue
        got = vtk_to_numpy(pd.GetArray(name)).reshape(points[2], points[1], points[0])
        want = np.broadcast_to(ds[...], got.shape)  # both layers of a collapsed direction
        equal("%s %s" % (tag, name), got.reshape(-1), want.reshape(-1))


def compare_particles(tag, data, h5):
    if not check(data is not None and data.IsA("vtkUnstructuredGrid"), "%s: not an UnstructuredGrid" % tag):
        return
    p = h5["particles"]
    n = len(p["id"])
    check(data.GetNumberOfPoints() == n and data.GetNumberOfCells() == n,
          "%s: %d points, %d cells, expected %d of each" % (tag, data.GetNumberOfPoints(), data.GetNumberOfCells(), n))
    if n == 0 or data.GetNumberOfPoints() != n:
        return
    types = vtk_to_numpy(data.GetCellTypesArray())
    check((types == 1).all(), "%s: cells that are not VTK_VERTEX" % tag)
    conn = vtk_to_numpy(data.GetCells().GetConnectivityArray())
    offsets = vtk_to_numpy(data.GetCells().GetOffsetsArray())
    check(np.array_equal(conn, np.arange(n)) and np.array_equal(offsets, np.arange(n + 1)),
          "%s: vertex cell i does not hold point i alone" % tag)
    pd = data.GetPointData()
    ids = vtk_to_numpy(pd.GetArray("id"))
    mine, theirs = np.argsort(ids), np.argsort(p["id"][...])
    equal(tag + " points", vtk_to_numpy(data.GetPoints().GetData())[mine], p["position"][...][theirs])
    expected = sorted(k for k in p.keys() if k not in ("position", "connectivity"))
    names = sorted(pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays()))
    check(names == expected, "%s: arrays %s, expected %s" % (tag, names, expected))
    for name in expected:
        if pd.GetArray(name) is not None:
            equal("%s %s" % (tag, name), vtk_to_numpy(pd.GetArray(name))[mine], p[name][...][theirs])


def compare(case, tag, data, h5_path, vtk_path, series_time):
    checked["files"] += 1
    with h5py.File(h5_path, "r") as h5, h5py.File(vtk_path, "r") as v:
        check(v["VTKHDF"].attrs["Version"].tolist() == [1, 0], "%s: Version %s" % (tag, v["VTKHDF"].attrs["Version"]))
        check(v.attrs["step"] == h5.attrs["step"], "%s: step %s, HDF5 %s" % (tag, v.attrs["step"], h5.attrs["step"]))
        check(v.attrs["time"] == h5.attrs["time"] == series_time,
              "%s: time %r, HDF5 %r, series %r" % (tag, v.attrs["time"], h5.attrs["time"], series_time))
        (compare_grid if case["kind"] == "grid" else compare_particles)(tag, data, h5)


def reference_h5(case, out, vtk_name):
    """The HDF5 snapshot of the same step: this run's, or for a VTKHDF-only
    run the same deck's at the same rank count with both formats."""
    run_dir = case["dir"]
    if not case["hdf5"]:
        run_dir = os.path.join(out, case["name"].replace("_vtkhdf_only", ""))
        check(not any(f.endswith(".h5") for f in os.listdir(os.path.join(case["dir"], "snapshots"))),
              "%s: format = \"vtkhdf\" wrote .h5 files" % case["name"])
        check(not any(f.endswith(".xmf") for f in os.listdir(case["dir"])),
              "%s: format = \"vtkhdf\" wrote an XDMF series" % case["name"])
    return os.path.join(run_dir, os.path.splitext(vtk_name)[0] + ".h5")


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "cases.json")) as f:
        cases = json.load(f)
    for case in cases:
        series_files = [f for f in os.listdir(case["dir"]) if f.endswith(".hdf.series")]
        if not check(len(series_files) == 1, "%s: %d .hdf.series files" % (case["name"], len(series_files))):
            continue
        series_path = os.path.join(case["dir"], series_files[0])
        with open(series_path) as f:
            series = json.load(f)
        check(series.get("file-series-version") == "1.0", "%s: file-series-version" % case["name"])
        entries = series["files"]
        check(len(entries) >= 2, "%s: %d snapshots in the series" % (case["name"], len(entries)))
        if PARAVIEW:
            from paraview import simple
            reader = simple.OpenDataFile(series_path)
            times = list(reader.TimestepValues)
            check(times == [e["time"] for e in entries],
                  "%s: ParaView's time steps %s, series %s" % (case["name"], times, [e["time"] for e in entries]))
            for e in entries:
                reader.UpdatePipeline(e["time"])
                data = reader.GetClientSideObject().GetOutputDataObject(0)
                compare(case, "%s (ParaView) t=%r" % (case["name"], e["time"]), data,
                        reference_h5(case, out, e["name"]), os.path.join(case["dir"], e["name"]), e["time"])
            simple.Delete(reader)
        else:
            from vtkmodules.vtkIOHDF import vtkHDFReader
            for e in entries:
                path = os.path.join(case["dir"], e["name"])
                reader = vtkHDFReader()
                check(reader.CanReadFile(path), "%s: vtkHDFReader cannot read %s" % (case["name"], e["name"]))
                reader.SetFileName(path)
                reader.Update()
                compare(case, "%s (vtkHDFReader) %s" % (case["name"], e["name"]), reader.GetOutput(),
                        reference_h5(case, out, e["name"]), path, e["time"])
    who = "ParaView" if PARAVIEW else "vtkHDFReader"
    if failures:
        print("\n".join(failures))
        print("%d problem(s) reading Tessera's VTKHDF output with %s" % (len(failures), who))
        sys.exit(1)
    print("%s: %d runs, %d VTKHDF files, %d values equal to the HDF5 snapshots"
          % (who, len(cases), checked["files"], checked["values"]))


main()
