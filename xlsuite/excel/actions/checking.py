"""Checking the open workbook: assess it, colour the cells, refresh 校验, summarise.

Shared by 校验 (validate), 导入 (after writing) and 发送 (before sending). The
assessment is the library's (``xlsuite.assessment``), the same as ``xlsuite check``
gives for the saved file. The static fills mirror the workbook's live
conditional formatting (the relations), so a checked workbook shows its
failures in any spreadsheet program, even one that does not evaluate the formulas.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...assessment import Assessment, Mark, assess
from ...checks import FAIL, NOT_CHECKABLE, PASS, STATUS_ZH, CheckResult
from ...forms import get_form
from ...relations import instances
from ...workbook import colours
from ...workbook import layout as L
from ...workbook.formulas import BLANK_ZH
from ...workbook.marks import marks_from_rows
from .. import book
from ..adapter import WorkbookAdapter

RED, YELLOW, INPUT = colours.RED, colours.YELLOW, colours.INPUT
# The 校验 column the writer fills with the Python engine's result at import; 校验 refreshes it
# and renames it, since it then holds the result of the latest check.
RESULT_HEADER = "导入时结果"
REFRESHED_HEADER = "程序校验结果"
MAX_LISTED = 6


@dataclass
class Checked:
    bookreport: book.BookReport
    assessment: Assessment
    red: list[str]
    yellow: list[str]

    @property
    def report(self):
        return self.bookreport.report

    @property
    def results(self) -> list[CheckResult]:
        return self.assessment.relations

    @property
    def verdict(self) -> str:
        return self.assessment.verdict

    @property
    def failures(self) -> list[CheckResult]:
        return self.assessment.hard_failures


def check_workbook(adapter: WorkbookAdapter) -> Checked:
    """Assess the workbook's current values; colour the cells of failing relations and refresh 校验."""
    br = book.read_report(adapter)
    assessment = assess(br.report)
    assessment = assessment.with_marks(_marks(adapter, [r.id for r in assessment.relations if r.failed]))
    results = assessment.relations
    red: set[str] = set()
    yellow: set[str] = set()
    for r in results:
        if r.failed:
            (red if r.severity == "error" else yellow).update(r.keys)
    yellow -= red
    form = get_form(br.report.meta.form)
    for key in form.keys():
        name = L.defined_name(key)
        want = RED if key in red else YELLOW if key in yellow else None
        current = book.fill_of(adapter, name)
        if want and current != want:
            book.set_fill(adapter, name, want)
        elif not want and current in (RED, YELLOW):
            # Only colours this check painted are undone; a cell's own look (a roll-up's
            # green formula cells) is left alone.
            book.set_fill(adapter, name, INPUT)
    _refresh_sheet(adapter, form.id, {r.id: r for r in results})
    return Checked(br, assessment, sorted(red), sorted(yellow))


def _marks(adapter: WorkbookAdapter, ids: list[str]) -> list[Mark]:
    """The 核实/说明 of the failing relations' rows (only those: each cell read is a call into Excel)."""
    review_col, note_col = L.CHECK_HEADERS.index("核实") + 1, L.CHECK_HEADERS.index("说明") + 1
    out = []
    for fid in ids:
        place = adapter.locate(L.check_name(fid))
        if place is None:
            continue
        found = marks_from_rows([["编号", "核实", "说明"],
                                 [fid, adapter.get(place.sheet, place.row, review_col),
                                  adapter.get(place.sheet, place.row, note_col)]])
        out += [Mark.of(fid, review, note) for fid, (review, note) in found.items()]
    return out


def _refresh_sheet(adapter: WorkbookAdapter, form_id: str, by_id: dict[str, CheckResult]) -> None:
    result_col = L.CHECK_HEADERS.index(RESULT_HEADER) + 1
    header_row = L.CHECK_FIRST_ROW - 1
    refreshed = False
    for inst in instances(form_id):
        place = adapter.locate(L.check_name(inst.id))
        if place is None:
            continue
        r = by_id.get(inst.id)
        adapter.set(place.sheet, place.row, result_col, STATUS_ZH[r.status] if r else BLANK_ZH)
        if not refreshed:
            adapter.set(place.sheet, header_row, result_col, REFRESHED_HEADER)
            refreshed = True


def _label(form_id: str, key: str) -> str:
    return f"{get_form(form_id).label_of(key)}（{key}）"


def summary(checked: Checked, name: str) -> str:
    """The Chinese summary the 校验 button shows."""
    rep = checked.report
    m = rep.meta
    counts = {s: sum(1 for r in checked.results if r.status == s) for s in (PASS, FAIL, NOT_CHECKABLE)}
    errors = checked.failures
    warnings = [r for r in checked.results if r.failed and r.severity != "error"]
    who = "，".join(x for x in (m.agency, f"{m.year} 年度" if m.year else None, m.form) if x)
    lines = [f"校验结论：{checked.verdict}", f"工作簿：{name}（{who}）",
             f"共 {len(checked.results)} 项：通过 {counts[PASS]} 项，不通过 {counts[FAIL]} 项"
             f"（错误 {len(errors)}，警告 {len(warnings)}），无法校验 {counts[NOT_CHECKABLE]} 项。"]
    failed = errors + warnings
    if failed:
        lines.append("不通过的关系：")
        for r in failed[:MAX_LISTED]:
            mark = checked.assessment.marks.get(r.id)
            lines.append(f"· [{'错误' if r.severity == 'error' else '警告'}] {r.message}"
                         + (f"（核实：{mark.text}）" if mark is not None and mark.explained else ""))
        if len(failed) > MAX_LISTED:
            lines.append(f"……另有 {len(failed) - MAX_LISTED} 项，见“{L.CHECKS}”表。")
        lines.append(f"涉及的单元格已标红（错误）或标黄（警告），“{L.CHECKS}”表的“{REFRESHED_HEADER}”一列已刷新。")
    else:
        lines.append(f"所有勾稽关系均成立，“{L.CHECKS}”表的“{REFRESHED_HEADER}”一列已刷新。")
    flagged = checked.assessment.flagged
    if flagged:
        lines.append(f"内容审核提示 {len(flagged)} 项（文字与表格是否一致、各部分是否齐全等，不影响结论）：")
        for r in flagged[:MAX_LISTED]:
            lines.append(f"· {r.message}")
        if len(flagged) > MAX_LISTED:
            lines.append(f"……另有 {len(flagged) - MAX_LISTED} 项。")
    if checked.bookreport.text_cells:
        cells = checked.bookreport.text_cells
        lines.append("以下单元格填的是文字而不是数字，已按空白处理：" +
                     "、".join(_label(m.form, k) for k in cells[:5]) + ("……" if len(cells) > 5 else ""))
    return "\n".join(lines)
