"""The ribbon's 对比 button and the 汇总 button's dashboard, through the openpyxl adapter and `xlsuite excel`."""
from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.compare.workbook import COMPARE, TEXT
from xlsuite.excel.actions.base import CANCELLED, DONE
from xlsuite.excel.dispatch import BY_TAG, dispatch
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
from xlsuite.model import Meta, Report, Value
from xlsuite.rollup.dashboard import DASHBOARD
from xlsuite.workbook import write_workbook

from .conftest import GOLDEN


def golden(stem: str, **meta) -> Report:
    g = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    m = {**g["meta"], **meta}
    return Report(Meta(agency=m["agency"], year=m["year"], form=m["form"]),
                  {k: Value(v) for k, v in g["values"].items()})


def run(path, tag, **answers):
    a = OpenpyxlAdapter(path, answers)
    return dispatch(tag, a), a


def test_compare_button_writes_and_opens_the_comparison(tmp_path):
    assert BY_TAG["compare"].label == "对比"
    current = write_workbook(golden("huaian-hongze-2024"), tmp_path / "2024.xlsx")
    previous = write_workbook(golden("huaian-hongze-2023"), tmp_path / "2023.xlsx")
    before = current.read_bytes()
    out = tmp_path / "对比.xlsx"
    outcome, a = run(current, "compare", file=str(previous), save_path=str(out))
    assert outcome.status == DONE, outcome.alert
    assert a.opened == [str(out)]
    assert current.read_bytes() == before  # the open workbook is not changed
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == [COMPARE, TEXT]
    assert "对比：淮安市洪泽区人民政府　2023年度 → 2024年度" in outcome.alert
    assert "本年新收申请：21 → 95" in outcome.alert and "复议纠错率：— → 50.0%（上年分母为 0，无法计算）" in outcome.alert
    # The same through the command line.
    out2 = tmp_path / "对比2.xlsx"
    r = CliRunner().invoke(cli, ["excel", "compare", "--workbook", str(current), "--file", str(previous),
                                 "-o", str(out2)])
    assert r.exit_code == 0, r.output
    assert outcome.alert.splitlines()[0] in r.output and out2.exists()


def test_compare_button_asks_before_comparing_another_agency(tmp_path):
    current = write_workbook(golden("huaian-hongze-2024"), tmp_path / "2024.xlsx")
    other = write_workbook(golden("huaian-hongze-2023", agency="厦门市人民政府"), tmp_path / "other.xlsx")
    outcome, a = run(current, "compare", file=str(other), save_path=str(tmp_path / "x.xlsx"))
    assert outcome.status == CANCELLED and not (tmp_path / "x.xlsx").exists()
    outcome, a = run(current, "compare", file=str(other), save_path=str(tmp_path / "x.xlsx"), choice="force")
    assert outcome.status == DONE and "不是同一机关" in outcome.alert


def test_rollup_button_opens_on_the_dashboard(tmp_path):
    inbox = tmp_path / "inbox"
    for stem, agency in (("huaian-hongze-2024", "甲局"), ("huaian-hongze-2024", "乙局")):
        write_workbook(golden(stem, agency=agency), inbox / f"{agency}.xlsx")
    out = tmp_path / "total.xlsx"
    outcome, a = run(None, "rollup", folder=str(inbox), text="某区", save_path=str(out))
    assert outcome.status == DONE, outcome.alert
    assert "看板" in outcome.alert
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == DASHBOARD and wb.active.title == DASHBOARD
