"""Acceptance: the roll-up's 看板 over 42 agency workbooks: chart ranges, LibreOffice rendering, live ranking.

Two soffice calls for the whole module: one recalculates the total, a copy with
one agency row corrected in 明细, and a total with last year's figures; one
renders the 看板 to PDF, whose pixels show each chart drew its data.
"""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite.checks import check, hard_failures
from xlsuite.cli import cli
from xlsuite.metrics import metric_values
from xlsuite.model import Meta, Report, Value
from xlsuite.rollup import previous_year, rollup, write_total
from xlsuite.rollup.core import Entry, consolidate
from xlsuite.rollup.dashboard import (APPEAL_COLOURS, BAR_COLOUR, DASHBOARD, HELPER, PIE_COLOURS, YOY_COLOURS,
                                      PreviousYear, outcome_groups)
from xlsuite.rollup.synth import synthetic_reports
from xlsuite.rollup.workbook import DETAIL, FIRST_ROW, key_column
from xlsuite.workbook import write_workbook
from xlsuite.workbook.recalc import convert, recalculate

from .conftest import GOLDEN

XIAMEN = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]
N = 42
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


def _write(args) -> str:
    report, path = args
    write_workbook(report, path)
    return path


def _total(year: int) -> Report:
    return Report(Meta(agency="厦门市人民政府", year=year, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """42 agency workbooks, their roll-up with its 看板, and one with last year's agencies."""
    folder = tmp_path_factory.mktemp("agencies")
    reports = synthetic_reports(_total(2020), N, seed=2020)
    jobs = [(r, str(folder / f"2020-{r.meta.agency}.xlsx")) for r in reports]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_write, jobs))
    result = rollup([str(folder)], agency="厦门市", year=2020)
    out = tmp_path_factory.mktemp("total")
    total = write_total(result, out / "total.xlsx")
    # Last year: the same agencies, split differently (in memory: the reading is tested elsewhere).
    last = synthetic_reports(_total(2019), N, seed=2019, names=[r.meta.agency for r in reports])
    prev = consolidate([Entry(f"{r.meta.agency}.xlsx", r) for r in last], agency="厦门市", year=2019,
                       cross_year=None)
    by_agency = {e.report.meta.agency: e.report for e in prev.entries}
    with_prev = write_total(result, out / "with_prev.xlsx", previous=PreviousYear(prev.total, by_agency))
    return result, total, with_prev, by_agency


def _edit(result, total: Path, out: Path) -> tuple[str, Report]:
    """Give the 5th agency of 明细 1000 more new requests (natural persons and total): it ranks first and
    fails relation 1 twice. Returns its name and its report as corrected."""
    wb = openpyxl.load_workbook(total)
    ws = wb[DETAIL]
    keys = result.form.keys()
    entry = result.entries[4]
    row = FIRST_ROW + 4
    report = Report(Meta(agency=entry.agency, year=2020, form="gov2019"), dict(entry.report.values))
    for key in ("requests.new.natural", "requests.new.total"):
        cell = ws[f"{key_column(keys.index(key))}{row}"]
        cell.value = (cell.value or 0) + 1000
        report.values[key] = Value(cell.value)
    wb.save(out)
    return entry.agency, report


@pytest.fixture(scope="module")
def calc(books, tmp_path_factory):
    result, total, with_prev, _ = books
    work = tmp_path_factory.mktemp("calc")
    edited = work / "edited.xlsx"
    agency, report = _edit(result, total, edited)
    out = recalculate([total, edited, with_prev], work / "out")
    return {p.stem: p for p in out}, agency, report


@pytest.fixture(scope="module")
def rendered(books, tmp_path_factory):
    """看板 alone (other sheets hidden) as PDF, through LibreOffice, as RGB pixel arrays per page."""
    import pypdfium2 as pdfium

    _result, _total_path, with_prev, _ = books
    work = tmp_path_factory.mktemp("render")
    wb = openpyxl.load_workbook(with_prev)
    for ws in wb.worksheets:
        if ws.title != DASHBOARD:
            ws.sheet_state = "hidden"
    src = work / "kanban.xlsx"
    wb.save(src)
    convert([src], work, "pdf")
    pdf = pdfium.PdfDocument(str(work / "kanban.pdf"))
    return [pdf[i].render(scale=2, rev_byteorder=True).to_numpy() for i in range(len(pdf))]


# --- the chart XML ---------------------------------------------------------------------------

def _charts(path: Path) -> list[dict]:
    """Each chart of the 看板: its kind, title and the ranges of its series (values, categories)."""
    from xml.etree import ElementTree as ET

    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        drawings = [n for n in z.namelist() if n.startswith("xl/worksheets/_rels/")]
        # Every chart hangs off the 看板 sheet (the first sheet).
        sheet_rels = [z.read(n).decode() for n in drawings]
        assert sum("drawing" in r for r in sheet_rels) == 1
        for n in names:
            root = ET.fromstring(z.read(n))
            plot = root.find("c:chart/c:plotArea", NS)
            kind = next(ch.tag.split("}")[1] for ch in plot if ch.tag.endswith("Chart"))
            series = [{"val": s.find("c:val//c:f", NS).text, "cat": s.find("c:cat//c:f", NS).text,
                       "colour": [e.get("val") for e in s.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}srgbClr")]}
                      for s in plot.iter("{%s}ser" % NS["c"])]
            title = "".join(t.text or "" for t in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t"))
            out.append({"kind": kind, "title": title, "series": series})
    return out


def _cells(ws, ref: str) -> list:
    sheet, rng = ref.split("!")
    assert sheet.strip("'") == DASHBOARD
    return [c.value for row in ws[rng.replace("$", "")] for c in row]


def test_three_charts_point_at_the_right_cells(books, calc):
    result, total, with_prev, _ = books
    charts = _charts(total)
    assert [c["kind"] for c in charts] == ["barChart", "pieChart", "barChart"]
    wb = openpyxl.load_workbook(calc[0]["total"], data_only=True)
    ws = wb[DASHBOARD]
    # 1. Requests by agency, top 20, largest first: the ranking's first 20 rows.
    bar = charts[0]["series"][0]
    python = sorted(((e.report.number("requests.new.total"), -i, e.agency) for i, e in enumerate(result.entries)),
                    reverse=True)[:20]
    assert _cells(ws, bar["val"]) == [v for v, _, _ in python]
    assert _cells(ws, bar["cat"]) == [a for _, _, a in python]
    assert "前 20 名" in charts[0]["title"]
    # 2. The city's outcome mix of 三: one slice per outcome group, summing to the total handled.
    pie = charts[1]["series"][0]
    groups = outcome_groups(result.form)
    assert _cells(ws, pie["cat"]) == [g for g, _ in groups]
    assert _cells(ws, pie["val"]) == [sum(result.total.number(k) for k in keys) for _, keys in groups]
    assert sum(_cells(ws, pie["val"])) == XIAMEN["requests.total.total"]
    # 3. Appeals by result: one series per kind of appeal, one category per result.
    appeals = charts[2]["series"]
    assert len(appeals) == 3
    for series, kind in zip(appeals, ("review", "suit_direct", "suit_after_review")):
        assert _cells(ws, series["cat"]) == ["结果维持", "结果纠正", "其他结果", "尚未审结"]
        assert _cells(ws, series["val"]) == [XIAMEN[f"appeals.{kind}.{c}"]
                                             for c in ("upheld", "corrected", "other", "pending")]
    # With last year's figures: a fourth chart, last year against this year.
    yoy = _charts(with_prev)
    assert len(yoy) == 4 and yoy[3]["kind"] == "barChart" and len(yoy[3]["series"]) == 2


def test_libreoffice_draws_every_chart(rendered):
    def count(rgb: str) -> int:
        r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
        total = 0
        for page in rendered:
            px = page[..., :3].astype(int)
            total += int((abs(px[..., 0] - r) + abs(px[..., 1] - g) + abs(px[..., 2] - b) < 24).sum())
        return total

    assert count(BAR_COLOUR) > 500  # the top-20 bars
    assert sum(count(c) > 200 for c in PIE_COLOURS) >= 4  # the slices of the outcome mix
    assert all(count(c) > 100 for c in APPEAL_COLOURS)  # appeals: each kind has cases
    assert all(count(c) > 100 for c in YOY_COLOURS)  # last year and this year


def test_a_corrected_agency_row_reranks_and_recounts(books, calc):
    result, *_ = books
    out, agency, report = calc
    before = openpyxl.load_workbook(out["total"], data_only=True)[DASHBOARD]
    after = openpyxl.load_workbook(out["edited"], data_only=True)[DASHBOARD]
    first = next(r for r in range(1, after.max_row) if after.cell(r, 1).value == "排名") + 1
    header = [after.cell(first - 1, c).value for c in range(1, 10)]
    assert header == ["排名", "机关", "新收申请", "公开率", "不予公开率", "行政复议", "行政诉讼", "被纠错", "不通过校验"]
    assert before.cell(first, 2).value != agency
    assert after.cell(first, 2).value == agency
    assert after.cell(first, 3).value == report.number("requests.new.total")
    # The failing checks of the corrected row are those Python finds on the same numbers.
    assert after.cell(first, 9).value == len(hard_failures(check(report))) == 2
    assert [before.cell(r, 9).value for r in range(first, first + N)] == [0] * N
    # Its metrics and the city's follow the row.
    mv = metric_values(report)
    assert after.cell(first, 4).value == pytest.approx(mv["disclosure_rate"].value)
    city = {after.cell(r, 1).value: after.cell(r, 3).value for r in range(5, 20)}
    assert city["本年新收申请"] == XIAMEN["requests.new.total"] + 1000


def test_zero_denominators_are_blank_in_the_ranking(books, calc):
    result, *_ = books
    idle = [e.agency for e in result.entries if e.report.number("requests.total.total") == 0]
    assert idle, "the synthetic split leaves some agencies without requests"
    ws = openpyxl.load_workbook(calc[0]["total"], data_only=True)[DASHBOARD]
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    for agency in idle:
        assert ws.cell(rows[agency], 4).value in ("", None)  # 公开率: blank, never 0 or #DIV/0!
    values = [c.value for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("#") for v in values)


def test_year_over_year_columns(books, calc):
    result, _total, _with_prev, by_agency = books
    ws = openpyxl.load_workbook(calc[0]["with_prev"], data_only=True)[DASHBOARD]
    head = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value == "排名")
    assert [ws.cell(head, c).value for c in (10, 11)] == ["上年新收", "增减"]
    for r in range(head + 1, head + 1 + N):
        agency = ws.cell(r, 2).value
        prev = by_agency[agency].number("requests.new.total")
        assert ws.cell(r, 10).value == prev
        assert ws.cell(r, 11).value == ws.cell(r, 3).value - prev
    assert ws.cell(4, 4).value == "上年" and ws.cell(5, 4).value == XIAMEN["requests.new.total"]


def test_heat_map_over_the_detail_and_no_dashboard_option(books, tmp_path):
    result, total, *_ = books
    wb = openpyxl.load_workbook(total)
    assert wb.sheetnames[0] == DASHBOARD and wb[HELPER].sheet_state == "hidden"
    ranges = {str(r.sqref) for r in wb[DETAIL].conditional_formatting}
    col = key_column(result.form.keys().index("requests.new.total"))
    assert f"{col}{FIRST_ROW}:{col}{FIRST_ROW + N - 1}" in ranges
    plain = write_total(result, tmp_path / "plain.xlsx", dashboard=False)
    assert DASHBOARD not in openpyxl.load_workbook(plain).sheetnames


def test_cli_previous_total_and_no_dashboard(books, tmp_path):
    result, *_ = books
    folder = tmp_path / "three"  # the command line's behaviour needs no more agencies
    folder.mkdir()
    for e in result.entries[:3]:
        shutil.copy(e.path, folder)
    last = tmp_path / "2019-厦门市.xlsx"
    write_workbook(_total(2019), last)
    assert previous_year([str(last)], agency="厦门市", year=2020).total.number("requests.new.total") == 1609
    out = tmp_path / "t.xlsx"
    r = CliRunner().invoke(cli, ["rollup", str(folder), "--agency", "厦门市", "-o", str(out), "--previous", str(last)])
    assert r.exit_code == 0, r.output
    assert "看板" in r.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == DASHBOARD and "prev.requests.new.total" in wb.defined_names
    out2 = tmp_path / "t2.xlsx"
    r = CliRunner().invoke(cli, ["rollup", str(folder), "--agency", "厦门市", "-o", str(out2), "--no-dashboard"])
    assert r.exit_code == 0 and DASHBOARD not in openpyxl.load_workbook(out2).sheetnames
    wrong = CliRunner().invoke(cli, ["rollup", str(folder), "--agency", "厦门市", "-o", str(tmp_path / "x.xlsx"),
                                     "--previous", str(folder)])
    assert wrong.exit_code == 2 and "上年数据应为2019年度" in wrong.stderr


def test_every_formula_fits_excel_limits(books):
    # Excel refuses a formula longer than 8192 characters; the per-agency checks are one per column for that.
    _result, _total, with_prev, _ = books
    wb = openpyxl.load_workbook(with_prev)
    longest = max(len(c.value) for name in (DASHBOARD, HELPER) for row in wb[name].iter_rows()
                  for c in row if isinstance(c.value, str) and c.value.startswith("="))
    assert longest < 8192
