"""postprocess/rdf.py and msd.py on synthetic particles with known answers.

Usage: python3 test_rdf_msd.py   (writes its files into a temporary directory)

* an ideal gas (uniform random positions) has g(r) = 1 within counting noise;
* a perfect fcc lattice has its first peak at a / sqrt(2), 12 neighbours in
  the first shell and 6 more at a;
* particles with constant velocities crossing the periodic faces have
  MSD(t) = <v^2> t^2 exactly once unwrapped, from snapshots (in shuffled id
  order) and from an H5MD trajectory.
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
import msd  # noqa: E402
import rdf  # noqa: E402

TMP = tempfile.mkdtemp(prefix="tessera_rdf_msd_")


def write_snapshot(path, positions, lower, upper, time=0.0, step=0, ids=None, periodic=(1, 1, 1)):
    """A particle snapshot in Tessera's layout (DESIGN.md), rows in the order given."""
    n = len(positions)
    ids = np.arange(n) if ids is None else ids
    with h5py.File(path, "w") as f:
        f.attrs["time"] = float(time)
        f.attrs["step"] = np.int64(step)
        box = f.create_group("box")
        box.attrs["lower"] = np.asarray(lower, dtype=np.float64)
        box.attrs["upper"] = np.asarray(upper, dtype=np.float64)
        box.attrs["periodic"] = np.asarray(periodic, dtype=np.int64)
        g = f.create_group("particles")
        g["id"] = np.asarray(ids, dtype=np.int64)
        g["position"] = np.asarray(positions, dtype=np.float64)
        g["connectivity"] = np.arange(n, dtype=np.int64)


def write_h5md(path, steps, times, positions, lower, upper):
    """The layout io/h5md.hpp writes: time-dependent edges, row = id."""
    with h5py.File(path, "w") as f:
        f.create_group("h5md").attrs["version"] = np.array([1, 1])
        all_ = f.create_group("particles/all")
        box = all_.create_group("box")
        box.attrs["dimension"] = 3
        box.attrs["boundary"] = np.array([b"periodic"] * 3, dtype="S9")
        box.attrs["lower"] = np.asarray(lower, dtype=np.float64)
        pos = all_.create_group("position")
        pos["step"] = np.asarray(steps, dtype=np.int64)
        pos["time"] = np.asarray(times, dtype=np.float64)
        pos["value"] = np.asarray(positions, dtype=np.float64)
        edges = box.create_group("edges")
        edges["step"] = pos["step"]
        edges["time"] = pos["time"]
        edges["value"] = np.tile(np.asarray(upper, dtype=np.float64) - lower, (len(steps), 1))


def fcc(cells, a):
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    grid = np.array([[i, j, k] for i in range(cells) for j in range(cells) for k in range(cells)], dtype=np.float64)
    return ((grid[:, None, :] + basis[None, :, :]).reshape(-1, 3)) * a


def run_tool(script, *args):
    out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, script)] + [str(x) for x in args],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError("%s failed:\n%s%s" % (script, out.stdout, out.stderr))
    return out.stdout


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    return header, np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


class RdfTest(unittest.TestCase):
    def test_ideal_gas_is_one(self):
        rng = np.random.default_rng(12345)
        lower, upper = np.array([-2.0, 0.0, 1.0]), np.array([8.0, 10.0, 11.0])
        n, frames, bins = 2000, 4, 50
        paths = []
        for k in range(frames):
            path = os.path.join(TMP, "gas_%d.h5" % k)
            write_snapshot(path, lower + rng.random((n, 3)) * (upper - lower), lower, upper, time=k, step=k)
            paths.append(path)
        prefix = os.path.join(TMP, "gas_rdf")
        run_tool("rdf.py", *paths, "--bins", bins, "--out", prefix)
        self.assertTrue(os.path.getsize(prefix + ".png") > 0)
        header, table = read_csv(prefix + ".csv")
        self.assertEqual(header, ["r", "g", "coordination"])
        r, g, coordination = table.T
        self.assertEqual(len(r), bins)
        self.assertAlmostEqual(r[-1], 5.0 - 0.05)  # rmax: half the box
        # Poisson noise of each bin's count (the ideal count is 1 / g per pair).
        density = n / 1000.0
        shells = 4.0 / 3.0 * np.pi * ((r + 0.05) ** 3 - (r - 0.05) ** 3)
        expected = frames * n * density * shells
        sigma = 1.0 / np.sqrt(expected)
        self.assertTrue(np.all(np.abs(g - 1.0) < 5.0 * sigma + 1e-12), np.max(np.abs(g - 1.0) / sigma))
        self.assertLess(abs(np.average(g, weights=expected) - 1.0), 0.01)
        # The coordination number follows the ideal gas's 4/3 pi r^3 density.
        self.assertAlmostEqual(coordination[-1] / (4.0 / 3.0 * np.pi * 5.0 ** 3 * density), 1.0, delta=0.01)

    def test_fcc_first_shell(self):
        a, cells = 1.5, 4
        box = cells * a
        x = fcc(cells, a) + np.array([0.1, -0.3, 0.05])  # off the origin, a few atoms wrap
        frames = [(x, np.zeros(3), np.full(3, box), np.array([True, True, True]))]
        r, g, coordination = rdf.rdf(frames, rmax=0.5 * box, bins=300)
        width = r[1] - r[0]
        self.assertLess(abs(r[np.argmax(g)] - a / np.sqrt(2)), width)
        first, second = a / np.sqrt(2), a
        between = (r + 0.5 * width > first + width) & (r + 0.5 * width < second - width)
        self.assertTrue(np.all(coordination[between] == 12.0))
        beyond = (r + 0.5 * width > second + width) & (r + 0.5 * width < a * np.sqrt(1.5) - width)
        self.assertTrue(np.all(coordination[beyond] == 18.0))
        self.assertTrue(np.all(g[r + 0.5 * width < first - width] == 0.0))

    def test_cell_list_matches_all_pairs(self):
        # A box 7 rmax long in x (cells) but under 3 rmax in z (a single cell), not periodic in y.
        rng = np.random.default_rng(7)
        lower, upper = np.zeros(3), np.array([7.0, 4.0, 2.5])
        periodic = np.array([True, False, True])
        x = rng.random((300, 3)) * (upper - lower)
        rmax, bins = 1.0, 20
        counts = rdf.pair_histogram(x, lower, upper, periodic, rmax, bins)
        d = x[:, None, :] - x[None, :, :]
        length = upper - lower
        d = np.where(periodic, d - length * np.round(d / length), d)
        dist = np.sqrt((d ** 2).sum(axis=2))[~np.eye(len(x), dtype=bool)]
        np.testing.assert_array_equal(counts, np.histogram(dist[dist < rmax], bins=bins, range=(0, rmax))[0])

    def test_rmax_beyond_half_box_is_refused(self):
        frames = [(np.zeros((2, 3)), np.zeros(3), np.ones(3), np.array([True] * 3))]
        with self.assertRaises(ValueError):
            rdf.rdf(frames, rmax=0.6)


class MsdTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(2024)
        self.lower, self.upper = np.array([-1.0, 0.0, 0.0]), np.array([3.0, 5.0, 4.0])
        self.n, self.frames, self.dt = 40, 30, 0.25
        self.x0 = self.lower + rng.random((self.n, 3)) * (self.upper - self.lower)
        # Up to 1.5 box lengths per frame would be ambiguous; these stay under 0.4.
        self.v = rng.uniform(-1.5, 1.5, (self.n, 3))
        self.times = self.dt * np.arange(self.frames)
        length = self.upper - self.lower
        free = self.x0[None] + self.v[None] * self.times[:, None, None]
        self.wrapped = self.lower + np.mod(free - self.lower, length)
        self.expected = np.mean(np.sum(self.v ** 2, axis=1)) * self.times ** 2

    def check(self, prefix):
        header, table = read_csv(prefix + ".csv")
        self.assertEqual(header, ["lag_time", "msd", "msd_x", "msd_y", "msd_z"])
        np.testing.assert_allclose(table[:, 0], self.times, rtol=1e-12)
        np.testing.assert_allclose(table[:, 1], self.expected, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(table[:, 2:].sum(axis=1), table[:, 1], rtol=1e-9, atol=1e-12)
        self.assertTrue(os.path.getsize(prefix + ".png") > 0)

    def test_snapshots_unwrapped_and_matched_by_id(self):
        crossings = np.abs(np.diff(self.wrapped, axis=0)) > 0.5 * (self.upper - self.lower)
        self.assertGreater(np.count_nonzero(crossings), 20, "the test needs particles crossing the box faces")
        rng = np.random.default_rng(1)
        paths = []
        for k in reversed(range(self.frames)):  # given out of time order, stored out of id order
            order = rng.permutation(self.n)
            path = os.path.join(TMP, "walk_%03d.h5" % k)
            write_snapshot(path, self.wrapped[k][order], self.lower, self.upper, time=self.times[k], step=10 * k,
                           ids=order)
            paths.append(path)
        for origins in ("first", "all"):
            prefix = os.path.join(TMP, "walk_msd_" + origins)
            out = run_tool("msd.py", *paths, "--origins", origins, "--out", prefix)
            self.check(prefix)
            self.assertIn("D = ", out)

    def test_h5md_trajectory(self):
        path = os.path.join(TMP, "walk.h5md")
        write_h5md(path, 10 * np.arange(self.frames), self.times, self.wrapped, self.lower, self.upper)
        prefix = os.path.join(TMP, "walk_h5md_msd")
        run_tool("msd.py", path, "--out", prefix)
        self.check(prefix)

    def test_unwrap_against_free_motion(self):
        u = msd.unwrap(self.wrapped, self.upper - self.lower, np.array([True] * 3))
        free = self.x0[None] + self.v[None] * self.times[:, None, None]
        np.testing.assert_allclose(u - u[0], free - free[0], atol=1e-9)

    def test_diffusion_fit(self):
        lag = np.linspace(0, 10, 101)
        D, c, _ = msd.fit_diffusion(lag, 6 * 0.37 * lag + 0.2)
        self.assertAlmostEqual(D, 0.37, places=12)
        self.assertAlmostEqual(c, 0.2, places=10)
        D2, _, _ = msd.fit_diffusion(lag, 4 * 0.37 * lag, dims=2)
        self.assertAlmostEqual(D2, 0.37, places=12)

    def test_mismatched_ids_are_refused(self):
        a, b = os.path.join(TMP, "ids_a.h5"), os.path.join(TMP, "ids_b.h5")
        write_snapshot(a, np.zeros((3, 3)), self.lower, self.upper, time=0, ids=[0, 1, 2])
        write_snapshot(b, np.zeros((3, 3)), self.lower, self.upper, time=1, ids=[0, 1, 5])
        with self.assertRaises(ValueError):
            msd.load_trajectory([a, b])


if __name__ == "__main__":
    unittest.main()
