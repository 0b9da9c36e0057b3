"""Last year's values inside this year's workbook: the 上年数据 sheet and its ``prev.<key>`` names.

The comparison (上年对比) and the roll-up's dashboard (看板) read last year's
values through these names, as they read this year's through the keys, so
a corrected value on either side recalculates everything that uses it.
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..forms import get_form
from ..model import Report
from . import layout as L
from . import writer as W

PREVIOUS = "上年数据"
FIRST_ROW = 4


def add_previous_sheet(wb: Workbook, previous: Report, used_by: str) -> None:
    """Append 上年数据: one row per key of last year's form, its value named ``prev.<key>``."""
    form = get_form(previous.meta.form)
    ws = wb.create_sheet(PREVIOUS)
    for letter, width in zip("ABC", (46, 34, 12)):
        ws.column_dimensions[letter].width = width
    ws.cell(1, 1, f"上年数据：{previous.meta.agency or ''}　{previous.meta.year or ''}年度（{form.id}）").font = W.TEXT_BOLD
    src = ws.cell(2, 1)
    W.put_text(src, f"来源：{previous.meta.source or '未知'}。黄色单元格可改正，“{used_by}”即时重新计算。")
    src.font = W.GREY_FONT
    for col, text in enumerate(("项目", "键", "上年数值"), 1):
        c = ws.cell(3, col, text)
        c.font, c.fill, c.border = W.BODY_BOLD, W.HEADER_FILL, W.BORDER
    st = W.Styles()
    for row, key in enumerate(form.keys(), FIRST_ROW):
        W.put_text(ws.cell(row, 1), form.label_of(key))
        ws.cell(row, 2, key)
        v = ws.cell(row, 3, previous.number(key))
        st.apply(ws.cell(row, 1), font=W.BODY, border=W.BORDER)
        st.apply(ws.cell(row, 2), font=W.SMALL_GREY, border=W.BORDER)
        st.apply(v, font=W.BODY, border=W.BORDER, fill=W.INPUT_FILL,
                 number_format=W.NUMBER_FORMATS[form.column_of(key).kind])
        name = L.previous_name(key)
        wb.defined_names[name] = DefinedName(name, attr_text=L.absolute(PREVIOUS, f"C{row}"))
    ws.freeze_panes = f"A{FIRST_ROW}"
    W._page(ws, landscape=False, title_rows="3:3")
