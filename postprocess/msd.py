#!/usr/bin/python3
"""Mean-squared displacement and diffusion coefficient of Tessera particles.

    postprocess/msd.py TRAJECTORY.h5            # an H5MD trajectory
    postprocess/msd.py run/snapshots/lj_*.h5    # a series of particle snapshots
        [--origins all|first] [--fit-from T0] [--fit-to T1] [--dims D] [--out PREFIX]

Tessera wraps positions into the periodic box, so they are unwrapped first:
between consecutive frames each particle moves by the minimum-image
displacement, which is right as long as no particle travels half a box
length between two frames (write frames often enough). Particles are matched
by id across snapshots (the H5MD row is the id).

With evenly spaced frames the MSD is averaged over every time origin (FFT,
O(T log T) per particle); otherwise, or with --origins first, only the first
frame is the origin. D comes from a least-squares line MSD = 2 D dims t + c
over [fit-from, fit-to] (default: 10 % to 50 % of the longest lag, past the
ballistic start and before the noisy long lags); dims defaults to the number
of directions in which particles move.

Writes PREFIX.csv (lag_time, msd, msd_x, msd_y, msd_z) and, where matplotlib
is installed, PREFIX.png, and prints D.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plotting  # noqa: E402  (matplotlib optional)
import tessera_io  # noqa: E402

__all__ = ["load_trajectory", "unwrap", "msd", "fit_diffusion"]


def load_trajectory(paths):
    """(times [T], positions [T, N, 3] sorted by id, box lengths [T, 3], periodic [3])."""
    import h5py

    paths = list(paths)
    with h5py.File(paths[0], "r") as f:
        is_h5md = "h5md" in f
    if is_h5md:
        if len(paths) != 1:
            raise ValueError("give one H5MD trajectory, or a series of snapshots")
        t = tessera_io.load_h5md(paths[0])
        return t["time"], t["position"], t["box"]["edges"], t["box"]["periodic"]
    snaps = [(tessera_io.load_particles(p), p) for p in paths]
    snaps.sort(key=lambda s: (s[0]["time"], s[0]["step"]))
    first, first_path = snaps[0]
    times, positions, lengths = [], [], []
    for s, path in snaps:
        if "box" not in s:
            raise ValueError("%s: no /box group, so positions cannot be unwrapped" % path)
        if not np.array_equal(s["id"], first["id"]):
            raise ValueError("%s holds other particle ids than %s: particles are matched by id" % (path, first_path))
        times.append(s["time"])
        positions.append(s["position"])
        lengths.append(np.asarray(s["box"]["upper"], dtype=np.float64) - s["box"]["lower"])
    periodic = np.asarray(first["box"]["periodic"]).astype(bool)
    return np.asarray(times, dtype=np.float64), np.asarray(positions, dtype=np.float64), np.asarray(lengths), periodic


def unwrap(positions, lengths, periodic):
    """Continuous trajectories from wrapped ones [T, N, 3]: the first frame as
    given, then the minimum-image step between each pair of frames."""
    x = np.asarray(positions, dtype=np.float64)
    lengths = np.broadcast_to(np.asarray(lengths, dtype=np.float64), (x.shape[0], 3))
    step = np.diff(x, axis=0)
    box = lengths[1:, None, :]
    step = np.where(periodic, step - box * np.round(step / box), step)
    return np.concatenate([x[:1], x[:1] + np.cumsum(step, axis=0)], axis=0)


def _msd_all_origins(u):
    """Per-component MSD averaged over all time origins: for each lag m,
    S1(m) - 2 S2(m) with S2 the autocorrelation by FFT (Calandrini et al.,
    the nMoldyn algorithm). u: [T, K] columns. Returns [T, K]."""
    T = u.shape[0]
    u = u - u.mean(axis=0)  # the MSD ignores a constant shift; smaller numbers cancel better
    sq = u * u
    # S1(m) = (sum_{t=0}^{T-m-1} u(t)^2 + u(t+m)^2) / (T - m), by a running sum
    total = 2.0 * sq.sum(axis=0)
    head = np.concatenate([np.zeros((1, u.shape[1])), np.cumsum(sq, axis=0)[:-1]])  # sum of the first m squares
    tail = np.concatenate([np.zeros((1, u.shape[1])), np.cumsum(sq[::-1], axis=0)[:-1]])  # of the last m
    counts = (T - np.arange(T))[:, None]
    s1 = (total - head - tail) / counts
    f = np.fft.rfft(u, n=2 * T, axis=0)
    s2 = np.fft.irfft(f * np.conj(f), n=2 * T, axis=0)[:T] / counts
    return s1 - 2.0 * s2


def msd(unwrapped, times, origins="all"):
    """(lag times [T], msd [T], per-direction msd [T, 3]) of unwrapped [T, N, 3]."""
    u = np.asarray(unwrapped, dtype=np.float64)
    T, N, _ = u.shape
    times = np.asarray(times, dtype=np.float64)
    dt = np.diff(times)
    uniform = T > 1 and np.allclose(dt, dt[0], rtol=1e-6, atol=0.0) and dt[0] > 0
    if origins == "all" and uniform:
        per = np.zeros((T, 3))
        cols = u.reshape(T, N * 3)
        block = max(3, (4_000_000 // max(T, 1)) // 3 * 3)  # bounded memory for the FFT
        for s in range(0, N * 3, block):
            part = _msd_all_origins(cols[:, s:s + block])
            for d in range(3):
                per[:, d] += part[:, d::3].sum(axis=1)
        per /= N
        per[0] = 0.0
        lag = dt[0] * np.arange(T)
    else:
        if origins == "all" and T > 1:
            print("msd.py: frames are not evenly spaced; using the first frame as the only origin", file=sys.stderr)
        per = ((u - u[0]) ** 2).mean(axis=1)
        lag = times - times[0]
    return lag, per.sum(axis=1), per


def fit_diffusion(lag, msd_values, t_from=None, t_to=None, dims=3):
    """D and the intercept of a least-squares line MSD = 2 dims D t + c on [t_from, t_to]."""
    lag = np.asarray(lag)
    t_from = 0.1 * lag[-1] if t_from is None else t_from
    t_to = 0.5 * lag[-1] if t_to is None else t_to
    sel = (lag >= t_from) & (lag <= t_to)
    if np.count_nonzero(sel) < 2:
        raise ValueError("fewer than two lags in the fit range [%g, %g]" % (t_from, t_to))
    slope, intercept = np.polyfit(lag[sel], np.asarray(msd_values)[sel], 1)
    return slope / (2.0 * dims), intercept, (t_from, t_to)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="one H5MD trajectory or several particle snapshots")
    ap.add_argument("--origins", choices=["all", "first"], default="all")
    ap.add_argument("--fit-from", type=float, help="start of the linear fit (time; default 10%% of the longest lag)")
    ap.add_argument("--fit-to", type=float, help="end of the linear fit (time; default 50%% of the longest lag)")
    ap.add_argument("--dims", type=int, help="dimensions for D = slope / (2 dims) (default: directions with motion)")
    ap.add_argument("--out", default="msd", help="output prefix: PREFIX.csv and PREFIX.png (default msd)")
    a = ap.parse_args()
    try:
        times, positions, lengths, periodic = load_trajectory(a.inputs)
        if len(times) < 2:
            raise ValueError("an MSD needs at least two frames")
        lag, total, per = msd(unwrap(positions, lengths, periodic), times, a.origins)
        dims = a.dims or max(1, int(np.count_nonzero(per[-1] > 0)))
    except ValueError as e:
        sys.exit("msd.py: %s" % e)
    try:
        fit = fit_diffusion(lag, total, a.fit_from, a.fit_to, dims)
    except ValueError as e:
        fit = None
        print("msd.py: no diffusion coefficient: %s" % e, file=sys.stderr)
    np.savetxt(a.out + ".csv", np.column_stack([lag, total, per]), delimiter=",",
               header="lag_time,msd,msd_x,msd_y,msd_z", comments="", fmt="%.12g")
    if fit is not None:
        D, c, (t0, t1) = fit
        print("D = %.6g (%d-D fit of MSD over t in [%g, %g])" % (D, dims, t0, t1))

    plt = plotting.pyplot()
    if plt is None:
        print("wrote %s.csv (%s)" % (a.out, plotting.SKIPPED))
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(lag, total, "-", label="MSD")
    if fit is not None:
        t = np.linspace(t0, t1, 50)
        ax.plot(t, 2 * dims * D * t + c, "--", label="fit: D = %.4g" % D)
    ax.set_xlabel("lag time")
    ax.set_ylabel("MSD")
    ax.legend()
    ax.set_title("MSD: %d frames, %d particles, %s origin%s"
                 % (len(times), positions.shape[1], a.origins, "s" if a.origins == "all" else ""))
    fig.savefig(a.out + ".png", dpi=100, bbox_inches="tight")
    print("wrote %s.csv and %s.png" % (a.out, a.out))


if __name__ == "__main__":
    main()
