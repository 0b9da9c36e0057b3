"""What `collect` costs per message, against reading the same workbooks alone.

The 30 messages of the collect tests (tests/collect_mail.py: 27 workbooks, a
resubmission, a stranger's file, a damaged attachment) from an exported folder:
the baseline, measured in this run, is reading each workbook attachment with
``read_report`` (what no collector can skip); then a whole ``collect`` run into an
empty folder (parsing, checking, placing, the ledger's fsync, the tracker), and a
second run that finds nothing new. Printed: seconds, per message, and the
collector's overhead over the baseline.

Run: .venv/bin/python benchmarks/collect.py [--repeat 3]
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

from tests.collect_mail import YEAR, build_corpus, write_eml  # noqa: E402
from xlsuite.collect import collect, read_list  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = build_corpus(work / "corpus")
        folder = write_eml(corpus.messages, work / "导出")
        books = work / "books"
        books.mkdir()
        for name, data in corpus.workbooks.items():
            (books / f"{name}.xlsx").write_bytes(data)
        agencies = read_list(corpus.list_csv)
        n = len(corpus.messages)

        def read_all() -> None:
            for p in sorted(books.iterdir()):
                read_report(p)

        def fresh() -> None:
            out = work / "收件"
            shutil.rmtree(out, ignore_errors=True)
            collect(out, year=YEAR, agencies=agencies, from_dir=folder)

        def again() -> None:
            collect(work / "收件", year=YEAR, agencies=agencies, from_dir=folder)

        base = best_of(args.repeat, read_all)
        first = best_of(args.repeat, fresh)
        second = best_of(args.repeat, again)
    rows = [(f"baseline: read the {len(corpus.workbooks)} workbooks", base, ""),
            (f"collect {n} messages into an empty folder", first,
             f"{first / n * 1000:.0f} ms/message, {first / base - 1:+.0%} over the baseline"),
            ("collect again (nothing new)", second, f"{second / first:.0%} of the first run")]
    for label, seconds, note in rows:
        print(f"{label:<42} {seconds:6.2f} s  {note}")


if __name__ == "__main__":
    main()
