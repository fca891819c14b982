#!/usr/bin/python3
"""Tessera's validation suite: runs the cases in validation/cases/, writes
<out>/report.md (case, metric, measured, tolerance, pass/fail; the command
lines; the tessera version), <out>/summary.json and <out>/summary.md (the
same verdicts, machine readable / a table to paste) and, where matplotlib is
installed, one PNG per case (without it the plots are skipped and the report
says so). The report and summaries are rewritten after every case, so a
suite stopped early leaves the verdicts of the cases it finished (result
INCOMPLETE, the rest listed as not run yet). Exit status 1 when any case
fails, 2 on a usage error.

    validation/run.py [--quick] [--ranks N] [--device cpu|gpu] [--tessera PATH]
                      [--exact PATH] [--out DIR] [--cases a,b] [--list]

--quick runs the CI subset (a few minutes on 2 cores); without it, every case.
--device gpu also selects the GPU-sized variants of the cases that have them
(--list --device gpu shows them) and the GPU-only cases (`gpu` in --list). See validation/README.md.
"""
import argparse
import atexit
import datetime
import glob
import importlib.util
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from framework import REPO, Case, Context, Metric  # noqa: E402
import plotting  # noqa: E402  (postprocess/plotting.py: matplotlib is optional)


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


RENDER = REPO / "postprocess" / "render.py"


def render_python():
    """The Python with VTK: TESSERA_RENDER_PYTHON, else Debian's, else this one."""
    if os.environ.get("TESSERA_RENDER_PYTHON"):
        return os.environ["TESSERA_RENDER_PYTHON"]
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


class Pictures:
    """The VTK pictures of the report: rendering is probed once, at the first
    case that has pictures; where it is unavailable (no VTK, no OpenGL
    context, no xvfb-run) every case's pictures are skipped and the report
    says why. A picture that fails to render is noted, never a failed case."""

    def __init__(self):
        self.status = None  # None: not probed; "" when available; else why not
        self.rendered = 0
        self.env = dict(os.environ)
        self.xvfb = None

    def start_display(self):
        """Without a display, one Xvfb for the whole suite (when installed):
        render.py would otherwise start one per picture under xvfb-run."""
        if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
            return
        read, write = os.pipe()
        try:
            self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24",
                                          "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            os.close(write)
            with os.fdopen(read) as f:
                number = f.readline().strip()
        except OSError:
            return
        if number.isdigit():
            self.env["DISPLAY"] = ":" + number
            atexit.register(self.xvfb.terminate)
        else:
            self.xvfb.terminate()

    def summary(self):
        if self.status is None:
            return "pictures (VTK): none in these cases"
        if self.status:
            return "pictures (VTK): skipped: " + self.status
        return "pictures (VTK, postprocess/render.py): %d rendered" % self.rendered

    def render(self, case, ctx, out, log=print):
        """Renders case.pictures(ctx) into out; returns [(png name or None, caption or error)]."""
        try:
            wanted = case.pictures(ctx)
        except Exception as e:
            return [(None, "pictures: %s: %s" % (type(e).__name__, e))]
        if not wanted:
            return []
        if self.status is None:
            self.start_display()
            probe = subprocess.run([render_python(), str(RENDER), "--probe"], capture_output=True, text=True, timeout=300,
                                   env=self.env)
            lines = [l for l in (probe.stderr + probe.stdout).splitlines() if l.strip()]
            self.status = "" if probe.returncode == 0 else (lines[-1] if lines else "exit %d" % probe.returncode).replace(
                "render.py: rendering not available: ", "")
            log("  pictures: " + (self.status or "rendering available" + (" (Xvfb %s)" % self.env["DISPLAY"]
                                                                            if self.xvfb else "")))
            # Probed: render.py need not probe again for every picture.
            self.env["TESSERA_RENDER_CONTEXT_CHECKED"] = "1"
        if self.status:
            return [(None, "VTK pictures skipped: " + self.status)]
        done = []
        for p in wanted:
            png = "%s_%s.png" % (case.name, p.stem)
            (out / png).unlink(missing_ok=True)
            cmd = [render_python(), str(RENDER), str(p.snapshot), str(out / png)] + p.options
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=self.env)
            if r.returncode == 0 and (out / png).exists():
                self.rendered += 1
                done.append((png, p.caption))
            else:
                tail = [l for l in (r.stderr + r.stdout).splitlines() if l.strip()][-1:]
                done.append((None, "%s: render.py exit %d: %s" % (p.stem, r.returncode, tail[0] if tail else "")))
        return done


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
            kind = "gpu" if c.gpu_only else ("quick" if c.quick else "full")
            print("%-26s %-6s %s" % (c.name, kind, c.title_for(args.device)))
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
        cpu_only_run = [c.name for c in selected if c.gpu_only and args.device != "gpu"]
        if cpu_only_run:
            ap.error("%s: GPU-only (too large for the host); add --device gpu" % ", ".join(cpu_only_run))
    else:
        # GPU-only cases (gpu_only) run only with --device gpu, and never in --quick.
        selected = [c for c in cases if (c.quick or not args.quick) and (not c.gpu_only or args.device == "gpu")]

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
    print("validation scripts: %s" % source_commit())
    plt = plotting.pyplot()
    plots = "written" if plt is not None else plotting.SKIPPED
    if plt is None:
        print("%s (%s)" % (plotting.SKIPPED, plotting.why()))

    results = []  # (case, metrics, seconds, error, commands)
    args.pictures = Pictures()
    t_start = time.time()
    for case in selected:
        print("== %s: %s" % (case.name, case.title_for(args.device)), flush=True)
        ctx = Context(tessera, exact, args.ranks, args.device, args.quick, out / case.name,
                      log=lambda s: print(s, flush=True))
        (out / (case.name + ".png")).unlink(missing_ok=True)  # never show an earlier run's plot
        t0 = time.time()
        error = None
        metrics = []
        try:
            metrics = list(case.run(ctx))
        except Exception as e:  # a crashed case is a failed case, the rest still run
            error = "%s: %s" % (type(e).__name__, e)
            traceback.print_exc()
        seconds = time.time() - t0
        if error is None and plt is not None:
            try:
                fig = plt.figure(figsize=(11, 4.5))
                case.plot(ctx, fig)
                if fig.axes:
                    fig.suptitle("%s: %s" % (case.name, case.title_for(args.device)), fontsize=10)
                    fig.tight_layout()
                    fig.savefig(out / (case.name + ".png"), dpi=110)
                plt.close(fig)
            except Exception as e:
                error = "plot: %s: %s" % (type(e).__name__, e)
                traceback.print_exc()
        case.rendered = args.pictures.render(case, ctx, out, log=lambda s: print(s, flush=True)) if error is None else []
        if error is not None:
            metrics.append(Metric("case ran to completion", "error", "no error", False, error))
        for m in metrics:
            print("  %-4s %s = %s (%s)%s" % (m.verdict().upper(), m.name, m.measured_text(), m.tolerance,
                                            "  " + m.note if m.note else ""), flush=True)
        print("  (%.1f s)" % seconds, flush=True)
        results.append((case, metrics, seconds, error, ctx.commands))
        # Rewritten after every case: a suite stopped early (a job's time
        # limit) still leaves the verdicts of the cases it finished.
        pending = [c.name for c in selected[len(results):]]
        failed = [c.name for c, ms, _, _, _ in results if not case_passed(ms)]
        write_report(out, args, tessera, version, exact, results, time.time() - t_start, failed, plots, pending)
        write_summary(out, args, version, results, time.time() - t_start, failed, plots, pending)
    total = time.time() - t_start
    print("report: %s; summary: %s, %s" % (out / "report.md", out / "summary.json", out / "summary.md"))
    print("%d case(s), %d failed%s; %.0f s" % (len(results), len(failed), (": " + ", ".join(failed)) if failed else "",
                                              total))
    return 1 if failed else 0


_SOURCE = []


def source_commit():
    """The validation scripts' git commit ("+dirty" when changed), or
    "unknown" outside a checkout (the GPU bundle); taken once, at the start
    of the suite, so that a later commit does not relabel a running suite."""
    if not _SOURCE:
        _SOURCE.append(_git_commit())
    return _SOURCE[0]


def _git_commit():
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True, timeout=30)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--",
                                "validation", "postprocess"], capture_output=True, text=True, timeout=30)
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def case_passed(metrics):
    return bool(metrics) and all(m.passed for m in metrics)


def suite_line(args):
    return "`%s` (%s; ranks %d; device %s)" % (" ".join(["validation/run.py"] + sys.argv[1:]),
                                               "quick" if args.quick else "full", args.ranks,
                                               args.device or "tessera's default (auto)")


def verdict(failed, pending):
    return "FAIL" if failed else ("INCOMPLETE" if pending else "PASS")


def write_summary(out, args, version, results, total, failed, plots, pending=()):
    """summary.json (every metric, for scripts) and summary.md (one row per
    case, to paste into notes): the verdicts of report.md without the prose."""
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    def measured(v):  # a number where it is a finite one (strict JSON has no NaN or Infinity), else text
        number = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
        return float(v) if number and math.isfinite(float(v)) else str(v)

    doc = {"result": verdict(failed, pending), "pending": list(pending), "date": date, "tessera": version,
           "source_commit": source_commit(), "suite": "quick" if args.quick else "full", "device": args.device or "auto",
           "ranks": args.ranks, "plots": plots,
           "pictures": args.pictures.summary() if getattr(args, "pictures", None) is not None else "",
           "seconds": round(total, 1), "failed": failed,
           "cases": [{"name": case.name, "title": case.title_for(args.device),
                      "result": "pass" if case_passed(metrics) else "fail", "seconds": round(seconds, 1),
                      "error": error,
                      "metrics": [{"name": m.name, "measured": measured(m.measured), "measured_text": m.measured_text(),
                                   "tolerance": m.tolerance, "passed": m.passed, "judged": m.judged, "note": m.note} for m in metrics]}
                     for case, metrics, seconds, error, _ in results]}
    (out / "summary.json").write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    lines = ["Validation %s: **%s**, %d case(s), %d failed%s, %.0f s; %s; source %s; %s; %s" % (
        doc["suite"], doc["result"], len(results), len(failed),
        (", %d not run yet (%s)" % (len(pending), ", ".join(pending))) if pending else "", total, version,
        doc["source_commit"], date, "plots written" if plots == "written" else plots), "",
        "| case | result | metrics passed | s | failed metrics |", "|---|---|---|---|---|"]
    for case, metrics, seconds, error, _ in results:
        judged = [m for m in metrics if m.judged]
        bad = "; ".join("%s = %s (%s)" % (m.name, m.measured_text(), m.tolerance) for m in metrics if not m.passed)
        lines.append("| %s | %s | %d/%d | %.0f | %s |" % (case.name, "pass" if case_passed(metrics) else "**FAIL**",
                                                          sum(m.passed for m in judged), len(judged), seconds,
                                                          bad.replace("|", "\\|").replace("\n", " ")))
    (out / "summary.md").write_text("\n".join(lines) + "\n")


def write_report(out, args, tessera, version, exact, results, total, failed, plots, pending=()):
    lines = ["# Tessera validation report", ""]
    lines.append("- tessera: `%s` (`%s`); validation scripts at %s" % (version, tessera, source_commit()))
    lines.append("- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    lines.append("- host: %s, %d cores, %s" % (platform.node(), os.cpu_count() or 0, platform.platform()))
    lines.append("- suite: " + suite_line(args))
    lines.append("- exact Riemann solver: `%s`" % exact)
    lines.append("- plots: written, one PNG per case" if plots == "written" else "- " + plots)
    if getattr(args, "pictures", None) is not None:
        lines.append("- " + args.pictures.summary())
    lines.append("- result: **%s** (%d case(s), %d failed%s), %.0f s" % (
        verdict(failed, pending), len(results), len(failed),
        (", not run yet: " + ", ".join(pending)) if pending else "", total))
    lines += ["", "| case | metric | measured | tolerance | result |", "|---|---|---|---|---|"]
    for case, metrics, seconds, error, _ in results:
        for i, m in enumerate(metrics):
            note = (" (%s)" % m.note.replace("|", "\\|").replace("\n", " ")) if m.note else ""
            lines.append("| %s | %s%s | %s | %s | %s |" % (case.name if i == 0 else "", m.name.replace("|", "\\|"), note,
                                                          m.measured_text(), m.tolerance,
                                                          m.verdict().replace("FAIL", "**FAIL**")))
    lines += ["", "## Cases", ""]
    for case, metrics, seconds, error, commands in results:
        ok = case_passed(metrics)
        lines.append("### %s (%s, %.1f s)" % (case.name, "pass" if ok else "FAIL", seconds))
        lines.append("")
        lines.append(case.title_for(args.device) + ("" if not case.__doc__ else "\n\n" + " ".join(case.__doc__.split())))
        lines.append("")
        if plots != "written":
            lines.append("(%s)" % plots)
            lines.append("")
        elif (out / (case.name + ".png")).exists():
            lines.append("![%s](%s.png)" % (case.name, case.name))
            lines.append("")
        for png, caption in getattr(case, "rendered", []):
            lines.append("![%s](%s)" % (caption, png) if png else "(picture not rendered: %s)" % caption)
            lines.append("")
            if png and caption:
                lines.append("*%s*" % caption)
                lines.append("")
        if commands:
            lines.append("```")
            lines += commands
            lines.append("```")
            lines.append("")
    (out / "report.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
