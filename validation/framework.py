"""The validation suite's building blocks: Case, Metric, Context.

A case is a module in validation/cases/ that defines ``CASE``, an instance of
a ``Case`` subclass:

    class SodConvergence(Case):
        name = "sod_convergence"         # id used by --cases and in the report
        quick = True                     # part of --quick (CI)
        title = "Sod shock tube: ..."    # one line for the report

        def run(self, ctx):              # -> list of Metric
            out = ctx.run_deck("inputs/cfd/sod.toml", "sod400", sets=["grid.cells=[400,1,1]"])
            rho = ctx.final(out)["fields"]["density"][0, 0, :]
            ...
            self.data = ...              # whatever plot() needs
            return [at_most("L1(rho) at 400 cells", err, 5e-3)]

        def plot(self, ctx, fig):        # draw into a matplotlib Figure
            ...

The runner (run.py) calls run(), then plot() into ``<out>/<name>.png`` (only
where matplotlib is installed: run() must not need it), renders the case's
pictures() with postprocess/render.py (only where VTK can render), and puts
every Metric into the report table. A case is solver-agnostic: CFD, MD
and N-body cases use the same Context (decks, overrides, snapshots,
diagnostics.csv).
"""
import csv
import math
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "postprocess"))
import tessera_io  # noqa: E402  (postprocess/tessera_io.py)


class Metric:
    """One row of the report: what was measured, the bound, and the verdict."""

    def __init__(self, name, measured, tolerance, passed, note="", judged=True):
        self.name = name
        self.measured = measured
        self.tolerance = tolerance  # text, e.g. "< 5e-3"
        self.passed = bool(passed)
        self.note = note
        self.judged = judged  # False: a number the report states, with no verdict (see reported())

    def verdict(self):
        return "info" if not self.judged else ("pass" if self.passed else "FAIL")

    def measured_text(self):
        v = self.measured
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            v = float(v)
            if v == 0.0:
                return "0"
            if not math.isfinite(v):
                return str(v)
            return ("%.4g" % v) if 1e-3 <= abs(v) < 1e5 else ("%.3e" % v)
        return str(v)


# Overrides for runs whose diagnostics.csv is not used: a row at step 0 and at
# the end only (each row costs a reduction over the grid).
NO_DIAGNOSTICS = ["run.diagnostics_every=1000000000"]


def _fmt(x):
    return ("%.4g" % x) if isinstance(x, float) else str(x)


def at_most(name, value, limit, note=""):
    return Metric(name, value, "<= " + _fmt(limit), math.isfinite(value) and value <= limit, note)


def less_than(name, value, limit, note=""):
    return Metric(name, value, "< " + _fmt(limit), math.isfinite(value) and value < limit, note)


def at_least(name, value, limit, note=""):
    return Metric(name, value, ">= " + _fmt(limit), math.isfinite(value) and value >= limit, note)


def greater_than(name, value, limit, note=""):
    return Metric(name, value, "> " + _fmt(limit), math.isfinite(value) and value > limit, note)


def exactly(name, value, expected, note=""):
    return Metric(name, value, "== " + _fmt(expected), value == expected, note)


def reported(name, value, note=""):
    """A number the report must show but no tolerance can honestly judge
    (e.g. how far an under-resolved run is from a reference): listed as
    "info", never failing the case."""
    return Metric(name, value, "(reported)", True, note, judged=False)


def order(e_coarse, e_fine, ratio=2.0):
    """Observed order of accuracy between two grids refined by `ratio`."""
    if e_fine <= 0 or e_coarse <= 0:
        return float("nan")
    return math.log(e_coarse / e_fine) / math.log(ratio)


class Picture:
    """A VTK picture of one snapshot for the report: postprocess/render.py
    SNAPSHOT <out>/<case>_<stem>.png OPTIONS (rendered where an OpenGL
    context can be had, see run.py)."""

    def __init__(self, snapshot, stem, options=(), caption=""):
        self.snapshot = Path(snapshot)
        self.stem = stem
        self.options = list(options)
        self.caption = caption


class Case:
    name = "unnamed"
    quick = False
    title = ""
    gpu_title = None  # the title of the GPU-sized variant (--device gpu), where the case has one
    gpu_only = False  # True: too large for the host; runs only with --device gpu (never in --quick)

    def title_for(self, device):
        return self.gpu_title if device == "gpu" and self.gpu_title else self.title

    def run(self, ctx):
        raise NotImplementedError

    def plot(self, ctx, fig):
        """Draw into the matplotlib Figure `fig` (optional)."""

    def pictures(self, ctx):
        """VTK pictures of this case's snapshots (a list of Picture, after
        run()); the 3-D cases show slices, isosurfaces or particles."""
        return []


class RunFailed(RuntimeError):
    pass


class Context:
    """What a case gets from the runner.

    Attributes: tessera (path), exact (path to tessera_exact_riemann or None),
    ranks, device (None, "cpu" or "gpu"), quick (bool), out (this case's
    directory), repo (the source tree), commands (the command lines run).
    """

    def __init__(self, tessera, exact, ranks, device, quick, out, log=print):
        self.tessera = Path(tessera)
        self.exact = Path(exact) if exact else None
        self.ranks = ranks
        self.device = device
        self.quick = quick
        self.out = Path(out)
        self.repo = REPO
        self.commands = []
        self.log = log

    # -- running tessera -------------------------------------------------
    def deck(self, path):
        """A deck path relative to the source tree (inputs/..., validation/decks/...)."""
        p = Path(path)
        return p if p.is_absolute() else self.repo / p

    def mpi_prefix(self, ranks):
        return ["mpirun", "-np", str(ranks), "--oversubscribe"]

    def env(self, ranks):
        env = dict(os.environ)
        if ranks > 1 and "OMP_NUM_THREADS" not in os.environ:
            # Keep ranks x threads within the cores (the host backend is OpenMP).
            env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // ranks))
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # Open MPI refuses to start as root (CI containers) unless told.
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        return env

    def run_deck(self, deck, name, sets=(), ranks=None, restart=None, fresh=True, timeout=None):
        """Runs `tessera run DECK --set ... --output <out>/runs/<name>` and
        returns the output directory. ranks=None means the suite's --ranks
        (mpirun when > 1; an explicit ranks always goes through mpirun).
        fresh removes an earlier output directory first (not with restart)."""
        out = self.out / "runs" / name
        if fresh and restart is None and out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        explicit = ranks is not None
        ranks = self.ranks if ranks is None else ranks
        cmd = []
        if ranks > 1 or explicit:
            cmd += self.mpi_prefix(ranks)
        cmd += [str(self.tessera), "run", str(self.deck(deck)), "--output", str(out)]
        for s in sets:
            cmd += ["--set", s]
        if self.device:
            cmd += ["--device", self.device]
        if restart is not None:
            cmd += ["--restart", restart]
        line = " ".join(shlex.quote(c) for c in cmd)
        self.commands.append(line)
        self.log("    $ " + line)
        t0 = time.time()
        with open(out.parent / (name + ".log"), "a") as logf:
            r = subprocess.run(cmd, stdout=logf, stderr=subprocess.STDOUT, env=self.env(ranks), timeout=timeout)
        if r.returncode != 0:
            tail = (out.parent / (name + ".log")).read_text(errors="replace").splitlines()[-15:]
            raise RunFailed("exit %d: %s\n%s" % (r.returncode, line, "\n".join(tail)))
        self.log("      (%.1f s)" % (time.time() - t0))
        return out

    # -- reading outputs -------------------------------------------------
    @staticmethod
    def snapshots(out, name=None):
        """A run's snapshot files in step order: snapshots/<name>_NNNNN.h5
        (name=None: the run's only series, whatever [output] name it has)."""
        files = sorted((Path(out) / "snapshots").glob("*_[0-9]*.h5"))
        prefixes = {f.name.rsplit("_", 1)[0] for f in files}
        if name is None and len(prefixes) > 1:
            raise RunFailed("%s: several snapshot series (%s); name one" % (out, ", ".join(sorted(prefixes))))
        return [f for f in files if name is None or f.name.rsplit("_", 1)[0] == name]

    def final(self, out, name=None):
        """The last grid snapshot of a run (tessera_io.load_grid dict)."""
        snaps = self.snapshots(out, name)
        if not snaps:
            raise RunFailed("%s: no snapshots" % out)
        return tessera_io.load_grid(snaps[-1])

    def initial(self, out, name=None):
        """The step-0 grid snapshot of a run."""
        snaps = self.snapshots(out, name)
        if not snaps:
            raise RunFailed("%s: no snapshots" % out)
        g = tessera_io.load_grid(snaps[0])
        if g["step"] != 0:
            raise RunFailed("%s: the first snapshot is step %d, not 0" % (snaps[0], g["step"]))
        return g

    load_grid = staticmethod(tessera_io.load_grid)
    load_particles = staticmethod(tessera_io.load_particles)
    cell_centres = staticmethod(tessera_io.cell_centres)

    @staticmethod
    def diagnostics(out):
        """diagnostics.csv as {column: float64 array}."""
        with open(Path(out) / "diagnostics.csv") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        return {h: np.array([float(r[i]) for r in body]) for i, h in enumerate(header)}

    # -- references ------------------------------------------------------
    def exact_riemann(self, left, right, gamma, x0, t, cells, lower, upper):
        """The exact Riemann solution at cell centres, from the C++ solver
        (physics/riemann/exact.hpp via tessera_exact_riemann)."""
        if self.exact is None:
            raise RunFailed("tessera_exact_riemann not found (build it, or pass --exact PATH)")
        trip = lambda s: ",".join(repr(float(v)) for v in s)
        cmd = [str(self.exact), "--left", trip(left), "--right", trip(right), "--gamma", repr(gamma),
               "--x0", repr(x0), "--t", repr(t), "--cells", str(cells), "--lower", repr(lower), "--upper", repr(upper)]
        self.commands.append(" ".join(shlex.quote(c) for c in cmd))
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RunFailed("tessera_exact_riemann failed: " + r.stderr)
        data = np.loadtxt(r.stdout.splitlines(), delimiter=",", skiprows=1, ndmin=2)
        return {"x": data[:, 0], "rho": data[:, 1], "u": data[:, 2], "p": data[:, 3]}
