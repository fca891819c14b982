"""Shu & Osher (1989) shock-entropy wave interaction against a 3200-cell run of
the same code (WENO5 + HLLC + RK3): no exact solution exists."""
import numpy as np

from framework import NO_DIAGNOSTICS, Case, greater_than, less_than

DECK = "inputs/cfd/shu_osher.toml"
REF = 3200


class ShuOsher(Case):
    """L1 = sum |rho - rho_ref| dx over [-5, 5] at t = 1.8, rho_ref the 3200-cell
    run averaged onto the coarse cells. The tolerance is relative: the 400-cell
    WENO5 error must be below half of what first-order PCM gives at the same
    resolution (the test is about keeping the post-shock entropy waves, which
    PCM damps), and must fall from 400 to 800 cells."""
    name = "shu_osher"
    quick = False
    title = "Shu-Osher, WENO5+HLLC+RK3 at 400/800 cells vs a 3200-cell run: L1(density) < PCM/2"

    def run(self, ctx):
        base = ["output.every_time=1.8"] + NO_DIAGNOSTICS
        weno = ["physics.reconstruction=weno5", "physics.integrator=rk3", "physics.riemann=hllc"]
        ref = ctx.final(ctx.run_deck(DECK, "ref_%d" % REF, base + weno + ["grid.cells=[%d,1,1]" % REF]))
        self.ref = ref["fields"]["density"].reshape(-1)
        self.rho, self.err = {}, {}
        for key, n, scheme in (("weno5_400", 400, weno), ("weno5_800", 800, weno),
                               ("pcm_400", 400, ["physics.reconstruction=pcm", "physics.integrator=rk2"])):
            self.rho[key] = ctx.final(ctx.run_deck(DECK, key, base + scheme + ["grid.cells=[%d,1,1]" % n]))["fields"][
                "density"].reshape(-1)
            coarse = self.ref.reshape(n, REF // n).mean(axis=1)
            self.err[key] = float(np.sum(np.abs(self.rho[key] - coarse)) * 10.0 / n)
        tol = 0.5 * self.err["pcm_400"]
        return [less_than("L1(rho) WENO5 at 400 cells", self.err["weno5_400"], round(tol, 5),
                          "= PCM at 400 (%.4f) / 2" % self.err["pcm_400"]),
                greater_than("L1(400) / L1(800), WENO5", self.err["weno5_400"] / self.err["weno5_800"], 1.0,
                             "L1 at 800 = %.4f" % self.err["weno5_800"])]

    def plot(self, ctx, fig):
        a, b = fig.subplots(1, 2)
        xr = -5 + (np.arange(REF) + 0.5) * 10.0 / REF
        for ax in (a, b):
            ax.plot(xr, self.ref, "k-", lw=0.8, label="WENO5, %d cells (reference)" % REF)
            for key, st in (("weno5_400", "r."), ("pcm_400", "b."), ("weno5_800", "g.")):
                n = len(self.rho[key])
                ax.plot(-5 + (np.arange(n) + 0.5) * 10.0 / n, self.rho[key], st, ms=2.5,
                        label="%s, L1 %.4f" % (key.replace("_", ", "), self.err[key]))
            ax.set_xlabel("x"); ax.set_ylabel("density")
        a.legend(fontsize=8); b.set_xlim(0.4, 2.6); b.set_title("entropy waves behind the shock")


CASE = ShuOsher()
