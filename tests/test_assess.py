"""One assessment: every front-end gives the same findings for the same workbook."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsuite.assessment import FAILED_EXPLAINED, Mark, Review, assess, merge, warning_id
from xlsuite.cli import cli
from xlsuite.dataset import build_dataset
from xlsuite.errors import ExitCode
from xlsuite.excel.actions.checking import check_workbook
from xlsuite.excel.dispatch import dispatch
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
from xlsuite.model import Value
from xlsuite.readers import read_report

from .conftest import REALPDF, SEEDS

HONGZE = REALPDF / "huaian-hongze-2024.pdf"
CONFIG = Path(__file__).resolve().parent.parent / "examples" / "xlsuite.toml"
NARRATIVE = "R11.narrative.requests.new.total"  # the text says 17 requests, the table 95
_ID = re.compile(r"^\s*\[(?:错误|提示|审核)\] (R\d+\.\S+)", re.M)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hongze")
    r = CliRunner().invoke(cli, ["import", str(HONGZE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    [path] = out.glob("*.xlsx")
    return path


def test_every_front_end_gives_the_same_findings(workbook, tmp_path):
    # xlsuite check
    r = CliRunner().invoke(cli, ["check", str(workbook), "--json"])
    assert r.exit_code == ExitCode.OK, r.output
    checked = json.loads(r.stdout)
    by_check = {f["id"] for f in checked["findings"] if f["kind"] != "reading"}
    assert NARRATIVE in by_check
    [narrative] = [f for f in checked["findings"] if f["id"] == NARRATIVE]
    assert "17" in narrative["message"] and "95" in narrative["message"]

    # the 校验 button: its assessment, and the message box
    button = check_workbook(OpenpyxlAdapter(workbook)).assessment
    assert {i.id for i in button.findings if i.kind != "reading"} == by_check
    assert {i.id for i in button.findings} == {f["id"] for f in checked["findings"]}
    outcome = dispatch("validate", OpenpyxlAdapter(workbook))
    assert outcome.alert.startswith("校验结论：通过") and narrative["message"] in outcome.alert

    # 发送: the body of the message
    r = CliRunner().invoke(cli, ["send", str(workbook), "--config", str(CONFIG), "--dry-run"])
    assert r.exit_code == ExitCode.OK, r.output
    body = r.stdout.split("---- 正文 ----")[1]
    assert set(_ID.findall(body)) == by_check
    assert narrative["message"] in body

    # dataset: the reports table
    ds = build_dataset([workbook], tmp_path / "ds", workers=1)
    [row] = ds.reports.to_dict("records")
    assert set(row["failed_checks"].split(";")) == by_check
    assert row["verdict"] == checked["verdict"] == "通过"


def test_the_pdf_itself_has_the_narrative_finding_too():
    a = assess(read_report(HONGZE))
    assert a.passed and a.verdict == "通过"
    assert NARRATIVE in {i.id for i in a.findings}
    assert not a.strict_passed and a.exit_code(strict=True) == ExitCode.CHECKS_FAILED


def _broken():
    report = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    old = report.values["requests.new.total"]
    report.values["requests.new.total"] = Value(old.value + 5, old.provenance)
    return report


def test_passed_is_data_and_the_label_follows_it():
    a = assess(_broken())
    assert not a.passed and a.verdict == "不通过" and a.exit_code() == ExitCode.CHECKS_FAILED
    hard = [i.id for i in a.findings if i.hard]
    assert hard == ["R1.requests.total", "R2.requests.new"]
    d = a.to_dict()
    assert d["passed"] is False and d["verdict"] == "不通过"
    assert [f["id"] for f in d["findings"]][:2] == hard
    assert all(c["rule"] != "R5" or c["status"] != "pass" for c in d["checks"])
    assert any(c["rule"] == "R5" for c in a.to_dict(all_checks=True)["checks"])


def test_reviewer_marks_explain_failures_and_warnings():
    a = assess(_broken())
    ids = [i.id for i in a.findings]
    partly = a.with_marks([Mark("R1.requests.total", Review.CONFIRMED, "原表如此，已电话核实")])
    assert partly.verdict == "不通过"  # one hard failure still unexplained
    every = a.with_marks([Mark(i, Review.CONFIRMED if i.startswith("R1") else Review.CORRECTED) for i in ids])
    assert not every.passed and every.verdict == FAILED_EXPLAINED
    assert every.findings[0].to_dict()["review"] == "已核实无误"

    fine = assess(read_report(HONGZE))
    assert not fine.strict_passed
    marked = fine.with_marks([Mark(i.id, Review.CONFIRMED) for i in fine.findings])
    assert marked.strict_passed and marked.exit_code(strict=True) == ExitCode.OK
    unmarked = fine.with_marks([Mark(i.id, Review.UNREVIEWED) for i in fine.findings])
    assert not unmarked.strict_passed


def test_finding_ids_are_stable_across_runs():
    first = [i.id for i in assess(read_report(SEEDS / "shanghai-office-2019.html")).findings]
    again = [i.id for i in assess(read_report(SEEDS / "shanghai-office-2019.html")).findings]
    assert first == again and len(set(first)) == len(first)
    report = read_report(SEEDS / "shanghai-office-2019.html")
    blank = next(w for w in report.warnings if w.code == "blank_cell")
    assert warning_id(blank) == f"blank_cell:{blank.key}" and warning_id(blank) in first


def test_batches_merge():
    good, bad = assess(read_report(SEEDS / "xiamen-city-2020.pdf.txt")), assess(_broken())
    batch = merge([good, bad])
    assert not batch.passed and batch.exit_code() == ExitCode.CHECKS_FAILED
    assert merge([good]).passed and merge([]).passed
    d = batch.to_dict()
    assert (d["reports"], d["passed"], d["failed"]) == (2, 1, 1) and d["findings"]["R1.requests.total"] == 1


def test_metrics_ride_along():
    a = assess(read_report(SEEDS / "xiamen-city-2020.pdf.txt"))
    assert "metrics" not in a.to_dict()
    a.metrics["share_granted"] = 0.5
    assert a.to_dict()["metrics"] == {"share_granted": 0.5}


def test_marks_as_the_workbook_holds_them():
    """The 核实/说明 cells of the 校验 sheet (workbook.marks) become marks; their words are the assessment's."""
    from xlsuite.workbook.formulas import FAILED_EXPLAINED_ZH, REVIEW_CHOICES

    assert REVIEW_CHOICES == tuple(r.value for r in Review) and FAILED_EXPLAINED_ZH == FAILED_EXPLAINED
    a = assess(_broken())
    marks = {"R1.requests.total": ("已核实无误", "原表如此"), "R2.requests.new": ("已更正", "")}
    marked = a.with_marks(Mark.of(i, review, note) for i, (review, note) in marks.items())
    assert marked.verdict == FAILED_EXPLAINED
    assert Mark.of("x", "核实过了").review == Review.UNREVIEWED  # not a drop-down word: 未核实


def test_cells_in_doubt_show_beside_the_verdict():
    """A dump whose rows the reader could not place: the rows are null, and the verdict never
    reads a clean 通过 in the summary, check's line, or the JSON."""
    dump = Path(__file__).resolve().parent / "fixtures" / "zoo" / "text" / "fj-commerce-2020.pdf.landscape.reading.txt"
    a = assess(read_report(dump))
    doubt = [k for w in a.warnings if w.code in ("unanchored_row", "uncertain_row") for k in w.keys]
    assert doubt and set(doubt) <= set(a.review)
    assert all(a.report.number(k) is None for k in a.review)
    assert a.verdict == "通过" and a.headline == f"通过（{len(a.review)} 个单元格未能可靠读取，待核对）"
    runner = CliRunner()
    line = runner.invoke(cli, ["check", str(dump)]).output.splitlines()[0]
    assert line.endswith(a.headline)
    assert f"校验：{a.headline}" in runner.invoke(cli, ["extract", str(dump)]).output
    data = json.loads(runner.invoke(cli, ["extract", str(dump), "--json"]).output)
    assert data["review"] == a.review
    assert {tuple(f["keys"]) for f in data["findings"] if f["kind"] == "reading" and len(f.get("keys", ())) > 1}
