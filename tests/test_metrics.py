"""Metrics declared once: Python values, JSON, dataset columns, generated docs, blank denominators."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.formdoc import metrics_markdown
from xlsuite.forms import FORMS, get_form
from xlsuite.forms.metrics import METRICS, BY_ID
from xlsuite.metrics import (NOTE_DEN_BLANK, NOTE_DEN_ZERO, NOTE_NO_DATA, NOTE_NUM_BLANK, metric_values,
                             values_of)
from xlsuite.workbook.formulas import metric_formula, metric_note_formula
from xlsuite.workbook.sources import report_from_dict

from .conftest import GOLDEN, ROOT, SEEDS


def golden_report(name: str):
    return report_from_dict(json.loads((GOLDEN / name).read_text(encoding="utf-8")), name)


def test_docs_are_generated_from_the_declaration():
    assert (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8") == metrics_markdown() + "\n"


def test_every_metric_resolves_in_some_form_and_ids_are_unique():
    assert len(BY_ID) == len(METRICS)
    for m in METRICS:
        assert any(m.resolve(f) for f in FORMS.values()), m.id
        assert m.id.isidentifier() and m.id.isascii()
    num, den = BY_ID["denial_rate"].resolve(get_form("gov2021"))
    assert num == tuple(f"requests.{r}.total" for r in ("denied_secret", "denied_law", "denied_security",
                                                        "denied_third_party", "denied_internal", "denied_process",
                                                        "denied_case_file", "denied_query"))
    assert den == ("requests.total.total",)
    # 2021 only: the 2019 form has no 现行有效件数.
    assert BY_ID["normative_docs_in_force"].resolve(get_form("gov2019")) is None


def test_values_on_the_hongze_goldens():
    m24 = metric_values(golden_report("huaian-hongze-2024.json"))
    assert m24["disclosure_rate"].value == pytest.approx((50 + 9) / 95)
    assert m24["denial_rate"].value == pytest.approx(3 / 95)
    assert m24["unable_rate"].value == pytest.approx(32 / 95)
    assert m24["requests_new"].value == 95 and m24["suits"].value == 4
    assert m24["review_correction_rate"].value == pytest.approx(0.5)
    assert m24["normative_docs_in_force"].value == 8
    m23 = metric_values(golden_report("huaian-hongze-2023.json"))
    # No reviews in 2023: the correction rate is blank with a note, not 0.
    assert m23["review_correction_rate"].value is None and m23["review_correction_rate"].note == NOTE_DEN_ZERO
    assert m23["carry_over_rate"].value == 0  # a real 0: nothing carried over out of 21


def test_blank_and_zero_denominators_give_blank_with_a_note():
    form = "gov2021"
    keys = get_form(form).keys()
    blank = values_of(form, dict.fromkeys(keys))
    assert blank["disclosure_rate"].value is None and blank["disclosure_rate"].note == NOTE_DEN_BLANK
    assert blank["requests_new"].value is None and blank["requests_new"].note == NOTE_NO_DATA
    zeros = values_of(form, dict.fromkeys(keys, 0))
    assert zeros["disclosure_rate"].value is None and zeros["disclosure_rate"].note == NOTE_DEN_ZERO
    assert zeros["requests_new"].value == 0 and zeros["requests_new"].note == ""
    only_total = values_of(form, {"requests.total.total": 4})
    assert only_total["disclosure_rate"].value is None and only_total["disclosure_rate"].note == NOTE_NUM_BLANK
    one_blank = values_of(form, {"requests.total.total": 4, "requests.granted.total": 1})
    assert one_blank["disclosure_rate"].value == 0.25  # a blank addend counts as 0, as in the relations


def test_extract_json_has_metrics_with_null_and_a_note():
    # 石狮市商务局 2019 received no requests: every request ratio is null with the reason.
    result = CliRunner().invoke(cli, ["extract", str(SEEDS / "shishi-commerce-2019.md"), "--json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    m = obj["metrics"]
    assert m["requests_new"] == {"name": "本年新收申请", "kind": "count", "value": 0}
    assert m["disclosure_rate"] == {"name": "公开率", "kind": "ratio", "value": None, "note": NOTE_DEN_ZERO}
    assert "normative_docs_in_force" not in m  # a 2021-only metric on a 2019 report


def test_dataset_report_rows_carry_one_column_per_metric():
    from xlsuite.dataset.tidy import REPORT_COLUMNS, report_row

    report = golden_report("huaian-hongze-2024.json")
    row = report_row(assess(report), source="h.pdf", sha256=None, size=None, version="v")
    assert all(f"m_{m.id}" in REPORT_COLUMNS for m in METRICS)
    assert row["m_disclosure_rate"] == pytest.approx(59 / 95)
    assert row["m_normative_docs_published"] is None  # gov2019 only


def test_formulas_name_the_same_keys_and_never_divide_by_zero():
    m = BY_ID["suit_loss_rate"]
    num, den = m.resolve(get_form("gov2021"))
    f = metric_formula(m, num, den)
    assert f == ('=IF(COUNT(appeals.suit_direct.total,appeals.suit_after_review.total)=0,"",'
                 'IF(SUM(appeals.suit_direct.total,appeals.suit_after_review.total)=0,"",'
                 'IF(COUNT(appeals.suit_direct.corrected,appeals.suit_after_review.corrected)=0,"",'
                 'SUM(appeals.suit_direct.corrected,appeals.suit_after_review.corrected)/'
                 'SUM(appeals.suit_direct.total,appeals.suit_after_review.total))))')
    prev = metric_note_formula(m, num, den, ref=lambda k: "prev." + k)
    assert "prev.appeals.suit_direct.total" in prev and NOTE_DEN_ZERO in prev
