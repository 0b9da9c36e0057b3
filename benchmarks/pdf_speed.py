"""Seconds per page of the PDF reader against pdfplumber's generic ``extract_tables()``.

The input is one PDF of 10+ pages made by joining the two real published
reports and the generated fixtures (ruled and borderless pages, narrative pages
and table pages alike). In the same run and on the same file it times:

- pdfplumber ``extract_tables()`` on every page (the baseline: a generic table pass),
- our reader (``xlsuite.readers.pdf.load``): one pdfium pass for every page's words,
  and on pages that draw a ruling grid pdfplumber's table finder over pdfium's
  page objects (``readers/pdf_tables.py``: pdfminer never runs),
- our reader with ``ruling_lines=False`` (word positions only, pdfium throughout).

Each figure is the best of ``--repeat`` runs. The goal: ours within 2x of the baseline.

Then, whole processes on the 5-page real report (``examples/huaian-hongze-2024.pdf``), the
median of ``--repeat`` runs taking turns: ``xlsuite extract --json`` against a plain
pdfplumber script (``extract_tables()`` and ``extract_text()`` on every page). The goal:
``xlsuite`` within 1.2x of the plain script.

Run: .venv/bin/python benchmarks/pdf_speed.py [--repeat 3] [--fixtures 4]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best_of  # noqa: E402

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from xlsuite.readers import pdf as pdf_reader  # noqa: E402
from xlsuite.readers.options import ReadOptions  # noqa: E402

GENERATED = ROOT / "tests" / "fixtures" / "generated"


def joined_pdf(dest: Path, n_fixtures: int) -> int:
    """Real reports first, then generated fixtures alternating styles; returns the page count."""
    real = sorted((ROOT / "examples").glob("*.pdf"))
    ruled, plain = sorted(GENERATED.glob("*.ruled.pdf")), sorted(GENERATED.glob("*.plain.pdf"))
    fixtures = [f for pair in zip(ruled, plain) for f in pair]
    sources = real + fixtures[:n_fixtures]
    out = pdfium.PdfDocument.new()
    for src in sources:
        doc = pdfium.PdfDocument(src)
        out.import_pages(doc)
        doc.close()
    pages = len(out)
    out.save(dest)
    out.close()
    return pages


def plumber_tables(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


PLAIN_SCRIPT = """import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_tables()
        page.extract_text()
"""
REAL = ROOT / "examples" / "huaian-hongze-2024.pdf"


def whole_process(repeat: int, workdir: Path) -> tuple[float, float]:
    """Medians (plain pdfplumber script, xlsuite extract --json) on the real report, runs taking turns."""
    script = workdir / "plain_pdfplumber.py"
    script.write_text(PLAIN_SCRIPT, encoding="utf-8")
    xlsuite = Path(sys.executable).with_name("xlsuite")
    ours = [str(xlsuite)] if xlsuite.exists() else [sys.executable, "-m", "xlsuite"]
    commands = [[sys.executable, str(script), str(REAL)], [*ours, "extract", str(REAL), "--json"]]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode cached
    times: list[list[float]] = [[], []]
    for n in range(repeat + 1):
        for i, argv in enumerate(commands):
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
            if n:  # the first round writes the bytecode caches
                times[i].append(time.perf_counter() - t)
    plain, xl = (statistics.median(ts) for ts in times)
    return plain, xl


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fixtures", type=int, default=4, help="generated fixture PDFs to join after the real ones")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "joined.pdf"
        pages = joined_pdf(path, args.fixtures)
        if pages < 10:
            print(f"only {pages} pages; add --fixtures")
            return 1
        base = best_of(args.repeat, lambda: plumber_tables(path))
        ours = best_of(args.repeat, lambda: pdf_reader.load(str(path), ReadOptions(ocr="never")))
        words = best_of(args.repeat, lambda: pdf_reader.load(str(path), ReadOptions(ocr="never", ruling_lines=False)))
        plain, xl = whole_process(args.repeat, Path(d))
    print(f"{pages} pages, best of {args.repeat}")
    for label, secs in (("pdfplumber extract_tables()", base), ("xlsuite PDF reader", ours),
                        ("xlsuite PDF reader, word positions only", words)):
        print(f"{label:<42} {secs:7.3f} s  {1000 * secs / pages:7.1f} ms/page  {secs / base:5.2f}x baseline")
    ok = ours <= 2 * base
    print("within 2x of extract_tables():", "yes" if ok else "NO")
    print(f"whole process, {REAL.name} (5 pages), median of {args.repeat}")
    print(f"{'plain pdfplumber script (tables + text)':<42} {plain:7.3f} s")
    print(f"{'xlsuite extract --json':<42} {xl:7.3f} s  {xl / plain:5.2f}x the plain script")
    whole = xl <= 1.2 * plain
    print("within 1.2x of the plain script:", "yes" if whole else "NO")
    return 0 if ok and whole else 1


if __name__ == "__main__":
    sys.exit(main())
