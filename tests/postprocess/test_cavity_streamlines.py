"""postprocess/cavity_centrelines.py and streamlines.py on synthetic snapshots
with known answers.

Usage: python3 test_cavity_streamlines.py   (writes its files into a temporary directory)

* Ghia's table loads as the paper's 17 + 17 points (spot values of both
  tables and both Reynolds numbers);
* the centre-line extrema of that field are the cubics' own;
* a field u = p(y), v = q(x) with cubics p, q that take the cavity's wall
  values is read off exactly at Ghia's points (the line across is linear in
  x, the cubic along the line is exact for cubics), for an even and an odd
  cell count (the centre on a face or on a cell centre), and in a box that
  is not the unit square with a lid speed of 2;
* streamlines.py draws a solid-body rotation to a small PNG, and its
  fallback vorticity (central differences) is 2 Omega there.
"""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

POSTPROCESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess")
sys.path.insert(0, POSTPROCESS)
import cavity_centrelines as cc  # noqa: E402
import streamlines  # noqa: E402
import tessera_io  # noqa: E402

TMP = tempfile.mkdtemp(prefix="tessera_cavity_")


def write_grid(path, fields, cells, lower, upper, time=1.0, step=10):
    """A grid snapshot in Tessera's layout (DESIGN.md): fields (nz, ny, nx)."""
    with h5py.File(path, "w") as f:
        f.attrs["time"] = float(time)
        f.attrs["step"] = np.int64(step)
        g = f.create_group("grid")
        g.attrs["cells"] = np.asarray(cells, dtype=np.int64)
        g.attrs["lower"] = np.asarray(lower, dtype=np.float64)
        g.attrs["upper"] = np.asarray(upper, dtype=np.float64)
        for name, a in fields.items():
            f["fields/" + name] = a


def p(y):  # u on the centre-line: 0 on the floor, 1 at the lid
    return 2 * y ** 3 - y ** 2


def q(x):  # v on the centre-line: 0 on both side walls
    return x * (1 - x) * (x - 0.3)


def cavity_like(n, lower=(0, 0, 0), upper=(1, 1, 1), lid=1.0):
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    x = (np.arange(n) + 0.5) / n
    X, Y = np.meshgrid(x, x)  # unit-box coordinates, (ny, nx)
    u = lid * p(Y) * (1 + 0 * X)
    v = lid * q(X) * (1 + 0 * Y)
    path = os.path.join(TMP, "cavity_%d.h5" % n)
    write_grid(path, {"velocity_x": u[None], "velocity_y": v[None], "velocity_z": 0 * u[None]},
               [n, n, 1], lower, upper)
    return tessera_io.load_grid(path)


class CavityCentrelines(unittest.TestCase):
    def test_ghia_table(self):
        g100, g1000 = cc.load_ghia(100), cc.load_ghia(1000)
        for g in (g100, g1000):
            self.assertEqual(len(g["y"]), 17)
            self.assertEqual(len(g["x"]), 17)
        self.assertEqual(g100["u"][1], 0.84123)
        self.assertEqual(g100["u"][9], -0.21090)
        self.assertEqual(g1000["u"][11], -0.38289)
        self.assertEqual(g100["v"][7], -0.24533)
        self.assertEqual(g1000["v"][5], -0.51550)
        self.assertEqual(g1000["x"][9], 0.2344)
        with self.assertRaises(ValueError):
            cc.load_ghia(400)

    def check(self, grid, lid=1.0):
        r = cc.compare(grid, 100, lid)
        g = r["ghia"]
        self.assertEqual(len(r["du"]), 15)
        self.assertEqual(len(r["dv"]), 15)
        np.testing.assert_allclose(r["u_at"], p(g["y"][r["iu"]]), atol=1e-13)
        np.testing.assert_allclose(r["v_at"], q(g["x"][r["iv"]]), atol=1e-13)
        np.testing.assert_allclose(r["du"], p(g["y"][r["iu"]]) - g["u"][r["iu"]], atol=1e-13)
        self.assertAlmostEqual(r["max"], max(np.abs(r["du"]).max(), np.abs(r["dv"]).max()), places=15)

    def test_extrema(self):
        ex = cc.extrema(cc.compare(cavity_like(32), 100))
        self.assertAlmostEqual(ex["u_min"][0], -1.0 / 27.0, places=6)  # p = 2 y^3 - y^2: minimum at y = 1/3
        self.assertAlmostEqual(ex["u_min"][1], 1.0 / 3.0, places=3)
        xm = (1.3 - np.sqrt(1.3 ** 2 - 0.9)) / 3  # q' = 0: 3 x^2 - 2.6 x + 0.3 = 0
        self.assertAlmostEqual(ex["v_min"][0], q(xm), places=6)
        self.assertAlmostEqual(ex["v_min"][1], xm, places=3)

    def test_even_cells(self):
        self.check(cavity_like(32))

    def test_odd_cells(self):
        self.check(cavity_like(33))

    def test_scaled_box_and_lid(self):
        self.check(cavity_like(24, lower=(-1, 2, 0), upper=(1, 4, 1), lid=2.0), lid=2.0)

    def test_cli(self):
        cavity_like(32)
        out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, "cavity_centrelines.py"),
                              os.path.join(TMP, "cavity_32.h5"), "--re", "1000", "--csv", os.path.join(TMP, "c.csv"),
                              "--png", os.path.join(TMP, "c.png")], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("max |u - u_Ghia|", out.stdout)
        with open(os.path.join(TMP, "c.csv")) as f:
            rows = f.read().splitlines()
        self.assertEqual(len(rows), 31)
        self.assertGreater(os.path.getsize(os.path.join(TMP, "c.png")), 1000)


class Streamlines(unittest.TestCase):
    def rotation(self):
        n = 40
        x = -1 + (np.arange(n) + 0.5) * 2 / n
        X, Y = np.meshgrid(x, x)
        path = os.path.join(TMP, "rotation.h5")
        write_grid(path, {"velocity_x": -Y[None], "velocity_y": X[None]}, [n, n, 1], [-1, -1, 0], [1, 1, 1])
        return path

    def test_vorticity_of_rotation(self):
        _, _, u, v, w = streamlines.plane(tessera_io.load_grid(self.rotation()))
        np.testing.assert_allclose(w, 2.0, atol=1e-12)

    def test_png(self):
        png = os.path.join(TMP, "rotation.png")
        for background in ("speed", "vorticity", "none"):
            out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, "streamlines.py"), self.rotation(), png,
                                  "--background", background], capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            size = os.path.getsize(png)
            self.assertGreater(size, 5000)
            self.assertLess(size, 200000)
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
