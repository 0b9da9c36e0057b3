"""Seconds per page of OCR on this machine's CPU: xlsuite's engine set-up against RapidOCR's stock one.

The real report (huaian-hongze-2024, gov2021) is rasterised to an image-only
PDF (grayscale JPEG pages, 150 dpi by default, 200 with --dpi 200). Measured in
the same run, the engines taking turns page by page:

- "stock": RapidOCR as xlsuite first used it (text boxes recognised in batches
  of six, onnxruntime's threads spinning while they wait, the detector's input
  scaled in 64-bit floats), the baseline;
- "unfolded": xlsuite's engine with the models as shipped (what "now" was before
  ``xlsuite.ocr.fold``);
- "now": the engine as ``xlsuite.ocr.engine`` builds it (the models folded by
  ``xlsuite.ocr.fold``: the same function, other float rounding).

For each: the whole read (``read_report``: render, OCR, layout, tables, checks)
in seconds per page, wall clock and the CPU time of the process (on a busy
machine the wall clock mostly measures the other programs), then its parts per
page: erasing the ruling lines, detection, recognition, xlsuite's own Python
around the engine (words cut from boxes, wrapped numbers, minus signs, line
heights), and the rest of the read (rendering, layout, tables, checks). Also
the text layer read of the original PDF, the budgets' checks (xlsuite.limits)
and the peak memory. Whether the two engines read the same words is printed
last, with the largest difference in a confidence and in a word's place.

Run: .venv/bin/python benchmarks/ocr_speed.py [--dpi 150] [--pages 4]
"""
from __future__ import annotations

import argparse
import contextlib
import os
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
from xlsuite.ocr import engine as ocr_engine  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402

SOURCE = ROOT / "examples" / "huaian-hongze-2024.pdf"


def unfolded_engine() -> ocr_engine.Engine:
    """xlsuite's engine with the models as RapidOCR ships them (not folded)."""
    saved = ocr_engine._folded
    ocr_engine._folded = lambda path: path
    try:
        return ocr_engine.Engine()
    finally:
        ocr_engine._folded = saved


def stock_engine() -> ocr_engine.Engine:
    """The engine with RapidOCR's own session options and batched recogniser (the baseline)."""
    saved = ocr_engine._session_options
    ocr_engine._session_options = lambda *a, **k: contextlib.nullcontext()
    try:
        e = ocr_engine.Engine()
    finally:
        ocr_engine._session_options = saved
    e._ocr.text_rec = Timed(e._ocr.text_rec._rec)
    del e._ocr.text_det.get_preprocess  # RapidOCR's own scaling of the detector's input
    return e


class Timed:
    """RapidOCR's recogniser, adding up the seconds it takes (as the engine's own does)."""

    def __init__(self, rec) -> None:
        self._rec, self.seconds = rec, 0.0

    def __call__(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return self._rec(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t


@contextlib.contextmanager
def using(e: ocr_engine.Engine):
    """Make ``e`` the process's engine (what the readers call) for a while."""
    saved = ocr_engine._engine
    ocr_engine._engine = e
    try:
        yield
    finally:
        ocr_engine._engine = saved


def keep_words(e: ocr_engine.Engine) -> None:
    """Keep the words of the engine's last page as ``e.last_words`` (to compare the engines)."""
    words = e.words

    def kept(image):
        e.last_words = words(image)
        return e.last_words
    e.words = kept


class Figures:
    def __init__(self) -> None:
        self.read: list[tuple[float, float]] = []  # (wall, cpu) per page of the whole read
        self.parts: dict[str, list[float]] = {}
        self.words: dict[int, list[dict]] = {}
        self.values = 0

    def add(self, part: str, seconds: float) -> None:
        self.parts.setdefault(part, []).append(seconds)


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
        engines = {"stock": stock_engine()}
        load = time.perf_counter() - t
        engines["unfolded"] = unfolded_engine()
        t = time.perf_counter()
        engines["now"] = ocr_engine.engine()
        load_now = time.perf_counter() - t
        figures = {name: Figures() for name in engines}
        doc = pdfium.PdfDocument(str(scan))
        first = np.asarray(doc[0].render(scale=args.dpi / 72, grayscale=True).to_pil().convert("L"))
        doc.close()
        for e in engines.values():  # warm-up: the first run allocates
            e.words(first)
            keep_words(e)

        # The whole read, one page at a time, the engines taking turns (load from other
        # programs then falls on both alike); the engine's parts are those of the same read.
        for n in pages:
            page_scan = Path(tmp) / f"page{n}.pdf"
            one = pdfium.PdfDocument.new()
            one.import_pages(pdfium.PdfDocument(str(scan)), [n - 1])
            one.save(str(page_scan))
            for name, e in engines.items():
                f = figures[name]
                with using(e):
                    t, c = time.perf_counter(), time.process_time()
                    report = read_report(page_scan, ocr_dpi=args.dpi)
                    wall = time.perf_counter() - t
                f.read.append((wall, time.process_time() - c))
                f.values += sum(1 for v in report.values.values() if v.value is not None)
                f.words[n] = e.last_words
                times = e.times
                for part in ("rules", "detect", "recognize", "words"):
                    f.add(part, times[part])
                f.add("python", times["words"] - times["rules"] - times["detect"] - times["recognize"])
                f.add("rest", wall - times["words"])

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

    mean = statistics.mean
    print(f"OCR speed, {SOURCE.name} pages 1-{len(pages)} at {args.dpi} dpi (image-only PDF), "
          f"{ocr_engine.threads()} threads; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  baseline, text layer read (same report): {text_layer:8.3f} s/page")
    print(f"  engine start (models load, once):        {load:8.3f} s stock, {load_now:.3f} s now (folding)")
    print(f"  the budgets' checks (streams, pages):    {budgets:8.3f} s/page")
    print(f"  peak memory, this process:               {peak:8.0f} MB "
          f"(OCR pages rendered within {current().ocr_pixels:,} pixels)")
    print(f"  {'':46s} {'stock':>7s} {'unfolded':>8s} {'now':>7s}  (stock/now)")
    rows = [("OCR read, whole pipeline, wall", lambda f: mean(w for w, _ in f.read)),
            ("  CPU time of the process", lambda f: mean(c for _, c in f.read)),
            ("  erase ruling lines", lambda f: mean(f.parts["rules"])),
            ("  detection", lambda f: mean(f.parts["detect"])),
            ("  recognition", lambda f: mean(f.parts["recognize"])),
            ("  xlsuite's Python around the engine", lambda f: mean(f.parts["python"])),
            ("  engine words, in all", lambda f: mean(f.parts["words"])),
            ("  render, layout, tables, checks", lambda f: mean(f.parts["rest"]))]
    for label, fig in rows:
        stock, unfolded, now = (fig(figures[name]) for name in ("stock", "unfolded", "now"))
        print(f"  {label + ' (s/page)':46s} {stock:7.3f} {unfolded:8.3f} {now:7.3f}  ({stock / now:.1f}x)")
    print(f"  {'values read':46s} {figures['stock'].values:7d} {figures['unfolded'].values:8d} "
          f"{figures['now'].values:7d}")
    # The folded models (xlsuite.ocr.fold) compute the same function with other float rounding:
    # the texts must be the same, boxes and confidences the same within that rounding.
    confidence = place = 0.0
    same_texts = True
    for n in pages:
        a, b = figures["stock"].words[n], figures["now"].words[n]
        if [w["text"] for w in a] != [w["text"] for w in b]:
            same_texts = False
            print(f"    page {n}: {len(a)} words -> {len(b)}; texts differ")
            continue
        for x, y in zip(a, b):
            confidence = max(confidence, abs(x["confidence"] - y["confidence"]))
            place = max([place] + [abs(x[k] - y[k]) for k in ("x0", "x1", "top", "bottom")])
    print(f"  the same words: {'yes' if same_texts else 'NO'}; largest difference in a confidence "
          f"{confidence:.4f}, in a word's place {place:.2f} px")


if __name__ == "__main__":
    main()
