"""The forms declaration: keys as in FORMS.md and the golden files, and the generated docs."""
from __future__ import annotations

import json

from xlsuite.formdoc import forms_markdown
from xlsuite.forms import get_form

from .conftest import GOLDEN, ROOT


def test_keys_and_order_equal_the_golden_files():
    for name, form_id in (("xiamen-city-2020.pdf.json", "gov2019"), ("huaian-hongze-2024.json", "gov2021")):
        gold = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
        assert list(gold["values"]) == get_form(form_id).keys()


def test_docs_are_generated_from_the_declaration():
    assert (ROOT / "docs" / "forms.md").read_text(encoding="utf-8") == forms_markdown() + "\n"


def test_cross_year_relations_are_warnings():
    for form_id in ("gov2019", "gov2021"):
        assert all(r.severity == "warning" for r in get_form(form_id).rules if r.cross_year)
