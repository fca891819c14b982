#!/usr/bin/python3
"""Render a Tessera snapshot or series to PNG with VTK, offscreen.

Grids (3-D): three orthogonal slices through the centre coloured by a field,
and optionally isosurfaces: of the field (--iso VALUE...) or of the
Q-criterion computed from velocity_x/_y/_z (--q-criterion, e.g. a
Taylor-Green run). Particles: every particle as a sphere-shaded point
coloured by a column (a vector column by its magnitude), e.g. an MD melt or a
Plummer sphere. Reads VTKHDF (.hdf, as VTK's vtkHDFReader does) and Tessera's
HDF5 snapshots (.h5); a series (<name>.hdf.series) renders its last step, the
step nearest --time, or with --frames DIR every step as DIR/frame_NNNNN.png
for a movie (e.g. ffmpeg -i DIR/frame_%05d.png movie.mp4).

    postprocess/render.py SNAPSHOT.hdf|SNAPSHOT.h5|SERIES.hdf.series OUT.png
        [--field density] [--q-criterion] [--iso V ...] [--no-slices]
        [--time T] [--frames DIR] [--size 800x600] [--point-size PX]
    postprocess/render.py --probe     # exit 0 when pictures can be rendered here

Needs VTK for /usr/bin/python3 (on Debian 12: python3-paraview's vtkmodules,
VTK 9.2) and an OpenGL context. Debian's VTK renders through X only: with no
DISPLAY it reruns itself under xvfb-run when that exists. Where no context can
be had it exits with status 3 and says why ("rendering not available: ..."),
so callers such as the validation report can skip the pictures.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

UNAVAILABLE = 3  # exit status: no VTK or no OpenGL context here


def unavailable(why):
    print("render.py: rendering not available: %s" % why, file=sys.stderr)
    sys.exit(UNAVAILABLE)


try:
    from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the render window factory)
    import vtkmodules.vtkInteractionStyle  # noqa: F401
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkImageData, vtkPlane, vtkPolyData
    from vtkmodules.vtkFiltersCore import vtkContourFilter, vtkCutter
    from vtkmodules.vtkFiltersGeneral import vtkGradientFilter
    from vtkmodules.vtkFiltersModeling import vtkOutlineFilter
    from vtkmodules.vtkIOHDF import vtkHDFReader
    from vtkmodules.vtkIOImage import vtkPNGWriter
    from vtkmodules.vtkRenderingAnnotation import vtkScalarBarActor
    from vtkmodules.vtkRenderingCore import (vtkActor, vtkDataSetMapper, vtkRenderer, vtkRenderWindow, vtkTextActor,
                                             vtkWindowToImageFilter)
except ImportError as e:  # pragma: no cover - depends on the machine
    unavailable("VTK cannot be imported (%s)" % e)

PROBE = """
import vtkmodules.vtkRenderingOpenGL2
from vtkmodules.vtkRenderingCore import vtkRenderWindow, vtkRenderer
w = vtkRenderWindow(); w.SetOffScreenRendering(1); w.AddRenderer(vtkRenderer()); w.SetSize(8, 8); w.Render()
import sys; sys.exit(0 if w.GetNeverRendered() == 0 else 1)
"""


def ensure_context():
    """Returns when VTK can render here; reruns this command under xvfb-run
    when only a display is missing; exits with UNAVAILABLE otherwise. The probe
    runs in a child: a failed X connection can take the process down."""
    if os.environ.get("DISPLAY") and (os.environ.get("TESSERA_RENDER_UNDER_XVFB") or
                                      os.environ.get("TESSERA_RENDER_CONTEXT_CHECKED")):
        return  # probed already: by the parent before xvfb-run, or by the caller (validation/run.py)
    probe = subprocess.run([sys.executable, "-c", PROBE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=120)
    if probe.returncode == 0:
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb and not os.environ.get("TESSERA_RENDER_UNDER_XVFB"):
        env = dict(os.environ, TESSERA_RENDER_UNDER_XVFB="1")
        done = subprocess.run([xvfb, "-a", sys.executable] + sys.argv, env=env)
        sys.exit(done.returncode)
    last = [line for line in probe.stdout.splitlines() if line.strip()][-1:] or ["no output"]
    unavailable("VTK cannot open an OpenGL context (DISPLAY=%r%s): %s"
                % (os.environ.get("DISPLAY", ""), "" if xvfb else ", no xvfb-run", last[0].strip()[:200]))


# ---------------------------------------------------------------- reading


def read_series(path):
    with open(path) as f:
        series = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    return [(os.path.join(base, e["name"]), float(e["time"])) for e in series["files"]]


def grid_from_h5(path):
    import tessera_io

    g = tessera_io.load_grid(path)
    cells, lower, upper = g["cells"], g["lower"], g["upper"]
    h = (upper - lower) / cells
    # The same geometry as Tessera's VTKHDF writer: points on the cell centres,
    # a collapsed direction two points thick.
    image = vtkImageData()
    image.SetDimensions(*[int(n) if n > 1 else 2 for n in cells])
    image.SetOrigin(*[lo + 0.5 * d if n > 1 else lo for lo, d, n in zip(lower, h, cells)])
    image.SetSpacing(*[d if d > 0 else 1.0 for d in h])
    dims = image.GetDimensions()
    for name, values in g["fields"].items():
        full = np.broadcast_to(values, (dims[2], dims[1], dims[0])).astype(np.float64)
        array = numpy_to_vtk(np.ascontiguousarray(full).reshape(-1), deep=True)
        array.SetName(name)
        image.GetPointData().AddArray(array)
    return image, g["time"]


def particles_from_h5(path):
    import tessera_io

    p = tessera_io.load_particles(path)
    pos = np.ascontiguousarray(p["position"], dtype=np.float64)
    poly = vtkPolyData()
    points = vtkPoints()
    points.SetData(numpy_to_vtk(pos, deep=True))
    poly.SetPoints(points)
    verts = vtkCellArray()
    for i in range(len(pos)):
        verts.InsertNextCell(1)
        verts.InsertCellPoint(i)
    poly.SetVerts(verts)
    for name, values in p.items():
        if name in ("time", "step", "box", "position") or not isinstance(values, np.ndarray):
            continue
        array = numpy_to_vtk(np.ascontiguousarray(values, dtype=np.float64), deep=True)
        array.SetName(name)
        poly.GetPointData().AddArray(array)
    return poly, p["time"]


def read(path):
    """(dataset, time) from a VTKHDF file or a Tessera HDF5 snapshot."""
    if path.endswith(".h5"):
        import h5py

        with h5py.File(path, "r") as f:
            kind = "grid" if "grid" in f else "particles" if "particles" in f else None
        if kind is None:
            sys.exit("render.py: %s is neither a Tessera grid nor particle snapshot" % path)
        return grid_from_h5(path) if kind == "grid" else particles_from_h5(path)
    reader = vtkHDFReader()
    if not reader.CanReadFile(path):
        sys.exit("render.py: vtkHDFReader cannot read %s" % path)
    reader.SetFileName(path)
    reader.Update()
    import h5py

    with h5py.File(path, "r") as f:
        time = float(f.attrs["time"]) if "time" in f.attrs else 0.0
    return reader.GetOutput(), time


# ---------------------------------------------------------------- drawing


def add_q_criterion(image):
    """Point array "q_criterion" from the velocity components (VTK's gradient
    filter: Q = (|Omega|^2 - |S|^2) / 2)."""
    pd = image.GetPointData()
    names = ["velocity_x", "velocity_y", "velocity_z"]
    if any(pd.GetArray(n) is None for n in names):
        sys.exit("render.py: --q-criterion needs velocity_x, velocity_y and velocity_z")
    velocity = np.stack([vtk_to_numpy(pd.GetArray(n)) for n in names], axis=1)
    array = numpy_to_vtk(np.ascontiguousarray(velocity, dtype=np.float64), deep=True)
    array.SetName("velocity")
    pd.AddArray(array)
    gradient = vtkGradientFilter()
    gradient.SetInputData(image)
    gradient.SetInputScalars(0, "velocity")  # point data
    gradient.SetComputeQCriterion(True)
    gradient.SetQCriterionArrayName("q_criterion")
    gradient.SetComputeGradient(False)
    gradient.Update()
    return gradient.GetOutput()


def scalar_of(data, field):
    """The point array to colour by, as a scalar: vectors by magnitude."""
    pd = data.GetPointData()
    array = pd.GetArray(field)
    if array is None:
        names = [pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())]
        sys.exit("render.py: no field '%s' (there are: %s)" % (field, ", ".join(names)))
    if array.GetNumberOfComponents() == 1:
        return field
    values = np.linalg.norm(vtk_to_numpy(array).reshape(array.GetNumberOfTuples(), -1), axis=1)
    mag = numpy_to_vtk(values, deep=True)
    mag.SetName(field + "_magnitude")
    pd.AddArray(mag)
    return mag.GetName()


def mapper_for(source, field, value_range):
    mapper = vtkDataSetMapper()
    if isinstance(source, (vtkImageData, vtkPolyData)) or not hasattr(source, "GetOutputPort"):
        mapper.SetInputData(source)
    else:
        mapper.SetInputConnection(source.GetOutputPort())
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(field)
    mapper.SetScalarRange(*value_range)
    mapper.ScalarVisibilityOn()
    lut = mapper.GetLookupTable()
    lut.SetHueRange(0.667, 0.0)  # blue (low) to red (high)
    lut.Build()
    return mapper


def scene_for_grid(image, field, args):
    actors = []
    colour = scalar_of(image, field)
    value_range = image.GetPointData().GetArray(colour).GetRange()
    if args.q_criterion or args.iso:
        if args.q_criterion:
            image = add_q_criterion(image)
            iso_field = "q_criterion"
            q = vtk_to_numpy(image.GetPointData().GetArray(iso_field))
            levels = args.iso or [0.25 * float(q.max())]
        else:
            iso_field, levels = colour, args.iso
        image.GetPointData().SetActiveScalars(iso_field)
        contour = vtkContourFilter()
        contour.SetInputData(image)
        contour.SetInputArrayToProcess(0, 0, 0, 0, iso_field)  # point data
        for i, v in enumerate(levels):
            contour.SetValue(i, v)
        contour.Update()
        actor = vtkActor()
        actor.SetMapper(mapper_for(contour, colour, value_range))
        actors.append(actor)
    if not args.no_slices:
        centre = image.GetCenter()
        for normal in ((1, 0, 0), (0, 1, 0), (0, 0, 1)):
            plane = vtkPlane()
            plane.SetOrigin(*centre)
            plane.SetNormal(*normal)
            cut = vtkCutter()
            cut.SetInputData(image)
            cut.SetCutFunction(plane)
            cut.Update()
            actor = vtkActor()
            actor.SetMapper(mapper_for(cut, colour, value_range))
            # Translucent slices when there is a surface to see through them.
            actor.GetProperty().SetOpacity(0.35 if (args.q_criterion or args.iso) else 1.0)
            actors.append(actor)
    return actors, colour, value_range


def scene_for_particles(data, field, args):
    colour = scalar_of(data, field)
    value_range = data.GetPointData().GetArray(colour).GetRange()
    actor = vtkActor()
    actor.SetMapper(mapper_for(data, colour, value_range))
    actor.GetProperty().SetRepresentationToPoints()
    # Default: larger points for fewer particles, so both 100 and 30000 read well.
    size = args.point_size or float(np.clip(250.0 / max(data.GetNumberOfPoints(), 1) ** (1 / 3), 2, 12))
    actor.GetProperty().SetPointSize(size)
    actor.GetProperty().SetRenderPointsAsSpheres(True)
    return [actor], colour, value_range


def default_field(data, is_grid):
    pd = data.GetPointData()
    names = [pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())]
    for preferred in (["density", "pressure"] if is_grid else ["velocity", "mass", "type"]):
        if preferred in names:
            return preferred
    return next((n for n in names if n != "id"), names[0] if names else None)


def render(path, out, args):
    data, time = read(path)
    is_grid = data.IsA("vtkImageData")
    field = args.field or default_field(data, is_grid)
    if field is None:
        sys.exit("render.py: %s has no arrays to colour by" % path)
    actors, colour, value_range = (scene_for_grid if is_grid else scene_for_particles)(data, field, args)

    renderer = vtkRenderer()
    renderer.SetBackground(1, 1, 1)
    for a in actors:
        renderer.AddActor(a)
    outline = vtkOutlineFilter()
    outline.SetInputData(data)
    box = vtkActor()
    box.SetMapper(mapper_for(outline, colour, value_range))
    box.GetMapper().ScalarVisibilityOff()
    box.GetProperty().SetColor(0.2, 0.2, 0.2)
    renderer.AddActor(box)

    bar = vtkScalarBarActor()
    bar.SetLookupTable(actors[0].GetMapper().GetLookupTable())
    bar.SetTitle(colour)
    bar.SetNumberOfLabels(5)
    bar.SetLabelFormat("%-#7.4g")
    bar.SetWidth(0.12)
    bar.GetTitleTextProperty().SetColor(0, 0, 0)
    bar.GetLabelTextProperty().SetColor(0, 0, 0)
    renderer.AddActor2D(bar)
    title = vtkTextActor()
    what = "Q-criterion isosurface, " if args.q_criterion else "isosurface, " if args.iso else ""
    title.SetInput("%s%s   t = %.4g" % (what, colour, time))
    title.GetTextProperty().SetColor(0, 0, 0)
    title.GetTextProperty().SetFontSize(16)
    title.SetPosition(10, 10)
    renderer.AddActor2D(title)

    camera = renderer.GetActiveCamera()
    camera.Azimuth(35)
    camera.Elevation(25)
    renderer.ResetCamera()
    camera.Zoom(args.zoom)

    width, height = (int(v) for v in args.size.split("x"))
    window = vtkRenderWindow()
    window.SetOffScreenRendering(1)
    window.SetSize(width, height)
    window.AddRenderer(renderer)
    window.Render()
    grab = vtkWindowToImageFilter()
    grab.SetInput(window)
    grab.ReadFrontBufferOff()
    grab.Update()
    writer = vtkPNGWriter()
    writer.SetFileName(out)
    writer.SetInputConnection(grab.GetOutputPort())
    writer.Write()
    window.Finalize()
    print("%s: %s coloured by %s, t = %.6g" % (out, "grid" if is_grid else "particles", colour, time))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="a .hdf (VTKHDF) or .h5 snapshot, or a .hdf.series")
    ap.add_argument("out", nargs="?", help="the PNG to write (not with --frames)")
    ap.add_argument("--field", help="colour by (and --iso of) this array; default density (grids), velocity (particles)")
    ap.add_argument("--q-criterion", action="store_true", help="isosurface of Q from velocity_x/_y/_z")
    ap.add_argument("--iso", type=float, nargs="+", help="isosurface values (of --field, or of Q)")
    ap.add_argument("--no-slices", action="store_true", help="grids: no slices, only the isosurfaces")
    ap.add_argument("--time", type=float, help="series: render the step nearest this time (default: the last)")
    ap.add_argument("--frames", help="series: write every step to FRAMES/frame_NNNNN.png")
    ap.add_argument("--size", default="800x600")
    ap.add_argument("--point-size", type=float, help="particles: point size in pixels (default: by count)")
    ap.add_argument("--zoom", type=float, default=1.0)
    ap.add_argument("--probe", action="store_true", help="only check that rendering works here (exit 0, or 3 and why)")
    args = ap.parse_args()
    if not args.probe and (not args.input or (not args.frames and not args.out)):
        ap.error("give INPUT and OUT.png, or INPUT and --frames DIR for a series")
    ensure_context()
    if args.probe:
        print("render.py: rendering available%s" % (" (under xvfb-run)" if os.environ.get("TESSERA_RENDER_UNDER_XVFB") else ""))
        return

    if args.input.endswith(".series"):
        steps = read_series(args.input)
        if not steps:
            sys.exit("render.py: %s lists no files" % args.input)
        if args.frames:
            os.makedirs(args.frames, exist_ok=True)
            for i, (path, _) in enumerate(steps):
                render(path, os.path.join(args.frames, "frame_%05d.png" % i), args)
            if not args.out:
                return
        t = steps[-1][1] if args.time is None else args.time
        path = min(steps, key=lambda s: abs(s[1] - t))[0]
        render(path, args.out, args)
    else:
        render(args.input, args.out or os.path.join(args.frames, "frame_00000.png"), args)


if __name__ == "__main__":
    main()
