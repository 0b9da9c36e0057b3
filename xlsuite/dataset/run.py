"""Where the work runs: in this process, a local process pool, or a Dask distributed cluster.

All three run the same task function, ``extract_one``, on the same inputs, so
their rows are identical; only the order in which results arrive differs, and
the caller puts them back in source order.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ..checks import check
from ..errors import SourceError
from ..readers import MODULES as READER_MODULES
from ..readers import read_report
from .manifest import code_version, extractor_version
from .tidy import error_row, report_row, value_rows

# Reason codes of this module's own, beside the readers' (empty, corrupt, no_report …).
WORKER_LOST = "worker_lost"  # a worker died on this file even in a pool of its own
READER_ERROR = "reader_error"  # a reader raised something other than SourceError: a bug to report


# The rows' version stamp is taken when this module is imported, beside the readers:
# it names the code in memory, even if the files change while the process lives.
extractor_version()

# Threaded workers (Dask's default) read one file at a time per process: pdfium is not
# thread-safe, and the parsing holds the GIL anyway, so threads would gain nothing.
_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Task:
    index: int
    source: str  # as the user gave it: the key of the rows and the manifest
    path: str  # absolute, for workers that run elsewhere
    sha256: str | None
    size: int | None


def extract_one(task: Task) -> dict[str, Any]:
    """Read one source into its tidy rows. Never raises: a bad file becomes an error row."""
    version = extractor_version()
    try:
        with _ONE_AT_A_TIME:
            report = read_report(task.path)
        results = check(report)
        return {"index": task.index, "values": value_rows(report, results, task.source),
                "report": report_row(report, results, source=task.source, sha256=task.sha256,
                                     size=task.size, version=version)}
    except SourceError as e:
        return failed_result(task, e.code, e.reason)
    except Exception as e:  # noqa: BLE001 - a reader bug on one file must not end a national batch
        return failed_result(task, READER_ERROR, program_error(e))


def failed_result(task: Task, code: str, reason: str) -> dict[str, Any]:
    return {"index": task.index, "values": [],
            "report": error_row(source=task.source, code=code, reason=reason, sha256=task.sha256,
                                size=task.size, version=extractor_version())}


def program_error(e: BaseException) -> str:
    return f"读取时程序出错（{type(e).__name__}: {e}），请把该文件报告给维护者"


def worker_lost(task: Task, detail: str) -> dict[str, Any]:
    return failed_result(task, WORKER_LOST,
                         f"读取该文件时工作进程意外退出（{detail}），可能是文件触发了解析库崩溃")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_inline(tasks: list[Task]) -> Iterator[dict[str, Any]]:
    for t in tasks:
        yield extract_one(t)


def run_local(tasks: list[Task], workers: int, fn: Callable[[Task], dict[str, Any]] = extract_one
              ) -> Iterator[dict[str, Any]]:
    """A process pool on this machine; a crashed worker costs a retry, not the batch.

    A dying worker breaks the whole pool and every pending file with it, so the
    lost files go round once more in a fresh pool; those lost again are read one
    per pool, which names the culprit and keeps the rest.
    """
    pending = list(tasks)
    for _ in range(2):
        if not pending:
            return
        lost: list[Task] = []
        yield from _pool_round(pending, workers, lost, fn)
        pending = lost
    for t in pending:
        lost = []
        yield from _pool_round([t], 1, lost, fn)
        for t2 in lost:
            yield worker_lost(t2, "进程异常退出")


def _pool_round(tasks: list[Task], workers: int, lost: list[Task], fn) -> Iterator[dict[str, Any]]:
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_mp_context()) as pool:
        futures = {pool.submit(fn, t): t for t in tasks}
        for f in as_completed(futures):
            task = futures.pop(f)  # a national run must not keep every result alive here
            try:
                yield f.result()
            except BrokenProcessPool:
                lost.append(task)
            except Exception as e:  # noqa: BLE001 - outside the reader's guard: still one file
                yield failed_result(task, READER_ERROR, program_error(e))


def _mp_context():
    # forkserver: workers fork from one clean server that imported the readers once (a spawned
    # worker would re-import the whole CLI as its __main__, seconds each); safe beside the
    # progress bar's thread and a Dask client's event loop. spawn where it does not exist.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    global _forkserver_started
    _forkserver_started = True  # the server is started by the pool about to use this context
    ctx = multiprocessing.get_context("forkserver")
    # This module last: the version it stamps at import then names the readers just loaded.
    ctx.set_forkserver_preload(["xlsuite.recognize", *READER_MODULES.values(), __name__])
    return ctx


_forkserver_started = False


def worker_version() -> str:
    """The code version the workers stamp on their rows (a probe task)."""
    return extractor_version()


def extract_many(tasks: list[Task]) -> list[dict[str, Any]]:
    """A batch of files as one cluster task: the scheduler's cost is per task, not per file."""
    return [extract_one(t) for t in tasks]


def run_dask(tasks: list[Task], client, batch: int | None = None,
             fn: Callable[[list[Task]], list[dict[str, Any]]] = extract_many) -> Iterator[dict[str, Any]]:
    """The same task function on a dask.distributed cluster; workers must see the same paths.

    Files go in batches (about four per worker thread, at most 50 files each), so a
    national run is thousands of cluster tasks, not hundreds of thousands. A batch
    whose worker died is retried file by file; a file that kills its worker again
    is recorded as ``worker_lost``.
    """
    from distributed import as_completed as dask_as_completed

    threads = max(1, sum(client.nthreads().values()))
    batch = batch or max(1, min(50, len(tasks) // (4 * threads)))
    batches = [tasks[i:i + batch] for i in range(0, len(tasks), batch)]
    futures = client.map(fn, batches, pure=False)
    todo = {f.key: b for f, b in zip(futures, batches)}
    # with_results: the client's event loop fetches results as they finish, instead of one
    # blocking round trip per batch.
    seq = dask_as_completed(futures, with_results=True, raise_errors=False)
    for f, result in seq:
        got = todo.pop(f.key)
        if f.status == "finished":
            yield from result
        elif len(got) > 1:  # KilledWorker and friends: find the file, keep the others
            retry = client.map(fn, [[t] for t in got], pure=False)
            todo.update((r.key, [t]) for r, t in zip(retry, got))
            seq.update(retry)
        else:
            yield worker_lost(got[0], type(result).__name__)
        f.release()  # the cluster can forget a result as soon as it is taken


def connect(scheduler: str):
    """A dask.distributed Client for ``ADDRESS`` (tcp://host:8786), or the error to show staff."""
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("使用 --scheduler 需要安装 dask[distributed]：pip install 'xlsuite[dataset]'") from None
    return Client(scheduler, timeout="20s")


@dataclass
class Executor:
    """Where tasks run: a description for staff, the runner, and a probe of the workers' code."""

    description: str
    run: Callable[[list[Task]], Iterator[dict[str, Any]]]
    probe: Callable[[], str]

    def code_version(self) -> str:
        """The version the workers will stamp, to compare the manifest against.

        Workers may run older code than the files on disk (a forkserver or a Dask
        worker started before an upgrade): asking them keeps rows from being read
        again and again under a version they never report.
        """
        return self.probe()


def executor_for(workers: int | None, client) -> Executor:
    """The executor the options ask for."""
    if client is not None:
        n = len(client.nthreads())
        return Executor(f"Dask 集群 {client.scheduler.address}（{n} 个工作节点）", lambda ts: run_dask(ts, client),
                        lambda: client.submit(worker_version, pure=False).result())
    workers = workers or default_workers()
    if workers == 1:
        return Executor("本进程（1 个进程）", run_inline, extractor_version)
    return Executor(f"本机 {workers} 个进程", lambda ts: run_local(ts, workers), _probe_pool)


def _probe_pool() -> str:
    # Until this process has started a forkserver, the next one imports the files as they are now.
    if not _forkserver_started:
        return code_version()
    with ProcessPoolExecutor(max_workers=1, mp_context=_mp_context()) as pool:
        return pool.submit(worker_version).result()
