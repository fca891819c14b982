#!/usr/bin/python3
"""The runner itself: it must run where matplotlib is missing (the GPU
machine), say so in the report, and write summary.json / summary.md that
agree with it; --device gpu must select the GPU-sized cases.

    validation/test_runner.py TESSERA EXACT_RIEMANN

matplotlib is hidden by a package of that name, first on PYTHONPATH, whose
import raises ImportError, as on a machine without it. The suite's cheapest
real case (nbody_kepler, a few seconds) is run through it.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESSERA, EXACT = (str(Path(p).resolve()) for p in sys.argv[1:3])


def runner(args, hide_matplotlib, cwd):
    env = dict(os.environ)
    if hide_matplotlib:
        fake = Path(cwd) / "no_matplotlib" / "matplotlib"
        fake.mkdir(parents=True, exist_ok=True)
        (fake / "__init__.py").write_text('raise ImportError("No module named \'matplotlib\' (hidden by the test)")\n')
        env["PYTHONPATH"] = os.pathsep.join([str(fake.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    return subprocess.run([sys.executable, str(HERE / "run.py")] + args, capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


class Runner(unittest.TestCase):
    def test_without_matplotlib(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "v"
            r = runner(["--cases", "nbody_kepler", "--tessera", TESSERA, "--exact", EXACT, "--out", str(out)], True, tmp)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("plots skipped: matplotlib not available", r.stdout)
            report = (out / "report.md").read_text()
            self.assertIn("\n- plots skipped: matplotlib not available\n", report)
            self.assertEqual(list(out.glob("*.png")), [])
            summary = json.loads((out / "summary.json").read_text())
            self.assertEqual(summary["result"], "PASS")
            self.assertEqual(summary["plots"], "plots skipped: matplotlib not available")
            self.assertEqual([c["name"] for c in summary["cases"]], ["nbody_kepler"])
            case = summary["cases"][0]
            self.assertEqual(case["result"], "pass")
            # Every metric of the report's table is in the JSON, with its number.
            rows = [line for line in report.splitlines() if line.startswith("| ") and "---" not in line][1:]
            self.assertEqual(len(rows), len(case["metrics"]))
            for m in case["metrics"]:
                self.assertTrue(m["passed"])
                self.assertIsInstance(m["measured"], float)
                self.assertIn(m["measured_text"], report)
            table = (out / "summary.md").read_text().splitlines()
            self.assertIn("**PASS**", table[0])
            n = len(case["metrics"])
            self.assertTrue(any(line.startswith("| nbody_kepler | pass | %d/%d |" % (n, n)) for line in table), table)

    def test_failing_case_exit_status_and_summary(self):
        # A tessera that cannot run: the case fails, the suite says which and exits 1.
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "v"
            bad = Path(tmp) / "tessera"
            bad.write_text("#!/bin/sh\necho 'tessera (fake)'; [ \"$1\" = --version ] || exit 3\n")
            bad.chmod(0o755)
            r = runner(["--cases", "nbody_kepler", "--tessera", str(bad), "--exact", EXACT, "--out", str(out)], True, tmp)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            summary = json.loads((out / "summary.json").read_text())
            self.assertEqual(summary["result"], "FAIL")
            self.assertEqual(summary["failed"], ["nbody_kepler"])
            self.assertIn("exit 3", summary["cases"][0]["error"])

    def test_gpu_selects_gpu_sizes(self):
        with tempfile.TemporaryDirectory() as tmp:
            cpu = runner(["--list", "--tessera", TESSERA], True, tmp)
            gpu = runner(["--list", "--device", "gpu", "--tessera", TESSERA], True, tmp)
            self.assertEqual(cpu.returncode, 0, cpu.stderr)
            self.assertEqual(gpu.returncode, 0, gpu.stderr)
            lines = lambda r: {l.split()[0]: l for l in r.stdout.splitlines() if l.strip()}
            c, g = lines(cpu), lines(gpu)
            self.assertEqual(sorted(c), sorted(g))
            self.assertIn("64^3", c["taylor_green"])
            self.assertIn("256^3", g["taylor_green"])
            self.assertIn("64^3", c["sedov_spherical"])
            self.assertIn("128^3", g["sedov_spherical"])
            self.assertIn("128^3", c["incompressible_tgv3d"])
            self.assertIn("256^3", g["incompressible_tgv3d"])
            # A GPU-only case is listed as such and refused on the host (usage error).
            self.assertEqual(c["incompressible_tgv3d_512"].split()[1], "gpu")
            r = runner(["--cases", "incompressible_tgv3d_512", "--tessera", TESSERA, "--out", tmp], True, tmp)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("GPU-only", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
