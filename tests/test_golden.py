"""Every seed report extracts to its golden values, through the real CLI."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.forms import get_form

from .conftest import golden_for


def _extract(path) -> dict:
    result = CliRunner().invoke(cli, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = [l for l in result.output.splitlines() if l.startswith("{")]
    assert len(lines) == 1
    return json.loads(lines[0])


def test_seed_matches_golden(seed):
    gold = golden_for(seed)
    got = _extract(seed)
    assert got["meta"]["agency"] == gold["meta"]["agency"]
    assert got["meta"]["year"] == gold["meta"]["year"]
    assert got["meta"]["form"] == gold["meta"]["form"]
    assert list(got["values"]) == get_form(gold["meta"]["form"]).keys()
    diffs = {k: (got["values"][k], v) for k, v in gold["values"].items() if got["values"][k] != v}
    assert diffs == {}
    # Integers stay integers in the JSON contract (9742 万元 -> 97420000, not 97420000.0).
    assert all(type(got["values"][k]) is type(v) for k, v in gold["values"].items() if v is not None)


def test_web_page_without_tables_is_absent_not_zero():
    from .conftest import SEEDS
    got = _extract(SEEDS / "fj-commerce-2020.web.txt")
    assert set(got["values"].values()) == {None}
    absent = [w for w in got["warnings"] if w["code"] == "table_absent"]
    assert sorted(w["section"] for w in absent) == ["active", "appeals", "requests"]
    assert all("图片" in w["message"] for w in absent)
    # Nothing to check is not the same as passing: every sum relation is "not checkable".
    sums = [c for c in got["checks"] if c["rule"] != "R5"]
    assert sums and {c["status"] for c in sums} == {"not_checkable"}


def test_blank_cells_are_null_with_a_warning_naming_the_cell():
    from .conftest import SEEDS
    got = _extract(SEEDS / "shanghai-office-2019.html")
    gold = golden_for(SEEDS / "shanghai-office-2019.html")
    warned = {w["key"] for w in got["warnings"] if w["code"] == "blank_cell"}
    assert warned == set(gold["blank_keys"])


def test_units_and_signs_are_normalised_with_provenance():
    from xlsuite.readers import read_report
    from .conftest import SEEDS
    r = read_report(SEEDS / "fj-commerce-2020.pdf.txt")
    amount = r.values["active.procurement.amount_yuan"]
    assert amount.value == 97420000
    assert amount.provenance.unit == "万元" and "9742" in amount.provenance.text
    change = r.values["active.licensing.change"]
    assert change.value == -4 and change.provenance.text == "-4"
    x = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    plus = x.values["active.licensing.change"]
    assert plus.value == 150 and plus.provenance.text == "+150"
    assert plus.provenance.line is not None
    # The stray page number inside a wrapped label is ignored, and said so.
    assert x.number("requests.rejected_publication.total") == 2
    assert any(w.code in ("extra_numbers", "unmatched_numbers") and "13" in w.message for w in x.warnings)


def test_form_detected_from_labels_not_year(tmp_path):
    from xlsuite.readers import read_report
    from .conftest import SEEDS
    text = (SEEDS / "fj-industry-2020.pdf.txt").read_text(encoding="utf-8").replace("2020 年", "2022 年")
    p = tmp_path / "renamed.txt"
    p.write_text(text, encoding="utf-8")
    r = read_report(p)
    assert r.meta.year == 2022 and r.meta.form == "gov2019"
