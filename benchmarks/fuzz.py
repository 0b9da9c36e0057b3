"""The long fuzz run: thousands of mutated inputs of every kind, counted by outcome.

The same campaign as tests/test_fuzz.py (tests/fuzzing.py: mutants of real PDF,
Word, workbook, HTML, Markdown, text and picture files, each in a forked child
under 2.5 GB of address space, killed after --timeout seconds of CPU time, read, checked and
written as a workbook), run for --n inputs. Prints the counts; the acceptance of
issue 19 is 0 exceptions that are not the project's own and 0 hangs over at least
2,000 inputs. Inputs that were findings are kept under --dir for replay.

Run: .venv/bin/python benchmarks/fuzz.py [--n 2000] [--seed 19] [--jobs 2] [--dir /tmp/xlsuite-fuzz]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzzing import PROJECT_OUTCOMES, campaign, counts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=40.0, help="CPU seconds (4x on the clock) before a child counts as a hang")
    ap.add_argument("--dir", default="/tmp/xlsuite-fuzz")
    args = ap.parse_args()
    work = Path(args.dir)
    log = open(work.with_suffix(".jsonl"), "w", encoding="utf-8") if work.parent.exists() else None
    t0 = time.monotonic()

    def show(r):
        if log:
            log.write(json.dumps(r.__dict__, ensure_ascii=False) + "\n")
        if r.outcome not in PROJECT_OUTCOMES:
            print(f"FINDING {r.kind} {r.path} {r.outcome} {r.detail} {r.mutation}", flush=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        results = campaign(work, count=args.n, seed=args.seed, jobs=args.jobs, timeout=args.timeout, on_result=show)
    c = counts(results)
    secs = time.monotonic() - t0
    print(f"inputs {c['inputs']} in {secs:.0f} s ({secs / max(1, c['inputs']):.2f} s each, {args.jobs} at a time)")
    print("by kind:", " ".join(f"{k} {v}" for k, v in c["by_kind"].items()))
    print("outcomes:", " ".join(f"{k} {v}" for k, v in c["outcomes"].items()))
    print(f"exceptions not the project's own: {c['not_project']}  hangs: {c['hangs']}  crashes: {c['crashes']}  "
          f"refused by the time budget: {c['too_slow']}  multi-line errors: {c['multi_line']}")
    slow = sorted(results, key=lambda r: -r.seconds)[:3]
    print("slowest:", ", ".join(f"{r.kind} {r.seconds} s ({r.outcome})" for r in slow))
    sys.exit(1 if c["not_project"] or c["hangs"] or c["crashes"] else 0)


if __name__ == "__main__":
    main()
