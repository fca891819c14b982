"""nbody.direct: Kepler orbits (energy bounded without drift, second order
in dt), the Plummer sphere's energy error over one crossing time and its
dt^2 scaling, and (full) the Plummer Lagrangian radii against the analytic
profile over 5 crossing times at N = 16384."""
import math

import numpy as np

from framework import Case, at_least, at_most, less_than

KEPLER = "inputs/nbody/kepler.toml"
PLUMMER = "inputs/nbody/plummer.toml"
PERIOD = 2 * math.pi
T_CROSS = 2 * math.sqrt(2)  # Henon units


def rel_energy_error(d):
    e = d["total_energy"]
    return np.abs(e - e[0]) / abs(e[0])


class KeplerEnergy(Case):
    """Two equal masses, a = 1, e = 0 and 0.5, 10 orbits with leapfrog: the
    energy error of the last orbit is no larger than that of the first (no
    drift), and halving dt divides it by 4 (within 30 %)."""
    name = "nbody_kepler"
    quick = True
    title = "Kepler orbits, 10 periods, KDK leapfrog: energy error"

    def run(self, ctx):
        self.hist = {}
        metrics = []
        for e in (0.0, 0.5):
            for dt in (0.004, 0.002):
                out = ctx.run_deck(KEPLER, "kepler_e%g_dt%g" % (e, dt),
                                   ["problem.eccentricity=%g" % e, "run.dt=%g" % dt, "run.t_end=%r" % (10 * PERIOD),
                                    "run.diagnostics_every=5", "output.every_time=0"])
                d = ctx.diagnostics(out)
                self.hist[(e, dt)] = (d["time"], rel_energy_error(d))
            t, err = self.hist[(e, 0.004)]
            first, last = err[t < PERIOD].max(), err[t >= 9 * PERIOD].max()
            metrics.append(at_most("e = %g: last-orbit / first-orbit energy error" % e, last / max(first, 1e-300), 1.3))
            if e > 0:
                ratio = err.max() / self.hist[(e, 0.002)][1].max()
                metrics.append(at_least("e = 0.5: error ratio dt / (dt/2) (4 for 2nd order)", ratio, 2.8))
                metrics.append(at_most("e = 0.5: error ratio dt / (dt/2), upper", ratio, 5.2))
        return metrics

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for (e, dt), (t, err) in self.hist.items():
            ax.semilogy(t / PERIOD, np.maximum(err, 1e-17), label="e = %g, dt = %g" % (e, dt))
        ax.set_xlabel("orbits"); ax.set_ylabel("|dE/E|"); ax.legend()


class PlummerEnergy(Case):
    """N = 2048 Plummer sphere, epsilon = 1/64, dt = 1/256, one crossing time,
    double precision: |dE/E| at the end <= 2e-6, and about 4x smaller at
    dt = 1/512."""
    name = "nbody_plummer_energy"
    quick = True
    title = "Plummer N = 2048, one crossing time: energy conservation"

    def run(self, ctx):
        self.d = {}
        for dt in (1 / 256, 1 / 512):
            out = ctx.run_deck(PLUMMER, "plummer_dt%d" % round(1 / dt),
                               ["run.dt=%r" % dt, "run.diagnostics_every=8", "output.every_time=0"])
            self.d[dt] = ctx.diagnostics(out)
        e1 = rel_energy_error(self.d[1 / 256])[-1]
        e2 = rel_energy_error(self.d[1 / 512])[-1]
        return [at_most("|dE/E| at t_cross, dt = 1/256", e1, 2e-6),
                at_least("error ratio dt / (dt/2) (4 expected)", e1 / e2, 2.8),
                at_most("error ratio dt / (dt/2), upper", e1 / e2, 5.2)]

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for dt, d in self.d.items():
            ax.semilogy(d["time"], np.maximum(rel_energy_error(d), 1e-17), label="dt = 1/%d" % round(1 / dt))
        ax.set_xlabel("t (Henon units)"); ax.set_ylabel("|dE/E|"); ax.legend()


class PlummerRadii(Case):
    """N = 16384, 5 crossing times: the 10, 50 and 90 % Lagrangian radii stay
    within Poisson noise (10 %) of the analytic ones (0.309, 0.769, 2.184).
    About 1e12 pair interactions: a GPU case."""
    name = "nbody_plummer_radii"
    quick = False
    title = "Plummer N = 16384, 5 crossing times: Lagrangian radii"
    ANALYTIC = {"lagrangian_radius_10": 0.309, "lagrangian_radius_50": 0.769, "lagrangian_radius_90": 2.184}

    def run(self, ctx):
        out = ctx.run_deck(PLUMMER, "plummer_radii",
                           ["problem.n=16384", "run.t_end=%r" % (5 * T_CROSS), "run.diagnostics_every=64",
                            "output.every_time=0"])
        self.d = ctx.diagnostics(out)
        metrics = []
        for col, ref in self.ANALYTIC.items():
            worst = np.max(np.abs(self.d[col] - ref)) / ref
            metrics.append(at_most("max |r - r_analytic| / r_analytic, " + col[-2:] + " %", worst, 0.10))
        return metrics

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for col, ref in self.ANALYTIC.items():
            ax.plot(self.d["time"], self.d[col], label=col[-2:] + " %")
            ax.axhline(ref, ls="--", color="gray")
        ax.set_xlabel("t"); ax.set_ylabel("Lagrangian radius"); ax.legend()


CASES = [KeplerEnergy(), PlummerEnergy(), PlummerRadii()]
