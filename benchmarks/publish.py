"""What publishing costs: building the Word document, and the PDF batched or not.

For each seed workbook: the time to read the workbook (the baseline, measured
in this run) and to build and save its .docx. Then the PDFs of all of them:
one LibreOffice call per document (what a naive loop would do, the baseline)
against one call for all (``xlsuite.publish.to_pdf``), which the tests use.

Run: .venv/bin/python benchmarks/publish.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best_of  # noqa: E402

from xlsuite.publish import publish, read_workbook_report, to_pdf  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

SEEDS = ROOT / "examples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md", ".html") and ".web." not in p.name)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = []
        print(f"{'sample':<28} {'read wb ms':>10} {'docx ms':>8}")
        for p in files:
            stem = p.name.rsplit(".", 1)[0]
            wb = write_workbook(read_report(p), tmp / f"{stem}.xlsx")
            out = tmp / f"{stem}.docx"
            t_read = best_of(args.repeat, lambda: read_workbook_report(wb))
            t_docx = best_of(args.repeat, lambda: publish(wb, out, overwrite=True))
            docs.append(out)
            print(f"{p.name:<28} {t_read * 1000:>10.0f} {t_docx * 1000:>8.0f}")
        one_by_one = tmp / "one"
        one_by_one.mkdir()
        copies = [Path(shutil.copy(d, one_by_one / d.name)) for d in docs]
        t = time.perf_counter()
        for c in copies:
            to_pdf([c])
        t_single = time.perf_counter() - t
        t = time.perf_counter()
        to_pdf(docs)
        t_batch = time.perf_counter() - t
    n = len(docs)
    print(f"PDF, one soffice call per document (baseline): {t_single:.1f} s for {n} ({t_single / n:.2f} s each)")
    print(f"PDF, one soffice call for all (to_pdf):        {t_batch:.1f} s for {n} ({t_batch / n:.2f} s each), "
          f"{t_single / t_batch:.1f}x faster")


if __name__ == "__main__":
    main()
