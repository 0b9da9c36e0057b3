"""Reading the roll-up's inputs: many files, in parallel, each into an ``Entry``.

Standard workbooks are read through their defined names with the fast reader
(``xlsuite.workbook.reader``: zip + python-calamine), never loaded whole with openpyxl; any other
source goes through ``read_report``. The hard relations of each input are
checked in the worker too, so that the main process only adds numbers.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

from ..checks import check, hard_failures
from ..errors import SourceError
from ..forms import get_form
from ..model import Meta, Report, Value
from ..readers import read_report, sniff
from .core import Entry, RollupError

# Below this many files per worker, starting processes costs more than it saves.
_MIN_PER_WORKER = 8


def collect(sources: Iterable[str]) -> list[str]:
    """Files as given, folders expanded to the report files inside them."""
    from ..readers.discover import expand_sources  # the one rule for "a folder of reports"

    # A file named directly and again through its folder is one input, not the same agency twice.
    seen: set[str] = set()
    out = []
    for p in expand_sources(tuple(sources)):
        real = os.path.realpath(p)
        if real not in seen:
            seen.add(real)
            out.append(p)
    return out


def read_entry(path: str) -> Entry:
    """One input to an Entry with its checks. Raises SourceError when it is not a report."""
    from ..limits import current
    from ..readers import library_errors
    from ..readers.guard import deadline

    path = os.fspath(path)
    with deadline(path, current().seconds), library_errors(path):  # the readers' budgets, on the fast path too
        if sniff(path) == "workbook":
            report, imported_at = _read_workbook(path)
        else:
            report, imported_at = read_report(path), None
    if imported_at is None:
        imported_at = datetime.fromtimestamp(os.path.getmtime(path), tz=timezone.utc)
    return Entry(path, report, imported_at, hard_failures(check(report)))


# What travels back from a worker: plain numbers in form order rather than ~200 Value objects
# and every check result, which cost as much to pickle as the workbook costs to read.
Packed = tuple


def pack(e: Entry) -> Packed:
    m = e.report.meta
    keys = get_form(m.form).keys()
    return (e.path, m.agency, m.year, m.form, m.source_kind, tuple(e.report.number(k) for k in keys),
            e.report.warnings, e.imported_at, e.hard_failures)


def unpack(p: Packed) -> Entry:
    path, agency, year, form, kind, numbers, warnings, imported_at, failures = p
    report = Report(Meta(agency=agency, year=year, form=form, source=path, source_kind=kind),
                    dict(zip(get_form(form).keys(), map(Value, numbers))), warnings=list(warnings))
    return Entry(path, report, imported_at, list(failures))


def _read_workbook(path: str) -> tuple[Report, datetime | None]:
    """A standard workbook's values (by defined name, fast) as a Report, and its import time."""
    from ..workbook.reader import read_workbook  # loads openpyxl too: only once a workbook comes

    contents = read_workbook(path, narrative=False)
    meta = contents.meta
    form = get_form(meta["form"])  # the reader has refused unknown forms
    report = Report(Meta(agency=meta.get("agency"), year=meta.get("year"), form=form.id, source=path,
                         source_kind="workbook"),
                    {k: Value(contents.values.get(k)) for k in form.keys()})
    for key, message in contents.problems:  # a cell that is not a number was read as blank: say so
        report.warn("workbook_cell", message, key=key)
    return report, parse_time(meta.get("imported_at"))


def parse_time(text) -> datetime | None:
    """The cover's import time (ISO 8601); a time without zone is local."""
    if isinstance(text, datetime):
        return text if text.tzinfo else text.astimezone()
    if not text:
        return None
    try:
        t = datetime.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return t if t.tzinfo else t.astimezone()


def _read_safely(path: str) -> tuple[str, Packed | None, str | None]:
    try:
        return path, pack(read_entry(path)), None
    except SourceError as e:
        return path, None, e.reason
    except Exception as e:  # noqa: BLE001 - one broken file must be named, not end a batch of hundreds
        return path, None, f"无法读取（{type(e).__name__}: {e}）"


def read_entries(paths: list[str], *, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Entry]:
    """Every path to an Entry, in input order, using up to ``workers`` processes.

    Entries carry each input's meta, numbers, warnings and failing hard relations
    (not its narrative or per-value provenance, which a sum does not use).

    ``progress(done, total)`` is called as files finish. Files that cannot be read
    are all named in one RollupError after the whole batch has been tried.
    """
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(paths) // _MIN_PER_WORKER))
    results: list[tuple[str, Entry | None, str | None]] = []
    if workers == 1:
        for path in paths:
            results.append(_read_safely(path))
            if progress:
                progress(len(results), len(paths))
    else:
        chunk = max(1, min(32, len(paths) // (workers * 8)))
        with ProcessPoolExecutor(workers) as pool:
            for item in pool.map(_read_safely, paths, chunksize=chunk):
                results.append(item)
                if progress:
                    progress(len(results), len(paths))
    errors = [(p, reason) for p, _e, reason in results if reason is not None]
    if errors:
        raise RollupError(f"{len(errors)} 个输入文件不是可汇总的报告：\n" +
                          "\n".join(f"{p}：{reason}" for p, reason in errors),
                          [p for p, _ in errors], "not_a_report")
    return [unpack(packed) for _p, packed, _r in results]
