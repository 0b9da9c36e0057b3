"""`xlsuite check` shows the audit: rule IDs in JSON, warnings in text, --strict for CI."""
from __future__ import annotations

import json

from click.testing import CliRunner

from xlsuite.cli import cli

from .conftest import REALPDF, SEEDS


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def _objects(result) -> list[dict]:
    return [json.loads(l) for l in result.stdout.splitlines() if l.startswith("{")]


def test_json_lists_audit_results_with_rule_ids_and_strict_fails_on_them():
    web = SEEDS / "fj-commerce-2020.web.txt"
    result = run("check", web, "--json")
    # Missing tables are warnings: no hard relation fails, so the exit code stays 0.
    assert result.exit_code == 0
    [obj] = _objects(result)
    failed = [a for a in obj["audit"] if a["status"] == "fail"]
    assert [a["id"] for a in failed] == ["R12.completeness.table.active", "R12.completeness.table.requests",
                                         "R12.completeness.table.appeals"]
    assert all(a["rule"] == "R12" and a["severity"] == "warning" and a["section"] for a in failed)
    assert {f["rule"] for f in obj["figures"]} == {"R11.narrative.active.total",
                                                   "R11.narrative.active.normative_docs.published",
                                                   "R11.narrative.active.normative_docs.repealed"}
    assert run("check", web, "--strict").exit_code == 1


def test_a_clean_report_passes_strict():
    result = run("check", SEEDS / "fj-industry-2020.pdf.txt", "--strict", "--json")
    assert result.exit_code == 0
    [obj] = _objects(result)
    assert obj["audit"] and all(a["status"] != "fail" for a in obj["audit"])
    assert [f["status"] for f in obj["figures"]] == ["no_cell"]


def test_text_output_quotes_the_contradicting_sentence(tmp_path):
    html = (SEEDS / "shanghai-office-2019.html").read_text(encoding="utf-8")
    p = tmp_path / "s.html"
    p.write_text(html.replace("信息公开类行政复议7件", "信息公开类行政复议8件"), encoding="utf-8")
    result = run("check", p)
    assert result.exit_code == 0
    out = result.stdout
    assert "[审核] R11.narrative.appeals.review.total" in out
    line = next(l for l in out.splitlines() if "R11.narrative.appeals.review.total" in l)
    assert "行政复议 8 件" in line and "为 7" in line
    assert "原文：" in out and "行政复议8件" in out and "位置：“一、总体情况”" in out
    # Shanghai's 135 blank cells are one summary line, not 135 lines.
    blank = [l for l in out.splitlines() if "R12.completeness.blank" in l]
    assert len(blank) == 1 and "135 个" in blank[0]
    assert run("check", p, "--strict").exit_code == 1


def test_previous_year_among_the_sources_is_paired_automatically():
    r23, r24 = REALPDF / "huaian-hongze-2023.pdf", REALPDF / "huaian-hongze-2024.pdf"
    for args in ((r24, r23), (r24, "--previous", r23)):
        objs = {o["meta"]["year"]: o for o in _objects(run("check", *args, "--json"))}
        assert objs[2024]["previous"] == str(r23)
        cross = {r["id"]: r["status"] for r in objs[2024]["checks"] if r["rule"] in ("R8", "R10")}
        assert cross["R8.requests.total"] == "pass" and cross["R10.active.normative_docs"] == "pass"
        assert set(cross.values()) == {"pass"}
        if len(objs) == 2:
            # Among the sources, the 2023 report has no year before it.
            assert objs[2023]["previous"] is None
