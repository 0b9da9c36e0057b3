"""Seconds per page of OCR on this machine's CPU, against reading the same pages' text layer.

The real report (huaian-hongze-2024, gov2021) is rasterised to an image-only
PDF (grayscale JPEG pages, 150 dpi by default, 200 with --dpi 200). Measured in
the same run: reading the original PDF through its text layer (the baseline),
the full OCR read of the scan, and its parts per page: the budgets' checks
(xlsuite.limits), rendering, erasing the rules, and the engine (detection and
recognition); the peak memory of the read. The engine's threads use
every core; load from other programs shows directly in the figures.

Run: .venv/bin/python benchmarks/ocr_speed.py [--dpi 150] [--pages 4]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from make_ocr_fixtures import VARIANTS, Variant, make_image_pdf  # noqa: E402
from xlsuite.ocr.engine import engine, erase_rules  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402

SOURCE = ROOT / "examples" / "huaian-hongze-2024.pdf"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--pages", type=int, default=4, help="first N pages (tables are on 2-4)")
    args = ap.parse_args()
    pages = list(range(1, args.pages + 1))
    with tempfile.TemporaryDirectory() as tmp:
        scan = Path(tmp) / "scan.pdf"
        make_image_pdf(SOURCE, scan, Variant("bench", args.dpi, quality=VARIANTS["150dpi"].quality), pages=pages)

        t = time.perf_counter()
        read_report(SOURCE, ocr="never")
        text_layer = (time.perf_counter() - t) / len(pdfium.PdfDocument(str(SOURCE)))

        t = time.perf_counter()
        engine()
        load = time.perf_counter() - t

        t = time.perf_counter()
        report = read_report(scan, ocr_dpi=args.dpi)
        full = (time.perf_counter() - t) / len(pages)
        filled = sum(1 for v in report.values.values() if v.value is not None)

        # The budgets' own work on this file (issue 19): every compressed stream inflated with a cap,
        # the page sizes read, before the reader proper starts.
        from xlsuite.limits import current
        from xlsuite.readers import guard

        t = time.perf_counter()
        guard.check_pdf_streams(str(scan), current())
        doc = pdfium.PdfDocument(str(scan))
        guard.check_pages(str(scan), [doc[i].get_size() for i in range(len(doc))], current())
        doc.close()
        budgets = (time.perf_counter() - t) / len(pages)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        render, rules, ocr = [], [], []
        doc = pdfium.PdfDocument(str(scan))
        for n in pages:
            t = time.perf_counter()
            gray = np.asarray(doc[n - 1].render(scale=args.dpi / 72, grayscale=True).to_pil().convert("L"))
            render.append(time.perf_counter() - t)
            t = time.perf_counter()
            erase_rules(gray)
            rules.append(time.perf_counter() - t)
            t = time.perf_counter()
            engine().words(gray)
            ocr.append(time.perf_counter() - t)
        doc.close()

    print(f"OCR speed, {SOURCE.name} pages 1-{len(pages)} at {args.dpi} dpi (image-only PDF)")
    print(f"  baseline, text layer read (same report): {text_layer:8.3f} s/page")
    print(f"  engine start (models load, once):        {load:8.3f} s")
    print(f"  OCR read, whole pipeline:                {full:8.3f} s/page  ({full / text_layer:.0f}x the text layer; "
          f"{filled} values read)")
    print(f"    the budgets' checks (streams, pages):  {budgets:8.3f} s/page  ({budgets / full:.1%} of the OCR read)")
    print(f"    peak memory, this process so far:      {peak:8.0f} MB (OCR pages rendered within {current().ocr_pixels:,} pixels)")
    print(f"    render page:                           {statistics.mean(render):8.3f} s/page")
    print(f"    erase ruling lines:                    {statistics.mean(rules):8.3f} s/page")
    print(f"    engine words (incl. erase):            {statistics.mean(ocr):8.3f} s/page "
          f"(min {min(ocr):.2f}, max {max(ocr):.2f})")


if __name__ == "__main__":
    main()
