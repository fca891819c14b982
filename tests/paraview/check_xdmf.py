"""ParaView end-to-end check of Tessera's XDMF series (run with pvpython).

Usage: pvpython check_xdmf.py DIR

DIR holds what tests/xdmf_fixture.cpp wrote: .xmf series, their HDF5
snapshots and fixture.json, the values written. Each series is opened with each of
ParaView's readers for .xmf (XDMFReader, the XDMF 2 reader, and the XDMF 3
readers Xdmf3ReaderS/T) and every time step is compared with
fixture.json: time steps, dataset type, cell/point counts, bounds, array
names, array ranges and every value in order (so a transposed axis or a
swapped z/x origin cannot pass). Needs no display; nothing is rendered.
Exits 1 and prints each difference when anything disagrees.
"""
import json
import os
import sys

import numpy as np
from paraview import simple
from vtkmodules.numpy_interface import dataset_adapter as dsa
from vtkmodules.vtkCommonDataModel import vtkDataObject

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def close(a, b, tol=1e-12):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol)


def read_step(reader, time):
    # In pvpython's built-in session the reader's VTK object lives in this
    # process: update it at `time` and look at its output directly.
    reader.UpdatePipeline(time)
    data = reader.GetClientSideObject().GetOutputDataObject(0)
    check(data is not None, "no output at time %r" % time)
    if data is not None and data.IsA("vtkMultiBlockDataSet"):
        check(False, "got a multiblock (several grids matched time %r)" % time)
        data = data.GetBlock(0)
    return data


def check_range(tag, name, got, expected):
    got = np.asarray(got)
    expected = np.asarray(expected)
    check(got.shape == expected.shape, "%s %s: shape %s, expected %s" % (tag, name, got.shape, expected.shape))
    if got.shape != expected.shape:
        return
    check((got.min(), got.max()) == (expected.min(), expected.max()),
          "%s %s: range (%r, %r), expected (%r, %r)" % (tag, name, got.min(), got.max(), expected.min(), expected.max()))
    bad = np.flatnonzero(np.asarray(got != expected).reshape(len(got), -1).any(axis=1))
    check(bad.size == 0, "%s %s: %d values differ, first at index %s: %r, expected %r"
          % (tag, name, bad.size, bad[:1], got[bad[:1]] if bad.size else None, expected[bad[:1]] if bad.size else None))


def check_grid(tag, series, step, data):
    cells = series["cells"]
    lower, upper = series["lower"], series["upper"]
    nx, ny, nz = cells
    if not check(data.IsA("vtkImageData"), "%s: %s, expected vtkImageData" % (tag, data.GetClassName())):
        return
    check(tuple(data.GetDimensions()) == (nx + 1, ny + 1, nz + 1),
          "%s: node dimensions %s, expected %s" % (tag, data.GetDimensions(), (nx + 1, ny + 1, nz + 1)))
    check(data.GetNumberOfCells() == nx * ny * nz,
          "%s: %d cells, expected %d" % (tag, data.GetNumberOfCells(), nx * ny * nz))
    expected_bounds = [lower[0], upper[0], lower[1], upper[1], lower[2], upper[2]]
    check(close(data.GetBounds(), expected_bounds),
          "%s: bounds %s, expected %s" % (tag, data.GetBounds(), expected_bounds))
    wrapped = dsa.WrapDataObject(data)
    names = sorted(wrapped.CellData.keys())
    check(names == sorted(step["fields"]), "%s: cell arrays %s, expected %s" % (tag, names, sorted(step["fields"])))
    check(len(wrapped.PointData.keys()) == 0, "%s: unexpected point arrays %s" % (tag, wrapped.PointData.keys()))
    dtype = np.float32 if series["precision"] == 4 else np.float64
    for name, values in step["fields"].items():
        if name not in names:
            continue
        got = np.asarray(wrapped.CellData[name])
        check(got.dtype == dtype, "%s %s: type %s, expected %s" % (tag, name, got.dtype, np.dtype(dtype)))
        # VTK numbers image cells x fastest, as the (nz, ny, nx) datasets are stored.
        check_range(tag, name, got, np.asarray(values, dtype=dtype))


def check_particles(tag, series, step, data):
    n = series["count"]
    check(data.GetNumberOfPoints() == n, "%s: %d points, expected %d" % (tag, data.GetNumberOfPoints(), n))
    check(data.GetNumberOfCells() == n, "%s: %d cells (vertices), expected %d" % (tag, data.GetNumberOfCells(), n))
    wrapped = dsa.WrapDataObject(data)
    arrays = step["arrays"]
    expected_names = sorted(k for k in arrays if k != "position")
    names = sorted(wrapped.PointData.keys())
    check(names == expected_names, "%s: point arrays %s, expected %s" % (tag, names, expected_names))
    check_range(tag, "position", np.asarray(wrapped.Points), np.asarray(arrays["position"], float).reshape(n, 3))
    dtypes = {"id": np.int64, "type": np.int32}
    for name in expected_names:
        if name not in names:
            continue
        got = np.asarray(wrapped.PointData[name])
        want = np.asarray(arrays[name], dtype=dtypes.get(name, np.float64))
        if want.size == 3 * n:
            want = want.reshape(n, 3)
        check(got.dtype == want.dtype, "%s %s: type %s, expected %s" % (tag, name, got.dtype, want.dtype))
        check_range(tag, name, got, want)


# ParaView offers three readers for .xmf; users pick any of them in the GUI.
READERS = {
    "XDMFReader": lambda path: simple.XDMFReader(FileNames=[path]),
    "Xdmf3ReaderS": lambda path: simple.Xdmf3ReaderS(FileName=[path]),
    "Xdmf3ReaderT": lambda path: simple.Xdmf3ReaderT(FileName=[path]),
}


def check_series(directory, series, reader_name):
    # Absolute: the Xdmf3 readers resolve heavy-data paths against the .xmf's
    # directory only when they are given one.
    path = os.path.abspath(os.path.join(directory, series["xmf"]))
    reader = READERS[reader_name](path)
    reader.UpdatePipelineInformation()
    times = [float(t) for t in reader.TimestepValues]
    expected_times = [s["time"] for s in series["steps"]]
    check(times == expected_times, "%s %s: time steps %r, expected %r"
          % (reader_name, series["xmf"], times, expected_times))
    for step in series["steps"]:
        tag = "%s %s t=%r" % (reader_name, series["xmf"], step["time"])
        data = read_step(reader, step["time"])
        if data is None:
            continue
        data_time = data.GetInformation().Get(vtkDataObject.DATA_TIME_STEP())
        check(data_time == step["time"], "%s: data time %r" % (tag, data_time))
        if series["kind"] == "grid":
            check_grid(tag, series, step, data)
        else:
            check_particles(tag, series, step, data)
    simple.Delete(reader)
    print("checked %s with %s: %d time steps" % (series["xmf"], reader_name, len(series["steps"])))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    directory = sys.argv[1]
    with open(os.path.join(directory, "fixture.json")) as f:
        fixture = json.load(f)
    for reader_name in READERS:
        for series in fixture["series"]:
            check_series(directory, series, reader_name)
    if failures:
        print("ParaView XDMF check FAILED:")
        for f in failures:
            print("  " + f)
        return 1
    print("ParaView XDMF check passed (%d series)" % len(fixture["series"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
