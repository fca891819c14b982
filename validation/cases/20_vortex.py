"""Isentropic vortex (Shu 1998): order of accuracy of PLM (finite volumes) and
WENO5 (conservative finite differences, Shu & Osher 1989 / Jiang & Shu 1996)."""
import numpy as np

from framework import NO_DIAGNOSTICS, Case, at_least, order

DECK = "inputs/cfd/isentropic_vortex.toml"
T_SHORT = 2.0  # vortex_weno5_short: 64 -> 128 measured 4.79 in about 11 s on 2 cores


def density_error(ctx, out, ref=None):
    """L1 density error, averaged over the cells, against step 0 of `ref`
    (default: this run's own step 0). Finite volumes start from 3x3
    Gauss-Legendre cell averages of Shu's formulas, finite differences from
    their point values at the cell centres, so step 0 is the exact solution in
    the scheme's own form wherever the vortex is back at its start."""
    final = ctx.final(out)
    exact = ctx.initial(ref if ref is not None else out)
    rho, rho0 = final["fields"]["density"], exact["fields"]["density"]
    return float(np.mean(np.abs(rho - rho0))), final, exact


class VortexOrder(Case):
    """Order of accuracy from the L1 density error at successive
    resolutions; the measured order is log2 of the error ratio between the
    two finest grids (every pair is in the plot and the notes)."""
    quick = True
    resolutions = {True: (32, 64), False: (32, 64, 128)}
    min_order = 1.9
    scheme = []
    t_end = 10.0
    exact_label = "exact (cell averages)"

    def sets(self, n):
        return self.scheme + ["grid.cells=[%d,%d,1]" % (n, n), "run.t_end=%r" % self.t_end,
                              "output.every_time=%r" % self.t_end] + NO_DIAGNOSTICS

    def reference(self, ctx, n):
        return None  # whole periods: the run's own step 0

    def run(self, ctx):
        self.err, self.fields = {}, {}
        for n in self.resolutions[ctx.quick]:
            out = ctx.run_deck(DECK, "%s_%d" % (self.name, n), self.sets(n))
            self.err[n], final, exact = density_error(ctx, out, self.reference(ctx, n))
            self.fields[n] = (final["fields"]["density"][0], exact["fields"]["density"][0])
        ns = sorted(self.err)
        pairs = ["%d->%d: %.2f" % (a, b, order(self.err[a], self.err[b])) for a, b in zip(ns, ns[1:])]
        note = "L1: " + ", ".join("%d: %.3e" % (n, self.err[n]) for n in ns) + "; orders " + ", ".join(pairs)
        return [at_least("L1(rho) order %d->%d" % (ns[-2], ns[-1]), order(self.err[ns[-2]], self.err[ns[-1]]),
                         self.min_order, note)]

    def plot(self, ctx, fig):
        a, b = fig.subplots(1, 2)
        n = max(self.fields)
        rho, rho0 = self.fields[n]
        x = (np.arange(n) + 0.5) * 10.0 / n
        j = n // 2
        a.plot(x, rho0[j], "k-", lw=1, label=self.exact_label)
        a.plot(x, rho[j], "r.", ms=3, label="%d^2, t = %g" % (n, self.t_end))
        a.set_xlabel("x (cut through the vortex centre row)"); a.set_ylabel("density"); a.legend()
        ns = np.array(sorted(self.err)); es = np.array([self.err[k] for k in ns])
        b.loglog(ns, es, "ro-", label="L1(density)")
        b.loglog(ns, es[0] * (ns / ns[0]) ** -self.expected, "k--", lw=1, label="slope -%g" % self.expected)
        b.set_xlabel("cells per side"); b.set_ylabel("L1 error"); b.legend()


class VortexPLM(VortexOrder):
    name = "vortex_plm"
    title = "Isentropic vortex to t = 10 (one period), PLM (MC) + HLLC + RK2: order >= 1.9"
    scheme = ["physics.reconstruction=plm", "physics.limiter=mc", "physics.riemann=hllc", "physics.integrator=rk2",
              "physics.cfl_number=0.4"]
    expected = 2


class VortexWENO5(VortexOrder):
    """Finite-difference WENO5 (point values, Lax-Friedrichs flux splitting,
    component-wise WENO5 of the split fluxes: fifth order in multi-D, where a
    finite-volume scheme with one midpoint Riemann flux per face is second
    order) + RK3 to t = 10 with dt ~ h^(5/3) (cfl = 0.4 (h/h_32)^(2/3)), so the
    RK3 error (dt^3 ~ h^5) does not mask the spatial order. 32^2 resolves the
    vortex core with about three cells per radius and is pre-asymptotic
    (32->64 is about 3.3); the order is measured 64->128."""
    name = "vortex_weno5"
    quick = False
    title = "Isentropic vortex to t = 10, finite-difference WENO5 + RK3, dt ~ h^(5/3): order >= 4.5"
    resolutions = {True: (32, 64), False: (32, 64, 128)}
    min_order = 4.5
    expected = 5
    cfl0 = 0.4
    exact_label = "exact (point values)"
    METHOD = ["physics.scheme=finite_difference", "physics.reconstruction=weno5"]

    def sets(self, n):
        cfl = self.cfl0 * (32.0 / n) ** (2.0 / 3.0)
        return self.METHOD + ["physics.integrator=rk3",
                              "physics.cfl_number=%.6f" % cfl, "grid.cells=[%d,%d,1]" % (n, n),
                              "run.t_end=%r" % self.t_end, "output.every_time=%r" % self.t_end] + NO_DIAGNOSTICS


class VortexWENO5Short(VortexWENO5):
    """The quick WENO5 check: the vortex starts at (5 - t, 5 - t) and is
    advected by (1, 1) to t = T_SHORT = 2, where it sits at (5, 5): the exact
    solution is the step-0 snapshot of a run started at (5, 5) (the solver's own point
    values). dt ~ h^(5/3) as in vortex_weno5."""
    name = "vortex_weno5_short"
    quick = True
    title = "Isentropic vortex to t = %g (translated exact solution), finite-difference WENO5 + RK3: order >= 4.5" % T_SHORT
    resolutions = {True: (64, 128), False: (64, 128)}
    t_end = T_SHORT

    def sets(self, n):
        c = 5.0 - self.t_end
        return super().sets(n) + ["problem.center=[%r,%r]" % (c, c)]

    def reference(self, ctx, n):
        return ctx.run_deck(DECK, "%s_exact_%d" % (self.name, n),
                            self.METHOD + ["grid.cells=[%d,%d,1]" % (n, n), "run.steps=0", "output.every_steps=1"])


CASES = [VortexPLM(), VortexWENO5Short(), VortexWENO5()]
