"""Read a standard workbook back, fast: defined names from the zip, then only the named cells.

The roll-up reads a thousand workbooks, so no openpyxl here: the defined names
come straight from ``xl/workbook.xml``, and the cells they name are picked out
of the sheets' XML as it streams past (``xlsuite.workbook.cells``): never a
dense grid over a sheet's extent, so one stray cell at XFD1048576 costs nothing.
Formula cells give their cached result (none when never calculated). Cells are
found by name, so staff may move or insert rows freely.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import SourceError
from ..forms import FORMS, get_form
from ..limits import Limits, current as current_limits
from ..model import Number, Report
from . import layout as L
from .cells import SparseSheets
from .contents import (WorkbookContents, cell_number, cell_problem, clean_meta, paragraphs_of,  # noqa: F401
                       sections_from_cover, to_report)
from .marks import read_marks

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!']+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
NOT_STANDARD = "不是 xlsuite 标准工作簿（没有“meta.form”等定义名称），请用 xlsuite import 生成，或选择报告原文件"


class Target(NamedTuple):  # a tuple: a workbook has hundreds of names, read a thousand times in a roll-up
    sheet: str
    row: int  # 0-based
    col: int
    last_row: int
    last_col: int


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def defined_names(path: str | os.PathLike, limits: Limits | None = None) -> dict[str, Target]:
    """Workbook-level defined names that point at one cell or one range."""
    sheets = SparseSheets(os.fspath(path), limits or current_limits())
    sheets.close()
    return names_of(sheets)


# Names by the workbook.xml they come from (``SparseSheets.book_key``): a roll-up's thousand
# workbooks share a template, and so their hundreds of names.
_NAMES: dict[tuple, dict[str, Target]] = {}


def names_of(sheets: SparseSheets, skip: tuple[str, ...] = ()) -> dict[str, Target]:
    """The defined names of an opened workbook, leaving out those starting with ``skip``."""
    key = (sheets.book_key, skip)
    found = _NAMES.get(key)
    if found is None:
        found = {}
        for name, text in sheets.defined_names(skip):
            m = _REF.match(text)
            if not m:
                continue
            quoted, plain, c1, r1, c2, r2 = m.groups()
            r, c = int(r1) - 1, _col_index(c1)
            found[name] = Target((quoted or "").replace("''", "'") or plain, r, c,
                                 int(r2) - 1 if r2 else r, _col_index(c2) if c2 else c)
        if len(_NAMES) >= 8:
            del _NAMES[next(iter(_NAMES))]
        _NAMES[key] = found
    return dict(found)


def read_workbook(path: str | os.PathLike, *, narrative: bool = True, limits: Limits | None = None) -> WorkbookContents:
    """Meta, values, narrative and reading problems of a standard workbook."""
    path = os.fspath(path)
    limits = limits or current_limits()
    sheets = SparseSheets(path, limits)
    try:
        # the 校验 sheet is not read; the text sections only when asked for
        names = names_of(sheets, ("checks.",) if narrative else ("checks.", L.narrative_name("")))
        if L.meta_name("form") not in names:
            raise SourceError(path, NOT_STANDARD, "wrong_workbook")
    except BaseException:
        sheets.close()
        raise
    # Every cell a name points at, and the narrative columns below their names: one pass per sheet.
    wanted = list(names.values())
    columns = [t for n, t in names.items() if n.startswith(L.narrative_name(""))] if narrative else []
    sheets.load([(t.sheet, t.row, t.col) for t in wanted], [(t.sheet, t.row, t.col) for t in columns])
    meta = clean_meta({field_id: sheets.cell(t) if (t := names.get(L.meta_name(field_id))) else None
                       for field_id, _label in L.META_FIELDS})
    form_id = meta.get("form")
    if form_id not in FORMS:
        raise SourceError(path, f"封面上的表式“{form_id}”无法识别（应为 {'、'.join(FORMS)}）", "wrong_workbook")
    form = get_form(form_id)
    contents = WorkbookContents(meta, {})
    for key in form.keys():
        t = names.get(L.defined_name(key))
        if t is None:
            contents.values[key] = None
            contents.problems.append((key, f"{form.label_of(key)}：工作簿中缺少定义名称 {key}，按空白处理"))
            continue
        value, problem = cell_number(sheets.cell(t))
        contents.values[key] = value
        if problem:
            contents.problems.append((key, cell_problem(form.label_of(key), t.sheet, problem)))
    if narrative:
        for section in form.sections:
            t = names.get(L.narrative_name(section.id))
            if t is None:
                continue
            paras = paragraphs_of(sheets.column(t.sheet, t.row, t.col))
            if paras:
                contents.narrative[section.id] = "\n".join(paras)
        # The reviewers' 核实 marks, with the text (the roll-up's fast pass needs neither): a pass of its own.
        contents.marks = read_marks(path, limits)
    return contents


def read_report(path: str | os.PathLike, *, narrative: bool = True, limits: Limits | None = None) -> Report:
    """A standard workbook as a Report (``to_report``); any other file raises SourceError."""
    return to_report(read_workbook(path, narrative=narrative, limits=limits), os.fspath(path))


def read_values(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, Number | None]]:
    """(meta, values by key) of a standard workbook; raises SourceError for any other file."""
    c = read_workbook(path, narrative=False)
    return c.meta, c.values


def read_check_results(path: str | os.PathLike) -> tuple[str | None, dict[str, str | None]]:
    """(checks.verdict, instance id -> 结果 text) from a *calculated* workbook.

    Formula cells only have values after a spreadsheet engine saved the file
    (Excel, or ``recalc.recalculate``); a fresh openpyxl file gives Nones.
    """
    path = os.fspath(path)
    sheets = SparseSheets(path, current_limits())
    names = names_of(sheets)
    verdict_at = names.get(L.VERDICT_NAME)
    if verdict_at is None:
        sheets.close()
        raise SourceError(path, NOT_STANDARD, "wrong_workbook")
    sheets.load([(t.sheet, t.row, t.col) for n, t in names.items() if n.startswith("checks.")])
    verdict = sheets.cell(verdict_at) or None
    out: dict[str, str | None] = {}
    for name, t in names.items():
        if name.startswith("checks.") and name != L.VERDICT_NAME:
            out[name.removeprefix("checks.")] = sheets.cell(t) or None
    return verdict, out
