#!/usr/bin/env python3
"""The GPU suite's summary (Markdown, to paste into bench/NOTES.md): each
item's verdict and time, then the figures of merit with their fractions of
the ceilings measured on the card by tessera_bench_ceilings.

    gpu_summary.py WORK_DIR MODE COMMIT SECONDS

Standard library only (the GPU machine's Python has no matplotlib)."""
import re
import sys
from pathlib import Path

# Bytes each figure-of-merit unit must move at least, and flops it needs
# (bench/NOTES.md gives the derivations).
EULER_BYTES = {"fused": 480.0, "split": 1200.0}  # per cell-update, PLM+HLLC+RK2, double
GRAVITY_FLOPS = 20.0                            # per interaction
INCOMP_TARGET = 1.5e9                           # cell-updates/s, cfd.incompressible 256^3 on an H100 (issue 14)
MD_FLOPS = 1700.0                               # per atom-step, in.lj full list (~55 pairs in rc, ~78 listed)


def read(work, name):
    p = work / (name + ".log")
    return p.read_text(errors="replace") if p.exists() else ""


def fmt(x):
    return "%.3g" % x


def main():
    work, mode, commit, seconds = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rows = [line.split("\t") for line in (work / "results.tsv").read_text().splitlines() if line.strip()]
    info = read(work, "info")
    gpu = next((l.split(",")[0] for l in info.splitlines()[::-1] if "H100" in l or "H200" in l or "NVIDIA" in l), "GPU")
    out = ["## GPU suite (%s), commit %s, %s" % (mode, commit or "?", gpu.strip()), ""]
    passed = sum(1 for r in rows if r[1] == "pass")
    out.append("%d of %d items passed in %s s." % (passed, len(rows), seconds))
    out += ["", "| item | result | seconds |", "|---|---|---|"]
    out += ["| %s | %s | %s |" % (r[0], r[1], r[2]) for r in rows]

    m = re.search(r"ceilings: copy_gbs=([\d.]+) fp64_gflops=([\d.]+) fp32_gflops=([\d.]+)", read(work, "ceilings"))
    bw, fp64, fp32 = (float(g) for g in m.groups()) if m else (None, None, None)
    out += ["", "### Figures", ""]
    if bw:
        out.append("Measured ceilings: copy %.0f GB/s (read + write), FMA chains FP64 %.1f TFLOP/s, FP32 %.1f TFLOP/s."
                   % (bw, fp64 / 1e3, fp32 / 1e3))
    else:
        out.append("Ceilings not measured (the ceilings item failed): no roofline fractions.")
    out += ["", "| benchmark | size | figure | roofline fraction |", "|---|---|---|---|"]

    kernel = {}
    for line in read(work, "bench_euler").splitlines():
        s = re.match(r"(\d+)\^3: .*cfd\.euler: (\w+) stage kernel", line)
        if s:
            kernel[s.group(1)] = s.group(2)
        f = re.match(r"(\d+)\^3: .*figure of merit: ([\d.e+-]+) cell-updates/s", line)
        if f:
            k = kernel.get(f.group(1), "fused")
            v = float(f.group(2))
            frac = "%.0f %% of copy bandwidth (%d B/cell-update)" % (100 * v * EULER_BYTES[k] / (bw * 1e9), EULER_BYTES[k]) if bw else "-"
            out.append("| cfd.euler PLM+HLLC+RK2 %s | %s^3 | %s cell-updates/s | %s |" % (k, f.group(1), fmt(v), frac))
    split = {}
    for line in read(work, "bench_incompressible").splitlines():
        s = re.match(r"(\d+)\^3: split of the stepping time: momentum ([\d.]+) %, pressure ([\d.]+) %", line)
        if s:
            split[s.group(1)] = "momentum %s %%, pressure %s %%" % (s.group(2), s.group(3))
    for line in read(work, "bench_incompressible").splitlines():
        f = re.match(r"(\d+)\^3: cfd\.incompressible figure of merit: ([\d.e+-]+) cell-updates/s", line)
        if f:
            v = float(f.group(2))
            out.append("| cfd.incompressible TGV RK3 + FFT projection | %s^3 | %s cell-updates/s (%s) | %.2fx the H100 target 1.5e9 at 256^3 |"
                       % (f.group(1), fmt(v), split.get(f.group(1), "no split"), v / INCOMP_TARGET))
    for line in read(work, "bench_md").splitlines():
        f = re.match(r"(\d+) atoms, (\w+): .*figure of merit: ([\d.e+-]+) atom-steps/s", line)
        if f:
            v = float(f.group(3))
            peak = fp64 if f.group(2) == "double" else fp32
            frac = "~%.0f %% of %s FMA rate (~%d flop/atom-step)" % (100 * v * MD_FLOPS / (peak * 1e9), "FP64" if f.group(2) == "double" else "FP32", MD_FLOPS) if peak else "-"
            out.append("| md.lj in.lj %s | %s atoms | %s atom-steps/s | %s |" % (f.group(2), f.group(1), fmt(v), frac))
    prec = None
    for line in read(work, "bench_gravity").splitlines():
        s = re.search(r"gravity \w+ N=(\d+) (single|double)", line)
        if s:
            n, prec = s.group(1), s.group(2)
        f = re.search(r"([\d.e+-]+) interactions/s", line)
        if f and prec:
            v = float(f.group(1))
            peak = fp32 if prec == "single" else fp64
            frac = "%.0f %% of %s FMA rate (20 flop)" % (100 * v * GRAVITY_FLOPS / (peak * 1e9), "FP32" if prec == "single" else "FP64") if peak else "-"
            out.append("| nbody force pass %s | N = %s | %s interactions/s | %s |" % (prec, n, fmt(v), frac))
    for line in read(work, "bench_halo").splitlines():
        f = re.search(r"median ([\d.]+) ms per exchange.*effective ([\d.]+) GB/s/rank", line)
        if f:
            v = float(f.group(2))
            frac = "%.0f %% of copy bandwidth" % (100 * v / bw) if bw else "-"
            out.append("| halo exchange 256^3, 5 doubles, G = 2 | per rank | %s GB/s (%s ms) | %s |" % (fmt(v), f.group(1), frac))
    for item, walk in (("bench_tree", ""), ("bench_tree_warp", " (warp walk)")):
        tree_n = None
        for line in read(work, item).splitlines():
            s = re.search(r"tree N=(\d+) (single|double)", line)
            if s:
                tree_n = s.group(1)
            f = re.search(r"median ([\d.e+-]+) s per evaluation.*sort ([\d.e+-]+), build ([\d.e+-]+), moments ([\d.e+-]+), walk ([\d.e+-]+)", line)
            if f and tree_n:
                out.append("| nbody.tree theta 0.5 quadrupole%s, one force evaluation | N = %s | %s s (sort %s, build %s, moments %s, walk %s) | - |"
                           % (walk, tree_n, f.group(1), f.group(2), f.group(3), f.group(4), f.group(5)))
            f = re.search(r"([\d.e+-]+) direct-equivalent interactions/s", line)
            if f and tree_n:
                out.append("| nbody.tree%s direct-equivalent rate | N = %s | %s interactions/s | - |" % (walk, tree_n, fmt(float(f.group(1)))))
            f = re.search(r"direct summation: median ([\d.e+-]+) s .* tree / direct = ([\d.e+-]+)", line)
            if f and tree_n:
                out.append("| nbody.tree / nbody.direct time (crossover) | N = %s | %s (direct %s s) | - |" % (tree_n, f.group(2), f.group(1)))
            f = re.search(r"warp walk: (\d+) of (\d+) groups overflowed", line)
            if f and tree_n:
                out.append("| nbody.tree warp walk, groups walked per target (queue overflow) | N = %s | %s of %s | - |" % (tree_n, f.group(1), f.group(2)))
    for line in read(work, "bench_fft").splitlines():
        f = re.search(r"(\d+)\^3 (.+?)\s+ours\s+([\d.]+) ms\s+plain (\w+)\s+([\d.]+) ms\s+ratio ([\d.]+).*ours (\d+) %", line)
        if f:
            out.append("| 3-D FFT %s (distributed plan, 1 rank) | %s^3 | %s ms per transform, %sx plain %s | %s %% of the ideal bytes at copy bandwidth |"
                       % (f.group(2).strip(), f.group(1), f.group(3), f.group(6), f.group(4), f.group(7)))
    failed = [r[0] for r in rows if r[1] != "pass"]
    if failed:
        out += ["", "Not passing: " + ", ".join(failed) + " (see logs.txt)."]
    val = work / "validation" / "summary.md"
    if val.exists():
        out += ["", "### Validation (GPU cases)", "", val.read_text().strip()]
    print("\n".join(out))


if __name__ == "__main__":
    main()
