"""The relation engine on hand-made reports: nulls, not-checkable, signs, cross-year."""
from __future__ import annotations

import json

from xlsuite.checks import FAIL, NOT_CHECKABLE, PASS, check, check_years
from xlsuite.assessment import assess
from xlsuite.forms import get_form
from xlsuite.model import Meta, Report, Value

from .conftest import GOLDEN


def golden_report(name: str) -> Report:
    g = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    r = Report(Meta(**{k: g["meta"][k] for k in ("agency", "year", "form")}))
    r.values = {k: Value(v) for k, v in g["values"].items()}
    return r


def by_id(results):
    return {r.id: r for r in results}


def test_all_goldens_satisfy_the_hard_relations_except_the_known_error():
    # huaian-hongze-2023 prints 行政复议 and 复议后起诉 totals as 0: a real error in the published report.
    for name in ("fj-commerce-2020.pdf.json", "fj-industry-2020.pdf.json", "xiamen-city-2020.pdf.json",
                 "shishi-commerce-2019.json", "shanghai-office-2019.json", "huaian-hongze-2024.json"):
        assert assess(golden_report(name)).hard_failures == [], name
    bad = {r.id for r in assess(golden_report("huaian-hongze-2023.json")).hard_failures}
    assert bad == {"R4.appeals.review", "R4.appeals.suit_after_review"}


def test_failure_carries_values_sums_and_chinese_message():
    r = golden_report("xiamen-city-2020.pdf.json")
    r.values["requests.new.natural"] = Value(1535)
    res = by_id(check(r))["R1.requests.natural"]
    assert res.status == FAIL and res.severity == "error"
    assert (res.left, res.right, res.difference) == (1535 + 27, 1532 + 29, 1)
    assert res.values["requests.new.natural"] == 1535
    assert "本年新收" in res.message and "相差 1" in res.message
    assert assess(r).verdict == "不通过"


def test_null_addend_counts_as_zero_and_is_named():
    r = golden_report("xiamen-city-2020.pdf.json")
    r.values["requests.carried_in.natural"] = Value(None)
    res = by_id(check(r))["R1.requests.natural"]
    assert res.status == FAIL and res.left == 1534 and "requests.carried_in.natural" in res.null_keys
    assert "空白单元格按0计" in res.message


def test_side_entirely_null_is_not_checkable_not_failed():
    r = golden_report("shanghai-office-2019.json")
    res = by_id(check(r))
    assert res["R2.requests.granted"].status == NOT_CHECKABLE  # 总计 column blank for detail rows
    assert res["R3.requests.natural"].status == PASS
    assert assess(r).verdict == "通过"


def test_rule5_counts_nonnegative_integers_change_may_be_negative_money_decimal():
    r = golden_report("xiamen-city-2020.pdf.json")
    r.values["active.licensing.change"] = Value(-190)
    r.values["requests.new.org_legal"] = Value(-1)
    r.values["active.procurement.amount_yuan"] = Value(1234.5)
    res = by_id(check(r))
    assert res["R5.active.licensing.change"].status == PASS
    assert res["R5.requests.new.org_legal"].status == FAIL
    assert res["R5.active.procurement.amount_yuan"].status == PASS
    r.values["requests.new.natural"] = Value(2.5)
    assert by_id(check(r))["R5.requests.new.natural"].status == FAIL


def test_soft_relations_warn_only():
    r = golden_report("xiamen-city-2020.pdf.json")
    r.values["active.regulations.new_published"] = Value(9)  # > total_published 5
    res = by_id(check(r))["R6.active.regulations"]
    assert res.status == FAIL and res.severity == "warning"
    assert assess(r).verdict == "通过"


def test_cross_year_huaian():
    prev, cur = golden_report("huaian-hongze-2023.json"), golden_report("huaian-hongze-2024.json")
    results = by_id(check_years(prev, cur))
    assert {i for i, r in results.items() if r.status == FAIL} == set()
    assert results["R8.requests.total"].status == PASS
    assert results["R10.active.normative_docs"].status == PASS
    prev.values["requests.carried_out.natural"] = Value(prev.number("requests.carried_out.natural") + 1)
    prev.values["active.regulations.in_force"] = Value((prev.number("active.regulations.in_force") or 0) + 2)
    failed = {i for i, r in by_id(check_years(prev, cur)).items() if r.status == FAIL}
    assert failed == {"R8.requests.natural", "R10.active.regulations"}


def test_every_rule_is_declared_with_a_message_and_expands():
    from xlsuite.relations import instances
    for form_id in ("gov2019", "gov2021"):
        form = get_form(form_id)
        for rule in form.rules:
            assert rule.message and "{label}" in rule.message
            assert any(i.rule is rule for i in instances(form_id, rule.cross_year)), rule.id
