"""The comparison in the standard workbook: 上年数据, 上年对比 and 文字对比 sheets.

Last year's values are stored on 上年数据 under the names ``prev.<key>``; the
上年对比 sheet computes 上年 / 本年 / 增减 / 增减率 for every key and metric
with formulas over the two years' names, and relations 8-10 inline, so a
value corrected on either year's sheet updates the comparison. The text
measures (narrative diff, 重复率) are computed in Python and written as values.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from ..atomic import atomic_path
from ..forms import get_form
from ..metrics import resolved
from ..relations import instances
from ..workbook import build_workbook
from ..workbook import layout as L
from ..workbook import writer as W
from ..workbook.formulas import check_row, metric_formula, metric_note_formula
from ..workbook.layout import previous_name
from ..workbook.previous import PREVIOUS, add_previous_sheet
from .core import NOT_IN_PREVIOUS_FORM, Comparison
from .summary import pct
from .text import STATUS_ZH

COMPARE = "上年对比"
TEXT = "文字对比"
SHEETS = (COMPARE, TEXT)

HEAD_ROW = 4  # the header row of 上年对比's values
HEADERS = ("项目", "键", "上年", "本年", "增减", "增减率", "说明")
WIDTHS = (46, 30, 11, 11, 11, 9, 26)
KEY_COL, PREV_COL, CUR_COL, CHANGE_COL, RATE_COL, NOTE_COL = 2, 3, 4, 5, 6, 7
# Hidden helpers: the notes of the two years' metric values, joined in the 说明 column.
PREV_NOTE_COL, CUR_NOTE_COL = 9, 10
CROSS_HEADERS = ("关系", "编号", "左边", "右边", "差额", "结果", "关系式")

SECTION_FILL = PatternFill("solid", fgColor="BDD7EE")
FILLS = {"same": PatternFill("solid", fgColor="EDEDED"), "figures": PatternFill("solid", fgColor="EDEDED"),
         "changed": W.YELLOW_FILL, "added": W.GREEN_FILL, "removed": W.RED_FILL}
RATIO_FORMAT = "0.0%"
CHANGE_FORMATS = {"count": "+#,##0;-#,##0;0", "signed": "+#,##0;-#,##0;0", "money": "+#,##0.00##;-#,##0.00##;0",
                  "ratio": "+0.0%;-0.0%;0.0%"}
RATE_FORMAT = "+0.0%;-0.0%;0.0%"
# Decrease blue, no change white, increase orange: a change is neither good nor bad by itself.
SCALE = dict(start_type="min", start_color="5B9BD5", mid_type="num", mid_value=0, mid_color="FFFFFF",
             end_type="max", end_color="F4B183")


def repetition_line(cmp: Comparison) -> str:
    """重复率 in one line: sections 一、五、六, the text overall, and the tables' unchanged cells."""
    from ..audit.result import SECTION_NAMES

    rep = cmp.repetition()
    parts = [f"{SECTION_NAMES[s].split('、')[0]} {pct(v)}" for s, v in rep["sections"].items()]
    return (f"文字重复率 {pct(rep['text'])}（" + "，".join(parts) + f"）；表格未变单元格 {pct(rep['tables']['all'])}")


def _years(cmp: Comparison) -> str:
    return f"{cmp.previous.meta.year or '？'}年度 → {cmp.current.meta.year or '？'}年度"


def _header_footer(ws, cmp: Comparison) -> None:
    """Agency, years and repetition rates on every printed page."""
    agency = (cmp.current.meta.agency or "").replace("&", "&&")
    ws.oddHeader.left.text = agency
    ws.oddHeader.left.size = 9
    ws.oddHeader.center.text = f"{ws.title}　{_years(cmp)}"
    ws.oddHeader.center.size = 10
    ws.oddHeader.right.text = repetition_line(cmp).replace("&", "&&")
    ws.oddHeader.right.size = 8
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 8
    ws.page_margins.top = 0.8
    ws.page_margins.header = 0.3


def _head(ws, row: int, texts, st: W.Styles) -> None:
    for col, text in enumerate(texts, 1):
        st.apply(ws.cell(row, col), font=W.BODY_BOLD, fill=W.HEADER_FILL, border=W.BORDER, alignment=W.WRAP_CENTER)
        ws.cell(row, col).value = text


def _block(ws, row: int, text: str) -> None:
    c = ws.cell(row, 1, text)
    c.font = W.TEXT_BOLD
    for col in range(1, len(HEADERS) + 1):
        ws.cell(row, col).fill = SECTION_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))


def _changes(ws, row: int, kind: str, rate: bool) -> None:
    p, c = f"{get_column_letter(PREV_COL)}{row}", f"{get_column_letter(CUR_COL)}{row}"
    ws.cell(row, CHANGE_COL, f'=IF(OR({p}="",{c}=""),"",{c}-{p})').number_format = CHANGE_FORMATS[kind]
    if rate:
        ws.cell(row, RATE_COL, f'=IF(OR({p}="",{c}="",{p}=0),"",({c}-{p})/{p})').number_format = RATE_FORMAT


def _compare_sheet(wb: Workbook, cmp: Comparison) -> list[int]:
    """The 上年对比 sheet; returns the rows holding values (for the colour scales)."""
    form = cmp.form
    prev_form = get_form(cmp.previous.meta.form)
    prev_keys = set(prev_form.keys())
    ws = wb.create_sheet(COMPARE)
    width = len(HEADERS)
    for col, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    for col in (PREV_NOTE_COL, CUR_NOTE_COL):
        ws.column_dimensions[get_column_letter(col)].hidden = True
    title = ws.cell(1, 1, f"上年对比：{cmp.current.meta.agency or '（机关未识别）'}　{_years(cmp)}")
    title.font = W.Font(name=W.FONT, size=14, bold=True)
    title.alignment = W.CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 26
    line = ws.cell(2, 1, repetition_line(cmp))
    line.font = W.TEXT_BOLD
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    hint = ws.cell(3, 1, f"本年数值引用各表的定义名称，上年数值引用“{PREVIOUS}”表（名称前缀 prev.）；"
                         "改正任一年的数值，增减即时重新计算。比率的增减为百分点。")
    hint.font = W.GREY_FONT
    hint.alignment = W.WRAP_LEFT
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    ws.row_dimensions[3].height = 28
    st = W.Styles()
    _head(ws, HEAD_ROW, HEADERS, st)
    row = HEAD_ROW + 1
    value_rows: list[int] = []
    prev_resolved = {m.id: (num, den) for m, num, den in resolved(prev_form.id)}

    def body(r: int, cols=range(1, width + 1)) -> None:
        for col in cols:
            st.apply(ws.cell(r, col), font=W.SMALL_GREY if col == KEY_COL else W.BODY, border=W.BORDER,
                     alignment=W.WRAP_LEFT if col in (1, KEY_COL, NOTE_COL) else W.RIGHT)

    _block(ws, row, "指标")
    row += 1
    for m, num, den in resolved(form.id):
        body(row)
        ws.cell(row, 1, m.name)
        ws.cell(row, KEY_COL, m.id)
        fmt = RATIO_FORMAT if m.kind == "ratio" else W.NUMBER_FORMATS["count"]
        cur = ws.cell(row, CUR_COL, metric_formula(m, num, den))
        cur.number_format = fmt
        ws.cell(row, CUR_NOTE_COL, metric_note_formula(m, num, den))
        if m.id in prev_resolved:
            pnum, pden = prev_resolved[m.id]
            ws.cell(row, PREV_COL, metric_formula(m, pnum, pden, previous_name)).number_format = fmt
            ws.cell(row, PREV_NOTE_COL, metric_note_formula(m, pnum, pden, previous_name))
        else:
            ws.cell(row, PREV_NOTE_COL, NOT_IN_PREVIOUS_FORM)
        pn, cn = f"{get_column_letter(PREV_NOTE_COL)}{row}", f"{get_column_letter(CUR_NOTE_COL)}{row}"
        ws.cell(row, NOTE_COL, f'=IF({pn}="","","上年"&{pn})&IF(AND({pn}<>"",{cn}<>""),"；","")'
                               f'&IF({cn}="","","本年"&{cn})')
        _changes(ws, row, "ratio" if m.kind == "ratio" else "count", rate=m.kind != "ratio")
        value_rows.append(row)
        row += 1
    for table in form.tables:
        section = next(s for s in form.sections if s.id == table.section)
        _block(ws, row, f"{section.number}、{section.title}")
        row += 1
        for key in table.keys():
            body(row)
            W.put_text(ws.cell(row, 1), form.label_of(key))
            ws.cell(row, KEY_COL, key)
            kind = form.column_of(key).kind
            fmt = W.NUMBER_FORMATS[kind]
            cur = ws.cell(row, CUR_COL, f'=IF(COUNT({L.defined_name(key)})=0,"",{L.defined_name(key)})')
            cur.number_format = fmt
            if key in prev_keys:
                pn = previous_name(key)
                ws.cell(row, PREV_COL, f'=IF(COUNT({pn})=0,"",{pn})').number_format = fmt
            else:
                ws.cell(row, NOTE_COL, NOT_IN_PREVIOUS_FORM)
            _changes(ws, row, kind, rate=True)
            value_rows.append(row)
            row += 1
    row = _cross_year(ws, cmp, row + 1, st)
    last = f"{value_rows[-1]}"
    for col in (CHANGE_COL, RATE_COL):
        letter = get_column_letter(col)
        ws.conditional_formatting.add(f"{letter}{value_rows[0]}:{letter}{last}", ColorScaleRule(**SCALE))
    ws.freeze_panes = f"C{HEAD_ROW + 1}"
    W._page(ws, landscape=True, title_rows=f"{HEAD_ROW}:{HEAD_ROW}")
    _header_footer(ws, cmp)
    return value_rows


def _cross_year(ws, cmp: Comparison, row: int, st: W.Styles) -> int:
    """Relations 8-10 as live formulas over both years' names, as the 校验 sheet shows 1-7."""
    ids = {r.id for r in cmp.cross_year}
    insts = [i for i in instances(cmp.form.id, cross_year=True) if i.id in ids]
    _block(ws, row, "跨年度勾稽关系（R8–R10，警告）")
    row += 1
    if not insts:
        ws.cell(row, 1, "（两年表式不同，没有可比的跨年度关系）").font = W.GREY_FONT
        return row + 1
    _head(ws, row, CROSS_HEADERS, st)
    row += 1
    first = row
    for inst in insts:
        cr = check_row(inst, cmp.form.id, row, get_column_letter(PREV_COL), get_column_letter(CUR_COL))
        cells = (inst.message, inst.id, cr.left, cr.right, cr.difference, cr.result, cr.expression)
        for col, v in enumerate(cells, 1):
            c = ws.cell(row, col)
            if 3 <= col <= 6:
                c.value = v or None
            else:
                W.put_text(c, v)
            st.apply(c, font=W.SMALL_GREY if col in (2, 7) else W.BODY, border=W.BORDER,
                     alignment=W.WRAP_LEFT if col in (1, 7) else W.CENTER)
        ws.row_dimensions[row].height = 26
        row += 1
    rows = f"A{first}:{get_column_letter(len(CROSS_HEADERS))}{row - 1}"
    ws.conditional_formatting.add(rows, FormulaRule(formula=[f'$F{first}="{W.FAIL_ZH}"'], fill=W.YELLOW_FILL))
    return row


def _text_sheet(wb: Workbook, cmp: Comparison) -> None:
    """The narrative diff, section by section, and the figures the text restates."""
    from ..audit.result import SECTION_NAMES

    ws = wb.create_sheet(TEXT)
    for letter, w in zip("ABCD", (10, 52, 52, 30)):
        ws.column_dimensions[letter].width = w
    t = ws.cell(1, 1, f"文字对比：{cmp.current.meta.agency or ''}　{_years(cmp)}")
    t.font = W.Font(name=W.FONT, size=14, bold=True)
    ws.merge_cells("A1:D1")
    ws.cell(2, 1, repetition_line(cmp)).font = W.TEXT_BOLD
    ws.merge_cells("A2:D2")
    note = ws.cell(3, 1, "逐句比较：相同＝与上年一字不差；仅数字变化＝只改了年份、件数等数字；改写＝与上年某句相近；"
                         "重复率＝本年文字中“相同”与“仅数字变化”句子的字数占比。")
    note.font, note.alignment = W.GREY_FONT, W.WRAP_LEFT
    ws.merge_cells("A3:D3")
    ws.row_dimensions[3].height = 28
    st = W.Styles()
    row = 5
    for section, d in cmp.narrative.items():
        counts = d.counts()
        text = (f"{SECTION_NAMES[section]}　重复率 {pct(d.repetition)}（"
                + "，".join(f"{STATUS_ZH[status]} {n} 句" for status, n in counts.items()) + "）")
        c = ws.cell(row, 1, text)
        c.font = W.TEXT_BOLD
        for col in range(1, 5):
            ws.cell(row, col).fill = SECTION_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        row += 1
        _head(ws, row, ("变化", "上年", "本年", "数字变化"), st)
        row += 1
        for s in d.sentences:
            figs = "；".join(f.text() for f in s.figures)
            for col, v in enumerate((STATUS_ZH[s.status], s.previous, s.current, figs), 1):
                c = ws.cell(row, col)
                W.put_text(c, v or None)
                st.apply(c, font=W.BODY, border=W.BORDER, alignment=W.TOP_WRAP, fill=FILLS[s.status])
            longest = max(len(s.previous or ""), len(s.current or ""))
            ws.row_dimensions[row].height = max(1, -(-longest // 26)) * 13 + 4
            row += 1
        row += 1
    if cmp.figures:
        c = ws.cell(row, 1, "文字中的数字（与本年表格比较）")
        c.font = W.TEXT_BOLD
        for col in range(1, 5):
            ws.cell(row, col).fill = SECTION_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        row += 1
        _head(ws, row, ("", "说法", "上年 → 本年", "本年表格"), st)
        row += 1
        for f in cmp.figures:
            prev = "、".join(map(str, f["previous"])) or "—"
            cur = "、".join(map(str, f["current"])) or "—"
            table = f.get("table")
            for col, v in enumerate(("", f["states"], f"{prev} → {cur}", "—" if table is None else table), 1):
                c = ws.cell(row, col)
                W.put_text(c, v) if isinstance(v, str) else setattr(c, "value", v)
                st.apply(c, font=W.BODY, border=W.BORDER, alignment=W.WRAP_LEFT)
            row += 1
    ws.freeze_panes = "A5"
    W._page(ws, landscape=True)
    _header_footer(ws, cmp)


def add_comparison(wb: Workbook, cmp: Comparison, *, first: bool = False) -> None:
    """Add 上年数据, 上年对比 and 文字对比 to the current year's standard workbook ``wb``.

    ``first``: put the two comparison sheets in front and open on 上年对比 (``compare``);
    otherwise they follow the year's own sheets (``import --previous``).
    """
    add_previous_sheet(wb, cmp.previous, COMPARE)
    _compare_sheet(wb, cmp)
    _text_sheet(wb, cmp)
    wb.move_sheet(PREVIOUS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(PREVIOUS))
    if first:
        for n, name in enumerate(SHEETS):
            wb.move_sheet(name, offset=n - wb.sheetnames.index(name))
        wb.active = 0
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == COMPARE


def build_comparison(cmp: Comparison, *, first: bool = True, results=None) -> Workbook:
    """This year's standard workbook with the comparison sheets."""
    wb = build_workbook(cmp.current, results)
    add_comparison(wb, cmp, first=first)
    return wb


def write_comparison(cmp: Comparison, path: str | os.PathLike, *, overwrite: bool = False,
                     first: bool = True) -> Path:
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    return W.save_atomic(build_comparison(cmp, first=first), path, overwrite=overwrite)


def write_pdf(cmp: Comparison, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """The two comparison sheets as a PDF, rendered by LibreOffice (one soffice call)."""
    from ..workbook.recalc import convert

    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    wb = build_comparison(cmp, first=True)
    for ws in wb.worksheets:
        if ws.title not in SHEETS:
            ws.sheet_state = "hidden"
    with tempfile.TemporaryDirectory(prefix="xlsuite-compare-") as tmp:
        src = Path(tmp) / "对比.xlsx"
        wb.save(src)
        out = Path(tmp) / "pdf"
        out.mkdir()
        convert([src], out, "pdf")
        made = out / "对比.pdf"
        if not made.exists():
            from ..errors import XlsuiteError
            raise XlsuiteError(f"LibreOffice 没有生成 PDF：{path}")
        with atomic_path(path, overwrite=overwrite) as target:
            shutil.copyfile(made, target)
    return path
