"""Reports per second of `dataset` on one process, all local cores, and a 2-worker Dask LocalCluster.

The inputs are the synthetic national batch of the tests (``make_corpus``): the
samples under ``--n`` agency names, a few PDF copies, and broken files. The
one-process run is the baseline, measured in the same run on the same inputs;
the three runs must produce identical tables before any figure is printed.
A last line times a re-run over an unchanged output folder (hashing only).

Run: .venv/bin/python benchmarks/dataset.py [--n 500] [--pdf-copies 2]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from xlsuite.dataset import build_dataset  # noqa: E402
from xlsuite.dataset.corpus import make_corpus, read_samples  # noqa: E402
from xlsuite.dataset.run import default_workers  # noqa: E402

SAMPLE_DIRS = [ROOT / "examples"]


def timed(label: str, baseline: float | None, n: int, **options):
    t = time.perf_counter()
    ds = build_dataset(**options)
    seconds = time.perf_counter() - t
    rate = n / seconds
    speedup = "" if baseline is None else f"  {rate / baseline:4.2f}x the 1-process rate"
    print(f"{label:<34} {seconds:7.2f} s  {rate:7.1f} reports/s{speedup}", flush=True)
    return ds, rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--pdf-copies", type=int, default=2, help="copies of each sample PDF (slow to read)")
    args = ap.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as d:
        corpus = make_corpus(Path(d) / "in", read_samples(SAMPLE_DIRS), n=args.n, pdf_copies=args.pdf_copies)
        n = len(corpus.files)
        kinds = pd.Series([p.suffix for p in corpus.files]).value_counts().to_dict()
        print(f"{n} files {kinds}; {default_workers()} local cores; load average {_load()}")
        src = [corpus.folder]

        one, base = timed("1 process", None, n, sources=src, workers=1)
        local, _ = timed(f"all local cores ({default_workers()} processes)", base, n, sources=src)
        t = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            print(f"{'(LocalCluster start-up)':<34} {time.perf_counter() - t:7.2f} s", flush=True)
            dask, _ = timed("Dask LocalCluster, 2 workers", base, n, sources=src,
                            scheduler=cluster.scheduler_address)
        for other in (local, dask):
            pd.testing.assert_frame_equal(other.values, one.values)
            # The version stamp differs only if the reading code was edited meanwhile.
            pd.testing.assert_frame_equal(other.reports.drop(columns="xlsuite_version"),
                                          one.reports.drop(columns="xlsuite_version"))

        out = Path(d) / "out"
        build_dataset(src, out)
        again, _ = timed("re-run, nothing changed", base, n, sources=src, out=out)
        assert again.summary.read == 0, again.summary
        # Other work on the machine takes cores from the parallel runs first: say how busy it was.
        print(f"load average at the end: {_load()} (parallel rates mean little when it exceeds the cores)")


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


if __name__ == "__main__":
    main()
