"""The roll-up's 看板 (dashboard): city indicators, a ranking of agencies, a heat map and native charts.

Everything on 看板 is a formula over 明细 (one row per agency) or over the
total's defined names, so a corrected agency row re-ranks the agencies and
redraws the charts. A hidden helper sheet (看板数据) computes, per agency row,
every declared metric (``xlsuite.forms.metrics``), a sort key, and the number
of failing hard relations (1-5, the same instances as ``xlsuite.checks``).
The ranking reads it with LARGE/MATCH/INDEX, which every Excel, WPS and
LibreOffice evaluates (no dynamic arrays).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from ..checks import TOLERANCE
from ..forms import Form
from ..forms.metrics import BY_ID
from ..metrics import resolved
from ..model import Report
from ..relations import Instance, instances
from ..workbook import writer as W
from ..workbook.formulas import metric_formula, metric_note_formula
from ..workbook.layout import previous_name
from ..workbook.previous import add_previous_sheet
from .core import Rollup, agency_key

DASHBOARD = "看板"
HELPER = "看板数据"
_TOL = f"{TOLERANCE:.10f}".rstrip("0")

# The ranking's columns: (metric id, heading). Ratios show as percentages.
RANKED = (("requests_new", "新收申请"), ("disclosure_rate", "公开率"), ("denial_rate", "不予公开率"),
          ("reviews", "行政复议"), ("suits", "行政诉讼"), ("corrected", "被纠错"))
FAILS_HEADING = "不通过校验"
# City indicators compared year over year in the chart (counts only: one axis).
YOY_METRICS = ("requests_new", "requests_handled", "reviews", "suits", "corrected")
TOP = 20

# Chart colours, none of which the sheet itself uses: a rendering can be checked by colour.
BAR_COLOUR = "1F4E79"
PIE_COLOURS = ("2E75B6", "ED7D31", "7030A0", "FFC000", "00B050", "8B4513")
APPEAL_COLOURS = ("00B0F0", "C00000", "92D050")
YOY_COLOURS = ("A5A5A5", "002060")
HEAT = dict(start_type="min", start_color="FFFFFF", end_type="max", end_color="F8696B")

HEAD_ROW = 4  # the header row of the city indicators block


@dataclass
class PreviousYear:
    """Last year's city total and, when given as agency workbooks, each agency's report by agency key."""

    total: Report
    by_agency: dict[str, Report] = field(default_factory=dict)


def _q(sheet: str) -> str:
    return f"'{sheet}'"


def _detail_ref(sheet: str, col: str, row: int) -> str:
    return f"{_q(sheet)}!${col}${row}"


def outcome_groups(form: Form) -> list[tuple[str, tuple[str, ...]]]:
    """三's outcome rows grouped as the form prints them: (一)予以公开 … (六)其他处理, with their total keys."""
    rule = next(r for r in form.rules if r.id == "R3")
    table = form.table("requests")
    rows = {r.id: r for r in table.rows}
    result_group = rows[rule.right[0]].group
    out: list[tuple[str, list[str]]] = []
    for row_id in rule.right:
        row = rows[row_id]
        label = row.label if row.group == result_group else (row.group or row.label)
        label = re.sub(r"（[^（）]{6,}）$", "", label)  # （区分处理的，只计这一情形…）
        label = re.sub(r"^（[一二三四五六七八九十]）", "", label)
        if not out or out[-1][0] != label:
            out.append((label, []))
        out[-1][1].append(f"requests.{row_id}.total")
    return [(label, tuple(keys)) for label, keys in out]


def failure_formulas(insts: list[Instance], keys: list[str], form: Form, ref) -> list[str]:
    """Formulas giving 1 when a hard relation fails on one agency row (0 when it holds or cannot be
    checked), one per relation instance, then one counting the cells that break rule 5: together
    they count what ``assess(report).hard_failures`` counts. One formula each keeps every one far
    below Excel's 8192 characters."""
    out = []
    for inst in insts:
        def side(terms):
            plus = ",".join(ref(t.key) for t in terms if t.sign > 0)
            minus = ",".join(ref(t.key) for t in terms if t.sign < 0)
            return (f"SUM({plus})" if plus else "0") + (f"-SUM({minus})" if minus else "")

        left = ",".join(ref(t.key) for t in inst.left)
        right = ",".join(ref(t.key) for t in inst.right)
        out.append(f"=IF(OR(COUNT({left})=0,COUNT({right})=0),0,IF(ABS(({side(inst.left)})-({side(inst.right)}))"
                   f"<={_TOL},0,1))")
    # Rule 5, per cell, over runs of neighbouring keys of one kind: a text cell counts as failing.
    runs: list[tuple[str, str, str]] = []
    for key in keys:
        kind = form.column_of(key).kind
        if runs and runs[-1][0] == kind and _adjacent(runs[-1][2], ref(key)):
            runs[-1] = (kind, runs[-1][1], ref(key))
        else:
            runs.append((kind, ref(key), ref(key)))
    parts = []
    for run_kind, first, last in runs:
        rng = f"{first}:{last.split('!')[1]}"
        test = {"count": f"(({rng}<0)+({rng}<>INT({rng}))>0)", "money": f"({rng}<0)",
                "signed": f"({rng}<>INT({rng}))"}[run_kind]
        parts.append(f"IFERROR(SUMPRODUCT({test}*1),1)")
    out.append("=" + "+".join(parts))
    return out


def _adjacent(a: str, b: str) -> bool:
    ca, cb = a.split("!$")[1].split("$")[0], b.split("!$")[1].split("$")[0]
    from openpyxl.utils import column_index_from_string as idx
    return idx(cb) == idx(ca) + 1


def _helper(wb: Workbook, result: Rollup, previous: PreviousYear | None) -> dict[str, str]:
    """The per-agency helper sheet; returns column letters by role (metric ids, ``sort``, ``fails``, ``order``)."""
    from .workbook import DETAIL, FIRST_ROW, key_column

    form = result.form
    keys = form.keys()
    col_of = {k: key_column(n) for n, k in enumerate(keys)}
    n = len(result.entries)
    ws = wb.create_sheet(HELPER)
    ws.sheet_state = "hidden"
    metrics = resolved(form.id)
    cols: dict[str, str] = {"agency": "A", "sort": "B"}
    for i, (m, _num, _den) in enumerate(metrics):
        cols[m.id] = get_column_letter(3 + i)
    nxt = 3 + len(metrics)
    cols["fails"] = get_column_letter(nxt)
    cols["previous"] = get_column_letter(nxt + 1)
    cols["order"] = get_column_letter(nxt + 2)
    heads = {"agency": "机关", "sort": "排序键", "fails": FAILS_HEADING, "previous": "上年新收申请",
             "order": "第k名所在行"}
    for role, letter in cols.items():
        ws[f"{letter}1"] = heads.get(role) or BY_ID[role].name
    hard = [i for i in instances(form.id) if i.rule.per != "cell" and i.severity == "error"]
    # One column per hard relation instance, then rule 5, right of the named columns.
    first_check = nxt + 3
    for j, inst in enumerate(hard):
        ws.cell(1, first_check + j, inst.id)
    ws.cell(1, first_check + len(hard), "R5")
    sort_metric = cols["requests_new"]
    for i, entry in enumerate(result.entries):
        r, dr = 2 + i, FIRST_ROW + i

        def ref(key, dr=dr):
            return _detail_ref(DETAIL, col_of[key], dr)

        ws[f"A{r}"] = f"={_q(DETAIL)}!$A${dr}"
        # Requests received, blank as -1, plus a fraction that keeps equal counts in 明细 order.
        ws[f"B{r}"] = f"=IF(ISNUMBER({sort_metric}{r}),{sort_metric}{r},-1)+{n - i}/{n + 1}"
        for m, num, den in metrics:
            ws[f"{cols[m.id]}{r}"] = metric_formula(m, num, den, ref)
        checks = failure_formulas(hard, keys, form, ref)
        for j, formula in enumerate(checks):
            ws.cell(r, first_check + j, formula)
        ws[f"{cols['fails']}{r}"] = (f"=SUM({get_column_letter(first_check)}{r}:"
                                     f"{get_column_letter(first_check + len(checks) - 1)}{r})")
        if previous is not None and previous.by_agency:
            prev = previous.by_agency.get(agency_key(entry.agency))
            ws[f"{cols['previous']}{r}"] = prev.number("requests.new.total") if prev is not None else None
        ws[f"{cols['order']}{r}"] = f"=MATCH(LARGE($B$2:$B${n + 1},{i + 1}),$B$2:$B${n + 1},0)"
    return cols


def _ranked_cell(cols: dict[str, str], role: str, n: int, k: int) -> str:
    return f"=INDEX({_q(HELPER)}!${cols[role]}$2:${cols[role]}${n + 1},{_q(HELPER)}!${cols['order']}${k + 1})"


def _styled(st: W.Styles, cell, value, fmt: str | None = None, **style) -> None:
    """Style first (copied whole, number format included), then the value and its own format."""
    st.apply(cell, **style)
    cell.value = value
    if fmt:
        cell.number_format = fmt


def _heading(ws, row: int, text: str, width: int) -> None:
    c = ws.cell(row, 1, text)
    c.font = W.TEXT_BOLD
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _axes(chart) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False


CHART_COL = "L"  # charts sit right of the tables
WIDTHS = (6, 30, 10, 9, 10, 9, 9, 8, 10, 10, 9)


def add_dashboard(wb: Workbook, result: Rollup, previous: PreviousYear | None = None) -> None:
    """Add 看板 (first sheet, opened on) and its helper to the total workbook ``wb``."""
    form = result.form
    n = len(result.entries)
    if previous is not None:
        add_previous_sheet(wb, previous.total, DASHBOARD)
    cols = _helper(wb, result, previous)
    ws = wb.create_sheet(DASHBOARD, 0)
    wb.active = 0
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other.title == DASHBOARD
    for i, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    width = len(WIDTHS)
    m = result.total.meta
    title = ws.cell(1, 1, f"看板：{m.agency}　{m.year}年度（{n} 个机关）")
    title.font = W.Font(name=W.FONT, size=16, bold=True)
    hint = ws.cell(2, 1, "本表全部由公式从“明细”计算：改正明细中某机关的数字，指标、排名和图表即时更新。"
                         "比率的分母为空白或 0 时留空并注明原因。")
    hint.font = W.GREY_FONT
    st = W.Styles()
    head = dict(font=W.BODY_BOLD, fill=W.HEADER_FILL, border=W.BORDER, alignment=W.WRAP_CENTER)
    body = dict(font=W.BODY, border=W.BORDER, alignment=W.RIGHT)
    text = dict(font=W.BODY, border=W.BORDER, alignment=W.WRAP_LEFT)

    # --- city indicators: 指标 | 全市 | (上年 | 增减) | 说明 ----------------------------------------
    yoy_city = previous is not None
    heads = ["指标", None, "全市"] + (["上年", "增减"] if yoy_city else []) + ["说明"]
    for c, h in enumerate(heads, 1):
        _styled(st, ws.cell(HEAD_ROW, c), h, **head)
    for c in range(len(heads) + 1, width + 1):
        st.apply(ws.cell(HEAD_ROW, c), **head)
    ws.merge_cells(start_row=HEAD_ROW, start_column=1, end_row=HEAD_ROW, end_column=2)
    note_col = len(heads)
    ws.merge_cells(start_row=HEAD_ROW, start_column=note_col, end_row=HEAD_ROW, end_column=width)
    prev_metrics = ({mm.id: (num, den) for mm, num, den in resolved(previous.total.meta.form)}
                    if yoy_city and previous is not None and previous.total.meta.form else {})
    metric_row: dict[str, int] = {}
    row = HEAD_ROW + 1
    for mm, num, den in resolved(form.id):
        fmt = "0.0%" if mm.kind == "ratio" else "#,##0"
        _styled(st, ws.cell(row, 1), mm.name, **text)
        st.apply(ws.cell(row, 2), **text)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        _styled(st, ws.cell(row, 3), metric_formula(mm, num, den), fmt, **body)
        if yoy_city:
            prev = None
            if mm.id in prev_metrics:
                pn, pd = prev_metrics[mm.id]
                prev = metric_formula(mm, pn, pd, previous_name)
            _styled(st, ws.cell(row, 4), prev, fmt, **body)
            _styled(st, ws.cell(row, 5), f'=IF(OR(C{row}="",D{row}=""),"",C{row}-D{row})',
                    "+0.0%;-0.0%;0.0%" if mm.kind == "ratio" else "+#,##0;-#,##0;0", **body)
        _styled(st, ws.cell(row, note_col), metric_note_formula(mm, num, den), **text)
        for c in range(note_col + 1, width + 1):
            st.apply(ws.cell(row, c), **text)
        ws.merge_cells(start_row=row, start_column=note_col, end_row=row, end_column=width)
        metric_row[mm.id] = row
        row += 1

    # --- chart data: the outcome mix of 三 and appeals by result, over the total's names ----------
    row += 1
    _heading(ws, row, "图表数据（由汇总数计算）", width)
    row += 1
    data_head = row
    groups = outcome_groups(form)
    appeals = form.table("appeals")
    results = [c for c in appeals.columns if c.id != "total"]
    _styled(st, ws.cell(data_head, 2), "办理结果构成", **head)
    _styled(st, ws.cell(data_head, 3), "件数", **head)
    for i, (label, keys) in enumerate(groups, 1):
        args = ",".join(keys)
        _styled(st, ws.cell(data_head + i, 2), label, **text)
        _styled(st, ws.cell(data_head + i, 3), f'=IF(COUNT({args})=0,0,SUM({args}))', "#,##0", **body)
    mix = (data_head + 1, data_head + len(groups))
    # Appeals: results down E, one column per appeal kind (F, G, H).
    _styled(st, ws.cell(data_head, 5), "复议诉讼结果", **head)
    for j, row_def in enumerate(appeals.rows, 1):
        _styled(st, ws.cell(data_head, 5 + j), row_def.label, **head)
    for i, col in enumerate(results, 1):
        _styled(st, ws.cell(data_head + i, 5), col.label, **text)
        for j, row_def in enumerate(appeals.rows, 1):
            key = f"appeals.{row_def.id}.{col.id}"
            _styled(st, ws.cell(data_head + i, 5 + j), f'=IF(COUNT({key})=0,0,{key})', "#,##0", **body)
    appeal_rows = (data_head + 1, data_head + len(results))
    ws.row_dimensions[data_head].height = 30
    shown = [mid for mid in YOY_METRICS if mid in metric_row] if yoy_city else []
    if shown:
        _styled(st, ws.cell(data_head, 10), f"{(m.year or 1) - 1}年度", **head)
        _styled(st, ws.cell(data_head, 11), f"{m.year}年度", **head)
        _styled(st, ws.cell(data_head, 9), "上年对比", **head)
        for i, mid in enumerate(shown, 1):
            r = metric_row[mid]
            _styled(st, ws.cell(data_head + i, 9), BY_ID[mid].name, **text)
            _styled(st, ws.cell(data_head + i, 10), f'=IF(D{r}="",0,D{r})', "#,##0", **body)
            _styled(st, ws.cell(data_head + i, 11), f'=IF(C{r}="",0,C{r})', "#,##0", **body)
    row = max(mix[1], appeal_rows[1], data_head + len(shown)) + 2

    # --- ranking -----------------------------------------------------------------------------
    _heading(ws, row, f"各机关排名（按新收申请从多到少；{FAILS_HEADING}＝未通过的勾稽关系 1–5 项数）", width)
    rank_head = row + 1
    rank_cols = ["排名", "机关"] + [h for _, h in RANKED] + [FAILS_HEADING]
    yoy = previous is not None and bool(previous.by_agency)
    if yoy:
        rank_cols += ["上年新收", "增减"]
    for ci, h in enumerate(rank_cols, 1):
        _styled(st, ws.cell(rank_head, ci), h, **head)
    ws.row_dimensions[rank_head].height = 30
    first = rank_head + 1
    for k in range(1, n + 1):
        r = first + k - 1
        _styled(st, ws.cell(r, 1), k, **body)
        _styled(st, ws.cell(r, 2), _ranked_cell(cols, "agency", n, k), **text)
        for ci, (mid, _h) in enumerate(RANKED, 3):
            _styled(st, ws.cell(r, ci), _ranked_cell(cols, mid, n, k),
                    "0.0%" if BY_ID[mid].kind == "ratio" else "#,##0", **body)
        _styled(st, ws.cell(r, 3 + len(RANKED)), _ranked_cell(cols, "fails", n, k), "0", **body)
        if yoy:
            pc = 4 + len(RANKED)
            prev = _ranked_cell(cols, "previous", n, k)[1:]
            _styled(st, ws.cell(r, pc), f'=IF({prev}="","",{prev})', "#,##0", **body)
            p = get_column_letter(pc)
            _styled(st, ws.cell(r, pc + 1), f'=IF(OR({p}{r}="",C{r}=""),"",C{r}-{p}{r})', "+#,##0;-#,##0;0",
                    **body)
    last = first + n - 1
    for ci in range(3, 3 + len(RANKED) + 1):
        letter = get_column_letter(ci)
        ws.conditional_formatting.add(f"{letter}{first}:{letter}{last}", ColorScaleRule(**HEAT))
    ws.freeze_panes = f"A{HEAD_ROW}"

    # --- charts ------------------------------------------------------------------------------
    top = min(TOP, n)
    bar = BarChart()
    bar.type = "bar"  # horizontal: agency names stay readable
    bar.title = f"各机关新收申请（前 {top} 名）"
    bar.x_axis.scaling.orientation = "maxMin"  # first place on top
    bar.add_data(Reference(ws, min_col=3, min_row=rank_head, max_row=first + top - 1), titles_from_data=True)
    bar.set_categories(Reference(ws, min_col=2, min_row=first, max_row=first + top - 1))
    bar.series[0].graphicalProperties = GraphicalProperties(solidFill=BAR_COLOUR)
    bar.legend = None
    _axes(bar)
    bar.height, bar.width = 12, 17
    ws.add_chart(bar, f"{CHART_COL}{HEAD_ROW}")

    pie = PieChart()
    pie.title = "全市办理结果构成"
    pie.add_data(Reference(ws, min_col=3, min_row=data_head, max_row=mix[1]), titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=2, min_row=mix[0], max_row=mix[1]))
    for i, colour in enumerate(PIE_COLOURS[:len(groups)]):
        pt = DataPoint(idx=i)
        pt.graphicalProperties = GraphicalProperties(solidFill=colour)
        pie.series[0].dPt.append(pt)
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showPercent = True
    for flag in ("showVal", "showCatName", "showSerName", "showLegendKey"):
        setattr(pie.dataLabels, flag, False)
    pie.height, pie.width = 8, 17
    ws.add_chart(pie, f"{CHART_COL}{HEAD_ROW + 25}")

    ap = BarChart()
    ap.type = "col"
    ap.grouping = "clustered"
    ap.title = "复议诉讼结果（件）"
    ap.add_data(Reference(ws, min_col=6, max_col=5 + len(appeals.rows), min_row=data_head, max_row=appeal_rows[1]),
                titles_from_data=True)
    ap.set_categories(Reference(ws, min_col=5, min_row=appeal_rows[0], max_row=appeal_rows[1]))
    for series, colour in zip(ap.series, APPEAL_COLOURS):
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
    _axes(ap)
    ap.height, ap.width = 8, 17
    ws.add_chart(ap, f"{CHART_COL}{HEAD_ROW + 42}")

    if shown:
        yc = BarChart()
        yc.type = "col"
        yc.title = "全市主要数字：上年与本年"
        yc.add_data(Reference(ws, min_col=10, max_col=11, min_row=data_head, max_row=data_head + len(shown)),
                    titles_from_data=True)
        yc.set_categories(Reference(ws, min_col=9, min_row=data_head + 1, max_row=data_head + len(shown)))
        for series, colour in zip(yc.series, YOY_COLOURS):
            series.graphicalProperties = GraphicalProperties(solidFill=colour)
        _axes(yc)
        yc.height, yc.width = 8, 17
        ws.add_chart(yc, f"{CHART_COL}{HEAD_ROW + 59}")
    W._page(ws, landscape=True)


def heat_map(ws, form: Form, rows: int) -> None:
    """Colour scales over 明细's key columns: each column white (smallest) to red (largest)."""
    from .workbook import FIRST_ROW, key_column

    last = FIRST_ROW + max(rows, 1) - 1
    for n, key in enumerate(form.keys()):
        if form.column_of(key).kind == "signed":
            continue
        col = key_column(n)
        ws.conditional_formatting.add(f"{col}{FIRST_ROW}:{col}{last}", ColorScaleRule(**HEAT))
