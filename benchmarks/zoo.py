"""The layout zoo, scored cell by cell: exact / null / WRONG per file, per category and in total.

Every file of ``tests/fixtures/zoo`` (``make_zoo.py``) is read in-process with
``xlsuite.readers.read_report`` and compared with its golden (``tests/fixtures/zoo_score.py``):
exact, null (not read: not wrong) or WRONG. For each file it prints the verdict the checks give
(通过/不通过), the wrong cells a warning names (flagged), and SILENT when the verdict is 通过 while
a wrong (or to-review) cell is named by no warning. Then the figures per category
(PDFs, pdftotext reading-order dumps that keep rows together, column-major ones, ``-layout``
dumps, Markdown, HTML, Word files, image-only copies at 150 and 100 dpi) with the time spent reading them,
and, in the same run, the baseline: the fixtures that were there before the zoo
(``tests/fixtures/generated``: 10 PDFs and their pdftotext dumps), scored the same way.

The scans are built on first use into ``XLSUITE_ZOO_CACHE`` (default ``~/.cache/xlsuite-zoo``)
and read by OCR, which needs the ``[ocr]`` extra; without it they are skipped with a note.

Run: .venv/bin/python benchmarks/zoo.py [--only CATEGORY ...] [--jobs N] [--no-baseline]
     [--files SUBSTRING] [--json OUT.json]
Exit 0 always: this measures, the acceptance test is tests/test_zoo.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import zoo_score as zs  # noqa: E402

NAMES = {"pdf": "PDF", "pdftotext-reading": "pdftotext reading, row-wise",
         "pdftotext-column-major": "pdftotext reading, column-major", "pdftotext-layout": "pdftotext -layout",
         "markdown": "Markdown (converters)", "html": "HTML (Word export)", "docx": "Word (.docx)", "scan150": "scan 150 dpi (OCR)",
         "scan100": "scan 100 dpi (OCR)"}


def _score(entry: zs.Entry) -> zs.Score:
    return zs.score_file(entry, **zs.read_options(entry))


def run(entries: list[zs.Entry], jobs: int, label: str) -> list[zs.Score]:
    if not entries:
        return []
    print(f"{label}: reading {len(entries)} files with {jobs} process(es) …", file=sys.stderr, flush=True)
    out = []
    if jobs <= 1:
        for n, e in enumerate(entries, 1):
            out.append(_score(e))
            print(f"  {n}/{len(entries)} {e.name}", file=sys.stderr, flush=True)
        return out
    # the slow ones (scans, PDFs) first, so that the processes finish together
    order = sorted(entries, key=lambda e: (e.category not in zs.SCAN_CATEGORIES, e.category != "pdf"))
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_score, e) for e in order]
        for n, f in enumerate(as_completed(futures), 1):
            out.append(f.result())
            print(f"  {n}/{len(entries)} {out[-1].name}", file=sys.stderr, flush=True)
    return out


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   - "


def print_files(scores: list[zs.Score]) -> None:
    width = max((len(s.name) for s in scores), default=20)
    print(f"{'file':{width}}  {'exact':>14}  {'null':>5}  {'WRONG':>5}  verdict  notes")
    for s in sorted(scores, key=lambda s: (zs.CATEGORIES.index(s.category), s.name)):
        notes = []
        if s.error:
            notes.append(f"unreadable: {s.error[:80]}")
        if s.silent:
            notes.append("SILENT")
        if s.flagged:
            notes.append(f"{len(s.flagged)} wrong flagged")
        if s.meta:
            notes.append("meta " + ", ".join(f"{k}={g!r}≠{w!r}" for k, (g, w) in s.meta.items()))
        if s.wrong:
            notes.append("e.g. " + "; ".join(f"{k} {g}≠{w}" for k, g, w in s.wrong[:2]))
        print(f"{s.name:{width}}  {s.exact:4}/{s.cells:<4} {pct(s.exact, s.cells)}  {s.null:5}  {len(s.wrong):5}  "
              f"{s.verdict or '-':6}  {'  '.join(notes)}")


def print_totals(scores: list[zs.Score], title: str) -> None:
    by = zs.totals(scores)
    print(f"\n{title}")
    print(f"  {'category':34} {'files':>5}  {'exact':>16}  {'null':>12}  {'WRONG':>11}  {'通过':>4}  "
          f"{'SILENT':>6}  {'time':>8}")
    grand = zs.Total()
    for cat in zs.CATEGORIES:
        t = by.get(cat)
        if not t:
            continue
        for s in scores:
            if s.category == cat:
                grand.add(s)
        print(f"  {NAMES[cat]:34} {t.files:5}  {t.exact:6}/{t.cells:<6} {pct(t.exact, t.cells)}  "
              f"{t.null:5} {pct(t.null, t.cells)}  {t.wrong:4} {pct(t.wrong, t.cells)}  {t.passed:4}  "
              f"{t.silent:6}  {t.seconds:7.1f}s")
    t = grand
    print(f"  {'total':34} {t.files:5}  {t.exact:6}/{t.cells:<6} {pct(t.exact, t.cells)}  "
          f"{t.null:5} {pct(t.null, t.cells)}  {t.wrong:4} {pct(t.wrong, t.cells)}  {t.passed:4}  "
          f"{t.silent:6}  {t.seconds:7.1f}s")
    silent = [s.name for s in scores if s.silent]
    if silent:
        print(f"  SILENT (通过, with a wrong cell no warning names): {', '.join(silent)}")


def ocr_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=zs.CATEGORIES, help="these categories only (repeatable)")
    ap.add_argument("--files", help="only files whose name contains this")
    ap.add_argument("--jobs", type=int, default=1, help="processes reading in parallel (default 1)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the tests/fixtures/generated baseline")
    ap.add_argument("--json", type=Path, help="also write every score to this file")
    args = ap.parse_args(argv)
    cats = tuple(args.only or zs.CATEGORIES)
    if not ocr_available() and any(c in zs.SCAN_CATEGORIES for c in cats):
        print("note: the [ocr] extra is not installed: the scans are skipped", file=sys.stderr)
        cats = tuple(c for c in cats if c not in zs.SCAN_CATEGORIES)
    entries = [e for e in zs.entries(categories=cats) if not args.files or args.files in e.name]

    todo = [e for e in entries if e.category in zs.SCAN_CATEGORIES and not e.path.exists()]
    if todo:
        t = time.perf_counter()
        print(f"building {len(todo)} scans into {zs.cache_dir()} …", file=sys.stderr, flush=True)
        zs.build_scans(todo, on_built=lambda e: print(f"  {e.name}", file=sys.stderr, flush=True))
        print(f"  built in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    t0 = time.perf_counter()
    scores = run(entries, args.jobs, "zoo")
    wall = time.perf_counter() - t0
    print(f"Layout zoo ({zs.ZOO.relative_to(ROOT)}): {len(scores)} files, {wall:.0f} s wall clock, "
          f"{args.jobs} process(es)\n")
    print_files(scores)
    print_totals(scores, "Zoo by category (time: seconds spent reading, summed over files)")

    base: list[zs.Score] = []
    if not args.no_baseline:
        with tempfile.TemporaryDirectory() as tmp:
            be = [e for e in zs.baseline_entries(Path(tmp)) if e.category in cats]
            base = run(be, args.jobs, "baseline")
        print_totals(base, "Baseline, same run: tests/fixtures/generated (ruled/plain PDFs) and their pdftotext dumps")
    if args.json:
        args.json.write_text(json.dumps({"zoo": [s.to_dict() for s in scores],
                                         "baseline": [s.to_dict() for s in base]}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
