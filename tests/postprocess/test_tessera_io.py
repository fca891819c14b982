"""postprocess/tessera_io.py reads back what tests/xdmf_fixture.cpp wrote.

Usage: python3 test_tessera_io.py DIR   (DIR holds fixture.json and the snapshots)
"""
import json
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postprocess"))
import tessera_io  # noqa: E402

DIR = None


def fixture():
    with open(os.path.join(DIR, "fixture.json")) as f:
        return json.load(f)["series"]


class TesseraIoTest(unittest.TestCase):
    def test_grids(self):
        grids = [s for s in fixture() if s["kind"] == "grid"]
        self.assertEqual(len(grids), 3)
        for series in grids:
            nx, ny, nz = series["cells"]
            dtype = np.float32 if series["precision"] == 4 else np.float64
            for step in series["steps"]:
                g = tessera_io.load_grid(os.path.join(DIR, step["h5"]))
                self.assertEqual(g["time"], step["time"])
                self.assertEqual(g["step"], step["step"])
                np.testing.assert_array_equal(g["cells"], series["cells"])
                np.testing.assert_array_equal(g["lower"], series["lower"])
                np.testing.assert_array_equal(g["upper"], series["upper"])
                self.assertEqual(sorted(g["fields"]), sorted(step["fields"]))
                for name, values in step["fields"].items():
                    got = g["fields"][name]
                    self.assertEqual(got.shape, (nz, ny, nx))
                    self.assertEqual(got.dtype, dtype)
                    np.testing.assert_array_equal(got, np.asarray(values, dtype).reshape(nz, ny, nx))
                # [k, j, i] indexing with x fastest: the fixture's density is 1 + i + 10 j + 100 k + time.
                rho = g["fields"]["density"]
                self.assertAlmostEqual(float(rho[nz - 1, ny - 1, nx - 1]),
                                       1 + (nx - 1) + 10 * (ny - 1) + 100 * (nz - 1) + step["time"], places=5)
                x, y, z = tessera_io.cell_centres(g)
                self.assertEqual((len(x), len(y), len(z)), (nx, ny, nz))
                self.assertAlmostEqual(x[0], series["lower"][0] + 0.5 * (series["upper"][0] - series["lower"][0]) / nx)

    def test_particles_sorted_by_id(self):
        (series,) = [s for s in fixture() if s["kind"] == "particles"]
        n = series["count"]
        for step in series["steps"]:
            p = tessera_io.load_particles(os.path.join(DIR, step["h5"]))
            self.assertEqual(p["time"], step["time"])
            self.assertEqual(p["step"], step["step"])
            self.assertNotIn("connectivity", p)
            written = step["arrays"]
            ids = np.asarray(written["id"])
            self.assertFalse(np.all(np.diff(ids) > 0), "fixture should store particles out of id order")
            order = np.argsort(ids)
            np.testing.assert_array_equal(p["id"], np.arange(n))
            self.assertEqual(p["id"].dtype, np.int64)
            self.assertEqual(p["type"].dtype, np.int32)
            for name in ("position", "velocity"):
                self.assertEqual(p[name].shape, (n, 3))
                np.testing.assert_array_equal(p[name], np.asarray(written[name]).reshape(n, 3)[order])
            for name in ("mass", "type"):
                np.testing.assert_array_equal(p[name], np.asarray(written[name])[order])
            np.testing.assert_array_equal(p["box"]["periodic"], [1, 1, 1])
            np.testing.assert_array_equal(p["box"]["upper"], [2, 1, 1])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    DIR = sys.argv.pop(1)
    unittest.main()
