"""Relations 8-10 across years: pairing an agency's consecutive reports, and checking the pair."""
from __future__ import annotations

import json
from dataclasses import replace


from xlsuite.audit import pair_years
from xlsuite.checks import check_years
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report

from .conftest import GOLDEN, REALPDF


def _golden(stem: str, **meta) -> Report:
    gold = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    return Report(Meta(**{**gold["meta"], **meta}), {k: Value(v) for k, v in gold["values"].items()})


def _status(results) -> dict[str, str]:
    return {r.id: r.status for r in results}


def test_hongze_2024_against_2023_passes_carry_over_and_in_force():
    prev, cur = _golden("huaian-hongze-2023"), _golden("huaian-hongze-2024")
    results = check_years(prev, cur)
    status = _status(results)
    assert {k for k in status if k.startswith("R8.")} == {f"R8.requests.{c}" for c in (
        "natural", "org_commercial", "org_research", "org_social", "org_legal", "org_other", "total")}
    # 上年结转 2024 (0) = 结转下年度 2023 (0); 现行有效 2024 (8) = 5 + 3 - 0.
    assert status["R10.active.normative_docs"] == "pass" and status["R10.active.regulations"] == "pass"
    assert set(status.values()) == {"pass"}
    assert all(r.severity == "warning" for r in results)


def test_a_tampered_previous_year_fails_both_relations():
    prev = _golden("huaian-hongze-2023")
    prev.values["requests.carried_out.total"] = Value(3)
    prev.values["active.normative_docs.in_force"] = Value(6)
    results = {r.id: r for r in check_years(prev, _golden("huaian-hongze-2024"))}
    assert results["R8.requests.total"].status == "fail"
    assert (results["R8.requests.total"].left, results["R8.requests.total"].right) == (0, 3)
    assert results["R10.active.normative_docs"].status == "fail"
    assert (results["R10.active.normative_docs"].left, results["R10.active.normative_docs"].right) == (8, 9)
    assert results["R8.requests.natural"].status == "pass"


def test_pair_years_matches_agency_and_consecutive_year():
    r23, r24 = _golden("huaian-hongze-2023"), _golden("huaian-hongze-2024")
    other = _golden("huaian-hongze-2023", agency="淮安市淮阴区人民政府")
    old = _golden("huaian-hongze-2023", year=2021)
    pairs = pair_years([r24, other, old, r23])
    assert pairs == [(r23, r24)]
    assert pairs[0][0] is r23 and pairs[0][1] is r24


def test_pair_years_accepts_a_title_without_the_city_but_not_ambiguity():
    short = _golden("huaian-hongze-2023", agency="洪泽区人民政府")
    r24 = _golden("huaian-hongze-2024")
    assert pair_years([short, r24]) == [(short, r24)]
    # Full-width spaces or letters do not make another agency.
    spaced = _golden("huaian-hongze-2023", agency="淮安市 洪泽区人民政府")
    assert pair_years([spaced, r24]) == [(spaced, r24)]
    # Two reports of one agency-year: which one is last year's is not ours to guess.
    twin = _golden("huaian-hongze-2023")
    assert pair_years([_golden("huaian-hongze-2023"), twin, r24]) == []
    # A bare 人民政府 says too little.
    assert pair_years([_golden("huaian-hongze-2023", agency="人民政府"), r24]) == []
    assert pair_years([_golden("huaian-hongze-2023", agency=None), r24]) == []


def test_pairs_across_the_form_change_check_only_the_carry_over():
    prev = _golden("huaian-hongze-2023", form="gov2019", year=2020)
    cur = _golden("huaian-hongze-2024", year=2021)
    assert pair_years([cur, prev]) == [(prev, cur)]
    assert {r.rule for r in check_years(prev, cur)} == {"R8"}


def test_hongze_pdfs_pair_and_pass_and_a_tampered_previous_fails():
    r23 = read_report(REALPDF / "huaian-hongze-2023.pdf")
    r24 = read_report(REALPDF / "huaian-hongze-2024.pdf")
    assert pair_years([r24, r23]) == [(r23, r24)]
    assert set(_status(check_years(r23, r24)).values()) == {"pass"}
    key = "active.normative_docs.in_force"
    r23.values[key] = replace(r23.values[key], value=r23.number(key) + 2)
    assert _status(check_years(r23, r24))["R10.active.normative_docs"] == "fail"
