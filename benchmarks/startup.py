"""Whole-process seconds of the single actions staff wait for, beside their floors, in one run.

Each figure is the median of ``--repeat`` fresh processes, the commands taking
turns so that load from other programs falls on all of them alike, after one
round that writes the bytecode caches (as an installed package has them). Beside
the wall-clock time, the CPU time the process used (user + system): on a busy
machine it stays near the idle figure while the wall clock does not.

- the floors: the bare interpreter (``python -c pass``), and the interpreter
  importing click (what any click command pays);
- the baseline: what every command paid at start before the lazy imports (the
  interpreter importing click, pandas and openpyxl, as the old ``xlsuite.cli``
  did for every command, ``--help`` included);
- ``xlsuite --help`` (goal: 0.15 s);
- ``xlsuite extract`` of one Markdown report, ``--json`` (goal: 0.30 s).

Run: .venv/bin/python benchmarks/startup.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = ROOT / "examples" / "shishi-commerce-2019.md"


def xlsuite() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m xlsuite``."""
    script = Path(sys.executable).with_name("xlsuite")
    return [str(script)] if script.exists() else [sys.executable, "-m", "xlsuite"]


def medians(commands: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float]]:
    """name -> (median wall seconds, median CPU seconds) of ``repeat`` runs, after a warm-up round."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for n in range(repeat + 1):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if n:
                times[name].append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    return {name: (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts))
            for name, ts in times.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import click'": [py, "-c", "import click"],
        "baseline: click + pandas + openpyxl": [py, "-c", "import click, pandas, openpyxl"],
        "xlsuite --help": [*xlsuite(), "--help"],
        f"xlsuite extract {MARKDOWN.name} --json": [*xlsuite(), "extract", str(MARKDOWN), "--json"],
    }
    got = medians(commands, args.repeat)
    goals = {"xlsuite --help": 0.15, f"xlsuite extract {MARKDOWN.name} --json": 0.30}
    floor, base = got["python -c pass"][0], got["baseline: click + pandas + openpyxl"][0]
    print(f"whole process, median of {args.repeat} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'':<48} {'wall':>7}  {'cpu':>6}  {'wall/interpreter':>16}  {'wall/baseline':>13}")
    met = True
    for name, (wall, cpu) in got.items():
        line = f"{name:<48} {wall:6.3f}s  {cpu:5.3f}s  {wall / floor:15.1f}x  {wall / base:12.2f}x"
        if name in goals:
            ok = wall <= goals[name]
            met &= ok
            line += f"  goal {goals[name]:.2f} s: {'met' if ok else 'NOT met'}"
        print(line)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
