"""nbody.tree: force accuracy against nbody.direct on the same bodies
(Plummer and Hernquist, N = 65536; percentiles of |a_tree - a_direct| /
|a_direct| at theta = 0.3, 0.5, 0.75 with quadrupoles), and energy and
momentum over one crossing time of the N = 2048 Plummer sphere against
nbody.direct's."""
import numpy as np

from framework import Case, at_least, at_most, reported

PLUMMER = "inputs/nbody/plummer.toml"
T_CROSS = 2 * np.sqrt(2)  # Henon units
THETAS = (0.3, 0.5, 0.75)


def step_zero(ctx, name, solver, model, n, sets=()):
    """The accelerations of the step-0 force pass, by body id."""
    model_sets = ["problem.type=%s" % model, "problem.mass_cut=0.99"] if model == "hernquist" else []
    out = ctx.run_deck(PLUMMER, name,
                       ["run.solver=%s" % solver, "problem.n=%d" % n, "run.steps=0", "run.t_end=1",
                        "output.every_time=1", "physics.precision=double",
                        'output.fields=["mass","acceleration"]'] + model_sets + list(sets))
    return ctx.load_particles(ctx.snapshots(out)[0])["acceleration"]


class TreeForceAccuracy(Case):
    """N = 65536 Plummer (mass cut 0.999) and Hernquist (a = 1, mass cut
    0.99) bodies, epsilon = 1/64, double precision: the relative acceleration
    error of nbody.tree's first force pass against nbody.direct's on the same
    bodies. Tolerance set before the run: the 99th percentile at theta = 0.5
    with quadrupoles below 1e-3 (the issue's target; GADGET and Bonsai quote
    errors of this order at their default accuracies), and every percentile
    falling with theta. The 8k-16k unit test measured 99th percentiles of
    5.8e-4 (Plummer) and 3.3e-4 (Hernquist) at theta = 0.5.

    Two direct passes of 4.3e9 pairs and six tree passes: a few minutes on
    the 2-core host."""
    name = "nbody_tree_forces"
    quick = False
    title = "nbody.tree N = 65536: force error percentiles vs direct summation"
    N = 65536

    def run(self, ctx):
        self.p = {}
        metrics = []
        for model in ("plummer", "hernquist"):
            ref = step_zero(ctx, "direct_%s" % model, "nbody.direct", model, self.N)
            norm = np.linalg.norm(ref, axis=1)
            last = None
            for theta in THETAS:
                a = step_zero(ctx, "tree_%s_%g" % (model, theta), "nbody.tree", model, self.N,
                              ["physics.theta=%g" % theta])
                err = np.linalg.norm(a - ref, axis=1) / norm
                p = np.percentile(err, [50, 90, 99])
                self.p[(model, theta)] = (np.sort(err), p)
                for q, v in zip((50, 90, 99), p):
                    metrics.append(reported("%s theta %.2f: %d%% of |da|/|a|" % (model, theta, q), float(v)))
                if theta == 0.5:
                    metrics.append(at_most("%s theta 0.5: 99%% of |da|/|a|" % model, float(p[2]), 1e-3))
                if last is not None:
                    metrics.append(at_least("%s: 99%% error ratio theta %.2f / previous" % (model, theta),
                                            float(p[2] / last[2]), 1.0))
                last = p
        return metrics

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for (model, theta), (err, _) in self.p.items():
            ax.loglog(np.maximum(err, 1e-17), 1 - np.arange(len(err)) / len(err),
                      label="%s theta %.2f" % (model, theta))
        ax.axvline(1e-3, ls="--", color="gray")
        ax.set_xlabel("|a_tree - a_direct| / |a_direct|"); ax.set_ylabel("fraction of bodies above"); ax.legend()


class TreePlummerEnergy(Case):
    """N = 2048 Plummer sphere, epsilon = 1/64, dt = 1/256, one crossing
    time, double precision, theta = 0.5 with quadrupoles: the tree's force
    error (median ~1e-4) adds to leapfrog's energy error, which alone is
    below 2e-6 (nbody_plummer_energy); tolerance |dE/E| <= 1e-4 at every
    row. The momentum the tree's non-antisymmetric forces add: |P| <= 1e-4
    (|a| ~ 1, t ~ 3, errors of random sign over 2048 bodies). nbody.direct's
    figures are reported next to them."""
    name = "nbody_tree_plummer_energy"
    quick = True
    title = "nbody.tree Plummer N = 2048, one crossing time: energy and momentum"

    def run(self, ctx):
        self.d = {}
        for solver in ("nbody.direct", "nbody.tree"):
            out = ctx.run_deck(PLUMMER, solver.replace(".", "_") + "_energy",
                               ["run.solver=%s" % solver, "run.diagnostics_every=8", "output.every_time=0"])
            self.d[solver] = ctx.diagnostics(out)
        metrics = []
        for solver, d in self.d.items():
            e = np.abs(d["total_energy"] - d["total_energy"][0]) / abs(d["total_energy"][0])
            p = np.sqrt(d["momentum_x"] ** 2 + d["momentum_y"] ** 2 + d["momentum_z"] ** 2)
            if solver == "nbody.tree":
                metrics.append(at_most("nbody.tree max |dE/E|", float(e.max()), 1e-4))
                metrics.append(at_most("nbody.tree max |P|", float(p.max()), 1e-4))
            else:
                metrics.append(reported("nbody.direct max |dE/E|", float(e.max())))
                metrics.append(reported("nbody.direct max |P|", float(p.max())))
        return metrics

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for solver, d in self.d.items():
            e = np.abs(d["total_energy"] - d["total_energy"][0]) / abs(d["total_energy"][0])
            ax.semilogy(d["time"], np.maximum(e, 1e-17), label=solver)
        ax.set_xlabel("t (Henon units)"); ax.set_ylabel("|dE/E|"); ax.legend()


CASES = [TreeForceAccuracy(), TreePlummerEnergy()]
