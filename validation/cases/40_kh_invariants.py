"""Invariants on a periodic 2-D Kelvin-Helmholtz run (inputs/cfd/kelvin_helmholtz.toml,
Lecoanet et al. 2016 set-up with a dye): decomposition and restart are bit
for bit, and mass, momentum and energy are conserved to round-off."""
import numpy as np

from framework import NO_DIAGNOSTICS, Case, at_most, exactly

DECK = "inputs/cfd/kelvin_helmholtz.toml"
SMALL = ["grid.cells=[64,128,1]"]


def differing(a, b):
    """Number of values that differ between two snapshots (all /fields, NaN-aware
    bitwise comparison) and the largest absolute difference."""
    n, worst = 0, 0.0
    if sorted(a["fields"]) != sorted(b["fields"]):
        return -1, float("inf")
    for name in a["fields"]:
        x, y = a["fields"][name], b["fields"][name]
        if x.shape != y.shape or x.dtype != y.dtype:
            return -1, float("inf")
        diff = x.view(np.uint8).reshape(x.size, -1) != y.view(np.uint8).reshape(y.size, -1)
        n += int(np.any(diff, axis=1).sum())
        worst = max(worst, float(np.max(np.abs(x - y))))
    return n, worst


class Decomposition(Case):
    """The final snapshot of a 64 x 128 KH run (PLM, dye) at 4 ranks is bit
    for bit the 1-rank one (every field; both through mpirun, whatever
    --ranks says)."""
    name = "decomposition"
    quick = True
    title = "KH 64x128 to t = 0.2 at 1 and 4 ranks: identical final snapshot"

    def run(self, ctx):
        sets = SMALL + ["run.t_end=0.2", "output.every_time=0.2"] + NO_DIAGNOSTICS
        self.snap = {r: ctx.final(ctx.run_deck(DECK, "kh_np%d" % r, sets, ranks=r)) for r in (1, 4)}
        a, b = self.snap[1], self.snap[4]
        n, worst = differing(a, b)
        return [exactly("values differing, 4 ranks vs 1", n, 0,
                        "%d fields x %d cells, max |diff| %.3g, step %d vs %d" % (len(a["fields"]), a["fields"]["density"].size,
                                                                              worst, a["step"], b["step"])),
                exactly("final time, 4 ranks - 1 rank", b["time"] - a["time"], 0.0)]

    def plot(self, ctx, fig):
        ax = fig.subplots(1, 3)
        for a, (title, data) in zip(ax, (("1 rank", self.snap[1]["fields"]["scalar_0"][0]),
                                         ("4 ranks", self.snap[4]["fields"]["scalar_0"][0]),
                                         ("4 ranks - 1 rank", self.snap[4]["fields"]["scalar_0"][0]
                                          - self.snap[1]["fields"]["scalar_0"][0]))):
            im = a.imshow(data, origin="lower", extent=(0, 1, -1, 1), cmap="RdBu_r" if "-" in title else "viridis")
            a.set_title("dye, " + title); fig.colorbar(im, ax=a)


class Restart(Case):
    """60 steps straight vs 30 steps, a checkpoint, and `--restart latest`
    to step 60 in the same directory: the final snapshots are identical (every
    field, time and step). Runs at --ranks."""
    name = "restart"
    quick = True
    title = "KH 64x128: 60 steps straight vs 30 + --restart latest + 30: identical final snapshot"

    def run(self, ctx):
        common = SMALL + ["output.every_steps=30", "checkpoint.every_steps=30"] + NO_DIAGNOSTICS
        straight = ctx.run_deck(DECK, "straight", common + ["run.steps=60"])
        ctx.run_deck(DECK, "split", common + ["run.steps=30"])
        split = ctx.run_deck(DECK, "split", common + ["run.steps=60"], restart="latest")
        self.a, self.b = ctx.final(straight), ctx.final(split)
        n, worst = differing(self.a, self.b)
        return [exactly("values differing, restarted vs straight", n, 0,
                        "max |diff| %.3g; steps %d and %d" % (worst, self.a["step"], self.b["step"])),
                exactly("final step, restarted - straight", self.b["step"] - self.a["step"], 0),
                exactly("final time, restarted - straight", self.b["time"] - self.a["time"], 0.0)]

    def plot(self, ctx, fig):
        ax = fig.subplots(1, 2)
        d = self.b["fields"]["density"][0] - self.a["fields"]["density"][0]
        im = ax[0].imshow(self.a["fields"]["velocity_y"][0], origin="lower", extent=(0, 1, -1, 1))
        ax[0].set_title("v_y, straight run, step %d" % self.a["step"]); fig.colorbar(im, ax=ax[0])
        im = ax[1].imshow(d, origin="lower", extent=(0, 1, -1, 1), cmap="RdBu_r")
        ax[1].set_title("density, restarted - straight"); fig.colorbar(im, ax=ax[1])


class Conservation(Case):
    """Relative drift max_t |Q(t) - Q(0)| / S of the diagnostics.csv totals
    over a periodic KH run to t = 0.5 (row per step). S = |Q(0)| for mass and
    total energy; for momentum (zero net) S = mass x max |v_x| (here 2 x 1)."""
    name = "conservation"
    quick = True
    title = "Periodic KH 64x128 to t = 0.5: mass, momentum, total energy conserved to 1e-12 (relative)"
    tolerance = 1e-12

    def run(self, ctx):
        out = ctx.run_deck(DECK, "kh_conservation", SMALL + ["run.t_end=0.5", "output.every_time=0.5",
                                                             "run.diagnostics_every=1"])
        d = ctx.diagnostics(out)
        self.d = d
        mass0 = d["mass"][0]
        vmax = float(np.max(np.abs(ctx.initial(out)["fields"]["velocity_x"])))
        self.scale = {"mass": abs(mass0), "momentum_x": mass0 * vmax, "momentum_y": mass0 * vmax,
                      "momentum_z": mass0 * vmax, "total_energy": abs(d["total_energy"][0])}
        ms = []
        self.drift = {}
        for q, s in self.scale.items():
            self.drift[q] = np.abs(d[q] - d[q][0]) / s
            ms.append(at_most("max relative drift of %s" % q, float(np.max(self.drift[q])), self.tolerance,
                              "%d rows to t = %.3g" % (len(d[q]), d["time"][-1]) if q == "mass" else ""))
        ms.append(exactly("density + pressure floors hit", int(np.max(d["density_floors"]) + np.max(d["pressure_floors"])), 0))
        return ms

    def plot(self, ctx, fig):
        a = fig.subplots(1, 1)
        for q, v in self.drift.items():
            a.semilogy(self.d["time"], np.maximum(v, 1e-18), label=q)
        a.axhline(self.tolerance, color="k", ls="--", label="tolerance")
        a.set_xlabel("t"); a.set_ylabel("|Q(t) - Q(0)| / S"); a.set_ylim(1e-18, 1e-10); a.legend(fontsize=8)


CASES = [Decomposition(), Restart(), Conservation()]
