"""报送情况.xlsx: the tracker as a workbook the city office looks at (openpyxl).

Sheet 报送情况: the counts at the top, then one row per agency with its status
coloured, the time, the sender and a link to the stored file. Sheet 来件记录:
every message collected, with what became of it. The 机关名称 / 状态 columns
make the tracker usable as an agency list (``rollup --expect 报送情况.xlsx``).
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from .intake import KIND_ZH, finding_line
from ..workbook import colours
from .tracker import FAILED_PREFIX, MISSING, OUTSIDE, PASSED, STATE_ZH, Row, Status, when

SHEET, LOG_SHEET = "报送情况", "来件记录"
HEADERS = ("序号", "机关名称", "上级", "联系人", "邮箱", "状态", "报送时间", "发件人", "文件", "回执", "问题", "说明")
WIDTHS = (6, 30, 14, 10, 24, 20, 17, 24, 30, 10, 50, 50)
HEADER_ROW = 6
STATUS_COL = HEADERS.index("状态") + 1
FILLS = {"pass": colours.GREEN, "fail": colours.RED, "missing": colours.YELLOW, "outside": colours.REVIEW}  # orange
LOG_HEADERS = ("邮件时间", "收取时间", "发件人", "主题", "附件", "结果", "机关", "文件", "说明", "Message-ID")
LOG_WIDTHS = (17, 17, 24, 40, 28, 12, 26, 30, 50, 30)
PLACED_ZH = {"new": "收取", "replaced": "收取（替换旧版）", "same": "与已收文件相同", "older": "较旧版本，存入历史"}


def _time(d) -> str | None:
    d = when(d)
    return d.astimezone().strftime("%Y-%m-%d %H:%M") if d else None


def write_tracker(status: Status, path: str | os.PathLike, *, list_name: str | None = None,
                  now: datetime | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..atomic import save_atomic
    from ..workbook.writer import put_text

    path = Path(path)
    thin = Side(style="thin", color="A0A0A0")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name="宋体", bold=True)
    body = Font(name="宋体", size=10)
    wrap = Alignment(vertical="top", wrap_text=True)
    head_fill = PatternFill("solid", fgColor=colours.HEADER)

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"{status.year} 年度政府信息公开工作年度报告报送情况"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A2"] = (f"更新时间：{(now or datetime.now()).astimezone():%Y-%m-%d %H:%M}"
                + (f"　名单：{list_name}" if list_name else "　（未给机关名单：列出所有来件机关）")
                + "　本表每次收取后重新生成，请勿在此填写。")
    ws["A2"].font = Font(name="宋体", color="808080")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADERS))
    counts = status.counts
    listed = sum(1 for r in status.rows if r.state != "outside")
    tiles = [("名单机关" if list_name else "来件机关", listed, None)] + \
            [(STATE_ZH[s], counts.get(s, 0), FILLS[s]) for s in ("pass", "fail", "missing", "outside")]
    for n, (label, value, fill) in enumerate(tiles):
        col = 2 + n * 2
        c = ws.cell(3, col, label)
        c.font = bold
        v = ws.cell(4, col, value)
        v.font = Font(name="宋体", size=16, bold=True)
        for cell in (c, v):
            cell.alignment = Alignment(horizontal="center")
            cell.border = border
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    for n, (h, w) in enumerate(zip(HEADERS, WIDTHS), start=1):
        c = ws.cell(HEADER_ROW, n, h)
        c.font = bold
        c.fill = head_fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(n)].width = w
    row = HEADER_ROW
    for n, r in enumerate(status.rows, start=1):
        row = HEADER_ROW + n
        values = _row_values(n, r)
        for col, value in enumerate(values, start=1):
            c = ws.cell(row, col)
            put_text(c, value)
            c.font = body
            c.border = border
            c.alignment = wrap
        if r.path:
            link = ws.cell(row, HEADERS.index("文件") + 1)
            link.hyperlink = r.path  # relative to the tracker: the folder can be moved or shared
            link.font = Font(name="宋体", size=10, color="0563C1", underline="single")
        lines = max(len(values[-1].splitlines()) if values[-1] else 1, len(values[-2].splitlines()) if values[-2] else 1)
        if lines > 1:
            ws.row_dimensions[row].height = min(15 * lines, 300)
    last = max(row, HEADER_ROW + 1)
    col = get_column_letter(STATUS_COL)
    area = f"A{HEADER_ROW + 1}:{get_column_letter(len(HEADERS))}{last}"
    for prefix, state in ((PASSED, "pass"), (FAILED_PREFIX, "fail"), (MISSING, "missing"), (OUTSIDE, "outside")):
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'LEFT(${col}{HEADER_ROW + 1},{len(prefix)})="{prefix}"'],
            fill=PatternFill("solid", fgColor=FILLS[state], bgColor=FILLS[state]), stopIfTrue=True))
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADERS))}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    log = wb.create_sheet(LOG_SHEET)
    for n, (h, w) in enumerate(zip(LOG_HEADERS, LOG_WIDTHS), start=1):
        c = log.cell(1, n, h)
        c.font = bold
        c.fill = head_fill
        log.column_dimensions[get_column_letter(n)].width = w
    line = 1
    for rec in status.messages:
        for it in rec.get("items", []) or [{}]:
            line += 1
            outcome = it.get("outcome")
            result = (PLACED_ZH.get(it.get("placed"), "收取") if outcome == "stored" else
                      "名单外" if outcome == "off_list" else f"未收取（{KIND_ZH.get(it.get('kind'), '')}）")
            note = it.get("reason") or ""
            if it.get("verdict"):
                note = "；".join(x for x in (f"校验{it['verdict']}" + (f"（{len(it.get('failures', []))} 项不成立）"
                                                                       if it.get("failures") else ""), note) if x)
            for col, value in enumerate((_time(rec.get("date")), _time(rec.get("collected_at")), rec.get("from"),
                                         rec.get("subject"), it.get("attachment"), result, it.get("agency"),
                                         it.get("path"), note, rec.get("message_id")), start=1):
                c = log.cell(line, col)
                put_text(c, value)
                c.font = body
            if it.get("path"):
                log.cell(line, 8).hyperlink = it["path"]
    log.freeze_panes = "A2"
    log.auto_filter.ref = f"A1:{get_column_letter(len(LOG_HEADERS))}{max(line, 2)}"
    return save_atomic(wb, path, overwrite=True)


def _row_values(n: int, r: Row) -> tuple:
    a = r.agency
    problems = "\n".join(f"[错误] {finding_line(f)}" for f in r.failures)
    if r.warnings and r.state in ("pass", "fail"):
        problems += ("\n" if problems else "") + f"[提示] {len(r.warnings)} 项，见工作簿“校验”表"
    sender = r.sender or ""
    return (n, r.name, a.parent if a else "", a.contact if a else "", "；".join(a.emails) if a else "",
            r.status, _time(r.date), sender, r.path or "", r.reply or "", problems, "\n".join(r.notes))
