"""Sod's shock tube against the exact Riemann solution (physics/riemann/exact.hpp)."""
import numpy as np

from framework import NO_DIAGNOSTICS, Case, at_least, exactly, greater_than, less_than, order

DECK = "inputs/cfd/sod.toml"
LEFT, RIGHT, GAMMA, X0, T = (1.0, 0.0, 1.0), (0.125, 0.0, 0.1), 1.4, 0.5, 0.2
# PLM + HLLC + RK2 as the deck sets them; snapshots only at the start and the end.
SCHEME = ["physics.reconstruction=plm", "physics.riemann=hllc", "physics.integrator=rk2",
          "output.every_time=0.2"] + NO_DIAGNOSTICS


def cells_set(n, axis):
    c = [1, 1, 1]
    c["xyz".index(axis)] = n
    return ["grid.cells=[%d,%d,%d]" % tuple(c), "problem.axis=" + axis]


def profile(ctx, out, axis):
    rho = ctx.final(out)["fields"]["density"]
    return np.ascontiguousarray(rho.reshape(-1))  # (nz, ny, nx) with two unit axes -> 1-D along the tube


def l1(ctx, rho):
    ex = ctx.exact_riemann(LEFT, RIGHT, GAMMA, X0, T, len(rho), 0.0, 1.0)
    return float(np.mean(np.abs(rho - ex["rho"]))), ex


class SodConvergence(Case):
    """L1 = sum |rho - rho_exact| dx over [0, 1] at t = 0.2, the exact solution
    sampled at cell centres. Discontinuities limit the rate to about first
    order (0.6 is the floor the unit test uses too)."""
    name = "sod_convergence"
    quick = True
    title = "Sod tube, PLM+HLLC+RK2, L1(density) at 200/400/800 cells vs the exact solution"

    def run(self, ctx):
        self.err, self.rho, self.exact = {}, {}, {}
        for n in (200, 400, 800):
            out = ctx.run_deck(DECK, "sod_x%d" % n, SCHEME + cells_set(n, "x"))
            self.rho[n] = profile(ctx, out, "x")
            self.err[n], self.exact[n] = l1(ctx, self.rho[n])
        e = self.err
        return [
            less_than("L1(rho) at 400 cells", e[400], 5e-3),
            greater_than("L1(200) / L1(400)", e[200] / e[400], 1.0, "L1 at 200 = %.3e" % e[200]),
            greater_than("L1(400) / L1(800)", e[400] / e[800], 1.0, "L1 at 800 = %.3e" % e[800]),
            at_least("L1 order 200->800", order(e[200], e[800], 4.0), 0.6),
        ]

    def plot(self, ctx, fig):
        a, b = fig.subplots(1, 2)
        ex = ctx.exact_riemann(LEFT, RIGHT, GAMMA, X0, T, 2000, 0.0, 1.0)
        a.plot(ex["x"], ex["rho"], "k-", lw=1, label="exact")
        for n, st in ((200, "c."), (400, "r."), (800, "b.")):
            x = (np.arange(n) + 0.5) / n
            a.plot(x, self.rho[n], st, ms=2.5, label="%d cells" % n)
        a.set_xlabel("x"); a.set_ylabel("density"); a.set_title("t = 0.2"); a.legend()
        ns = np.array(sorted(self.err)); es = np.array([self.err[n] for n in ns])
        b.loglog(ns, es, "ro-", label="L1(density)")
        b.loglog(ns, es[0] * (ns / ns[0]) ** -1.0, "k--", lw=1, label="slope -1 (first order)")
        b.axhline(5e-3, color="gray", ls=":", label="tolerance at 400")
        b.set_xlabel("cells"); b.set_ylabel("L1 error"); b.legend()


class SodAxes(Case):
    """The same 400-cell tube along y and z gives bit-identical densities to x
    (the solver has one code path per axis); along x at 1, 2 and 4 ranks
    (always through mpirun, whatever --ranks says) the density and its L1
    error are bit-identical."""
    name = "sod_axes"
    quick = True
    title = "Sod tube along x, y, z and at 1, 2, 4 ranks: identical results"

    def run(self, ctx):
        self.rho = {}
        for axis in "xyz":
            self.rho[axis] = profile(ctx, ctx.run_deck(DECK, "sod_%s400" % axis, SCHEME + cells_set(400, axis)), axis)
        for r in (1, 2, 4):
            self.rho["np%d" % r] = profile(ctx, ctx.run_deck(DECK, "sod_x400_np%d" % r, SCHEME + cells_set(400, "x"),
                                                             ranks=r), "x")
        self.err = {k: l1(ctx, v)[0] for k, v in self.rho.items()}
        ms = []
        for k in ("y", "z"):
            ms.append(exactly("cells where rho(%s) != rho(x)" % k, int(np.sum(self.rho[k] != self.rho["x"])), 0,
                              "L1 %.6e vs %.6e" % (self.err[k], self.err["x"])))
        for r in (2, 4):
            k = "np%d" % r
            ms.append(exactly("L1 at %d ranks - L1 at 1 rank" % r, self.err[k] - self.err["np1"], 0.0,
                              "L1 = %.6e" % self.err[k]))
            ms.append(exactly("cells where rho(%d ranks) != rho(1 rank)" % r,
                              int(np.sum(self.rho[k] != self.rho["np1"])), 0))
        return ms

    def plot(self, ctx, fig):
        a, b = fig.subplots(1, 2)
        x = (np.arange(400) + 0.5) / 400
        for k, st in (("x", "k-"), ("y", "r--"), ("z", "b:")):
            a.plot(x, self.rho[k], st, lw=1.2, label="along %s, L1 %.4e" % (k, self.err[k]))
        a.set_xlabel("coordinate along the tube"); a.set_ylabel("density"); a.legend()
        for k, st in (("np1", "k-"), ("np2", "r--"), ("np4", "b:")):
            b.plot(x, self.rho[k], st, lw=1.2, label="%s ranks, L1 %.4e" % (k[2:], self.err[k]))
        b.set_xlabel("x"); b.set_ylabel("density"); b.legend()


CASES = [SodConvergence(), SodAxes()]
