"""Where the work runs: in this process, a local process pool, or a Dask distributed cluster.

All three read through ``xlsuite.readers`` (``read_many`` here, ``read_one`` in a
cluster task) and make the rows with ``rows_of`` beside the reading, so their
rows are identical; only the order in which results arrive differs, and the
caller puts them back in source order.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..assessment import assess
from ..errors import SourceError
from ..model import Report
from ..readers import batch as readers_batch
from ..readers import read_many, read_one
from ..readers.batch import READER_ERROR, WORKER_LOST, default_workers, program_error
from ..readers.options import ReadOptions
from .manifest import code_version, extractor_version
from .tidy import error_row, report_row, value_rows

__all__ = ["READER_ERROR", "WORKER_LOST", "Task", "extract_one", "run_local", "run_inline", "run_dask"]

# The rows' version stamp is taken when this module is imported, beside the readers:
# it names the code in memory, even if the files change while the process lives.
extractor_version()
# Worker processes import this module last, after the readers, for the same reason.
readers_batch.preload(__name__)

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
    options: ReadOptions = field(default_factory=ReadOptions)


def rows_of(source: str, report: Report) -> dict[str, Any]:
    """A report's tidy rows, stamped with the version of the code that runs here (in the worker)."""
    a = assess(report)
    return {"values": value_rows(a, source),
            "report": report_row(a, source=source, sha256=None, size=None, version=extractor_version())}


def finish(task: Task, got: dict[str, Any] | SourceError) -> dict[str, Any]:
    """A task's result: its rows (with the file's hash and size) or its error row."""
    if isinstance(got, SourceError):
        return failed_result(task, got.code, got.reason)
    got["index"] = task.index
    got["report"].update(sha256=task.sha256, size=task.size)
    return got


def extract_one(task: Task) -> dict[str, Any]:
    """Read one source into its tidy rows (a cluster's unit of work). Never raises."""
    with _ONE_AT_A_TIME:
        got = read_one(task.path, task.options)
    if isinstance(got, Report):
        try:
            got = rows_of(task.source, got)
        except Exception as e:  # noqa: BLE001 - one file's bug must not end a national batch
            got = program_error(task.source, e)
    return finish(task, got)


def failed_result(task: Task, code: str, reason: str) -> dict[str, Any]:
    return {"index": task.index, "values": [],
            "report": error_row(source=task.source, code=code, reason=reason, sha256=task.sha256,
                                size=task.size, version=extractor_version())}


def lost_row(task: Task, detail: str) -> dict[str, Any]:
    e = readers_batch.worker_lost(task.source, detail)
    return failed_result(task, e.code, e.reason)


def run_local(tasks: list[Task], workers: int, then: Callable[[str, Report], dict[str, Any]] = rows_of
              ) -> Iterator[dict[str, Any]]:
    """The tasks through ``read_many`` on this machine (``workers`` 1: in this process); ``then``
    makes a report's rows in the worker. A worker that dies costs its own file (``worker_lost``)."""
    if not tasks:
        return
    got = read_many([t.source for t in tasks], tasks[0].options, workers=workers, then=then)
    for task, (_path, result) in zip(tasks, got):
        assert not isinstance(result, Report)  # ``then`` made it rows
        yield finish(task, result)


def run_inline(tasks: list[Task]) -> Iterator[dict[str, Any]]:
    return run_local(tasks, 1)


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
            yield lost_row(got[0], type(result).__name__)
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
    if not readers_batch.forkserver_started():
        return code_version()
    return readers_batch.pool_call(worker_version)
