"""Render standard workbooks to PNG pictures: LibreOffice -> PDF -> pdftoppm.

    python examples/render_workbook.py SOURCE_OR_WORKBOOK... [-o OUTDIR] [--dpi 70]

A report source (text, HTML, PDF …) is imported first; a workbook is rendered
as it is. Each sheet prints on its own A4 page(s); the PNGs are named
``<stem>-<page>.png``. Needs LibreOffice and pdftoppm (Debian: poppler-utils).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xlsuite.readers import read_report, sniff
from xlsuite.workbook import write_workbook
from xlsuite.workbook.recalc import convert


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", nargs="+")
    ap.add_argument("-o", "--outdir", default="render")
    ap.add_argument("--dpi", type=int, default=70)
    args = ap.parse_args(argv)
    if not shutil.which("pdftoppm"):
        print("pdftoppm not found: apt-get install -y poppler-utils", file=sys.stderr)
        return 2
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        books = []
        for src in args.sources:
            if sniff(src) == "workbook":
                books.append(Path(src))
            else:
                report = read_report(src)
                books.append(write_workbook(report, Path(tmp) / f"{Path(src).stem}.xlsx"))
        convert(books, outdir, "pdf")
        for book in books:
            pdf = outdir / f"{book.stem}.pdf"
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(outdir / book.stem)], check=True)
            print(pdf)
    for png in sorted(outdir.glob("*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
