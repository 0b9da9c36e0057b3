"""Roll-up core: exact key-by-key sums, blanks, refusals, invalid inputs, the breakdown frame."""
from __future__ import annotations

import json
import shutil
from datetime import datetime

import pandas as pd
import pytest

from xlsuite.assessment import assess
from xlsuite.forms import get_form
from xlsuite.model import Meta, Report, Value
from xlsuite.rollup import RollupError, rollup
from xlsuite.rollup.core import Entry, consolidate, exact_sum
from xlsuite.rollup.inputs import read_entries
from xlsuite.rollup.synth import synthetic_reports

from .conftest import GOLDEN, SEEDS

XIAMEN = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))


def golden_report() -> Report:
    return Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"),
                  {k: Value(v) for k, v in XIAMEN["values"].items()})


def entries_of(reports: list[Report]) -> list[Entry]:
    return [Entry(f"in/{n:02d}-{r.meta.agency}.xlsx", r) for n, r in enumerate(reports)]


@pytest.fixture(scope="module")
def forty() -> list[Report]:
    return synthetic_reports(golden_report(), 40, seed=7)


def small_report(agency: str, year: int = 2020, form: str = "gov2019", **values) -> Report:
    keys = get_form(form).keys()
    vals = {k: Value(0) for k in keys}
    for k, v in values.items():
        vals[k.replace("__", ".")] = Value(v)
    return Report(Meta(agency=agency, year=year, form=form), vals)


# ---------------------------------------------------------------- the Xiamen split

def test_each_synthetic_agency_keeps_relations_1_to_5(forty):
    assert len({r.meta.agency for r in forty}) == 40
    for r in forty:
        assert assess(r).hard_failures == [], r.meta.agency
    changes = [r.number("active.other_services.change") for r in forty]
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)
    # The split is not trivial: no agency carries the whole city.
    assert max(r.number("requests.new.total") for r in forty) < XIAMEN["values"]["requests.new.total"] / 2


def test_forty_agencies_add_up_to_xiamen_exactly(forty):
    result = consolidate(entries_of(forty), agency="厦门市", year=2020)
    assert result.total.numbers() == XIAMEN["values"]
    assert all(type(v) is int for v in result.total.numbers().values())
    assert result.total.meta.agency == "厦门市" and result.total.meta.year == 2020
    assert result.total.meta.form == "gov2019"
    assert result.assessment().verdict == "通过"
    assert result.total.warnings == []
    assert "40 个机关" in result.total.narrative["overview"]
    assert forty[0].meta.agency in result.total.narrative["overview"]


def test_breakdown_frame_and_tidy_table(forty):
    result = consolidate(entries_of(forty), agency="厦门市")
    df = result.breakdown
    assert df.shape == (40, len(get_form("gov2019").keys()))
    assert df.index.name == "agency" and list(df.index) == [r.meta.agency for r in forty]
    assert str(df["requests.new.total"].dtype) == "Int64"
    assert str(df["active.procurement.amount_yuan"].dtype) == "Float64"
    assert int(df["requests.new.total"].sum()) == 1609
    assert int(df["active.procurement.amount_yuan"].sum()) == 378349191
    tidy = result.tidy()
    assert list(tidy.columns) == ["agency", "key", "value"]
    assert len(tidy) == 40 * 198
    sums = tidy.groupby("key")["value"].sum()
    assert sums["active.licensing.change"] == 150 and sums["appeals.review.total"] == 30


# ---------------------------------------------------------------- exactness and blanks

def test_exact_sum_keeps_decimals_exact_and_whole_numbers_int():
    assert exact_sum([0.1, 0.2]) == 0.3
    assert exact_sum([1.25, 2.75]) == 4 and type(exact_sum([1.25, 2.75])) is int
    assert exact_sum([3, 4]) == 7
    assert exact_sum([0.1] * 10) == 1


def test_money_in_10k_yuan_adds_to_the_cent():
    a = small_report("甲局", 2021, "gov2021", active__fees__amount_10k_yuan=12.34)
    b = small_report("乙局", 2021, "gov2021", active__fees__amount_10k_yuan=0.07)
    c = small_report("丙局", 2021, "gov2021", active__fees__amount_10k_yuan=100)
    total = consolidate(entries_of([a, b, c]), agency="某市").total
    assert total.number("active.fees.amount_10k_yuan") == 112.41


def test_blank_everywhere_stays_blank_and_partly_blank_is_named():
    a = small_report("甲局", requests__new__natural=5, requests__new__total=5,
                     requests__total__natural=5, requests__total__total=5, requests__granted__natural=5,
                     requests__granted__total=5)
    b = small_report("乙局")
    c = small_report("丙局")
    for r in (a, b, c):
        r.values["active.fees.change"] = Value(None)
    b.values["active.penalty.decisions"] = Value(None)
    c.values["active.penalty.decisions"] = Value(None)
    a.values["active.penalty.decisions"] = Value(7)
    result = consolidate(entries_of([a, b, c]), agency="某市")
    assert result.total.number("active.fees.change") is None
    assert result.total.number("active.penalty.decisions") == 7
    assert result.total.number("requests.new.total") == 5
    assert result.blanks == {"active.penalty.decisions": ["乙局", "丙局"]}
    [w] = result.total.warnings
    assert w.code == "rollup_blank" and w.key == "active.penalty.decisions"
    assert "乙局" in w.message and "丙局" in w.message and "甲局" not in w.message
    assert pd.isna(result.breakdown.loc["乙局", "active.penalty.decisions"])


# ---------------------------------------------------------------- refusals

def test_mixed_years_name_both_files():
    entries = [Entry("a/2020-甲局.xlsx", small_report("甲局", 2020)),
               Entry("b/2019-乙局.xlsx", small_report("乙局", 2019))]
    with pytest.raises(RollupError) as e:
        consolidate(entries, agency="某市")
    assert "a/2020-甲局.xlsx" in str(e.value) and "b/2019-乙局.xlsx" in str(e.value)
    assert e.value.code == "mixed_years"
    assert set(e.value.paths) == {"a/2020-甲局.xlsx", "b/2019-乙局.xlsx"}


def test_mixed_forms_name_both_files():
    entries = [Entry("x/甲局.xlsx", small_report("甲局", 2020, "gov2019")),
               Entry("y/乙局.xlsx", small_report("乙局", 2020, "gov2021"))]
    with pytest.raises(RollupError) as e:
        consolidate(entries, agency="某市")
    msg = str(e.value)
    assert "x/甲局.xlsx" in msg and "y/乙局.xlsx" in msg and "gov2019" in msg and "gov2021" in msg
    assert e.value.code == "mixed_forms"


def test_requested_year_that_no_input_has_is_refused():
    with pytest.raises(RollupError, match="与要汇总的2021年度不符"):
        consolidate([Entry("a.xlsx", small_report("甲局", 2020))], agency="某市", year=2021)


def test_unknown_year_is_refused_naming_the_file():
    r = small_report("甲局")
    r.meta.year = None
    with pytest.raises(RollupError, match="a.txt：未能识别报告年度"):
        consolidate([Entry("a.txt", r), Entry("b.txt", small_report("乙局"))], agency="某市")


def test_report_without_any_number_is_refused():
    r = small_report("甲局")
    r.values = {k: Value(None) for k in r.values}
    with pytest.raises(RollupError, match="empty.html：报告中没有任何表格数值"):
        consolidate([Entry("empty.html", r)], agency="某市")


def test_same_agency_twice_is_refused_and_dedupe_keeps_the_newest():
    old = Entry("old/甲局.xlsx", small_report("甲局", active__penalty__decisions=1), datetime(2021, 1, 5))
    new = Entry("new/甲局.xlsx", small_report(" 甲局 ", active__penalty__decisions=2), datetime(2021, 1, 9))
    other = Entry("乙局.xlsx", small_report("乙局", active__penalty__decisions=10), datetime(2021, 1, 1))
    with pytest.raises(RollupError) as e:
        consolidate([new, other, old], agency="某市")
    assert e.value.code == "duplicate_agency"
    assert "old/甲局.xlsx" in str(e.value) and "new/甲局.xlsx" in str(e.value)
    assert "--" not in str(e.value)  # the library names no flag: the CLI adds it (test_rollup_cli)
    result = consolidate([new, other, old], agency="某市", dedupe=True)
    assert result.total.number("active.penalty.decisions") == 12
    assert [e.path for e in result.entries] == ["new/甲局.xlsx", "乙局.xlsx"]
    assert [e.path for e in result.dropped] == ["old/甲局.xlsx"]
    assert any(w.code == "rollup_duplicate_dropped" and "old/甲局.xlsx" in w.message for w in result.total.warnings)


# ---------------------------------------------------------------- inputs failing hard relations

def _broken(forty) -> list[Report]:
    reports = [Report(r.meta, dict(r.values)) for r in forty[:5]]
    v = reports[2].number("requests.new.natural")
    reports[2].values["requests.new.natural"] = Value(v + 3)  # breaks R1 and R2 of that column/row
    return reports


def test_invalid_input_stops_by_default_naming_agency_relation_and_keys(forty):
    reports = _broken(forty)
    with pytest.raises(RollupError) as e:
        consolidate(entries_of(reports), agency="某市")
    msg = str(e.value)
    assert e.value.code == "invalid_inputs"
    assert reports[2].meta.agency in msg and "R1.requests.natural" in msg and "R2.requests.new" in msg
    assert "requests.new.natural" in msg and "requests.carried_out.natural" in msg
    assert reports[0].meta.agency not in msg


def test_invalid_input_skipped_or_included_on_request(forty):
    reports = _broken(forty)
    good_sum = sum(r.number("requests.new.natural") for n, r in enumerate(reports) if n != 2)
    skipped = consolidate(entries_of(reports), agency="某市", on_invalid="skip")
    assert skipped.total.number("requests.new.natural") == good_sum
    assert len(skipped.entries) == 4 and [i.entry.agency for i in skipped.skipped_invalid] == [reports[2].meta.agency]
    assert skipped.assessment().verdict == "通过"
    included = consolidate(entries_of(reports), agency="某市", on_invalid="include")
    assert included.total.number("requests.new.natural") == good_sum + reports[2].number("requests.new.natural")
    assert len(included.entries) == 5 and included.included_invalid
    assert included.assessment().verdict == "不通过"
    [w] = [w for w in included.total.warnings if w.code == "rollup_invalid_input"]
    assert reports[2].meta.agency in w.message and "仍计入汇总" in w.message


# ---------------------------------------------------------------- the cross-year seam

def test_previous_year_of_the_same_agency_is_set_aside_and_checked():
    prev = small_report("甲局", 2019, requests__carried_out__natural=4, requests__carried_out__total=4,
                        requests__new__natural=4, requests__new__total=4)
    cur = small_report("甲局", 2020, requests__carried_in__natural=3, requests__carried_in__total=3,
                       requests__granted__natural=3, requests__granted__total=3,
                       requests__total__natural=3, requests__total__total=3)
    other = small_report("乙局", 2020)
    seen = []

    def audit(p, c):
        seen.append((p.meta.year, c.meta.year))
        from xlsuite.checks import check_years
        return check_years(p, c)

    result = consolidate(entries_of([prev, cur, other]), agency="某市", cross_year=audit)
    assert seen == [(2019, 2020)]
    assert [e.agency for e in result.entries] == ["甲局", "乙局"]
    assert result.previous["甲局"].report is prev
    assert result.total.number("requests.carried_in.natural") == 3  # the 2019 report is not summed
    failed = [r.id for r in result.cross_year["甲局"] if r.failed]
    assert "R8.requests.natural" in failed
    assert any(w.code == "rollup_cross_year" and "甲局" in w.message for w in result.total.warnings)
    assert any(w.code == "rollup_previous_year" and "in/00-甲局.xlsx" in w.message for w in result.total.warnings)


def test_previous_year_pairs_as_check_pairs_it():
    """洪泽区人民政府 (2023's title) is 淮安市洪泽区人民政府 (2024's), as in ``xlsuite check``."""
    from xlsuite.audit import pair_years

    prev = small_report("洪泽区人民政府", 2019)
    cur = small_report("淮安市洪泽区人民政府", 2020)
    assert pair_years([prev, cur]) == [(prev, cur)]
    result = consolidate(entries_of([prev, cur, small_report("乙局", 2020)]), agency="淮安市")
    assert result.previous["淮安市洪泽区人民政府"].report is prev
    assert [e.agency for e in result.entries] == ["淮安市洪泽区人民政府", "乙局"]
    # A name of a few characters says too little: 2019's 人民政府 pairs with nothing, so it is a mixed year.
    with pytest.raises(RollupError, match="年度不一致"):
        consolidate(entries_of([small_report("人民政府", 2019), cur]), agency="淮安市")


def test_previous_year_of_an_agency_not_in_the_total_is_a_mixed_year():
    with pytest.raises(RollupError, match="年度不一致"):
        consolidate(entries_of([small_report("甲局", 2019), small_report("乙局", 2020)]), agency="某市")


# ---------------------------------------------------------------- reading inputs

def test_read_entries_in_parallel_matches_sequential_and_keeps_order(tmp_path):
    seeds = [SEEDS / "xiamen-city-2020.pdf.txt", SEEDS / "fj-industry-2020.pdf.txt", SEEDS / "shishi-commerce-2019.md"]
    paths = []
    for n in range(18):
        dst = tmp_path / f"{n:02d}-{seeds[n % 3].name}"
        shutil.copy(seeds[n % 3], dst)
        paths.append(str(dst))
    seq = read_entries(paths, workers=1)
    par = read_entries(paths, workers=2)
    assert [e.path for e in par] == paths
    assert [e.report.numbers() for e in par] == [e.report.numbers() for e in seq]
    assert par[0].report.number("requests.new.total") == 1609
    assert par[0].hard_failures == [] and par[0].report.meta.agency == "厦门市人民政府"
    assert par[0].report.meta.source == paths[0] and par[0].imported_at is not None


def test_files_that_are_not_reports_are_all_named(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("会议纪要：无\n", encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(RollupError) as e:
        rollup([str(SEEDS / "xiamen-city-2020.pdf.txt"), str(junk), str(empty)], agency="某市")
    assert e.value.code == "not_a_report"
    assert str(junk) in str(e.value) and str(empty) in str(e.value) and "文件为空" in str(e.value)


def test_rollup_of_real_seeds_from_a_folder(tmp_path):
    # 福建省商务厅 prints its procurement as "9742 万元", 厦门市 in 元: the sum is in 元.
    for name in ("xiamen-city-2020.pdf.txt", "fj-industry-2020.pdf.txt", "fj-commerce-2020.pdf.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    result = rollup([str(tmp_path)], agency="测试合计", year=2020)
    golden = [json.loads((GOLDEN / f"{n}.json").read_text(encoding="utf-8"))["values"]
              for n in ("xiamen-city-2020.pdf", "fj-industry-2020.pdf", "fj-commerce-2020.pdf")]
    for key in ("requests.new.total", "active.procurement.amount_yuan", "appeals.review.total"):
        assert result.total.number(key) == sum(g[key] for g in golden)
    assert sorted(result.breakdown.index) == sorted(["厦门市人民政府", "福建省工业和信息化厅", "福建省商务厅"])


def test_a_file_given_twice_is_one_input_and_an_unnamed_agency_is_flagged(tmp_path):
    src = tmp_path / "xiamen.txt"
    shutil.copy(SEEDS / "xiamen-city-2020.pdf.txt", src)
    result = rollup([str(tmp_path), str(src)], agency="某市")
    assert len(result.entries) == 1 and result.total.number("requests.new.total") == 1609
    r = small_report("甲局")
    r.meta.agency = None
    result = consolidate([Entry("x/无名.xlsx", r), Entry("乙局.xlsx", small_report("乙局"))], agency="某市")
    assert list(result.breakdown.index) == ["（未识别机关：无名.xlsx）", "乙局"]
    assert any(w.code == "rollup_no_agency" and "x/无名.xlsx" in w.message for w in result.total.warnings)
