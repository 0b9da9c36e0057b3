"""Report -> the standard workbook (openpyxl).

Sheets: 封面, one per section (一 … 六), 校验. Every value cell carries a
workbook-level defined name equal to its form key (docs/forms.md); the 校验 sheet computes
every relation instance with formulas over those names, so the checks stay live
while staff type. Printed totals are written as typed values, never as SUMs:
the checks compare them with the sums.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..assessment import Assessment, Item, assess
from ..checks import STATUS_ZH, CheckResult
from ..forms import Form, get_form
from ..model import Meta, Report, Value
from ..ocr.review import needs_review
from ..sanitize import FORMULA_LEADERS, clean_report, for_xml  # noqa: F401 - FORMULA_LEADERS is imported from here
from . import layout as L
from .layout import (CHECK_FIRST_ROW, CHECK_HEADERS, CHECK_WIDTHS, LEFT_COL, NOTE_COL, RESULT_COL,  # noqa: F401
                     REVIEW_COL, RIGHT_COL, SEVERITY_COL)
from ..atomic import save_atomic
from .formulas import (BLANK_ZH, FAIL_ZH, FAILED_EXPLAINED_ZH, PASS_ZH, REVIEW_CHOICES, SEVERITY_ZH, UNCHECKABLE_ZH,
                       check_row, explained_formula, sheet_order, verdict_formula)
from ..readers.discover import file_sha256
from .narrative import paragraphs
from .styles import (BODY, BODY_BOLD, BORDER, CENTER, EXPLAINED_FILL, FONT, GREEN_FILL, GREY_FONT, HEADER_FILL, INPUT_FILL,  # noqa: F401
                     MIDDLE, NUMBER_FORMATS, RED_FILL, RED_FONT, REVIEW_FILL, RIGHT, SMALL_GREY, TEXT, TEXT_BOLD,
                     TOP_WRAP, WRAP_CENTER, WRAP_LEFT, YELLOW_FILL, Styles)

VALIDATION = {
    "count": dict(type="whole", operator="greaterThanOrEqual", formula1="0",
                  prompt="请填写大于或等于 0 的整数。报告中空白或“/”的单元格保持空白，不要填 0。",
                  error="这里只能填写大于或等于 0 的整数（件数）。"),
    "signed": dict(type="whole", operator="between", formula1="-999999999", formula2="999999999",
                   prompt="请填写整数：增加填正数，减少填负数（如 -4）。",
                   error="这里只能填写整数（增加为正数，减少为负数）。"),
    "money": dict(type="decimal", operator="greaterThanOrEqual", formula1="0",
                  prompt="请填写金额（单位：{unit}），可以有小数。",
                  error="这里只能填写大于或等于 0 的金额（单位：{unit}）。"),
}



def put_text(cell, text: str | None) -> None:
    """Write text as text: a leading = + - @ never turns source text into a formula, and characters
    a workbook cannot hold are dropped (``clean_report`` has already said so for a report's text)."""
    if isinstance(text, str):
        text = for_xml(text)
    cell.value = text
    if isinstance(text, str) and text.startswith(FORMULA_LEADERS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=L.absolute(sheet, ref))


def cover_meta(report: Report, source: str | None, *, source_sha256: str | None = None,
               imported_at: str | None = None, template: bool = False) -> dict[str, Any]:
    """What the 封面 records about a report (``layout.META_FIELDS``): who, which year and form, the
    sections found, the source and its SHA-256, when and by which version. The one rule for a new
    workbook and for 导入 into an open one; a template records no source and no time."""
    m = report.meta
    form = get_form(m.form or "gov2021")
    found = [s for s in form.sections if s.id in report.sections_found]
    if not template:
        digest = file_sha256(source) if source and os.path.isfile(source) else None
        source_sha256 = source_sha256 or (digest[0] if digest else None)
        imported_at = imported_at or datetime.now().astimezone().isoformat(timespec="seconds")
    return {
        "agency": m.agency,
        "year": m.year,
        "form": form.id,
        "sections": "、".join(s.number for s in found) or None,
        "source": None if template else source,
        "source_kind": None if template else m.source_kind,
        "source_sha256": None if template else source_sha256,
        "imported_at": None if template else imported_at,
        "xlsuite_version": __version__,
    }


def blank_report(form_id: str) -> Report:
    """An empty report of a form: what the blank templates are made from."""
    form = get_form(form_id)
    return Report(Meta(form=form.id), {k: Value(None) for k in form.keys()})


def build_workbook(report: Report, results: list[CheckResult] | None = None, *,
                   cover_extra: dict[str, str] | None = None, source_sha256: str | None = None,
                   imported_at: str | None = None, template: bool = False,
                   marks: Mapping[str, tuple[str, str]] | None = None,
                   assessment: Assessment | None = None) -> Workbook:
    """The standard workbook of a report (see docs/workbook.md).

    ``results`` are the Python engine's results at import time; they fill the
    导入时结果 column beside the live formula results. Without them the report is
    assessed (or ``assessment`` used): its results, and its findings beyond the
    relation rows (audit, reading notes) listed under the relations for 核实.
    ``marks`` (finding id -> (核实, 说明)) are reviewers' marks to put back, e.g.
    those of the workbook this one replaces. ``template=True`` leaves the import
    details blank (the blank forms).
    """
    report = clean_report(report)  # control characters from a damaged source: dropped, with a warning
    form = get_form(report.meta.form or "gov2021")
    if results is None and assessment is None and report.meta.form and not template:
        assessment = assess(report)
    if results is None:
        results = assessment.relations if assessment is not None else []
    meta = cover_meta(report, report.meta.source, source_sha256=source_sha256, imported_at=imported_at,
                      template=template)
    wb = Workbook()
    wb.remove(wb.active)
    if template:
        # Fixed document dates keep the committed templates byte-stable across regenerations.
        wb.properties.created = wb.properties.modified = datetime(2021, 1, 1)
    wb.properties.creator = f"xlsuite {__version__}"

    _cover(wb, report, form, meta, cover_extra or {})
    for section in form.sections:
        if section.kind == "narrative":
            _narrative(wb, report, section)
        else:
            _table(wb, report, form, section)
    involved = _checks(wb, form, {r.id: r for r in results}, marks or {},
                       assessment.findings if assessment is not None else None)
    _live_highlights(wb, form, involved)
    return wb


def write_workbook(report: Report, path: str | os.PathLike, *, overwrite: bool = False,
                   results: list[CheckResult] | None = None, **kw) -> Path:
    """Build and save atomically; an existing file is kept unless ``overwrite``.

    Overwriting a standard workbook keeps its reviewers' 核实 marks (matched by finding id).
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    if path.exists() and "marks" not in kw:
        from .marks import previous_marks

        kw["marks"] = previous_marks(path)
    return save_atomic(build_workbook(report, results, **kw), path, overwrite=overwrite)


# --- sheets -------------------------------------------------------------------

def _title(ws: Worksheet, text: str, width: int, subtitle: bool = True) -> None:
    ws.cell(L.TITLE_ROW, 1, text).font = Font(name=FONT, size=14, bold=True)
    if width > 1:
        ws.merge_cells(start_row=L.TITLE_ROW, start_column=1, end_row=L.TITLE_ROW, end_column=width)
    ws.cell(L.TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[L.TITLE_ROW].height = 26
    if subtitle:
        c = ws.cell(L.SUBTITLE_ROW, 1, f'=IF({L.meta_name("agency")}="","（请在“封面”填写机关名称和报告年度）",'
                                      f'{L.meta_name("agency")}&"　"&{L.meta_name("year")}&"年度")')
        c.font = Font(name=FONT, size=11)
        c.alignment = Alignment(horizontal="center")
        if width > 1:
            ws.merge_cells(start_row=L.SUBTITLE_ROW, start_column=1, end_row=L.SUBTITLE_ROW, end_column=width)


def _page(ws: Worksheet, landscape: bool, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _cover(wb: Workbook, report: Report, form: Form, values: dict[str, object], extra: dict[str, str]) -> None:
    ws = wb.create_sheet(L.COVER)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 50
    _title(ws, "政府信息公开工作年度报告（标准工作簿）", 2, subtitle=False)
    note = ws.cell(L.SUBTITLE_ROW, 1, "黄色单元格可以填写或修改；修改后“校验”工作表即时重新计算。")
    note.font = GREY_FONT
    ws.merge_cells(start_row=L.SUBTITLE_ROW, start_column=1, end_row=L.SUBTITLE_ROW, end_column=2)
    row = L.COVER_FIRST_ROW
    for field_id, label in L.META_FIELDS:
        ws.cell(row, 1, label).font = TEXT_BOLD
        c = ws.cell(row, 2)
        v = values[field_id]
        if field_id == "year":
            c.value = v
        else:
            put_text(c, None if v is None else str(v))
        c.font = TEXT
        c.alignment = WRAP_LEFT
        _fit_height(ws, row, values[field_id], 50)
        if field_id in ("agency", "year"):
            c.fill = INPUT_FILL
        if field_id == "year":
            c.number_format = "0"
            dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                                allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                promptTitle="报告年度", prompt="请填写四位数的年度，如 2024。",
                                errorTitle="年度有误", error="年度应为 2000 到 2100 之间的整数。")
            ws.add_data_validation(dv)
            dv.add(c)
        for col in (1, 2):
            ws.cell(row, col).border = BORDER
        _name(wb, L.meta_name(field_id), L.COVER, f"B{row}")
        row += 1
        if field_id == "form":
            ws.cell(row, 1, "表式名称").font = TEXT_BOLD
            ws.cell(row, 2, form.title).font = TEXT
            for col in (1, 2):
                ws.cell(row, col).border = BORDER
            row += 1
    ws.cell(row, 1, "校验结论").font = TEXT_BOLD
    v = ws.cell(row, 2, f"={L.VERDICT_NAME}")
    v.font = TEXT_BOLD
    for col in (1, 2):
        ws.cell(row, col).border = BORDER
    _verdict_colours(ws, f"B{row}")
    row += 1
    for label, text in extra.items():
        put_text(ws.cell(row, 1), label)
        ws.cell(row, 1).font = TEXT_BOLD
        put_text(ws.cell(row, 2), text)
        ws.cell(row, 2).alignment = WRAP_LEFT
        _fit_height(ws, row, text, 50)
        for col in (1, 2):
            ws.cell(row, col).border = BORDER
        row += 1
    if report.warnings:
        row += 1
        ws.cell(row, 1, f"识别提示（{len(report.warnings)} 条）").font = TEXT_BOLD
        row += 1
        for w in report.warnings:
            where = w.provenance.where() if w.provenance is not None else ""
            label = w.key or w.section or w.code
            message = w.message + (f"（{where}）" if where and where != "位置未知" else "")
            put_text(ws.cell(row, 1), label)
            put_text(ws.cell(row, 2), message)
            ws.cell(row, 1).font = SMALL_GREY
            ws.cell(row, 1).alignment = WRAP_LEFT
            ws.cell(row, 2).alignment = WRAP_LEFT
            ws.cell(row, 2).font = BODY
            _fit_height(ws, row, message, 50, label=label, label_width=20)
            row += 1
    _page(ws, landscape=False)


def _fit_height(ws: Worksheet, row: int, text, width: float, *, label: str | None = None,
                label_width: float = 0) -> None:
    """Give a wrapped row the height its text needs (neither Excel nor LibreOffice measures on load)."""
    def lines(t, w):
        units = sum(2 if ord(ch) > 255 else 1 for ch in str(t or ""))
        return max(1, -(-units // int(w * 0.95)))
    n = max(lines(text, width), lines(label, label_width * 1.4) if label else 1)
    if n > 1:
        ws.row_dimensions[row].height = 15 * n + 2


def _narrative(wb: Workbook, report: Report, section) -> None:
    ws = wb.create_sheet(L.SECTION_SHEETS[section.id])
    # LibreOffice lays wrapped text out at the column width even past the page edge: fit A4 portrait.
    ws.column_dimensions["A"].width = 72
    _title(ws, f"{section.number}、{section.title}", 1)
    paras = paragraphs(report.narrative.get(section.id))
    row = L.NARRATIVE_FIRST_ROW
    if not paras and section.id not in report.sections_found and report.meta.source:
        c = ws.cell(row, 1, "（报告中没有找到这一部分）")
        c.font = GREY_FONT
        row += 1
    for text in paras:
        c = ws.cell(row, 1)
        put_text(c, text)
        c.font = TEXT
        c.alignment = TOP_WRAP
        # Excel does not re-measure wrapped rows on open; estimate ~40 CJK characters per printed line.
        ws.row_dimensions[row].height = max(1, -(-len(text) // 40)) * 15 + 4
        row += 1
    last = max(row - 1, L.NARRATIVE_FIRST_ROW)
    _name(wb, L.narrative_name(section.id), ws.title, f"A{L.NARRATIVE_FIRST_ROW}:A{last}")
    _page(ws, landscape=False)


def _table(wb: Workbook, report: Report, form: Form, section) -> None:
    lay = L.table_layout(form.id, section.id)
    ws = wb.create_sheet(lay.sheet)
    _title(ws, f"{section.number}、{section.title}", lay.width)
    for col, width in lay.col_widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    st = Styles()
    for r in range(L.FIRST_ROW, lay.last_row + 1):
        for c in range(1, lay.width + 1):
            st.apply(ws.cell(r, c), border=BORDER, font=BODY)
    for b in lay.blocks:
        cell = ws.cell(b.row, b.col)
        put_text(cell, b.text)
        if b.kind == "label":
            st.apply(cell, border=BORDER, font=BODY, alignment=WRAP_LEFT)
            if b.row2 in (None, b.row):
                width = sum(lay.col_widths.get(c, 9) for c in range(b.col, (b.col2 or b.col) + 1))
                _fit_height(ws, b.row, b.text, width * 1.25)  # labels are 10 pt, the estimate 11 pt
        elif b.kind == "header" or (b.kind == "group" and b.col2 and b.col2 > b.col):
            for r in range(b.row, (b.row2 or b.row) + 1):
                for c in range(b.col, (b.col2 or b.col) + 1):
                    st.apply(ws.cell(r, c), border=BORDER, font=BODY_BOLD, alignment=WRAP_CENTER,
                             fill=HEADER_FILL)
        else:
            st.apply(cell, border=BORDER, font=BODY_BOLD, alignment=WRAP_CENTER)
        if ":" in b.ref:
            ws.merge_cells(b.ref)
    if lay.header_rows:
        for r in range(lay.header_rows[0], lay.header_rows[1] + 1):
            ws.row_dimensions[r].height = 30
    validations: dict[tuple[str, str | None], DataValidation] = {}
    for key, (r, c) in lay.cells.items():
        column = form.column_of(key)
        cell = ws.cell(r, c)
        value = report.values.get(key, Value(None))
        cell.value = value.value
        review = needs_review(value)
        st.apply(cell, border=BORDER, font=BODY, fill=REVIEW_FILL if review else INPUT_FILL, alignment=RIGHT,
                 number_format=NUMBER_FORMATS[column.kind])
        if key in lay.spans:
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=lay.spans[key])
        _name(wb, L.defined_name(key), lay.sheet, f"{get_column_letter(c)}{r}")
        comment = _provenance_comment(value, review)
        if comment:
            cell.comment = comment
        dv_key = (column.kind, column.unit)
        if dv_key not in validations:
            spec = dict(VALIDATION[column.kind])
            prompt = spec.pop("prompt").format(unit=column.unit)
            error = spec.pop("error").format(unit=column.unit)
            dv = DataValidation(**spec, allow_blank=True, showInputMessage=True, showErrorMessage=True,
                                promptTitle="填写说明", prompt=prompt, errorTitle="输入有误", error=error)
            ws.add_data_validation(dv)
            validations[dv_key] = dv
        validations[dv_key].add(cell)
    if lay.header_rows:
        ws.freeze_panes = f"{get_column_letter(lay.label_cols + 1)}{lay.header_rows[1] + 1}"
        _page(ws, landscape=lay.width > 5, title_rows=f"{lay.header_rows[0]}:{lay.header_rows[1]}")
    else:
        ws.freeze_panes = f"A{L.FIRST_ROW}"
        _page(ws, landscape=lay.width > 5)


def _provenance_comment(value: Value, review: str | None = None) -> Comment | None:
    p = value.provenance
    if p.text is None and p.page is None and p.line is None:
        return None
    lines = [f"请核对：{review}"] if review else []
    lines += [f"来源：{os.path.basename(p.source) if p.source else '未知'} {p.where()}"]
    if p.text is not None:
        lines.append(f"原文：{p.text}")
    if p.unit:
        lines.append(f"原单位：{p.unit}（已换算）")
    if p.confidence is not None:
        lines.append(f"识别置信度：{p.confidence:.2f}")
    comment = Comment(for_xml("\n".join(lines)), "xlsuite")
    comment.width, comment.height = 260, 70 + (40 if review else 0)
    return comment


def _verdict_colours(ws: Worksheet, ref: str) -> None:
    col, row = ref[0], ref[1:]
    ws.conditional_formatting.add(ref, FormulaRule(formula=[f'${col}${row}="{FAIL_ZH}"'],
                                                   fill=RED_FILL, font=RED_FONT, stopIfTrue=True))
    ws.conditional_formatting.add(ref, FormulaRule(formula=[f'${col}${row}="{FAILED_EXPLAINED_ZH}"'],
                                                   fill=EXPLAINED_FILL, font=RED_FONT, stopIfTrue=True))
    ws.conditional_formatting.add(ref, FormulaRule(formula=[f'${col}${row}="{PASS_ZH}"'], fill=GREEN_FILL))


def _checks(wb: Workbook, form: Form, at_import: dict[str, CheckResult],
            marks: Mapping[str, tuple[str, str]], findings: list[Item] | None) -> dict[str, dict[str, list[str]]]:
    """The 校验 sheet; returns key -> severity -> names of the result cells that involve it.

    Below the relation rows, the other findings of the import (audit, reading notes,
    cross-year relations), each with its id and the same 核实/说明 columns.
    """
    ws = wb.create_sheet(L.CHECKS)
    width = len(CHECK_HEADERS)
    _title(ws, "校验：勾稽关系（由公式即时计算）", width)
    ws.cell(3, 1, "总体结论（checks.verdict）").font = TEXT_BOLD
    insts = sheet_order(form.id)
    last = CHECK_FIRST_ROW + len(insts) - 1
    results = f"${RESULT_COL}${CHECK_FIRST_ROW}:${RESULT_COL}${last}"
    severities = f"${SEVERITY_COL}${CHECK_FIRST_ROW}:${SEVERITY_COL}${last}"
    reviews = f"${REVIEW_COL}${CHECK_FIRST_ROW}:${REVIEW_COL}${last}"
    v = ws.cell(3, 2, verdict_formula(results, severities, reviews))
    v.font = Font(name=FONT, bold=True, size=12)
    v.alignment = WRAP_CENTER
    _name(wb, L.VERDICT_NAME, L.CHECKS, "B3")
    _verdict_colours(ws, "B3")
    summary = ws.cell(3, 3, f'="不通过 "&COUNTIF({results},"{FAIL_ZH}")&" 项，无法校验 "&'
                            f'COUNTIF({results},"{UNCHECKABLE_ZH}")&" 项，共 "&ROWS({results})&" 项"')
    summary.font = TEXT
    hint = ws.cell(3, 4, "“错误”级关系不通过时结论为不通过；“警告”只提示。空白单元格按 0 计入求和；"
                         "一侧全部空白时为“无法校验”。核实过的不通过项，在“核实”列选择并在“说明”中写明原因："
                         "结论仍为“不通过（已说明）”。")
    hint.font = GREY_FONT
    hint.alignment = WRAP_LEFT
    ws.merge_cells(start_row=3, start_column=4, end_row=3, end_column=width)
    ws.row_dimensions[3].height = 44
    for n, (h, w) in enumerate(zip(CHECK_HEADERS, CHECK_WIDTHS), start=1):
        c = ws.cell(4, n, h)
        c.font = TEXT_BOLD
        c.fill = HEADER_FILL
        c.alignment = WRAP_CENTER
        c.border = BORDER
        ws.column_dimensions[get_column_letter(n)].width = w
    involved: dict[str, dict[str, list[str]]] = {}
    st = Styles()
    for row, inst in enumerate(insts, start=CHECK_FIRST_ROW):
        cr = check_row(inst, form.id, row, LEFT_COL, RIGHT_COL)
        py = at_import.get(inst.id)
        review, note = marks.get(inst.id, ("", ""))
        cells = (inst.id, inst.message, cr.expression, cr.left, cr.right, cr.difference, cr.result,
                 SEVERITY_ZH[inst.severity], STATUS_ZH[py.status] if py else BLANK_ZH, review or None, note or None)
        for n, value in enumerate(cells, start=1):
            c = ws.cell(row, n)
            if 4 <= n <= 7:
                c.value = value or None
            else:
                put_text(c, value)
            st.apply(c, font=SMALL_GREY if n in (1, 3) else BODY, border=BORDER,
                     alignment=WRAP_LEFT if n in (1, 2, 3, 11) else CENTER if n >= 7 else MIDDLE)
        # Excel and LibreOffice keep the default height for wrapped rows they load: size them here.
        lines = max(-(-len(inst.message) // 24), -(-len(cr.expression) // 75), -(-len(inst.id) // 30), 1)
        ws.row_dimensions[row].height = 13 * lines + 2
        _name(wb, L.check_name(inst.id), L.CHECKS, f"{RESULT_COL}{row}")
        for key in inst.keys:
            involved.setdefault(key, {}).setdefault(inst.severity, []).append(L.check_name(inst.id))
    dv = _review_validation(ws, f"{REVIEW_COL}{CHECK_FIRST_ROW}:{REVIEW_COL}{last}")
    if findings is not None:  # an imported report's assessment (not a template, total or comparison)
        _findings_block(ws, [f for f in findings if f.id not in {i.id for i in insts}], marks, last + 3, dv)
    rows = f"A{CHECK_FIRST_ROW}:{get_column_letter(width)}{last}"
    r0 = CHECK_FIRST_ROW
    ws.conditional_formatting.add(rows, FormulaRule(
        formula=[f'AND(${RESULT_COL}{r0}="{FAIL_ZH}",{explained_formula(f"${REVIEW_COL}{r0}")})'],
        fill=EXPLAINED_FILL, stopIfTrue=True))
    ws.conditional_formatting.add(rows, FormulaRule(
        formula=[f'AND(${RESULT_COL}{r0}="{FAIL_ZH}",${SEVERITY_COL}{r0}="{SEVERITY_ZH["error"]}")'],
        fill=RED_FILL, font=RED_FONT, stopIfTrue=True))
    ws.conditional_formatting.add(rows, FormulaRule(formula=[f'${RESULT_COL}{r0}="{FAIL_ZH}"'],
                                                    fill=YELLOW_FILL, stopIfTrue=True))
    ws.conditional_formatting.add(rows, FormulaRule(
        formula=[f'OR(${RESULT_COL}{r0}="{UNCHECKABLE_ZH}",${RESULT_COL}{r0}="{BLANK_ZH}")'], font=GREY_FONT))
    ws.freeze_panes = f"A{CHECK_FIRST_ROW}"
    ws.auto_filter.ref = f"A4:{get_column_letter(width)}{last}"
    _page(ws, landscape=True, title_rows="4:4")
    return involved


FINDING_KIND_ZH = {"relation": "跨年度", "audit": "审核", "reading": "识别"}
FINDING_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
FINDINGS_TITLE = "审核与识别提示（导入时）"


def _findings_block(ws: Worksheet, findings: list[Item], marks: Mapping[str, tuple[str, str]], row: int,
                    dv: DataValidation) -> None:
    """The findings without a relation row, to be marked like them (the marks reader finds the header)."""
    title = ws.cell(row, 1, f"{FINDINGS_TITLE}：{len(findings)} 项" + (
        "。核实后在“核实”列选择，并在“说明”中写明原因。" if findings else ""))
    title.font = TEXT_BOLD
    if not findings:
        return
    head = row + 1
    for col, text in ((1, "编号"), (2, "内容"), (8, "级别"), (9, "类别"), (10, "核实"), (11, "说明")):
        c = ws.cell(head, col, text)
        c.font, c.fill, c.alignment, c.border = TEXT_BOLD, HEADER_FILL, WRAP_CENTER, BORDER
    ws.merge_cells(start_row=head, start_column=2, end_row=head, end_column=7)
    st = Styles()
    for n, f in enumerate(findings, start=head + 1):
        review, note = marks.get(f.id, ("", ""))
        for col, value in ((1, f.id), (2, f.message), (8, FINDING_SEVERITY_ZH.get(str(f.severity), str(f.severity))),
                           (9, FINDING_KIND_ZH.get(f.kind, f.kind)), (10, review or None), (11, note or None)):
            put_text(ws.cell(n, col), value)
        ws.merge_cells(start_row=n, start_column=2, end_row=n, end_column=7)
        for col in range(1, 12):
            st.apply(ws.cell(n, col), font=SMALL_GREY if col == 1 else BODY, border=BORDER,
                     alignment=WRAP_LEFT if col in (1, 2, 11) else CENTER)
        ws.row_dimensions[n].height = 13 * max(1, -(-len(f.message) // 70), -(-len(f.id) // 30)) + 2
    dv.add(f"{REVIEW_COL}{head + 1}:{REVIEW_COL}{head + len(findings)}")


def _review_validation(ws: Worksheet, ref: str) -> DataValidation:
    """The 核实 drop-down: 未核实 / 已核实无误 / 已更正."""
    dv = DataValidation(type="list", formula1='"' + ",".join(REVIEW_CHOICES) + '"', allow_blank=True,
                        showInputMessage=True, showErrorMessage=True, promptTitle="核实",
                        prompt="本行不通过、但经核实数据无误（如文字中的数字只统计了部分单位）或已更正时，"
                               "在此选择，并在右侧“说明”中写明原因。结论仍为不通过（已说明）。",
                        errorTitle="核实", error="请从下拉列表中选择：" + "、".join(REVIEW_CHOICES))
    ws.add_data_validation(dv)
    dv.add(ref)
    return dv


def _any_failed(names: Iterable[str]) -> str:
    tests = [f'{n}="{FAIL_ZH}"' for n in names]
    return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def _live_highlights(wb: Workbook, form: Form, involved: dict[str, dict[str, list[str]]]) -> None:
    """Each value cell turns red while a hard relation it takes part in fails (yellow: a warning)."""
    for key, by_severity in involved.items():
        sheet, ref = L.cell_of(form.id, key)
        ws = wb[sheet]
        if "error" in by_severity:
            ws.conditional_formatting.add(ref, FormulaRule(formula=[_any_failed(by_severity["error"])],
                                                           fill=RED_FILL, font=RED_FONT, stopIfTrue=True))
        if "warning" in by_severity:
            ws.conditional_formatting.add(ref, FormulaRule(formula=[_any_failed(by_severity["warning"])],
                                                           fill=YELLOW_FILL))
