"""How long the ribbon actions take on a seed workbook, against a floor measured in the same run.

The floor is what any action on an ``.xlsx`` must do at least: load the
workbook with openpyxl and save it again. Each action's time is printed with
its multiple of that floor, plus the time to build the add-in.

Run: .venv/bin/python benchmarks/excel_actions.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best_of  # noqa: E402

import openpyxl  # noqa: E402

from xlsuite.excel.addin import build_addin  # noqa: E402
from xlsuite.excel.dispatch import dispatch  # noqa: E402
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

SEEDS = ROOT / "examples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        seed = write_workbook(read_report(SEEDS / "xiamen-city-2020.pdf.txt"), d / "seed.xlsx")
        work = d / "work.xlsx"
        other = str(SEEDS / "fj-industry-2020.pdf.txt")

        def fresh():
            shutil.copy(seed, work)

        def floor():
            fresh()
            openpyxl.load_workbook(work).save(work)

        def action(tag, **answers):
            def go():
                fresh()
                dispatch(tag, OpenpyxlAdapter(work, answers))
            return go

        base = best_of(args.repeat, floor)
        print(f"floor (openpyxl load + save of the workbook): {base:.3f} s")
        for tag, answers in (("validate", {}), ("reimport", {"file": other}), ("about", {})):
            t = best_of(args.repeat, action(tag, **answers))
            print(f"{tag:9s} {t:.3f} s  ({t / base:.1f}x floor)")
        t = best_of(args.repeat, lambda: build_addin(d / "xlsuite.xlam"))
        print(f"addin build {t:.3f} s")


if __name__ == "__main__":
    main()
