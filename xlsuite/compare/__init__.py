"""Year-over-year comparison (上年对比): one agency's report against its report of the year before.

>>> cmp = compare("2023-洪泽区.pdf", "2024-洪泽区.pdf")   # doctest: +SKIP
>>> cmp.metrics["disclosure_rate"].change, cmp.repetition()["text"]   # doctest: +SKIP
>>> write_comparison(cmp, "对比.xlsx")                     # doctest: +SKIP
"""
from __future__ import annotations

import os
from typing import Any

from ..readers.options import ReadOptions
from .core import Change, CompareError, Comparison, MetricChange, compare_reports, identity_problems
from .text import SectionDiff, diff_narrative


def compare(previous: str | os.PathLike, current: str | os.PathLike, *, force: bool = False,
            options: ReadOptions | None = None, **overrides: Any) -> Comparison:
    """Read two sources (any report or standard workbook) and compare them.

    Raises SourceError for an unreadable file and CompareError for a pair that is
    not one agency's consecutive years (unless ``force``).
    """
    from ..readers import read_report

    options = ReadOptions.resolve(options, **overrides)
    return compare_reports(read_report(previous, options), read_report(current, options), force=force)


def write_comparison(cmp: Comparison, path, *, overwrite: bool = False, first: bool = True):
    """This year's standard workbook with 上年对比, 文字对比 and 上年数据; returns the path."""
    from .workbook import write_comparison as _write

    return _write(cmp, path, overwrite=overwrite, first=first)


def write_pdf(cmp: Comparison, path, *, overwrite: bool = False):
    """上年对比 and 文字对比 printed to PDF by LibreOffice; returns the path."""
    from .workbook import write_pdf as _write

    return _write(cmp, path, overwrite=overwrite)


__all__ = ["Change", "CompareError", "Comparison", "MetricChange", "SectionDiff", "compare", "compare_reports",
           "diff_narrative", "identity_problems", "write_comparison", "write_pdf"]
