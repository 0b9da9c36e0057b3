"""What the audit (R11-R13) adds to reading and checking a report.

For each text seed: the time to read and recognise it (the baseline, measured
in this run), the relation checks 1-7, and the audit; the audit's cost is
printed as a share of the reading time. PDFs are left out: their reading time
would only make the share look smaller.

Run: .venv/bin/python benchmarks/audit.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best_of  # noqa: E402

from xlsuite.audit import audit  # noqa: E402
from xlsuite.checks import check  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402

SEEDS = ROOT / "examples"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    files = sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md", ".html"))
    print(f"{'sample':<28} {'read ms':>8} {'check ms':>9} {'audit ms':>9} {'audit/read':>11} {'results':>8}")
    total_read = total_audit = 0.0
    for p in files:
        report = read_report(p)
        t_read = best_of(args.repeat, lambda: read_report(p))
        t_check = best_of(args.repeat, lambda: check(report))
        t_audit = best_of(args.repeat, lambda: audit(report))
        total_read += t_read
        total_audit += t_audit
        print(f"{p.name:<28} {t_read * 1e3:8.2f} {t_check * 1e3:9.2f} {t_audit * 1e3:9.2f} "
              f"{t_audit / t_read:10.0%} {len(audit(report)):8d}")
    print(f"{'all':<28} {total_read * 1e3:8.2f} {'':>9} {total_audit * 1e3:9.2f} {total_audit / total_read:10.0%}")


if __name__ == "__main__":
    main()
