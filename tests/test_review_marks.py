"""核实 marks: the 核实/说明 columns and their drop-down, the honest verdict (LibreOffice and Python),
re-import, and every front end that shows them: check, send (real SMTP), collect's tracker and
replies, the ribbon's 校验 (publish has its own tests)."""
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
from xlsuite.workbook.formulas import sheet_order
from xlsuite.workbook import write_workbook
from xlsuite.workbook.marks import read_marks
from xlsuite.workbook.recalc import recalculate
from xlsuite.workbook.writer import CHECK_HEADERS

from .conftest import GOLDEN, SEEDS

REVIEW, NOTE = CHECK_HEADERS.index("核实") + 1, CHECK_HEADERS.index("说明") + 1
WHY = "新收申请数含市本级以外的转办件，已与业务系统核对"


SECTIONS = ["overview", "active", "requests", "appeals", "issues", "other"]
NARRATIVE = {"overview": "2020年，全市共收到政府信息公开申请1500件，均按时答复。", "issues": "存在的问题：公开不够及时。",
             "other": "无其他需要报告的事项。"}
R11 = "R11.narrative.requests.new.total"  # the text says 1500 applications, the table 1609


def xiamen(broken: bool) -> Report:
    values = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]
    if broken:
        values["requests.new.total"] += 5  # relations R1.requests.total and R2.requests.new fail
    return Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in values.items()},
                  narrative=dict(NARRATIVE), sections_found=list(SECTIONS))


def broken_report() -> Report:
    return xiamen(broken=True)


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
    narr = write_workbook(xiamen(broken=False), d / "narr.xlsx")
    return {"plain": plain, "both": both, "one": one, "narr": narr}


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
    assert recalculated == {"plain": "不通过", "one": "不通过", "both": "不通过（已说明）", "narr": "通过"}


def test_review_column_and_the_findings_below_have_the_drop_down(books):
    ws = openpyxl.load_workbook(books["narr"])[L.CHECKS]
    assert [ws.cell(4, n).value for n in (REVIEW, NOTE)] == ["核实", "说明"]
    last = 4 + len(sheet_order("gov2019"))
    assert ws.cell(last + 3, 1).value.startswith("审核与识别提示（导入时）：1 项")
    assert [ws.cell(last + 4, n).value for n in (1, 2, REVIEW, NOTE)] == ["编号", "内容", "核实", "说明"]
    assert ws.cell(last + 5, 1).value == R11 and "1500" in ws.cell(last + 5, 2).value
    [dv] = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert dv.formula1 == '"未核实,已核实无误,已更正"'
    assert str(dv.sqref) == f"J5:J{last} J{last + 5}"
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


def check(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args)])


def test_check_shows_marks_and_stays_honest(books, tmp_path):
    both = check(books["both"])
    assert both.exit_code == 1  # a marked hard failure still fails
    assert "—— 不通过（已说明）" in both.output
    assert f"[错误] R1.requests.total" in both.output and f"核实：已核实无误：{WHY}" in both.output
    data = json.loads(check(books["both"], "--json").output)
    assert data["verdict"] == "不通过（已说明）" and data["passed"] is False
    assert {f["id"]: f.get("note") for f in data["findings"] if f.get("review")} == \
        {"R1.requests.total": WHY, "R2.requests.new": "已改正总计"}
    one = check(books["one"])
    assert one.exit_code == 1 and "—— 不通过\n" in one.output

    narr = tmp_path / "narr.xlsx"
    narr.write_bytes(books["narr"].read_bytes())
    assert check(narr).exit_code == 0
    strict = check(narr, "--strict")
    assert strict.exit_code == 1 and f"[审核] {R11}" in strict.output
    mark(narr, {R11: ("已核实无误", "1500 件是市本级，表格含各区")})
    marked = check(narr, "--strict")
    assert marked.exit_code == 0, marked.output  # an explained warning no longer counts for --strict
    assert "核实：已核实无误：1500 件是市本级，表格含各区" in marked.output
    # re-importing over the workbook keeps the mark of the finding below the relations too
    write_workbook(xiamen(broken=False), narr, overwrite=True)
    assert read_marks(narr) == {R11: ("已核实无误", "1500 件是市本级，表格含各区")}
    assert check(narr, "--strict").exit_code == 0


def test_send_shows_the_marks_and_lets_an_explained_workbook_go(books, tmp_path):
    from email import message_from_bytes, policy

    from .test_mail_send import SmtpServer, write_config

    srv = SmtpServer().start()
    try:
        cfg = write_config(tmp_path, srv)
        refused = CliRunner().invoke(cli, ["send", str(books["one"]), "--config", str(cfg)])
        assert refused.exit_code == 1 and "“核实”列标记并写明说明" in refused.output
        assert srv.received == []
        sent = CliRunner().invoke(cli, ["send", str(books["both"]), "--config", str(cfg)])
        assert sent.exit_code == 0, sent.output
        [msg] = [message_from_bytes(e.content, policy=policy.default) for e in srv.received]
        assert msg["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（不通过（已说明））"
        assert msg["X-Xlsuite-Verdict"] == "fail"
        body = msg.get_body(("plain",)).get_content()
        assert "校验结论：不通过（已说明）（2 项勾稽关系不成立，均已由报送单位核实说明" in body
        assert f"[错误] R1.requests.total " in body and f"——核实：已核实无误：{WHY}" in body
        assert "——核实：已更正：已改正总计" in body
        assert f"——核实：已核实无误：{WHY}" in msg.get_body(("html",)).get_content()

        # the office above collects it: the tracker and the reply say 已说明, with the reasons
        inbox = tmp_path / "导出"
        inbox.mkdir()
        (inbox / "1.eml").write_bytes(srv.received[0].content)
        listing = tmp_path / "名单.csv"
        listing.write_text("机关名称,联系人,邮箱\n厦门市人民政府,张伟,gkb@example.gov.cn\n", encoding="utf-8")
        out = tmp_path / "收件"
        got = CliRunner().invoke(cli, ["collect", "--from", str(inbox), "--list", str(listing), "-o", str(out),
                                       "--year", "2020", "--config", str(cfg), "--reply"])
        assert got.exit_code == 0, got.output
        assert "（未通过，2 项勾稽关系不成立，均已核实说明）" in got.output
        ws = openpyxl.load_workbook(out / "报送情况.xlsx")["报送情况"]
        from xlsuite.collect.tracker_xlsx import HEADER_ROW, HEADERS
        row = {h: ws.cell(HEADER_ROW + 1, n).value for n, h in enumerate(HEADERS, start=1)}
        assert row["状态"] == "已报送（未通过，2 项，已说明）"
        assert f"[错误] R1.requests.total " in row["问题"] and f"——核实：已核实无误：{WHY}" in row["问题"]
        assert ws.cell(4, 6).value == 1  # still counted as 未通过
        reply = message_from_bytes(srv.received[-1].content, policy=policy.default)
        assert reply["Subject"] == "【政府信息公开年报】回执：已收到厦门市人民政府 2020年度报告（未通过，2 项勾稽关系不成立，均已说明）"
        assert f"——核实：已核实无误：{WHY}" in reply.get_body(("plain",)).get_content()
    finally:
        srv.stop()


def test_ribbon_check_reads_the_marks(books, tmp_path):
    from xlsuite.excel.dispatch import dispatch
    from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter

    book = tmp_path / "both.xlsx"
    book.write_bytes(books["both"].read_bytes())
    outcome = dispatch("validate", OpenpyxlAdapter(book))
    assert outcome.alert.startswith("校验结论：不通过（已说明）")
    assert f"（核实：已核实无误：{WHY}）" in outcome.alert
    one = tmp_path / "one.xlsx"
    one.write_bytes(books["one"].read_bytes())
    assert dispatch("validate", OpenpyxlAdapter(one)).alert.startswith("校验结论：不通过\n")
