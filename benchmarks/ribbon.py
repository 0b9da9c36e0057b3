"""The ribbon's round trip for 校验 (validate): one click, through each adapter, beside its floors.

In Excel a button runs ``RunPython "import xlsuite.excel; xlsuite.excel.run('validate')"``
and xlwings starts a fresh Python for every click. Excel is not on this machine,
so the xlwings adapter runs against the tests' stand-in for xlwings' Book
(openpyxl behind xlwings' API): loading that stand-in is what Excel does not pay
(the workbook is open), so it is timed apart and taken off, and the click's process
ends without tearing it down (``os._exit``); the calls the action
makes on the Book, each a COM round trip in Excel, are counted. Measured in one
run, each the median of ``--repeat``:

- the floor: the bare interpreter (``python -c pass``), what every click starts;
- a click through the xlwings adapter in a fresh process: interpreter, xlwings' own
  import (RunPython's command line imports xlwings first; xlwings then imports pandas
  and numpy, which xlsuite installs), xlsuite's imports, the action (the stand-in's own
  import and workbook load shown apart);
- ``xlsuite excel validate --workbook`` in a fresh process: the openpyxl adapter
  (loads the file, validates, saves it);
- the action alone in a warm process, through each adapter: what a click costs
  when the interpreter stays up between clicks (``xlsuite addin install --server``).

Beside each wall-clock figure, in brackets, the CPU seconds it used: on a busy
machine the wall clock mostly measures the other programs.

Goal: a click of 校验 on an open workbook in 1 s or less.

Run: .venv/bin/python benchmarks/ribbon.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import median_of  # noqa: E402

SEED = ROOT / "examples" / "xiamen-city-2020.pdf.txt"
GOAL = 1.0

# One click through the xlwings adapter, in a fresh interpreter: prints its phases as JSON.
CLICK = """
import importlib, json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import xlwings  # RunPython's command line imports xlwings before the button's code runs
tx, cx = time.perf_counter(), time.process_time()
sys.path.insert(0, {root!r})
import xlsuite.excel
from xlsuite.excel.dispatch import BY_TAG, dispatch
from xlsuite.excel.xlwings_adapter import XlwingsAdapter
importlib.import_module("xlsuite.excel.actions." + BY_TAG["validate"].module)
t1, c1 = time.perf_counter(), time.process_time()
from tests.test_excel_xlwings_adapter import Book, Sheet
calls = [0]
real_range = Sheet.range
def counted(self, *a, **k):
    calls[0] += 1
    return real_range(self, *a, **k)
Sheet.range = counted
t2, c2 = time.perf_counter(), time.process_time()
book = Book({path!r})
t3, c3 = time.perf_counter(), time.process_time()
dispatch("validate", XlwingsAdapter(book, message_box=book.app.message_box))
t4, c4 = time.perf_counter(), time.process_time()
print(json.dumps({{"xlwings_import": tx - t0, "imports": t1 - tx, "standin_import": t2 - t1, "book_load": t3 - t2,
                  "action": t4 - t3, "cpu_xlwings": cx - c0, "cpu_imports": c1 - cx, "cpu_standin": c3 - c1,
                  "cpu_action": c4 - c3, "range_calls": calls[0]}}))
sys.stdout.flush()
import os
os._exit(0)  # tearing down the stand-in's openpyxl workbook and modules (about 0.5 s) is not what Excel pays
"""


def xlsuite() -> list[str]:
    script = Path(sys.executable).with_name("xlsuite")
    return [str(script)] if script.exists() else [sys.executable, "-m", "xlsuite"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed
    from tests.test_excel_xlwings_adapter import Book
    from xlsuite.excel.dispatch import dispatch
    from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
    from xlsuite.excel.xlwings_adapter import XlwingsAdapter
    from xlsuite.readers import read_report
    from xlsuite.workbook import write_workbook

    with tempfile.TemporaryDirectory() as d:
        seed = write_workbook(read_report(SEED), Path(d) / "seed.xlsx")
        work = Path(d) / "work.xlsx"
        click_code = CLICK.format(root=str(ROOT), path=str(work))
        walls: dict[str, list[float]] = {"floor": [], "xlwings": [], "cli": []}
        cpus: dict[str, list[float]] = {"floor": [], "xlwings": [], "cli": []}
        phases: list[dict] = []
        for n in range(args.repeat + 1):  # the first round writes the bytecode caches
            for name, argv in (("floor", [sys.executable, "-c", "pass"]),
                               ("xlwings", [sys.executable, "-c", click_code]),
                               ("cli", [*xlsuite(), "excel", "validate", "--workbook", str(work)])):
                shutil.copy(seed, work)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                run = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
                wall = time.perf_counter() - t
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if run.returncode not in (0, 1):  # 1: the checks fail, still a finished click
                    print(run.stderr, file=sys.stderr)
                    return 2
                if n:
                    walls[name].append(wall)
                    cpus[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                    if name == "xlwings":
                        phases.append(json.loads(run.stdout.strip().splitlines()[-1]))

        def warm_xlwings():
            shutil.copy(seed, work)
            book = Book(str(work))
            t, c = time.perf_counter(), time.process_time()
            dispatch("validate", XlwingsAdapter(book, message_box=book.app.message_box))
            return time.perf_counter() - t, time.process_time() - c

        def warm_openpyxl():
            shutil.copy(seed, work)
            dispatch("validate", OpenpyxlAdapter(work, {}))

        warm_xlwings()
        warm_runs = [warm_xlwings() for _ in range(args.repeat)]
        warm_x = statistics.median(w for w, _ in warm_runs)
        warm_x_cpu = statistics.median(c for _, c in warm_runs)
        warm_o = median_of(args.repeat, warm_openpyxl)

    med = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    part = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    standin = part["standin_import"] + part["book_load"]
    click = med["xlwings"] - standin
    click_cpu = cpu["xlwings"] - part["cpu_standin"]
    print(f"校验 (validate) on {SEED.name}'s workbook, median of {args.repeat}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("  (wall seconds; CPU seconds of the process in brackets, the figure load disturbs least)")
    print(f"  floor: the interpreter a click starts (python -c pass)            {med['floor']:6.3f} s  "
          f"[{cpu['floor']:.3f}]")
    print(f"  fresh process, xlwings adapter (stand-in Book), whole             {med['xlwings']:6.3f} s  "
          f"[{cpu['xlwings']:.3f}]")
    print(f"    of which the stand-in's import and workbook load (not in Excel) {standin:6.3f} s")
    print(f"    xlwings' own import (it loads pandas and numpy when installed)  {part['xlwings_import']:6.3f} s  "
          f"[{part['cpu_xlwings']:.3f}]")
    print(f"    imports: xlsuite.excel and the action's module (as RunPython)   {part['imports']:6.3f} s  "
          f"[{part['cpu_imports']:.3f}]")
    print(f"    the action (Book calls: {part['range_calls']:.0f} ranges, each a COM call in Excel)    "
          f"{part['action']:6.3f} s  [{part['cpu_action']:.3f}]")
    print(f"  => one click, RunPython as shipped (fresh interpreter), COM excluded {click:6.3f} s  "
          f"[{click_cpu:.3f}]  ({click / med['floor']:.1f}x the interpreter)  "
          f"goal {GOAL:.1f} s: {'met' if click <= GOAL else 'NOT met'}")
    print(f"  fresh process, openpyxl adapter (xlsuite excel validate --workbook)  {med['cli']:6.3f} s  "
          f"[{cpu['cli']:.3f}]")
    print(f"  warm process (xlsuite addin install --server), the action alone: xlwings adapter {warm_x:6.3f} s "
          f"[{warm_x_cpu:.3f}], openpyxl adapter (load + save) {warm_o:6.3f} s")
    return 0 if click <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
