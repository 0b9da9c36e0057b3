"""Relation 11: figures restated in the text, found with their sentence and compared with the tables."""
from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase

import pytest

from xlsuite.audit import audit, compare, figures, findings
from xlsuite.audit.rules import NARRATIVE_RULES
from xlsuite.forms import FORMS
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report

from .conftest import GOLDEN, REALPDF, SEEDS


def _found(report):
    return [(f.rule.id, f.value, f.status) for f in figures(report)]


def _golden_report(stem: str, narrative: dict[str, str]) -> Report:
    gold = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    r = Report(Meta(**gold["meta"], source=f"{stem}.json"), {k: Value(v) for k, v in gold["values"].items()})
    r.narrative = narrative
    r.sections_found = ["overview", "active", "requests", "appeals", "issues", "other"]
    return r


def test_xiamen_figures_are_found_and_none_restates_a_table_cell():
    r = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    # "累计主动公开政府信息 10943 条,依申请公开 1551 条": the 2019 form has no total of
    # proactively published items, and 1551 counts items of information given on request,
    # not requests (the table has 1609 new requests, 643 granted, 138 partly granted).
    # Both are listed with the reason, neither is compared, so neither can raise a false alarm.
    assert _found(r) == [("R11.narrative.active.total", 10943, "no_cell"),
                         ("R11.narrative.requests.disclosed_items", 1551, "no_cell")]
    f = figures(r)[0]
    assert f.sentence.section == "overview" and "10943 条" in f.sentence.text
    assert f.provenance.line == 40  # the printed line of the figure, not of the sentence's start
    assert "没有主动公开信息总数" in f.reason and "申请件数" in figures(r)[1].reason
    assert compare(r) == []
    assert not [x for x in findings(audit(r)) if x.rule == "R11"]


def test_fj_industry_figures_are_found_and_lookalikes_left_alone():
    r = read_report(SEEDS / "fj-industry-2020.pdf.txt")
    # "废止规范性文件 34件" restates 本年废止件数, a cell of the 2021 form only: this 2020
    # report uses the 2019 form, which has no such cell, so it is listed, not compared.
    assert _found(r) == [("R11.narrative.active.normative_docs.repealed", 34, "no_cell")]
    assert "2019" in figures(r)[0].reason
    # "共受理收行政审批 149件" and "共收到企业来件 8081件" are not information-disclosure
    # requests (the table has 12): no rule may read them as such.
    values = {f.value for f in figures(r)}
    assert not values & {149, 8081, 324}
    assert compare(r) == []


def test_shanghai_restated_figures_agree_with_the_tables():
    r = read_report(SEEDS / "shanghai-office-2019.html")
    results = {x.id: x for x in compare(r)}
    passed = {i: (x.left, x.right) for i, x in results.items() if x.status == "pass"}
    assert passed == {
        "R11.narrative.active.regulations.published": (13, 13),
        "R11.narrative.active.normative_docs.published": (60, 60),
        "R11.narrative.requests.new.total": (859, 859),
        "R11.narrative.requests.total.total": (805, 805),
        "R11.narrative.requests.carried_in.total": (18, 18),
        "R11.narrative.appeals.review.total": (7, 7),
        "R11.narrative.appeals.suit.total": (9, 9),
    }
    # 诉讼9件 is both kinds of suit; the blank 复议后起诉 total counts as 0 and is named.
    assert results["R11.narrative.appeals.suit.total"].null_keys == ("appeals.suit_after_review.total",)
    # The report leaves the 总计 column blank for the outcome rows: those figures cannot be
    # compared, and say so instead of passing or failing.
    unchecked = {i for i, x in results.items() if x.status == "not_checkable"}
    assert unchecked == {"R11.narrative.requests.granted_partial.total", "R11.narrative.requests.denied.total",
                         "R11.narrative.requests.unable.total", "R11.narrative.requests.rejected.total",
                         "R11.narrative.requests.other.total"}
    assert all("为空" in results[i].message for i in unchecked)
    assert not [x for x in results.values() if x.failed]


def test_a_tampered_figure_is_flagged_with_its_sentence_and_place(tmp_path):
    html = (SEEDS / "shanghai-office-2019.html").read_text(encoding="utf-8")
    assert html.count("受理政府信息公开申请859件") == 1
    p = tmp_path / "s.html"
    p.write_text(html.replace("受理政府信息公开申请859件", "受理政府信息公开申请869件"), encoding="utf-8")
    r = read_report(p)
    bad = [x for x in findings(audit(r)) if x.rule == "R11"]
    assert [x.id for x in bad] == ["R11.narrative.requests.new.total"]
    x = bad[0]
    assert (x.left, x.right, x.difference) == (869, 859, 10)
    assert x.severity == "warning" and x.keys == ("requests.new.total",) and x.section == "overview"
    assert "869件" in x.sentence and x.sentence.startswith("市政府办公厅代表市政府")
    assert x.provenance.line is not None and str(p) == x.provenance.source
    assert "869" in x.message and "859" in x.message and "本年新收" in x.message
    d = x.to_dict()
    assert d["sentence"] == x.sentence and d["section"] == "overview" and d["where"]["line"] == x.provenance.line


def test_fj_commerce_restates_its_normative_documents():
    r = read_report(SEEDS / "fj-commerce-2020.pdf.txt")
    # "及时公开《…实施意见》(闽商务〔2020〕76 号)等 3 份规范性文件" = 本年新公开数量 3; the
    # 13 inside the document's title is not a figure. 98 份 and 64 件 have no 2019 cell.
    assert _found(r) == [("R11.narrative.active.total", 98, "no_cell"),
                         ("R11.narrative.active.normative_docs.published", 3, "compared"),
                         ("R11.narrative.active.normative_docs.repealed", 64, "no_cell")]
    assert [(x.status, x.right) for x in compare(r)] == [("pass", 3)]
    # The web copy of the same report has no tables: the figure cannot be compared.
    web = read_report(SEEDS / "fj-commerce-2020.web.txt")
    [x] = compare(web)
    assert x.status == "not_checkable" and "表格缺失" in x.message


def test_gov2021_cells_resolve_and_figures_of_other_years_are_not_compared():
    text = ("2023年，我区废止行政规范性文件5件，现行有效规范性文件5件。"
            "2023年全区受理政府信息公开申请21件。2022年受理政府信息公开申请30件。"
            "全年行政复议和行政诉讼案件共16件。")
    r = _golden_report("huaian-hongze-2023", {"overview": text})
    got = {(f.rule.id, f.value): f.status for f in figures(r)}
    assert got == {("R11.narrative.active.normative_docs.repealed", 5): "compared",
                   ("R11.narrative.active.normative_docs.in_force", 5): "compared",
                   ("R11.narrative.requests.new.total", 21): "compared",
                   ("R11.narrative.requests.new.total", 30): "other_year",
                   ("R11.narrative.appeals.all.total", 16): "compared"}
    results = {x.id: x for x in compare(r)}
    assert results["R11.narrative.active.normative_docs.repealed"].status == "pass"
    assert results["R11.narrative.requests.new.total"].status == "pass"
    # The golden appeals totals of 2023 are all 0 (the printed table's own totals), so 16 fails.
    assert results["R11.narrative.appeals.all.total"].status == "fail"
    assert results["R11.narrative.appeals.all.total"].right == 0


def test_the_same_rule_twice_gets_distinct_ids():
    r = _golden_report("huaian-hongze-2023", {"overview": "受理政府信息公开申请21件。", "other": "收到申请22件。"})
    assert [(x.id, x.status) for x in compare(r)] == [("R11.narrative.requests.new.total", "pass"),
                                                      ("R11.narrative.requests.new.total#2", "fail")]


def test_narrative_rules_are_declared_data():
    ids = [r.id for r in NARRATIVE_RULES]
    assert len(ids) == len(set(ids)) and all(i.startswith("R11.narrative.") for i in ids)
    for rule in NARRATIVE_RULES:
        assert rule.severity == "warning"
        assert re.search(r"[\u4e00-\u9fff]", rule.title + rule.states + rule.cells)
        assert all("n" in p.groupindex for p in rule.compiled())
        resolved = {fid: [k for k in f.keys() if any(fnmatchcase(k, g) for g in rule.keys)] for fid, f in FORMS.items()}
        if rule.keys:
            # Every glob names real cells in some form; a form without them needs the reason.
            assert any(resolved.values()), rule.id
            if not all(resolved.values()):
                assert rule.note, rule.id
        else:
            assert rule.note, rule.id


def test_hongze_pdfs_narrative_against_tables():
    r23 = read_report(REALPDF / "huaian-hongze-2023.pdf")
    assert [(x.id, x.status, x.left) for x in compare(r23)] == [("R11.narrative.requests.new.total", "pass", 21)]
    r24 = read_report(REALPDF / "huaian-hongze-2024.pdf")
    # A real mismatch: "区政府办代表区政府受理政府信息公开申请 17 件" while the table of the same
    # report counts 95 new requests (and 95 handled). The sentence speaks of the office's own
    # share, the table of the whole government: an evaluator flags exactly this.
    [x] = [x for x in findings(audit(r24)) if x.rule == "R11"]
    assert (x.id, x.left, x.right) == ("R11.narrative.requests.new.total", 17, 95)
    assert x.provenance.page == 1 and "区政府办代表区政府" in x.sentence


def test_docs_list_every_narrative_rule():
    from .conftest import ROOT
    doc = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert [r.id for r in NARRATIVE_RULES if f"`{r.id}`" not in doc] == []


@pytest.mark.parametrize("text, expected", [
    # what a rule must read …
    ("本年度共收到政府信息公开申请 12 件。", [("R11.narrative.requests.new.total", 12)]),
    ("新收政府信息公开申请数量为1,234件。", [("R11.narrative.requests.new.total", 1234)]),
    ("共受理政府信息公开申请 30 件（含上年结转 2 件）。",
     [("R11.narrative.requests.received.total", 30), ("R11.narrative.requests.carried_in.total", 2)]),
    ("结转至下一年度办理 3 件。", [("R11.narrative.requests.carried_out.total", 3)]),
    ("另有72件申请按照《条例》顺延到下年度答复。", [("R11.narrative.requests.carried_out.total", 72)]),
    ("行政复议和行政诉讼均为0件。", [("R11.narrative.appeals.all.total", 0)]),
    ("因政府信息公开被申请行政复议 2 起，提起行政诉讼 1 起。",
     [("R11.narrative.appeals.review.total", 2), ("R11.narrative.appeals.suit.total", 1)]),
    # … and lookalikes it must leave alone.
    ("共收到企业来件 8081件，办结率 99.8%。", []),
    ("收到信访申请 5 件。", []),
    ("行政复议结果维持 1 件。", []),
    ("全年主动予以公开 500 件。", []),
    ("政企直通车办结 120 件，答复率 100%。", []),
    ("截至年底累计公开规章 524 件，对外公开规范性文件总数 368 件。", []),
])
def test_phrasings(text, expected):
    r = _golden_report("huaian-hongze-2023", {"overview": text})
    assert [(f.rule.id, f.value) for f in figures(r)] == expected


def test_received_including_carry_over_is_compared_with_the_sum():
    # 2023: 21 new + 0 carried in; "受理 21 件（含上年结转 0 件）" agrees, 22 would not.
    r = _golden_report("huaian-hongze-2023", {"overview": "全年受理政府信息公开申请21件（含上年结转0件）。"})
    res = {x.id: x for x in compare(r)}
    assert res["R11.narrative.requests.received.total"].status == "pass"
    assert res["R11.narrative.requests.received.total"].keys == ("requests.new.total", "requests.carried_in.total")
    assert res["R11.narrative.requests.carried_in.total"].status == "pass"
