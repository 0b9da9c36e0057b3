"""Where everything sits in the standard workbook, derived from the forms data.

The geometry is computed once per form from ``xlsuite.forms``: the sheet of each
section, and each table's printed grid (``xlsuite.forms.grid``: header blocks
with their merged range, the cell of each value key; the published report
typesets the same grid) placed on its sheet below the title rows. The writer draws it; ``cell_of`` and ``defined_name`` let other
code (roll-up, add-in) find cells without knowing coordinates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..forms import Form, get_form
from ..forms.grid import Block as GridBlock
from ..forms.grid import Grid, grid

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


TITLE_ROW, SUBTITLE_ROW, FIRST_ROW = 1, 2, 3

# 校验 columns: header, width, and which ones hold formulas (D-G) or wrapped text (B, C).
CHECK_HEADERS = ("编号", "关系", "关系式（定义名称）", "左边", "右边", "差额", "结果", "级别", "导入时结果", "核实", "说明")
CHECK_WIDTHS = (25, 44, 44, 11, 11, 9, 9, 6, 10, 11, 30)
CHECK_FIRST_ROW = 5
LEFT_COL, RIGHT_COL, RESULT_COL, SEVERITY_COL = "D", "E", "G", "H"
REVIEW_COL, NOTE_COL = "J", "K"  # 核实 and 说明: a reviewer's mark on the row's finding (see xlsuite.workbook.marks)
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
    """The workbook-level name of a value cell: the form key itself (docs/forms.md)."""
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


def column_letter(n: int) -> str:
    """Excel's letters of column ``n`` (1 -> A, 27 -> AA), as openpyxl's ``get_column_letter``: the add-in
    finds cells in open Excel without loading openpyxl."""
    letters = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


class Block(GridBlock):
    """A grid block placed on its sheet: rows/cols are 1-based sheet coordinates, inclusive."""

    @property
    def ref(self) -> str:
        a = f"{column_letter(self.col)}{self.row}"
        if not self.merged:
            return a
        return f"{a}:{column_letter(self.last_col)}{self.last_row}"


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


def _place(g: Grid, sheet: str) -> TableLayout:
    """A table's grid on its sheet: below the title rows, from column A."""
    def at(b: GridBlock) -> Block:
        return Block(b.row + FIRST_ROW, b.col + 1, b.text,
                     None if b.row2 is None else b.row2 + FIRST_ROW,
                     None if b.col2 is None else b.col2 + 1, b.kind)

    header_rows = (FIRST_ROW, FIRST_ROW + g.header_rows - 1) if g.header_rows else None
    lay = TableLayout(g.section, sheet, g.width, header_rows, g.label_cols)
    lay.blocks = [at(b) for b in g.blocks]
    lay.cells = {k: (r + FIRST_ROW, c + 1) for k, (r, c) in g.cells.items()}
    lay.spans = {k: c + 1 for k, c in g.spans.items()}
    lay.last_row = FIRST_ROW + g.height - 1
    if g.shape == "matrix":
        lay.col_widths = {1: 7, 2: 12, 3: 34, **{g.label_cols + 1 + k: 11 for k in range(g.value_cols)}}
    elif g.shape == "blocks":
        lay.col_widths = {1: 24, **{2 + k: 18 for k in range(g.value_cols)}}
    else:
        lay.col_widths = {k: 8.5 for k in range(1, g.width + 1)}
    return lay


@lru_cache(maxsize=None)
def table_layout(form_id: str, section: str) -> TableLayout:
    return _place(grid(form_id, section), SECTION_SHEETS[section])


@lru_cache(maxsize=None)
def _cells(form_id: str) -> dict[str, tuple[str, str]]:
    form = get_form(form_id)
    out = {}
    for table in form.tables:
        lay = table_layout(form_id, table.section)
        for key, (r, c) in lay.cells.items():
            out[key] = (lay.sheet, f"{column_letter(c)}{r}")
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
