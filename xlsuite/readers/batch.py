"""Reading many sources: one bad file, or one crashing reader, never stops the batch.

``read_many`` is the batch reader of import, the roll-up, the dataset and
collection; ``read_one`` its unit of work, also what a cluster task runs. The
worker processes live in one place, ``map_isolated``: a pool whose dead worker
costs only the file it was reading.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import SourceError
from ..logs import cli_logging_target, worker_logging
from ..model import Report
from .options import ReadOptions

T = TypeVar("T")
Progress = Callable[[int, int], None]

# Below this many files per worker, starting processes costs more than it saves.
MIN_PER_WORKER = 8
# Reason codes of the batch's own, beside the readers' (empty, corrupt, no_report …).
WORKER_LOST = "worker_lost"  # a worker died on this file even in a pool of its own
READER_ERROR = "reader_error"  # a reader raised something other than SourceError: a bug to report


def program_error(path: str, e: BaseException) -> SourceError:
    return SourceError(path, f"读取时程序出错（{type(e).__name__}: {e}），请把该文件报告给维护者", READER_ERROR)


def worker_lost(path: str, detail: str) -> SourceError:
    return SourceError(path, f"读取该文件时工作进程意外退出（{detail}），可能是文件触发了解析库崩溃", WORKER_LOST)


def read_one(path: str, options: ReadOptions | None = None,
             then: Callable[[str, Report], Any] | None = None) -> Any:
    """``read_report``, or ``then(path, report)``, for one source; a SourceError is returned, never raised.

    Any other exception (a reader's bug) becomes a SourceError too, so a batch goes on.
    """
    from . import read_report

    try:
        report = read_report(path, options)
        return report if then is None else then(path, report)
    except SourceError as e:
        return e
    except Exception as e:  # noqa: BLE001 - a reader bug on one file must not end a batch of thousands
        return program_error(path, e)


def read_many(paths: Sequence[str], options: ReadOptions | None = None, *, workers: int | None = None,
              on_progress: Progress | None = None,
              then: Callable[[str, Report], T] | None = None) -> Iterator[tuple[str, Report | T | SourceError]]:
    """``(path, report or SourceError)`` for every path, in input order.

    ``workers``: processes (None: the machine's cores, as long as each gets at least
    ``MIN_PER_WORKER`` files; 1 reads in this process). A small batch left to choose
    (None) is read by one forked worker where the system can fork: a reader that
    crashes the process (native code) costs its file, not the batch. ``on_progress(done, total)``
    hears of each file as it finishes. ``then(path, report)``, a top-level function,
    runs in the worker on each report read and its result is yielded instead: work
    that belongs beside the reading (checks, rows) stays in parallel.
    """
    options = ReadOptions.resolve(options)
    paths = list(paths)
    n = _workers(workers, len(paths))
    context = None
    if n == 1 and workers is None and len(paths) > 1 and "fork" in _start_methods():
        # A fork costs milliseconds where a worker server would import every reader again (seconds):
        # the isolation a batch needs, for what one process would cost.
        import multiprocessing

        context = multiprocessing.get_context("fork")
    elif n == 1:
        for done, path in enumerate(paths, start=1):
            got = read_one(path, options, then)
            if on_progress is not None:
                on_progress(done, len(paths))
            yield path, got
        return
    ready: dict[int, Any] = {}
    nxt = 0
    items = [(p, options, then) for p in paths]
    for done, (i, got) in enumerate(map_isolated(_read_item, items, n, context), start=1):
        ready[i] = worker_lost(paths[i], got.detail) if isinstance(got, Lost) else got
        if on_progress is not None:
            on_progress(done, len(paths))
        while nxt in ready:
            yield paths[nxt], ready.pop(nxt)
            nxt += 1


def _start_methods() -> list[str]:
    import multiprocessing  # one file read in this process starts no other

    return multiprocessing.get_all_start_methods()


def _read_item(item: tuple[str, ReadOptions, Callable | None]) -> Any:
    return read_one(*item)


def _workers(asked: int | None, files: int) -> int:
    if asked is None:
        return max(1, min(default_workers(), files // MIN_PER_WORKER))
    return max(1, min(asked, files))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# ---------------------------------------------------------------- the worker boundary

@dataclass(frozen=True)
class Lost:
    """The worker died on this item (or its result could not come back): ``detail`` says how."""

    detail: str


def map_isolated(fn: Callable[[Any], T], items: Sequence[Any], workers: int, context: Any = None
                 ) -> Iterator[tuple[int, T | Lost]]:
    """``(index, fn(item))`` as items finish in a pool of ``workers`` processes.

    A dying worker breaks the whole pool and every pending item with it, so the lost
    items go round once more in a fresh pool; those lost again are run one per pool,
    which names the culprit (``Lost``) and keeps the rest. ``context``: how workers
    start (default ``mp_context()``). Workers log where this process logs: library
    chatter and a native crash's last words go to the log file, not to the screen.
    """
    context = context or mp_context()
    pending = list(range(len(items)))
    for _ in range(2):
        if not pending:
            return
        lost: list[int] = []
        yield from _pool_round(fn, items, pending, workers, lost, context)
        pending = lost
    for i in pending:
        lost = []
        yield from _pool_round(fn, items, [i], 1, lost, context)
        for j in lost:
            yield j, Lost("进程异常退出")


def _pool_round(fn, items, indices: list[int], workers: int, lost: list[int], context: Any
                ) -> Iterator[tuple[int, Any]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed  # one file read in-process needs no pool
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=min(workers, len(indices)), mp_context=context,
                             initializer=worker_logging, initargs=(cli_logging_target(),)) as pool:
        futures = {pool.submit(fn, items[i]): i for i in indices}
        for f in as_completed(futures):
            i = futures.pop(f)  # a national run must not keep every result alive here
            try:
                yield i, f.result()
            except BrokenProcessPool:
                lost.append(i)
            except Exception as e:  # noqa: BLE001 - outside the reader's guard (pickling …): still one item
                yield i, Lost(f"{type(e).__name__}: {e}")


_preload: list[str] = ["xlsuite.recognize", "xlsuite.readers.pdf", "xlsuite.readers.docx", "xlsuite.readers.html",
                       "xlsuite.readers.markdown", "xlsuite.readers.text", "xlsuite.readers.workbook",
                       "xlsuite.assessment", __name__]
_forkserver_started = False


def preload(*modules: str) -> None:
    """Modules the worker server imports before it forks workers (set before the first batch)."""
    _preload.extend(m for m in modules if m not in _preload)


def forkserver_started() -> bool:
    """Whether this process has started its worker server: its workers run the code imported then."""
    return _forkserver_started


def mp_context():
    """forkserver: workers fork from one clean server that imported the readers once (a spawned
    worker would re-import the whole CLI as its __main__, seconds each); safe beside a progress
    bar's thread and a Dask client's event loop. spawn where it does not exist."""
    import multiprocessing

    global _forkserver_started
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    _forkserver_started = True  # the server is started by the pool about to use this context
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(_preload))
    return ctx


def pool_call(fn: Callable[[], T]) -> T:
    """``fn()`` in a worker of this process's worker server (what code do the workers run?)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp_context()) as pool:
        return pool.submit(fn).result()

