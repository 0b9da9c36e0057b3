"""Where everything sits in the standard workbook, derived from the forms data.

The geometry is computed once per form from ``xlsuite.forms``: the sheet of each
section, the header blocks of each table (text and merged range) and the cell of
each value key. The writer draws it; ``cell_of`` and ``defined_name`` let other
code (roll-up, add-in) find cells without knowing coordinates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl.utils import get_column_letter

from ..forms import Form, Table, get_form

COVER = "封面"
CHECKS = "校验"
# Short sheet titles (Excel allows 31 characters; the printed headings are longer).
SECTION_SHEETS = {
    "overview": "一、总体情况",
    "active": "二、主动公开",
    "requests": "三、依申请公开",
    "appeals": "四、复议诉讼",
    "issues": "五、问题及改进",
    "other": "六、其他事项",
}

# Header captions the official forms print above the value columns.
CAPTIONS = {"requests": "申请人情况"}
CORNER = {
    "requests": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "active": "信息内容",
}

TITLE_ROW, SUBTITLE_ROW, FIRST_ROW = 1, 2, 3
NARRATIVE_FIRST_ROW = 3

# Meta fields on the cover, in order: (name suffix, Chinese label). Their defined name is ``meta.<suffix>``.
META_FIELDS = (
    ("agency", "机关名称"),
    ("year", "报告年度"),
    ("form", "表式"),
    ("sections", "报告包含的部分"),
    ("source", "来源文件"),
    ("source_kind", "来源类型"),
    ("source_sha256", "来源文件 SHA-256"),
    ("imported_at", "导入时间"),
    ("xlsuite_version", "xlsuite 版本"),
)
COVER_FIRST_ROW = 3
VERDICT_NAME = "checks.verdict"


def defined_name(key: str) -> str:
    """The workbook-level name of a value cell: the FORMS.md key itself."""
    return key


PREVIOUS_PREFIX = "prev."


def previous_name(key: str) -> str:
    """The name of last year's value of ``key`` in a workbook that holds both years (上年数据)."""
    return PREVIOUS_PREFIX + key


def meta_name(field_id: str) -> str:
    return f"meta.{field_id}"


def check_name(instance_id: str) -> str:
    """The name of a relation instance's result cell on the 校验 sheet."""
    return f"checks.{instance_id}"


def narrative_name(section_id: str) -> str:
    return f"narrative.{section_id}"


@dataclass(frozen=True)
class Block:
    """A header or label cell, possibly merged: rows/cols are 1-based and inclusive."""

    row: int
    col: int
    text: str
    row2: int | None = None
    col2: int | None = None
    kind: str = "header"  # header | group | label

    @property
    def ref(self) -> str:
        a = f"{get_column_letter(self.col)}{self.row}"
        if (self.row2 or self.row) == self.row and (self.col2 or self.col) == self.col:
            return a
        return f"{a}:{get_column_letter(self.col2 or self.col)}{self.row2 or self.row}"


@dataclass
class TableLayout:
    section: str
    sheet: str
    width: int  # columns used
    # First and last header row, frozen above the data and repeated on printed pages;
    # None when each block of rows carries its own header (二、主动公开).
    header_rows: tuple[int, int] | None
    label_cols: int  # columns left of the first value column that hold labels (frozen)
    blocks: list[Block] = field(default_factory=list)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (row, col)
    # value cells merged to the right to fill the table width: key -> last column
    spans: dict[str, int] = field(default_factory=dict)
    last_row: int = 0
    col_widths: dict[int, float] = field(default_factory=dict)


def _column_header(col) -> str:
    if col.unit and col.unit not in col.label:
        return f"{col.label}（{col.unit}）"
    return col.label


def _level(text: str | None) -> int:
    """0 for 一、… headings, 1 for （一）… sub-headings: how the requests rows nest."""
    if text and text[0] in "一二三四五六七八九十" and "、" in text[:3]:
        return 0
    return 1


def _layout_matrix(table: Table, sheet: str) -> TableLayout:
    """Rows share every column (三): hierarchical row labels in A-C, values from D."""
    label_cols = 3
    grouped = any(c.group for c in table.columns)
    caption = CAPTIONS.get(table.section)
    top = FIRST_ROW
    header_last = top + (1 if caption else 0) + (1 if grouped else 0)
    lay = TableLayout(table.section, sheet, label_cols + len(table.columns), (top, header_last), label_cols)
    lay.blocks.append(Block(top, 1, CORNER.get(table.section, ""), header_last, label_cols))
    r = top
    if caption:
        lay.blocks.append(Block(r, label_cols + 1, caption, r, lay.width))
        r += 1
    c = label_cols + 1
    cols = list(table.columns)
    i = 0
    while i < len(cols):
        col = cols[i]
        if col.group and grouped:
            j = i
            while j < len(cols) and cols[j].group == col.group:
                lay.blocks.append(Block(r + 1, c + (j - i), _column_header(cols[j])))
                j += 1
            lay.blocks.append(Block(r, c, col.group, r, c + (j - i) - 1))
            c += j - i
            i = j
        else:
            lay.blocks.append(Block(r, c, _column_header(col), header_last, c))
            c += 1
            i += 1

    row = header_last + 1
    top_heading: str | None = None
    for trow in table.rows:
        group = trow.group
        if group is None:
            lay.blocks.append(Block(row, 1, trow.label, row, label_cols, "label"))
        elif _level(group) == 0:
            top_heading = group
            lay.blocks.append(Block(row, 1, group, kind="group"))
            lay.blocks.append(Block(row, 2, trow.label, row, label_cols, "label"))
        else:
            lay.blocks.append(Block(row, 1, top_heading or "", kind="group"))
            lay.blocks.append(Block(row, 2, group, kind="group"))
            lay.blocks.append(Block(row, 3, trow.label, kind="label"))
        for k, col in enumerate(table.columns):
            lay.cells[f"{table.section}.{trow.id}.{col.id}"] = (row, label_cols + 1 + k)
        row += 1
    lay.blocks = _merge_runs(lay.blocks)
    lay.last_row = row - 1
    lay.col_widths = {1: 7, 2: 12, 3: 34, **{label_cols + 1 + k: 11 for k in range(len(table.columns))}}
    return lay


def _merge_runs(blocks: list[Block]) -> list[Block]:
    """Merge vertically adjacent one-cell group labels with equal text (（三）不予公开 over its 8 rows)."""
    out: list[Block] = []
    for b in blocks:
        prev = next((p for p in reversed(out) if p.kind == "group" and p.col == b.col), None)
        if (b.kind == "group" and prev is not None and prev.text == b.text and b.text
                and (prev.row2 or prev.row) == b.row - 1 and prev.col2 in (None, prev.col)):
            out[out.index(prev)] = Block(prev.row, prev.col, prev.text, b.row, prev.col2, "group")
            continue
        out.append(b)
    return out


def _layout_blocks(table: Table, sheet: str) -> TableLayout:
    """Rows with their own columns (二): per group a heading row, a header row, the rows."""
    groups: list[tuple[str | None, list]] = []
    for trow in table.rows:
        if groups and groups[-1][0] == trow.group:
            groups[-1][1].append(trow)
        else:
            groups.append((trow.group, [trow]))
    ncols = max(len(table.row_columns(r)) for r in table.rows)
    width = 1 + ncols
    lay = TableLayout(table.section, sheet, width, None, 1)
    row = FIRST_ROW
    for group, rows in groups:
        if group:
            lay.blocks.append(Block(row, 1, group, row, width, "group"))
            row += 1
        # Rows of one group may still differ (政府集中采购 under （九）项): a header wherever columns change.
        current = None
        for trow in rows:
            cols = table.row_columns(trow)
            if cols != current:
                lay.blocks.append(Block(row, 1, CORNER.get(table.section, "")))
                for k, col in enumerate(cols):
                    last = width if k == len(cols) - 1 else 2 + k
                    lay.blocks.append(Block(row, 2 + k, _column_header(col), row, last))
                row += 1
                current = cols
            lay.blocks.append(Block(row, 1, trow.label, kind="label"))
            for k, col in enumerate(cols):
                key = f"{table.section}.{trow.id}.{col.id}"
                lay.cells[key] = (row, 2 + k)
                if k == len(cols) - 1 and 2 + k < width:
                    lay.spans[key] = width
            row += 1
    lay.last_row = row - 1
    lay.col_widths = {1: 24, **{2 + k: 18 for k in range(ncols)}}
    return lay


def _layout_flat(table: Table, sheet: str) -> TableLayout:
    """One run of numbers (四): row groups and rows become column header bands over one data row."""
    top = FIRST_ROW
    grouped = any(r.group for r in table.rows)
    header_last = top + (2 if grouped else 1)
    n = len(table.columns)
    lay = TableLayout(table.section, sheet, n * len(table.rows), (top, header_last), 0)
    c = 1
    rows = list(table.rows)
    i = 0
    while i < len(rows):
        trow = rows[i]
        if trow.group and grouped:
            j = i
            while j < len(rows) and rows[j].group == trow.group:
                lay.blocks.append(Block(top + 1, c + (j - i) * n, rows[j].label, top + 1, c + (j - i + 1) * n - 1))
                j += 1
            lay.blocks.append(Block(top, c, trow.group, top, c + (j - i) * n - 1))
        else:
            j = i + 1
            lay.blocks.append(Block(top, c, trow.label, header_last - 1, c + n - 1))
        c += (j - i) * n
        i = j
    c = 1
    for trow in table.rows:
        for col in table.row_columns(trow):
            lay.blocks.append(Block(header_last, c, _column_header(col)))
            lay.cells[f"{table.section}.{trow.id}.{col.id}"] = (header_last + 1, c)
            c += 1
    lay.last_row = header_last + 1
    lay.col_widths = {k: 8.5 for k in range(1, lay.width + 1)}
    return lay


@lru_cache(maxsize=None)
def table_layout(form_id: str, section: str) -> TableLayout:
    form = get_form(form_id)
    table = form.table(section)
    sheet = SECTION_SHEETS[section]
    if table.layout == "flat":
        return _layout_flat(table, sheet)
    if any(r.columns is not None for r in table.rows):
        return _layout_blocks(table, sheet)
    return _layout_matrix(table, sheet)


@lru_cache(maxsize=None)
def _cells(form_id: str) -> dict[str, tuple[str, str]]:
    form = get_form(form_id)
    out = {}
    for table in form.tables:
        lay = table_layout(form_id, table.section)
        for key, (r, c) in lay.cells.items():
            out[key] = (lay.sheet, f"{get_column_letter(c)}{r}")
    return out


def cell_of(form_id: str, key: str) -> tuple[str, str]:
    """(sheet title, "C7") of a value key in a standard workbook of ``form_id``."""
    try:
        return _cells(form_id)[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a value key of form {form_id}") from None


def sheet_order(form: Form) -> list[str]:
    return [COVER] + [SECTION_SHEETS[s.id] for s in form.sections] + [CHECKS]


def absolute(sheet: str, ref: str) -> str:
    """``'三、依申请公开'!$D$6`` for a defined name's target."""
    m = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", ref)
    if not m:
        raise ValueError(ref)
    a = f"${m.group(1)}${m.group(2)}"
    if m.group(3):
        a += f":${m.group(3)}${m.group(4)}"
    return f"'{sheet.replace(chr(39), chr(39) * 2)}'!{a}"
