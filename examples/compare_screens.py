"""The pictures in docs/compare.md: 上年对比, 文字对比 and 看板 as LibreOffice prints them.

    python examples/compare_screens.py [-o docs/img] [--dpi 80]

上年对比 and 文字对比 compare the two 洪泽区 reports in examples/; the 看板 is
the roll-up of 42 synthetic agencies (the 厦门市 2020 figures split 42 ways,
last year's split another way). One soffice call renders the three sheets;
pdftoppm (Debian: poppler-utils) turns each first page into a PNG.
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from xlsuite.compare import compare
from xlsuite.compare.workbook import COMPARE, TEXT, build_comparison
from xlsuite.forms import get_form
from xlsuite.model import Meta, Report, Value
from xlsuite.rollup.core import Entry, consolidate
from xlsuite.rollup.dashboard import DASHBOARD, PreviousYear
from xlsuite.rollup.synth import synthetic_reports
from xlsuite.rollup.workbook import total_bytes
from xlsuite.workbook.recalc import convert

HERE = Path(__file__).resolve().parent


def only(wb, sheet: str):
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == sheet else "hidden"
    wb.active = wb.sheetnames.index(sheet)
    return wb


def dashboard_book(path: Path) -> None:
    import openpyxl
    from io import BytesIO

    xiamen = __import__("json").loads((HERE.parent / "tests" / "golden" / "xiamen-city-2020.pdf.json")
                                      .read_text(encoding="utf-8"))["values"]

    def total(year: int) -> Report:
        return Report(Meta(agency="厦门市人民政府", year=year, form="gov2019"),
                      {k: Value(xiamen[k]) for k in get_form("gov2019").keys()})

    now = synthetic_reports(total(2020), 42, seed=2020)
    before = synthetic_reports(total(2019), 42, seed=2019, names=[r.meta.agency for r in now])
    result = consolidate([Entry(f"{r.meta.agency}.xlsx", r) for r in now], agency="厦门市", year=2020)
    last = consolidate([Entry(f"{r.meta.agency}.xlsx", r) for r in before], agency="厦门市", year=2019,
                       cross_year=None)
    prev = PreviousYear(last.total, {e.report.meta.agency: e.report for e in last.entries})
    wb = openpyxl.load_workbook(BytesIO(total_bytes(result, previous=prev)))
    only(wb, DASHBOARD).save(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--outdir", default=str(HERE.parent / "docs" / "img"))
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)
    outdir = Path(args.outdir)
    cmp = compare(HERE / "huaian-hongze-2023.pdf", HERE / "huaian-hongze-2024.pdf")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        books = {"compare-sheet": COMPARE, "compare-text": TEXT}
        for stem, sheet in books.items():
            only(build_comparison(cmp), sheet).save(tmp / f"{stem}.xlsx")
        dashboard_book(tmp / "dashboard.xlsx")
        stems = [*books, "dashboard"]
        convert([tmp / f"{s}.xlsx" for s in stems], tmp, "pdf")
        for stem in stems:
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
                            str(tmp / f"{stem}.pdf"), str(outdir / stem)], check=True)
            print(outdir / f"{stem}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
