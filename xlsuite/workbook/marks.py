"""核实 marks: what reviewers wrote in the 校验 sheet's 核实 and 说明 columns, by finding id.

The columns are found by their headers (编号 … 核实, 说明), so rows staff insert
or sort do not matter. A mark is kept when either cell is filled; a 核实 text
other than the drop-down's choices (typed in a program that ignores data
validation) counts as 未核实 and says so in the note.
"""
from __future__ import annotations

import os
from typing import Any

from . import layout as L
from .formulas import REVIEW_CHOICES, UNREVIEWED_ZH

ID_HEADER, REVIEW_HEADER, NOTE_HEADER = "编号", "核实", "说明"

Marks = dict[str, tuple[str, str]]  # finding id -> (核实, 说明)


def marks_from_rows(rows: list[list[Any]]) -> Marks:
    """The marks in a 校验 sheet's cell values (row lists); every header row starts a block."""
    out: Marks = {}
    cols: tuple[int, int, int] | None = None
    for row in rows:
        cells = ["" if v is None else str(v).strip() for v in row]
        if ID_HEADER in cells and REVIEW_HEADER in cells:
            cols = (cells.index(ID_HEADER), cells.index(REVIEW_HEADER),
                    cells.index(NOTE_HEADER) if NOTE_HEADER in cells else -1)
            continue
        if cols is None:
            continue
        fid = cells[cols[0]] if cols[0] < len(cells) else ""
        review = cells[cols[1]] if cols[1] < len(cells) else ""
        note = cells[cols[2]] if 0 <= cols[2] < len(cells) else ""
        if not fid or not (review or note):
            continue
        if review and review not in REVIEW_CHOICES:
            note = f"（核实栏填的是“{review}”，不是下拉选项，按未核实处理）" + note
            review = UNREVIEWED_ZH
        out[fid] = (review or UNREVIEWED_ZH, note)
    return out


def read_marks(path: str | os.PathLike, limits=None) -> Marks:
    """The marks of a standard workbook file (empty when it has no 校验 sheet or no marks)."""
    from ..limits import current
    from .cells import SparseSheets

    sheets = SparseSheets(os.fspath(path), limits or current())  # the 校验 sheet's own cells, never its whole extent
    if not sheets.has_sheet(L.CHECKS):
        sheets.close()
        return {}
    rows = sheets.grid(L.CHECKS, max_rows=20_000, max_cols=40)
    return marks_from_rows([["" if v is None else v for v in row] for row in rows])


def previous_marks(path: str | os.PathLike) -> Marks:
    """The marks of a workbook about to be replaced; none when it cannot be read (it is being replaced anyway)."""
    try:
        return read_marks(path)
    except Exception:  # noqa: BLE001 - a damaged old file must not stop writing the new one
        return {}
