"""`xlsuite rollup` through the real CLI: mixed inputs, outputs, refusals, --dedupe, --on-invalid."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.export import report_to_dict
from xlsuite.model import Meta, Report, Value
from xlsuite.rollup import rollup
from xlsuite.rollup.synth import synthetic_reports
from xlsuite.rollup.workbook import DETAIL, DETAIL_HEAD, FIRST_ROW
from xlsuite.workbook import read_values, write_workbook

from .conftest import GOLDEN, ROOT, SEEDS

XIAMEN = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]


def run(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["rollup", *map(str, args)])
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """Four agency workbooks splitting Xiamen, plus the Xiamen report itself as a text dump."""
    folder = tmp_path_factory.mktemp("inbox")
    total = Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    for r in synthetic_reports(total, 4, seed=4):
        write_workbook(r, folder / f"2020-{r.meta.agency}.xlsx")
    shutil.copy(SEEDS / "xiamen-city-2020.pdf.txt", folder / "xiamen-city-2020.pdf.txt")
    return folder


def test_mixed_inputs_json_is_the_extract_json_of_the_total(inbox):
    code, out, err = run(inbox, "--agency", "厦门市×2", "--year", "2020", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["values"] == {k: 2 * v for k, v in XIAMEN.items()}
    assert got["meta"] == {"agency": "厦门市×2", "year": 2020, "form": "gov2019", "source_kind": "rollup",
                           "pages": None}
    expected = rollup([str(inbox)], agency="厦门市×2", year=2020)
    assert got == json.loads(json.dumps(report_to_dict(expected.total, assess(expected.total)), ensure_ascii=False))
    assert got["verdict"] == "通过"


def test_workbook_and_csv_outputs(inbox, tmp_path):
    out, csv = tmp_path / "total.xlsx", tmp_path / "breakdown.csv"
    code, stdout, err = run(inbox, "-o", out, "--csv", csv, "--agency", "厦门市")
    assert code == 0, err
    assert "5 份报告" in stdout and "校验：通过" in stdout and str(out) in stdout
    meta, values = read_values(out)
    assert values["requests.new.total"] == 2 * 1609 and meta["agency"] == "厦门市"
    df = pd.read_csv(csv)
    assert list(df.columns) == ["agency", "key", "value"] and len(df) == 5 * 198
    assert df.groupby("key")["value"].sum()["active.procurement.amount_yuan"] == 2 * 378349191
    assert set(df["agency"]) >= {"厦门市人民政府", "厦门市人民政府办公厅"}
    # The same file again: kept, unless --force.
    before = out.read_bytes()
    code, _, err = run(inbox, "-o", out, "--agency", "厦门市")
    assert code == 2 and "文件已存在" in err and out.read_bytes() == before
    code, _, err = run(inbox, "-o", out, "--agency", "厦门市", "--force")
    assert code == 0, err


def test_a_total_saved_into_the_inbox_is_not_added_to_itself(inbox, tmp_path):
    folder = tmp_path / "inbox"
    shutil.copytree(inbox, folder)
    out = folder / "2020-厦门市.xlsx"
    code, _, err = run(folder, "-o", out, "--agency", "厦门市")
    assert code == 0, err
    # Next week, the same folder again: the total written there last time is not an agency.
    code, stdout, err = run(folder, "--agency", "厦门市", "--json")
    assert code == 0, err
    got = json.loads(stdout)
    assert got["values"]["requests.new.total"] == 2 * 1609
    own = [w for w in got["warnings"] if w["code"] == "rollup_own_total"]
    assert len(own) == 1 and str(out) in own[0]["message"]
    code, stdout, _ = run(folder, "--agency", "厦门市")
    assert "5 份报告" in stdout and "以前的汇总结果，未计入" in stdout
    # Under another name the total is an input (a city's total in a province's roll-up), and
    # beside agency reports that may count an agency twice: said, naming the total.
    got = json.loads(run(folder, "--agency", "福建省", "--json")[1])
    assert got["values"]["requests.new.total"] == 4 * 1609
    mixed = [w["message"] for w in got["warnings"] if w["code"] == "rollup_mixed_totals"]
    assert len(mixed) == 1 and "厦门市" in mixed[0] and str(out) in mixed[0]
    # Only the earlier total: nothing to add, said.
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(out, alone / out.name)
    code, _, err = run(alone, "--agency", "厦门市")
    assert code == 2 and "以前的汇总结果" in err


def test_mixing_years_exits_2_naming_both_files(inbox):
    md = SEEDS / "shishi-commerce-2019.md"
    code, out, err = run(inbox / "xiamen-city-2020.pdf.txt", md, "--agency", "某市")
    assert code == 2 and out == ""
    assert str(md) in err and "xiamen-city-2020.pdf.txt" in err and "年度不一致" in err


def test_a_file_that_is_not_a_report_exits_2_naming_it(inbox, tmp_path):
    junk = tmp_path / "readme.txt"
    junk.write_text("这里什么都没有。\n", encoding="utf-8")
    code, _, err = run(inbox, junk, "--agency", "某市")
    assert code == 2 and str(junk) in err and "不是可汇总的报告" in err


def test_same_agency_twice_needs_dedupe_which_keeps_the_newest_import(tmp_path):
    base = Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    newer = Report(base.meta, dict(base.values))
    newer.values["active.penalty.decisions"] = Value(1)
    write_workbook(newer, tmp_path / "b-resubmitted.xlsx", imported_at="2021-01-20T10:00:00+08:00")
    write_workbook(base, tmp_path / "a-first.xlsx", imported_at="2021-01-10T10:00:00+08:00")
    code, _, err = run(tmp_path, "--agency", "某市", "--json")
    assert code == 2 and "同一机关出现多次" in err and "a-first.xlsx" in err and "b-resubmitted.xlsx" in err
    assert "加 --dedupe" in err.splitlines()[0]  # the CLI names the flag that helps
    code, out, err = run(tmp_path, "--agency", "某市", "--json", "--dedupe")
    assert code == 0, err
    got = json.loads(out)
    assert got["values"]["active.penalty.decisions"] == 1
    assert any("a-first.xlsx" in w["message"] for w in got["warnings"])


@pytest.fixture(scope="module")
def with_invalid(inbox, tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("with-invalid")
    for p in inbox.glob("*.xlsx"):
        shutil.copy(p, folder / p.name)
    bad = Report(Meta(agency="厦门市某错误局", year=2020, form="gov2019"), {k: Value(0) for k in XIAMEN})
    bad.values["appeals.review.upheld"] = Value(2)  # 总计 stays 0: relation 4 fails
    write_workbook(bad, folder / "2020-厦门市某错误局.xlsx")
    return folder, "厦门市某错误局"


def test_invalid_input_stops_with_agency_relation_and_keys(with_invalid):
    folder, agency = with_invalid
    code, out, err = run(folder, "--agency", "厦门市")
    assert code == 1 and out == ""
    assert agency in err and "R4.appeals.review" in err and "appeals.review.upheld" in err
    assert "--on-invalid skip" in err


def test_invalid_input_skipped_is_recorded_on_the_cover(with_invalid, tmp_path):
    folder, agency = with_invalid
    out = tmp_path / "skip.xlsx"
    code, stdout, err = run(folder, "--agency", "厦门市", "--on-invalid", "skip", "-o", out)
    assert code == 0, err
    assert read_values(out)[1] == XIAMEN
    wb = openpyxl.load_workbook(out)
    cover = {wb["封面"].cell(r, 1).value: wb["封面"].cell(r, 2).value for r in range(1, wb["封面"].max_row + 1)}
    assert cover["未通过校验的报告"].startswith("--on-invalid skip")
    assert agency in cover["未通过校验的机关"] and "已剔除" in cover["未通过校验的机关"]
    assert agency not in [wb[DETAIL].cell(r, 1).value for r in range(FIRST_ROW, wb[DETAIL].max_row + 1)]


def test_invalid_input_included_is_marked_in_the_breakdown(with_invalid, tmp_path):
    folder, agency = with_invalid
    out = tmp_path / "include.xlsx"
    code, stdout, err = run(folder, "--agency", "厦门市", "--on-invalid", "include", "-o", out)
    assert code == 1  # the total now fails relation 4 too
    assert "校验：不通过" in stdout
    assert read_values(out)[1]["appeals.review.upheld"] == XIAMEN["appeals.review.upheld"] + 2
    wb = openpyxl.load_workbook(out)
    detail = wb[DETAIL]
    marks = {detail.cell(r, 1).value: detail.cell(r, len(DETAIL_HEAD)).value
             for r in range(FIRST_ROW, detail.max_row + 1)}
    assert marks[agency] == "不通过" and list(marks.values()).count("通过") == 4
    cover = {wb["封面"].cell(r, 1).value: wb["封面"].cell(r, 2).value for r in range(1, wb["封面"].max_row + 1)}
    assert cover["未通过校验的报告"].startswith("--on-invalid include") and "仍计入" in cover["未通过校验的机关"]


def test_docs_show_the_real_help():
    help_text = CliRunner().invoke(cli, ["rollup", "--help"], prog_name="xlsuite", terminal_width=100).output
    docs = (ROOT / "docs" / "rollup.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(Usage: xlsuite rollup.*?)```", docs, re.S)
    assert block, "docs/rollup.md should quote `xlsuite rollup --help`"
    assert block.group(1).strip() == help_text.strip()
