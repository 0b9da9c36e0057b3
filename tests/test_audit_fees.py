"""Relation 13: a gov2021 report states the 信息处理费 in section 六."""
from __future__ import annotations

import json

import pytest

from xlsuite.audit import check_fees
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report

from .conftest import GOLDEN, REALPDF, SEEDS


def _report(narrative: dict[str, str], stem: str = "huaian-hongze-2024") -> Report:
    gold = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    r = Report(Meta(**gold["meta"]), {k: Value(v) for k, v in gold["values"].items()})
    r.narrative = narrative
    return r


@pytest.mark.parametrize("text, amount", [
    ("2024 年，区政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费 0 元。", 0),
    ("本年度未收取信息处理费。", 0),
    ("本机关没有向申请人收取信息处理费。", 0),
    ("本年度依法收取信息处理费1.5万元。", 15000),
    ("全年收取信息处理费 1,200 元。", 1200),
])
def test_a_stated_fee_passes_with_its_amount(text, amount):
    [x] = check_fees(_report({"overview": "（略）", "other": text}))
    assert (x.id, x.status, x.left) == ("R13.fees.statement", "pass", amount)
    assert x.section == "other" and x.sentence.replace(" ", "") == text.replace(" ", "")


def test_no_statement_is_a_warning():
    [x] = check_fees(_report({"overview": "（略）", "other": "无。"}))
    assert (x.status, x.severity, x.section) == ("fail", "warning", "other")
    assert "信息处理费" in x.message and "第六部分" in x.message


def test_missing_section_six_is_a_warning_too():
    [x] = check_fees(_report({"overview": "（略）"}))
    assert x.status == "fail" and x.sentence is None


def test_a_fee_mentioned_without_amount_is_vague():
    [x] = check_fees(_report({"other": "我区不断规范信息处理费收取工作。"}))
    assert x.status == "fail" and "没有写明" in x.message and "不断规范" in x.sentence


def test_a_statement_in_another_section_names_it():
    [x] = check_fees(_report({"overview": "全年未收取信息处理费。", "other": "无。"}))
    assert x.status == "fail" and x.section == "overview" and "一、总体情况" in x.message


def test_gov2019_reports_are_not_asked():
    assert check_fees(read_report(SEEDS / "xiamen-city-2020.pdf.txt")) == []


def test_hongze_pdfs_state_a_zero_fee_in_section_six():
    for name in ("huaian-hongze-2023.pdf", "huaian-hongze-2024.pdf"):
        [x] = check_fees(read_report(REALPDF / name))
        assert (x.status, x.left, x.section) == ("pass", 0, "other")
        assert x.provenance.page == 5
