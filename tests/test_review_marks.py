"""核实 marks in the workbook: the 核实/说明 columns, their drop-down, the honest verdict in LibreOffice, re-import."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from xlsuite.cli import cli
from xlsuite.model import Meta, Report, Value
from xlsuite.workbook import layout as L
from xlsuite.workbook import write_workbook
from xlsuite.workbook.marks import read_marks
from xlsuite.workbook.recalc import recalculate
from xlsuite.workbook.writer import CHECK_HEADERS

from .conftest import GOLDEN, SEEDS

REVIEW, NOTE = CHECK_HEADERS.index("核实") + 1, CHECK_HEADERS.index("说明") + 1
WHY = "新收申请数含市本级以外的转办件，已与业务系统核对"


def broken_report() -> Report:
    values = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]
    values["requests.new.total"] += 5  # relations R1.requests.total and R2.requests.new fail
    return Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in values.items()})


def mark(path: Path, marks: dict[str, tuple[str, str]]) -> Path:
    """What a reviewer does in Excel: pick 核实 from the drop-down, type 说明."""
    wb = openpyxl.load_workbook(path)
    ws = wb[L.CHECKS]
    for row in range(1, ws.max_row + 1):
        fid = ws.cell(row, 1).value
        if fid in marks:
            ws.cell(row, REVIEW).value, ws.cell(row, NOTE).value = marks[fid]
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("marks")
    plain = write_workbook(broken_report(), d / "plain.xlsx")
    data = plain.read_bytes()
    both, one = d / "both.xlsx", d / "one.xlsx"
    both.write_bytes(data)
    one.write_bytes(data)
    mark(both, {"R1.requests.total": ("已核实无误", WHY), "R2.requests.new": ("已更正", "已改正总计")})
    mark(one, {"R1.requests.total": ("已核实无误", WHY)})
    return {"plain": plain, "both": both, "one": one}


@pytest.fixture(scope="module")
def recalculated(books, tmp_path_factory) -> dict[str, str]:
    """checks.verdict of each workbook as LibreOffice computes it (one soffice call)."""
    calc = recalculate(list(books.values()), tmp_path_factory.mktemp("calc"))
    out = {}
    for name, path in zip(books, calc):
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_name(L.CHECKS).to_python()
        out[name] = rows[2][1]  # B3: checks.verdict
    return out


def test_a_marked_hard_failure_is_never_passed(recalculated):
    assert recalculated == {"plain": "不通过", "one": "不通过", "both": "不通过（已说明）"}


def test_review_column_has_the_drop_down(books):
    ws = openpyxl.load_workbook(books["plain"])[L.CHECKS]
    assert [ws.cell(4, n).value for n in (REVIEW, NOTE)] == ["核实", "说明"]
    [dv] = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert dv.formula1 == '"未核实,已核实无误,已更正"'
    assert str(dv.sqref) == f"J5:J{ws.max_row}"
    assert dv.showErrorMessage and "说明" in dv.prompt


def test_marks_are_read_back_and_survive_reimport(books, tmp_path):
    assert read_marks(books["both"]) == {"R1.requests.total": ("已核实无误", WHY), "R2.requests.new": ("已更正", "已改正总计")}
    assert read_marks(books["plain"]) == {}

    out = tmp_path / "out"
    src = SEEDS / "xiamen-city-2020.pdf.txt"
    assert CliRunner().invoke(cli, ["import", str(src), "-o", str(out)]).exit_code == 0
    [book] = out.glob("*.xlsx")
    mark(book, {"R1.requests.total": ("已核实无误", WHY), "R5.requests.new.total": ("未核实", "待与科室核对"),
                "R3.requests.natural": ("核对过", "")})
    again = CliRunner().invoke(cli, ["import", str(src), "-o", str(out), "--overwrite"])
    assert again.exit_code == 0, again.output
    assert read_marks(book) == {
        "R1.requests.total": ("已核实无误", WHY),
        "R5.requests.new.total": ("未核实", "待与科室核对"),
        "R3.requests.natural": ("未核实", "（核实栏填的是“核对过”，不是下拉选项，按未核实处理）"),
    }
