#!/usr/bin/python3
"""Tessera's validation suite: runs the cases in validation/cases/, writes
<out>/report.md (case, metric, measured, tolerance, pass/fail; the command
lines; the tessera version) and one PNG per case. Exit status 1 when any
case fails, 2 on a usage error.

    validation/run.py [--quick] [--ranks N] [--device cpu|gpu] [--tessera PATH]
                      [--exact PATH] [--out DIR] [--cases a,b] [--list]

--quick runs the CI subset (a few minutes on 2 cores); without it, every case.
See validation/README.md.
"""
import argparse
import datetime
import glob
import importlib.util
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from framework import REPO, Case, Context, Metric  # noqa: E402


def load_cases():
    cases = []
    for path in sorted((HERE / "cases").glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location("validation_case_" + path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for case in getattr(mod, "CASES", [getattr(mod, "CASE", None)]):
            if isinstance(case, Case):
                cases.append(case)
    return cases


def find_tessera():
    found = [Path(p) for p in glob.glob(str(REPO / "build*" / "solvers" / "tessera"))]
    found = [p for p in found if os.access(p, os.X_OK)]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def find_exact(tessera):
    # <build>/solvers/tessera -> <build>/validation/tessera_exact_riemann
    candidates = [tessera.resolve().parent.parent / "validation" / "tessera_exact_riemann"]
    candidates += sorted(Path(p) for p in glob.glob(str(REPO / "build*" / "validation" / "tessera_exact_riemann")))
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the CI subset (a few minutes on 2 cores)")
    ap.add_argument("--ranks", type=int, default=1, help="MPI ranks per run (mpirun -np N --oversubscribe when > 1)")
    ap.add_argument("--device", choices=["cpu", "gpu"], help="passed to tessera run --device")
    ap.add_argument("--tessera", help="the tessera binary (default: the newest build*/solvers/tessera)")
    ap.add_argument("--exact", help="tessera_exact_riemann (default: next to the tessera build tree)")
    ap.add_argument("--out", default="out/validation", help="output directory (default: ./out/validation)")
    ap.add_argument("--cases", help="comma-separated case names (default: all, or the quick ones with --quick)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)

    cases = load_cases()
    if args.list:
        for c in cases:
            print("%-20s %-6s %s" % (c.name, "quick" if c.quick else "full", c.title))
        return 0
    if args.ranks < 1:
        ap.error("--ranks must be >= 1")
    if args.cases:
        wanted = [s.strip() for s in args.cases.split(",") if s.strip()]
        known = {c.name: c for c in cases}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            ap.error("unknown case(s) %s; known: %s" % (", ".join(unknown), ", ".join(known)))
        selected = [known[w] for w in wanted]
    else:
        selected = [c for c in cases if c.quick or not args.quick]

    tessera = Path(args.tessera) if args.tessera else find_tessera()
    if tessera is None or not tessera.is_file():
        ap.error("tessera binary not found (build it, or pass --tessera PATH)")
    tessera = tessera.resolve()
    exact = Path(args.exact).resolve() if args.exact else find_exact(tessera)
    version = subprocess.run([str(tessera), "--version"], capture_output=True, text=True).stdout.strip()

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print("tessera: %s (%s)" % (tessera, version))
    print("exact Riemann solver: %s" % exact)
    print("output: %s" % out)

    results = []  # (case, metrics, seconds, error, commands)
    t_start = time.time()
    for case in selected:
        print("== %s: %s" % (case.name, case.title), flush=True)
        ctx = Context(tessera, exact, args.ranks, args.device, args.quick, out / case.name,
                      log=lambda s: print(s, flush=True))
        t0 = time.time()
        error = None
        metrics = []
        try:
            metrics = list(case.run(ctx))
        except Exception as e:  # a crashed case is a failed case, the rest still run
            error = "%s: %s" % (type(e).__name__, e)
            traceback.print_exc()
        seconds = time.time() - t0
        if error is None:
            try:
                fig = plt.figure(figsize=(11, 4.5))
                case.plot(ctx, fig)
                if fig.axes:
                    fig.suptitle("%s: %s" % (case.name, case.title), fontsize=10)
                    fig.tight_layout()
                    fig.savefig(out / (case.name + ".png"), dpi=110)
                plt.close(fig)
            except Exception as e:
                error = "plot: %s: %s" % (type(e).__name__, e)
                traceback.print_exc()
        if error is not None:
            metrics.append(Metric("case ran to completion", "error", "no error", False, error))
        for m in metrics:
            print("  %-4s %s = %s (%s)%s" % ("PASS" if m.passed else "FAIL", m.name, m.measured_text(), m.tolerance,
                                            "  " + m.note if m.note else ""), flush=True)
        print("  (%.1f s)" % seconds, flush=True)
        results.append((case, metrics, seconds, error, ctx.commands))
    total = time.time() - t_start

    failed = [c.name for c, ms, _, _, _ in results if not all(m.passed for m in ms) or not ms]
    write_report(out, args, tessera, version, exact, results, total, failed)
    print("report: %s" % (out / "report.md"))
    print("%d case(s), %d failed%s; %.0f s" % (len(results), len(failed), (": " + ", ".join(failed)) if failed else "",
                                              total))
    return 1 if failed else 0


def write_report(out, args, tessera, version, exact, results, total, failed):
    cmdline = " ".join(["validation/run.py"] + sys.argv[1:])
    lines = ["# Tessera validation report", ""]
    lines.append("- tessera: `%s` (`%s`)" % (version, tessera))
    lines.append("- date: %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    lines.append("- host: %s, %d cores, %s" % (platform.node(), os.cpu_count() or 0, platform.platform()))
    lines.append("- suite: `%s` (%s; ranks %d; device %s)" % (cmdline, "quick" if args.quick else "full", args.ranks,
                                                             args.device or "tessera's default (auto)"))
    lines.append("- exact Riemann solver: `%s`" % exact)
    lines.append("- result: **%s** (%d case(s), %d failed), %.0f s" % ("PASS" if not failed else "FAIL", len(results),
                                                                       len(failed), total))
    lines += ["", "| case | metric | measured | tolerance | result |", "|---|---|---|---|---|"]
    for case, metrics, seconds, error, _ in results:
        for i, m in enumerate(metrics):
            note = (" (%s)" % m.note.replace("|", "\\|").replace("\n", " ")) if m.note else ""
            lines.append("| %s | %s%s | %s | %s | %s |" % (case.name if i == 0 else "", m.name.replace("|", "\\|"), note,
                                                          m.measured_text(), m.tolerance,
                                                          "pass" if m.passed else "**FAIL**"))
    lines += ["", "## Cases", ""]
    for case, metrics, seconds, error, commands in results:
        ok = metrics and all(m.passed for m in metrics)
        lines.append("### %s (%s, %.1f s)" % (case.name, "pass" if ok else "FAIL", seconds))
        lines.append("")
        lines.append(case.title + ("" if not case.__doc__ else "\n\n" + " ".join(case.__doc__.split())))
        lines.append("")
        if (out / (case.name + ".png")).exists():
            lines.append("![%s](%s.png)" % (case.name, case.name))
            lines.append("")
        if commands:
            lines.append("```")
            lines += commands
            lines.append("```")
            lines.append("")
    (out / "report.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
