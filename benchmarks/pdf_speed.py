"""Seconds per page of the PDF reader against pdfplumber's generic ``extract_tables()``.

The input is one PDF of 10+ pages made by joining the two real published
reports and the generated fixtures (ruled and borderless pages, narrative pages
and table pages alike). In the same run and on the same file it times:

- pdfplumber ``extract_tables()`` on every page (the baseline: a generic table pass),
- our reader (``xlsuite.readers.pdf.load``): pdfium words everywhere, pdfplumber's
  table finder only on pages that draw a ruling grid,
- our reader with ``ruling_lines=False`` (word positions only, pdfium throughout).

Each figure is the best of ``--repeat`` runs. The goal: ours within 2x of the baseline.

Run: .venv/bin/python benchmarks/pdf_speed.py [--repeat 3] [--fixtures 4]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best_of  # noqa: E402

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from xlsuite.readers import pdf as pdf_reader  # noqa: E402
from xlsuite.readers.options import ReadOptions  # noqa: E402

SHARED = ROOT.parent / "shared"
GENERATED = ROOT / "tests" / "fixtures" / "generated"


def joined_pdf(dest: Path, n_fixtures: int) -> int:
    """Real reports first, then generated fixtures alternating styles; returns the page count."""
    real = sorted((SHARED / "realpdf").glob("*.pdf")) if (SHARED / "realpdf").is_dir() else []
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
    print(f"{pages} pages, best of {args.repeat}")
    for label, secs in (("pdfplumber extract_tables()", base), ("xlsuite PDF reader", ours),
                        ("xlsuite PDF reader, word positions only", words)):
        print(f"{label:<42} {secs:7.3f} s  {1000 * secs / pages:7.1f} ms/page  {secs / base:5.2f}x baseline")
    ok = ours <= 2 * base
    print("within 2x of extract_tables():", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
