"""The stopwatch the benchmark scripts share (they run as scripts, so this folder is on sys.path)."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def runs(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by other load."""
    return min(runs(fn, repeat))


def median_of(repeat: int, fn: Callable[[], object]) -> float:
    """The median of ``repeat`` runs, in seconds."""
    return statistics.median(runs(fn, repeat))
