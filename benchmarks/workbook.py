"""Standard workbook speed: build+save, and read_values against openpyxl on the same files.

    python benchmarks/workbook.py [N]

Prints per-workbook times. The baseline for reading is openpyxl (read-only,
data_only) loading the same files in the same run; read_values (zip defined
names + calamine) should stay several times faster, since the roll-up reads a
thousand workbooks.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from xlsuite.readers import read_report
from xlsuite.workbook import build_workbook, read_values, save_atomic
from xlsuite.workbook import layout as L

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples"


def main(n: int = 20) -> None:
    reports = [read_report(p) for p in sorted(SEEDS.iterdir())]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        t0 = time.perf_counter()
        for i in range(n):
            r = reports[i % len(reports)]
            paths.append(save_atomic(build_workbook(r), Path(tmp) / f"{i}.xlsx"))
        build = (time.perf_counter() - t0) / n

        t0 = time.perf_counter()
        ours = [read_values(p) for p in paths]
        fast = (time.perf_counter() - t0) / n

        t0 = time.perf_counter()
        for p, (meta, _values) in zip(paths, ours):
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            for key in list(_values)[:1] + ["requests.total.total"]:
                sheet, ref = L.cell_of(meta["form"], key)
                wb[sheet][ref].value
            wb.close()
        base = (time.perf_counter() - t0) / n
    print(f"build+save   {build * 1000:7.1f} ms per workbook ({n} workbooks)")
    print(f"read_values  {fast * 1000:7.1f} ms per workbook (all keys, meta)")
    print(f"openpyxl     {base * 1000:7.1f} ms per workbook (baseline: open and read two cells)")
    print(f"read_values is {base / fast:.1f}x faster than the openpyxl baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
