"""md.lj against LAMMPS and published data: the in.lj benchmark's step-0
thermo exactly as LAMMPS prints it and its melt by step 100; NVE energy
fluctuations scaling as dt^2; and (full) no NVE drift over 10^4 steps, the
NIST SRSW state point, in NVT and reached in NPT with the Berendsen
barostat."""
import numpy as np

from framework import Case, Picture, at_least, at_most

DECK = "inputs/md/lj_melt.toml"


class InLj(Case):
    """LAMMPS bench/in.lj: step 0 gives pe/atom -6.7733681 and pressure
    -5.0197073 (LAMMPS's printed digits); by step 100 the fcc crystal has
    melted to a liquid near T = 0.76 (LAMMPS prints 0.7596 with its own
    velocity seed). Step 0 also with precision = "mixed" (float pair
    arithmetic, double sums), to 1e-6 relative."""
    name = "md_in_lj"
    quick = True
    title = "LAMMPS in.lj: 32000 atoms, step-0 thermo (double and mixed) and the melt to step 100"

    def run(self, ctx):
        # One snapshot, of the melt at step 100, for the report's picture.
        out = ctx.run_deck(DECK, "in_lj", ["run.diagnostics_every=5", "output.every_steps=100", "output.initial=false"])
        self.out = out
        self.d = ctx.diagnostics(out)
        m = ctx.diagnostics(ctx.run_deck(DECK, "in_lj_mixed", ["run.steps=0", "output.every_steps=0",
                                                                "physics.precision=mixed"]))
        return [at_most("|pe_per_atom(0) - LAMMPS -6.7733681|", abs(self.d["pe_per_atom"][0] + 6.7733681), 5e-8),
                at_most("|pressure(0) - LAMMPS -5.0197073|", abs(self.d["pressure"][0] + 5.0197073), 5e-8),
                at_most("mixed: |pe_per_atom(0) / LAMMPS - 1|", abs(m["pe_per_atom"][0] / -6.7733681 - 1), 1e-6),
                at_most("mixed: |pressure(0) / LAMMPS - 1|", abs(m["pressure"][0] / -5.0197073 - 1), 1e-6),
                at_most("|T(100) - 0.76|", abs(self.d["temperature"][-1] - 0.76), 0.02)]

    def pictures(self, ctx):
        return [Picture(ctx.snapshots(self.out)[-1], "melt", ["--field", "velocity"],
                        "The 32000 atoms at step 100 (melted), coloured by speed (postprocess/render.py)")]

    def plot(self, ctx, fig):
        ax = fig.subplots(1, 2)
        ax[0].plot(self.d["step"], self.d["temperature"]); ax[0].set_xlabel("step"); ax[0].set_ylabel("T")
        ax[1].plot(self.d["step"], self.d["pe_per_atom"], label="pe/atom")
        ax[1].plot(self.d["step"], self.d["etotal_per_atom"], label="etotal/atom")
        ax[1].set_xlabel("step"); ax[1].legend()


class NveScaling(Case):
    """500 atoms of the melted in.lj liquid, shifted potential, 1 time unit:
    halving dt divides the standard deviation of the total energy by 4
    (within 30 %)."""
    name = "md_nve_dt2"
    quick = True
    title = "NVE energy fluctuations vs dt (500 atoms, shifted LJ)"

    def run(self, ctx):
        self.e = {}
        for dt in (0.004, 0.002):
            out = ctx.run_deck(DECK, "nve_dt%g" % dt,
                               ["box.cells=[5,5,5]", "physics.shift=true", "run.dt=%g" % dt,
                                "run.steps=%d" % round(1.0 / dt), "run.diagnostics_every=2", "neighbor.every=1",
                                "neighbor.check=true", "output.every_steps=0"])
            d = ctx.diagnostics(out)
            keep = d["time"] > 0.1
            self.e[dt] = (d["time"][keep], d["etotal_per_atom"][keep])
        ratio = np.std(self.e[0.004][1]) / np.std(self.e[0.002][1])
        return [at_least("std(E) ratio dt / (dt/2) (4 expected)", ratio, 2.8),
                at_most("std(E) ratio dt / (dt/2), upper", ratio, 5.2)]

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for dt, (t, e) in self.e.items():
            ax.plot(t, e - e.mean(), label="dt = %g" % dt)
        ax.set_xlabel("t"); ax.set_ylabel("E/N - mean"); ax.legend()


class NveDrift(Case):
    """The in.lj liquid (32000 atoms, density 0.8442, T 1.44 melting to about
    0.7, rc 2.5) in NVE for 10^4 steps at dt 0.005, with the energy shifted
    to zero at the cutoff and lists rebuilt when an atom moved half the skin
    (LAMMPS: pair_modify shift yes, neigh_modify every 1 check yes): the
    linear drift of the total energy over the run stays below 1e-4 per atom,
    in double and in mixed precision. The force still jumps at the cutoff,
    which makes E/N random-walk by ~1e-4 per atom over such a run at 2048
    atoms (LAMMPS 2022 shows the same: -6.6e-5 end to end, 2048 atoms); the
    walk shrinks as 1/sqrt(N), so 32000 atoms separate it from a real drift."""
    name = "md_nve_drift"
    quick = False
    title = "NVE drift over 10^4 steps at dt 0.005 (in.lj liquid, 32000 atoms, shifted LJ): double and mixed"

    def run(self, ctx):
        self.series = {}
        metrics = []
        for prec in ("double", "mixed"):
            out = ctx.run_deck(DECK, "nve_drift_" + prec,
                               ["physics.shift=true", "neighbor.every=1", "neighbor.check=true", "run.steps=10000",
                                "run.diagnostics_every=50", "output.every_steps=0", "physics.precision=" + prec])
            d = ctx.diagnostics(out)
            t, e = d["time"], d["etotal_per_atom"]
            slope = np.polyfit(t, e, 1)[0]
            self.series[prec] = (t, e - e[0])
            metrics.append(at_most("%s: |fitted drift| over the run, per atom" % prec, abs(slope * (t[-1] - t[0])), 1e-4,
                                   "end - start %.2e, std %.2e" % (e[-1] - e[0], e.std())))
        return metrics

    def plot(self, ctx, fig):
        ax = fig.subplots()
        for prec, (t, e) in self.series.items():
            ax.plot(t, e, lw=0.7, label=prec)
        ax.axhline(1e-4, ls="--", color="gray"); ax.axhline(-1e-4, ls="--", color="gray")
        ax.set_xlabel("t"); ax.set_ylabel("E/N - E(0)/N"); ax.legend()


class NistStatePoint(Case):
    """NIST SRSW LJ reference (https://www.nist.gov/mml/csd/chemical-
    informatics-research-group/lennard-jones-fluid-properties), LJ truncated
    at 3.0 with tail corrections, T = 0.85, rho = 0.776: U/N = -5.5121,
    P = 0.0068. NVT (Nose-Hoover) averages with N = 864 after equilibration."""
    name = "md_nist_state_point"
    quick = False
    title = "NIST SRSW state point T = 0.85, rho = 0.776 (rc = 3, tail corrections)"

    def run(self, ctx):
        out = ctx.run_deck(DECK, "nist", ["box.cells=[6,6,6]", "box.density=0.776", "physics.cutoff=3.0",
                                          "physics.tail=true", "problem.temperature=0.85",
                                          "thermostat.type=nose_hoover", "thermostat.temperature=0.85",
                                          "thermostat.damping=0.5", "run.dt=0.005", "run.steps=40000",
                                          "run.diagnostics_every=20", "neighbor.every=1", "neighbor.check=true",
                                          "output.every_steps=0"])
        d = ctx.diagnostics(out)
        keep = d["step"] > 10000
        self.d = d
        u, p = d["pe_per_atom"][keep].mean(), d["pressure"][keep].mean()
        return [at_most("|U/N - (-5.5121)|", abs(u + 5.5121), 0.01),
                at_most("|P - 0.0068|", abs(p - 0.0068), 0.02)]

    def plot(self, ctx, fig):
        ax = fig.subplots(1, 2)
        ax[0].plot(self.d["time"], self.d["pe_per_atom"]); ax[0].axhline(-5.5121, ls="--"); ax[0].set_ylabel("U/N")
        ax[1].plot(self.d["time"], self.d["pressure"]); ax[1].axhline(0.0068, ls="--"); ax[1].set_ylabel("P")


def block_error(v, blocks=20):
    """Standard error of the mean of a correlated series from block means."""
    n = len(v) // blocks
    means = np.array([v[i * n:(i + 1) * n].mean() for i in range(blocks)])
    return means.std(ddof=1) / np.sqrt(blocks)


class NptDensity(Case):
    """NPT at the NIST SRSW state point: T = 0.85 (Nose-Hoover), P = 0.0068
    (Berendsen barostat, tau_P = 2, modulus 10), LJ rc = 3.0 with tail
    corrections, 864 atoms, starting from fcc at density 0.70
    (inputs/md/lj_npt.toml). NVT at density 0.776 gives that pressure, so
    the mean density after equilibration must be 0.776 (within 0.005).
    Berendsen's volume fluctuations are not NPT's: only means are tested."""
    name = "md_npt_density"
    quick = False
    title = "NPT (Berendsen) to T = 0.85, P = 0.0068 from density 0.70: density vs NIST 0.776"

    def run(self, ctx):
        out = ctx.run_deck("inputs/md/lj_npt.toml", "npt", ["run.steps=40000", "run.diagnostics_every=20",
                                                            "output.every_steps=0", "checkpoint.every_steps=0"])
        d = ctx.diagnostics(out)
        self.d = d
        keep = d["step"] > 10000
        rho, p = d["density"][keep], d["pressure"][keep]
        self.rho_mean, self.p_mean = rho.mean(), p.mean()
        note_rho = "+- %.4f (block standard error)" % block_error(rho)
        note_p = "+- %.4f (block standard error)" % block_error(p)
        return [at_most("|<rho> - 0.776|", abs(self.rho_mean - 0.776), 0.005, note_rho),
                at_most("|<P> - 0.0068| (the barostat's target)", abs(self.p_mean - 0.0068), 0.02, note_p)]

    def plot(self, ctx, fig):
        ax = fig.subplots(1, 2)
        ax[0].plot(self.d["time"], self.d["density"]); ax[0].axhline(0.776, ls="--", label="NIST 0.776")
        ax[0].set_xlabel("t"); ax[0].set_ylabel("density"); ax[0].legend()
        late = self.d["time"] >= 5  # past the collapse from the lattice at 0.70
        ax[1].plot(self.d["time"][late], self.d["pressure"][late], lw=0.5)
        ax[1].axhline(0.0068, ls="--", color="k", label="target 0.0068")
        ax[1].axhline(self.p_mean, color="r", label="mean after step 10000")
        ax[1].set_xlabel("t"); ax[1].set_ylabel("P"); ax[1].legend()


CASES = [InLj(), NveScaling(), NveDrift(), NistStatePoint(), NptDensity()]
