"""The dataset builder: sources -> the values and reports tables, in memory and on disk.

Plans which sources to read (the manifest), runs the task on the chosen
executor, puts the rows back in source order and writes them atomically.
"""
from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pyarrow as pa

from ..readers.options import ReadOptions
from ..readers.discover import file_sha256
from .manifest import Entry, Manifest, load_manifest, write_manifest
from .run import Task, connect, executor_for
from .store import (output_paths, prepare_folder, read_tables, reports_table, rows_by_source,
                    values_table, write_tables)
from .tidy import STATUS_OK


@dataclass
class Summary:
    reports: int = 0  # sources in the dataset
    read: int = 0  # read in this run
    reused: int = 0  # kept from the last run: hash and version unchanged
    ok: int = 0
    failed: Counter = field(default_factory=Counter)  # reason code -> sources
    pages: int = 0
    seconds: float = 0.0
    runner: str = ""
    written: bool = False
    foreign_versions: list[str] = field(default_factory=list)  # code versions of workers unlike ours

    def lines(self) -> list[str]:
        """The end-of-run summary, for staff."""
        out = [f"报告：{self.reports} 份（本次读取 {self.read}，未变化沿用 {self.reused}）；"
               f"成功 {self.ok}，失败 {sum(self.failed.values())}；页数：{self.pages}",
               f"运行：{self.runner}；用时 {self.seconds:.1f} 秒"
               + (f"（{self.read / self.seconds:.1f} 份/秒）" if self.read and self.seconds else "")]
        if self.failed:
            out.append("失败原因：" + "，".join(f"{code} {n} 份" for code, n in sorted(self.failed.items())))
        if self.foreign_versions:
            out.append(f"注意：部分文件由另一版本的 xlsuite 读取（{'、'.join(self.foreign_versions)}），"
                       "下次运行会重新读取它们；请让各工作节点安装与本机相同的版本")
        return out


@dataclass
class Dataset:
    """The two tables as Arrow (``*_arrow``) and, converted on first use, as pandas DataFrames."""

    values_arrow: pa.Table
    reports_arrow: pa.Table
    summary: Summary

    @cached_property
    def values(self) -> pd.DataFrame:
        return _frame(self.values_arrow)

    @cached_property
    def reports(self) -> pd.DataFrame:
        return _frame(self.reports_arrow)


def build_dataset(sources: Iterable[str | os.PathLike], out: str | os.PathLike | None = None, *,
                  workers: int | None = None, scheduler: str | None = None, client=None,
                  force: bool = False, options: ReadOptions | None = None,
                  on_progress: Callable[[int, int], None] | None = None, csv: bool = True) -> Dataset:
    """Read every source (files, folders recursively) into the two tables.

    ``options`` say how to read (OCR mode …); a source read with other options
    is read again. ``on_progress(done, total)`` hears of each source read.
    ``workers``: local processes (default: all cores; 1 reads in this process).
    ``scheduler``: address of a running dask.distributed scheduler, or pass a
    ``client``; the files must be readable at the same paths on its workers.
    ``out``: folder for values/reports .parquet (and .csv unless ``csv`` is false)
    and manifest.json; with it, unchanged sources keep their rows from the last
    run unless ``force``.
    One unreadable source never stops the batch: it gets a reports row with
    ``status='failed'``, ``error_code`` and ``error_reason``.
    """
    from ..readers.discover import expand_sources  # the one rule for "a folder of reports"

    started = time.perf_counter()
    paths = list(dict.fromkeys(expand_sources(tuple(os.fspath(s) for s in sources))))
    own_client = None
    if scheduler is not None and client is None:
        client = own_client = connect(scheduler)
    try:
        return _build(paths, out, workers=workers, client=client, force=force,
                      options=ReadOptions.resolve(options), on_progress=on_progress, csv=csv, started=started)
    finally:
        if own_client is not None:
            own_client.close()


def _build(paths: list[str], out, *, workers, client, force, options: ReadOptions, on_progress, csv,
           started) -> Dataset:
    executor = executor_for(workers, client)
    runner, run = executor.description, executor.run
    version = executor.code_version()
    manifest = previous = None
    if out is not None:
        prepare_folder(out)
        manifest = None if force else load_manifest(out)
        previous = read_tables(out, manifest.run_id) if manifest else None

    tasks, reused = _plan(paths, manifest, previous, version, options)
    done: dict[int, _Rows] = {}
    for result in run(tasks) if tasks else ():
        vals = values_table(result["values"]) if result["values"] else None
        done[result["index"]] = (result["report"], vals)
        if on_progress is not None:
            on_progress(len(done), len(tasks))

    rows = [done[i] if i in done else reused[i] for i in range(len(paths))]
    report_rows = [r for r, _ in rows]
    parts = [v for _, v in rows if v is not None]
    values = pa.concat_tables(parts) if parts else values_table([])
    reports = reports_table(report_rows)

    summary = _summarize(report_rows, read=len(tasks), reused=len(reused), runner=runner)
    summary.foreign_versions = sorted({done[i][0]["xlsuite_version"] for i in done} - {version})
    if out is not None and _needs_writing(out, tasks, paths, previous, csv):
        run_id = uuid.uuid4().hex
        write_tables(out, values, reports, run_id, csv)
        # Written last: until it lands, the old manifest no longer matches the new tables' run id.
        write_manifest(out, _manifest_of(run_id, report_rows, options))
        summary.written = True
    summary.seconds = time.perf_counter() - started
    return Dataset(values, reports, summary)


# A source's meta row and its value rows (None for a source that could not be read).
_Rows = tuple[dict, "pa.Table | None"]


def _plan(paths, manifest, previous, version, options: ReadOptions) -> tuple[list[Task], dict[int, _Rows]]:
    """The sources to read, and the rows kept from the last run for those whose hash, version and
    options match."""
    prev_values = rows_by_source(previous[0]) if previous else {}
    prev_reports = {r["source"]: r for r in previous[1].to_pylist()} if previous else {}
    tasks: list[Task] = []
    reused: dict[int, _Rows] = {}
    for i, src in enumerate(paths):
        digest = file_sha256(src)
        sha, size = digest if digest else (None, None)
        if manifest and src in prev_reports and manifest.unchanged(src, sha, version, options.fingerprint()):
            reused[i] = (prev_reports[src], prev_values.get(src))
        else:
            tasks.append(Task(i, src, os.path.abspath(src), sha, size, options))
    return tasks, reused


def load_dataset(folder: str | os.PathLike) -> Dataset:
    """The values and reports tables that ``build_dataset`` wrote to ``folder``."""
    tables = read_tables(folder)
    if tables is None:
        from ..errors import XlsuiteError

        raise XlsuiteError(f"{folder}：没有可读取的数据集（values.parquet / reports.parquet）")
    values, reports = tables
    rows = reports.to_pylist()
    return Dataset(values, reports, _summarize(rows, read=0, reused=len(rows), runner=""))


def _needs_writing(out, tasks, paths, previous, csv) -> bool:
    if tasks or previous is None:
        return True
    if previous[1].column("source").to_pylist() != paths:
        return True  # sources added, dropped or reordered: the tables change though nothing was read
    return not all(p.exists() for name, p in output_paths(out).items() if csv or name.endswith(".parquet"))


def _manifest_of(run_id: str, rows: list[dict], options: ReadOptions) -> Manifest:
    # Rows kept from the last run matched these options too.
    entries = {r["source"]: Entry(r["sha256"], r["size"], r["xlsuite_version"], r["status"], r["error_code"],
                                  options.fingerprint())
               for r in rows if r["sha256"] is not None}
    return Manifest(run_id, entries)


def _summarize(rows: list[dict], *, read: int, reused: int, runner: str) -> Summary:
    s = Summary(reports=len(rows), read=read, reused=reused, runner=runner)
    for r in rows:
        if r["status"] == STATUS_OK:
            s.ok += 1
            s.pages += r["pages"] or 0
        else:
            s.failed[r["error_code"]] += 1
    return s


def _frame(table: pa.Table) -> pd.DataFrame:
    # Nullable integers: a year or page that is unknown stays missing instead of turning floats.
    ints = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
    return table.to_pandas(types_mapper=ints.get)

