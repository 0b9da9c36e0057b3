"""Roll-up (全市汇总): add agency reports of one year and form into a city or province total.

>>> r = rollup(["inbox/"], agency="厦门市", year=2020)      # doctest: +SKIP
>>> r.total.number("requests.new.total"), r.breakdown.shape  # doctest: +SKIP
>>> write_total(r, "2020-厦门市汇总.xlsx")                    # doctest: +SKIP
"""
from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ..checks import check_years
from ..readers.options import ReadOptions
from .core import (ON_INVALID, ON_INVALID_ZH, ON_MISSING, CrossYearCheck, Entry, Invalid, Rollup, RollupError,
                   agency_key, check_expected, consolidate)
from .inputs import collect, read_entries

if TYPE_CHECKING:
    import pandas as pd


def rollup(sources: Iterable[str], *, agency: str, year: int | None = None, on_invalid: str = "stop",
           dedupe: bool = False, workers: int | None = None, options: ReadOptions | None = None,
           on_progress: Callable[[int, int], None] | None = None,
           cross_year: CrossYearCheck | None = check_years, expect: Sequence[str] | None = None,
           on_missing: str = "stop") -> Rollup:
    """Read ``sources`` (files or folders, any supported format) and add them up.

    ``options`` say how to read report files (OCR mode …); ``on_progress(done, total)``
    hears of each input read. Raises RollupError (naming the files) when they cannot
    be added: not a report, mixed forms or years, one agency twice without ``dedupe``,
    hard relation failures with ``on_invalid="stop"``, and agencies of ``expect`` (the
    names of an agency list) without a report unless ``on_missing="warn"``, which names
    them in a warning.
    """
    paths = collect(sources)
    if not paths:
        raise RollupError("给出的文件夹中没有找到报告文件（.xlsx、.pdf、.docx、.html、.txt、.md）",
                          tuple(sources), "no_inputs")
    entries = read_entries(paths, options=options, workers=workers, on_progress=on_progress)
    missing, notes = check_expected(entries, expect, year, on_missing) if expect is not None else ([], [])
    result = consolidate(entries, agency=agency, year=year, on_invalid=on_invalid, dedupe=dedupe,
                         cross_year=cross_year)
    result.missing = missing
    result.total.warnings.extend(notes)
    return result


def breakdown(sources: Iterable[str], *, year: int | None = None, on_invalid: str = "stop",
              dedupe: bool = False, workers: int | None = None) -> pd.DataFrame:
    """The per-agency values as a DataFrame: one row per agency, one column per key."""
    return rollup(sources, agency="汇总", year=year, on_invalid=on_invalid, dedupe=dedupe,
                  workers=workers).breakdown


def write_total(result: Rollup, path, *, overwrite: bool = False, dashboard: bool = True, previous=None):
    """The total as a standard workbook with its 明细 sheet and (``dashboard``) its 看板; returns the path.

    ``previous`` (from ``previous_year``) adds last year's figures to the 看板.
    """
    from .workbook import write_total as _write

    return _write(result, path, overwrite=overwrite, dashboard=dashboard, previous=previous)


def previous_year(sources: Iterable[str], *, agency: str, year: int | None, workers: int | None = None,
                  options: ReadOptions | None = None):
    """Last year's figures for the 看板: one file is last year's total (a total workbook or any
    report); several are last year's agency reports, added up here and kept per agency."""
    from .dashboard import PreviousYear

    paths = collect(sources)
    if not paths:
        raise RollupError("上年数据的位置中没有找到报告文件", tuple(sources), "no_inputs")
    entries = read_entries(paths, options=options, workers=workers)
    want = None if year is None else year - 1
    wrong = [e for e in entries if want is not None and e.year != want]
    if wrong:
        raise RollupError(f"{wrong[0].path}：上年数据应为{want}年度，实为{wrong[0].year or '未知'}年度",
                          [e.path for e in wrong], "wrong_year")
    if len(entries) == 1:
        return PreviousYear(entries[0].report)
    result = consolidate(entries, agency=agency, year=want, on_invalid="include", dedupe=True, cross_year=None)
    return PreviousYear(result.total, {agency_key(e.agency): e.report for e in result.entries})


__all__ = ["ON_INVALID", "ON_INVALID_ZH", "ON_MISSING", "Entry", "Invalid", "Rollup", "RollupError", "breakdown",
           "collect", "consolidate", "previous_year", "read_entries", "rollup", "write_total"]


class _Package(types.ModuleType):
    """``xlsuite.rollup(...)`` is ``xlsuite.rollup.rollup(...)``: the front door offers the verb under
    this package's name, which the import system binds to the package itself."""

    def __call__(self, *args, **kwargs) -> Rollup:
        return rollup(*args, **kwargs)


sys.modules[__name__].__class__ = _Package
