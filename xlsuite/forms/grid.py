"""The printed grid of each table, as the national form draws it, derived from the declarations.

One description serves every output that draws the tables: the standard
workbook places it on a sheet (``xlsuite.workbook.layout``), the published
report typesets it in Word (``xlsuite.publish``). It holds the header and
label cells with their merged extent and the cell of every value key, in
table coordinates: rows and columns count from 0 at the table's top-left
corner, ranges are inclusive. Nothing here knows sheets, documents or files.

Three shapes follow from the declarations:

- ``matrix`` (三): rows share every column; a three-row header (申请人情况 over
  自然人 | 法人或其他组织 … | 总计) and three label columns holding the vertical
  三、本年度办理结果, the （三）…（六） groups and the row labels;
- ``blocks`` (二): rows with their own columns; per 第二十条第（x）项 group a
  heading row spanning the table, a 信息内容 header row, then its rows;
- ``flat`` (四): one run of 15 numbers under three header bands
  (行政复议 | 行政诉讼 › 未经复议直接起诉 | 复议后起诉 › the five results).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from .schema import Column, Table

# Captions the official forms print above the value columns, and in the top-left corner.
CAPTIONS = {"requests": "申请人情况"}
CORNER = {
    "requests": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "active": "信息内容",
}


@dataclass(frozen=True)
class Block:
    """A header, group or label cell; ``row2``/``col2`` (inclusive) when it is merged."""

    row: int
    col: int
    text: str
    row2: int | None = None
    col2: int | None = None
    kind: str = "header"  # header | group | label

    @property
    def last_row(self) -> int:
        return self.row if self.row2 is None else self.row2

    @property
    def last_col(self) -> int:
        return self.col if self.col2 is None else self.col2

    @property
    def merged(self) -> bool:
        return self.last_row != self.row or self.last_col != self.col


@dataclass
class Grid:
    section: str
    shape: Literal["matrix", "blocks", "flat"]
    width: int  # columns
    height: int  # rows
    # Leading rows that head every column (repeated on printed pages); 0 when each
    # block of rows carries its own header (二、主动公开).
    header_rows: int
    label_cols: int  # columns left of the first value column that hold labels
    blocks: list[Block] = field(default_factory=list)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (row, col)
    # value cells merged to the right to fill the table width: key -> last column
    spans: dict[str, int] = field(default_factory=dict)
    value_cols: int = 0  # the most value columns a row has (二: 3 of gov2019 and gov2021)


def column_header(col: Column) -> str:
    """A column's printed header, with its unit when the label does not say it (采购总金额（元）)."""
    if col.unit and col.unit not in col.label:
        return f"{col.label}（{col.unit}）"
    return col.label


def level(text: str | None) -> int:
    """0 for 一、… headings, 1 for （一）… sub-headings: how the requests rows nest."""
    if text and text[0] in "一二三四五六七八九十" and "、" in text[:3]:
        return 0
    return 1


def _matrix(table: Table) -> Grid:
    """Rows share every column (三): hierarchical row labels in three columns, then the values."""
    label_cols = 3
    grouped = any(c.group for c in table.columns)
    caption = CAPTIONS.get(table.section)
    header_last = (1 if caption else 0) + (1 if grouped else 0)
    g = Grid(table.section, "matrix", label_cols + len(table.columns), 0, header_last + 1, label_cols,
             value_cols=len(table.columns))
    g.blocks.append(Block(0, 0, CORNER.get(table.section, ""), header_last, label_cols - 1))
    r = 0
    if caption:
        g.blocks.append(Block(r, label_cols, caption, r, g.width - 1))
        r += 1
    c = label_cols
    cols = list(table.columns)
    i = 0
    while i < len(cols):
        col = cols[i]
        if col.group and grouped:
            j = i
            while j < len(cols) and cols[j].group == col.group:
                g.blocks.append(Block(r + 1, c + (j - i), column_header(cols[j])))
                j += 1
            g.blocks.append(Block(r, c, col.group, r, c + (j - i) - 1))
            c += j - i
            i = j
        else:
            g.blocks.append(Block(r, c, column_header(col), header_last, c))
            c += 1
            i += 1

    row = header_last + 1
    top_heading: str | None = None
    for trow in table.rows:
        group = trow.group
        if group is None:
            g.blocks.append(Block(row, 0, trow.label, row, label_cols - 1, "label"))
        elif level(group) == 0:
            top_heading = group
            g.blocks.append(Block(row, 0, group, kind="group"))
            g.blocks.append(Block(row, 1, trow.label, row, label_cols - 1, "label"))
        else:
            g.blocks.append(Block(row, 0, top_heading or "", kind="group"))
            g.blocks.append(Block(row, 1, group, kind="group"))
            g.blocks.append(Block(row, 2, trow.label, kind="label"))
        for k, col in enumerate(table.columns):
            g.cells[f"{table.section}.{trow.id}.{col.id}"] = (row, label_cols + k)
        row += 1
    g.blocks = _merge_runs(g.blocks)
    g.height = row
    return g


def _merge_runs(blocks: list[Block]) -> list[Block]:
    """Merge vertically adjacent one-cell group labels with equal text (（三）不予公开 over its 8 rows)."""
    out: list[Block] = []
    for b in blocks:
        prev = next((p for p in reversed(out) if p.kind == "group" and p.col == b.col), None)
        if (b.kind == "group" and prev is not None and prev.text == b.text and b.text
                and prev.last_row == b.row - 1 and prev.col2 in (None, prev.col)):
            out[out.index(prev)] = Block(prev.row, prev.col, prev.text, b.row, prev.col2, "group")
            continue
        out.append(b)
    return out


def _blocks(table: Table) -> Grid:
    """Rows with their own columns (二): per group a heading row, a header row, the rows."""
    groups: list[tuple[str | None, list]] = []
    for trow in table.rows:
        if groups and groups[-1][0] == trow.group:
            groups[-1][1].append(trow)
        else:
            groups.append((trow.group, [trow]))
    ncols = max(len(table.row_columns(r)) for r in table.rows)
    width = 1 + ncols
    g = Grid(table.section, "blocks", width, 0, 0, 1, value_cols=ncols)
    last = width - 1
    row = 0
    for group, rows in groups:
        if group:
            g.blocks.append(Block(row, 0, group, row, last, "group"))
            row += 1
        # Rows of one group may still differ (政府集中采购 under （九）项): a header wherever columns change.
        current = None
        for trow in rows:
            cols = table.row_columns(trow)
            if cols != current:
                g.blocks.append(Block(row, 0, CORNER.get(table.section, "")))
                for k, col in enumerate(cols):
                    end = last if k == len(cols) - 1 else 1 + k
                    g.blocks.append(Block(row, 1 + k, column_header(col), row, end))
                row += 1
                current = cols
            g.blocks.append(Block(row, 0, trow.label, kind="label"))
            for k, col in enumerate(cols):
                key = f"{table.section}.{trow.id}.{col.id}"
                g.cells[key] = (row, 1 + k)
                if k == len(cols) - 1 and 1 + k < last:
                    g.spans[key] = last
            row += 1
    g.height = row
    return g


def _flat(table: Table) -> Grid:
    """One run of numbers (四): row groups and rows become column header bands over one data row."""
    grouped = any(r.group for r in table.rows)
    header_last = 2 if grouped else 1
    n = len(table.columns)
    g = Grid(table.section, "flat", n * len(table.rows), header_last + 2, header_last + 1, 0, value_cols=n)
    c = 0
    rows = list(table.rows)
    i = 0
    while i < len(rows):
        trow = rows[i]
        if trow.group and grouped:
            j = i
            while j < len(rows) and rows[j].group == trow.group:
                g.blocks.append(Block(1, c + (j - i) * n, rows[j].label, 1, c + (j - i + 1) * n - 1))
                j += 1
            g.blocks.append(Block(0, c, trow.group, 0, c + (j - i) * n - 1))
        else:
            j = i + 1
            g.blocks.append(Block(0, c, trow.label, header_last - 1, c + n - 1))
        c += (j - i) * n
        i = j
    c = 0
    for trow in table.rows:
        for col in table.row_columns(trow):
            g.blocks.append(Block(header_last, c, column_header(col)))
            g.cells[f"{table.section}.{trow.id}.{col.id}"] = (header_last + 1, c)
            c += 1
    return g


def table_grid(table: Table) -> Grid:
    """The printed grid of ``table``: its shape follows from how the table is declared."""
    if table.layout == "flat":
        return _flat(table)
    if any(r.columns is not None for r in table.rows):
        return _blocks(table)
    return _matrix(table)


@lru_cache(maxsize=None)
def grid(form_id: str, section: str) -> Grid:
    """The grid of a form's table by ids (cached: treat the result as read-only)."""
    from . import get_form

    return table_grid(get_form(form_id).table(section))
