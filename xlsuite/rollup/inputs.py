"""Reading the roll-up's inputs: many files, in parallel, each into an ``Entry``.

Inputs go through the one batch reader (``xlsuite.readers.read_many``), numbers
only: a standard workbook is read through its defined names with the fast
reader (the zip and only the named cells, ``workbook.cells``), never loaded whole. The hard relations of each
input are checked in the worker too (``packed_entry``), so that the main
process only adds numbers.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from ..assessment import assess
from ..errors import SourceError
from ..forms import get_form
from ..model import Meta, Report, Value
from ..readers import read_many
from ..readers.options import ReadOptions
from .core import Entry, RollupError


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


def packed_entry(path: str, report: Report) -> "Packed":
    """An input as the roll-up needs it, with its failing hard relations (run in the worker).

    ``dedupe`` keeps the newest input: the workbook's import time, else the file's.
    """
    imported_at = parse_time(report.meta.imported_at) or datetime.fromtimestamp(os.path.getmtime(path),
                                                                                 tz=timezone.utc)
    return pack(Entry(path, report, imported_at, assess(report, audit_text=False).hard_failures))


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


def read_entries(paths: list[str], *, options: ReadOptions | None = None, workers: int | None = None,
                 on_progress: Callable[[int, int], None] | None = None) -> list[Entry]:
    """Every path to an Entry, in input order, using up to ``workers`` processes.

    Entries carry each input's meta, numbers, warnings and failing hard relations
    (not its narrative or per-value provenance, which a sum does not use).

    ``on_progress(done, total)`` is called as files finish. Files that cannot be read
    are all named in one RollupError after the whole batch has been tried.
    """
    options = ReadOptions.resolve(options, narrative=False)
    results = list(read_many(paths, options, workers=workers, on_progress=on_progress, then=packed_entry))
    errors = [(p, got.reason) for p, got in results if isinstance(got, SourceError)]
    if len(errors) == 1:
        (p, reason), = errors
        raise RollupError(f"{p}：{reason}（不是可汇总的报告）", [p], "not_a_report")
    if errors:
        raise RollupError(f"{len(errors)} 个输入文件不是可汇总的报告", [p for p, _ in errors], "not_a_report",
                          details=[f"{p}：{reason}" for p, reason in errors])
    return [unpack(packed) for _p, packed in results if isinstance(packed, tuple)]
