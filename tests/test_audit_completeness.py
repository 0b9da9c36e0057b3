"""Relation 12: all sections, all tables, every blank cell listed; and no false alarm on the seeds."""
from __future__ import annotations

from xlsuite.audit import audit, check_completeness, findings
from xlsuite.readers import read_report

from .conftest import SEED_FILES, SEEDS, golden_for


def _failed_ids(report):
    return [x.id for x in findings(check_completeness(report))]


def test_web_page_is_flagged_as_missing_its_three_tables():
    r = read_report(SEEDS / "fj-commerce-2020.web.txt")
    bad = findings(check_completeness(r))
    assert [x.id for x in bad] == ["R12.completeness.table.active", "R12.completeness.table.requests",
                                   "R12.completeness.table.appeals"]
    assert all(x.severity == "warning" and "表格缺失" in x.message and "图片" in x.message for x in bad)
    assert [x.section for x in bad] == ["active", "requests", "appeals"]
    # One finding per missing table, not 198 blank cells.
    assert not [x for x in bad if ".blank." in x.id or ".unread." in x.id]


def test_findings_on_the_seeds_are_exactly_the_explained_ones():
    for path in SEED_FILES:
        r = read_report(path)
        got = {x.id for x in findings(audit(r))}
        if path.name == "fj-commerce-2020.web.txt":
            # The web page carries the tables as images: the three tables are missing.
            expected = {f"R12.completeness.table.{s}" for s in ("active", "requests", "appeals")}
        elif path.name == "shanghai-office-2019.html":
            # 上海 leaves its zero cells (and the 总计 of the outcome rows) blank: each blank cell
            # is listed, and nothing else is flagged.
            expected = {f"R12.completeness.blank.{k}" for k in golden_for(path)["blank_keys"]}
            assert len(expected) == 135
        else:
            expected = set()
        assert got == expected, path.name


def test_a_missing_section_heading_is_flagged_but_section_six_is_optional_in_gov2019(tmp_path):
    text = (SEEDS / "fj-industry-2020.pdf.txt").read_text(encoding="utf-8")
    p = tmp_path / "no5.txt"
    # Headings are found by their words whatever numbers them: only a heading that is not
    # printed at all is missing.
    p.write_text(text.replace("五、存在的主要问题及改进措施", ""), encoding="utf-8")
    r = read_report(p)
    assert r.meta.form == "gov2019" and "other" not in r.sections_found
    assert _failed_ids(r) == ["R12.completeness.section.issues"]
    [x] = findings(check_completeness(r))
    assert "五、存在的主要问题及改进情况" in x.message and x.section == "issues"


def test_a_heading_without_text_is_flagged(tmp_path):
    text = (SEEDS / "shishi-commerce-2019.md").read_text(encoding="utf-8")
    head, tail = text.split("五、存在的主要问题及改进情况")
    _, six = tail.split("六、其他需要报告的事项")
    p = tmp_path / "empty5.md"
    p.write_text(head + "五、存在的主要问题及改进情况\n\n六、其他需要报告的事项" + six, encoding="utf-8")
    assert _failed_ids(read_report(p)) == ["R12.completeness.section_empty.issues"]


def test_a_row_that_was_not_read_lists_its_cells(tmp_path):
    text = (SEEDS / "fj-industry-2020.pdf.txt").read_text(encoding="utf-8")
    p = tmp_path / "norow.txt"
    p.write_text(text.replace("（六）其他处理 1 0 0 0 0 0 1\n", ""), encoding="utf-8")
    r = read_report(p)
    cols = ("natural", "org_commercial", "org_research", "org_social", "org_legal", "org_other", "total")
    assert _failed_ids(r) == [f"R12.completeness.unread.requests.other.{c}" for c in cols]
    x = findings(check_completeness(r))[0]
    assert x.keys == ("requests.other.natural",) and "（六）其他处理·自然人" in x.message


def test_blank_cells_name_the_printed_marker_and_place():
    r = read_report(SEEDS / "shanghai-office-2019.html")
    blank = {x.keys[0]: x for x in findings(check_completeness(r))}
    x = blank["requests.new.org_research"]
    assert x.section == "requests" and x.provenance.line is not None
    assert "本年新收" in x.message and "科研机构" in x.message and "不按0计" in x.message
    # Passing results list what was checked, for the 校验 sheet.
    passed = {x.id for x in check_completeness(r) if x.status == "pass"}
    assert {"R12.completeness.section.overview", "R12.completeness.table.requests",
            "R12.completeness.section.other"} <= passed


def test_reports_without_form_places_or_text_are_audited_without_error():
    from xlsuite.model import Meta, Report
    assert audit(Report(Meta())) == []
    # A report built in code (a roll-up total, a workbook) has text but no printed places.
    r = Report(Meta(agency="某局", year=2024, form="gov2021"))
    r.narrative = {"overview": "全年受理政府信息公开申请3件。", "other": "\n  \n"}
    r.sections_found = ["overview", "other"]
    results = {x.id: x for x in audit(r)}
    x = results["R11.narrative.requests.new.total"]
    assert x.status == "not_checkable" and x.provenance.page is None and x.provenance.line is None
    assert results["R12.completeness.section.issues"].status == "fail"
    assert results["R12.completeness.section_empty.other"].status == "fail"
    assert results["R13.fees.statement"].status == "fail"
    # No values and no table reported absent: every cell of the form is listed as unread.
    from xlsuite.forms import get_form
    unread = [i for i in results if i.startswith("R12.completeness.unread.")]
    assert unread == [f"R12.completeness.unread.{k}" for k in get_form("gov2021").keys()]
