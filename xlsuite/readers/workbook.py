"""The standard workbook as a source: values by defined name, including staff edits."""
from __future__ import annotations

import os

from ..model import Report
from ..workbook.reader import read_report as _read
from .options import ReadOptions


def read_report(path: str | os.PathLike, options: ReadOptions | None = None) -> Report:
    """A standard workbook back to a Report; any other .xlsx raises SourceError (wrong_workbook)."""
    options = options or ReadOptions()
    return _read(path, narrative=options.narrative, limits=options.budgets())
