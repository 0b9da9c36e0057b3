"""Changing any single printed number of a seed makes a relation fail on the key it feeds.

The mutation is made on the reader's lines (the printed text), so the whole
recognition path runs again. Keys that no hard relation covers are listed
explicitly; FORMS.md agrees: section 二 (`active`) has only the soft relations
6/7 within one year, so a changed `active` number cannot fail a hard relation.
"""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.document import Document, Line
from xlsuite.forms import get_form
from xlsuite.readers import load_document
from xlsuite.recognize import recognize, split_sections
from xlsuite.recognize.numbers import NUMBER, nfkc, parse_cell
from xlsuite.relations import instances
from xlsuite.ocr.review import needs_review

from .conftest import SEEDS

TABLE_SEEDS = ["fj-commerce-2020.pdf.txt", "fj-industry-2020.pdf.txt", "xiamen-city-2020.pdf.txt",
               "shishi-commerce-2019.md", "shanghai-office-2019.html"]


def _hard_keys(form_id: str) -> set[str]:
    return {t.key for i in instances(form_id) if i.severity == "error" and i.rule.per != "cell"
            for t in i.left + i.right}


def test_uncovered_keys_are_exactly_section_active():
    for form_id in ("gov2019", "gov2021"):
        uncovered = set(get_form(form_id).keys()) - _hard_keys(form_id)
        assert uncovered == {k for k in get_form(form_id).keys() if k.startswith("active.")}


def _mutations(doc: Document, form_id: str):
    """(line index, new Line) for every printed number in the table sections."""
    sections = split_sections(get_form(form_id), doc.lines)
    for sid in ("active", "requests", "appeals"):
        if sid not in sections:
            continue
        span = sections[sid]
        for i in range(span.start, span.end):
            ln = doc.lines[i]
            if ln.cells is not None:
                for c, cell in enumerate(ln.cells):
                    p = parse_cell(cell)
                    if p is not None and p.value is not None:
                        cells = list(ln.cells)
                        cells[c] = str(int(p.value) + 7)
                        yield i, Line.row(cells, ln.page, ln.line)
            else:
                text = nfkc(ln.text)
                for m in NUMBER.finditer(text):
                    new = text[:m.start(2)] + str(int(m.group(2).replace(",", "")) + 7) + text[m.end(2):]
                    yield i, Line(new, None, ln.page, ln.line)


@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_every_single_change_is_caught(name):
    doc = load_document(SEEDS / name)
    base = recognize(doc)
    form_id = base.meta.form
    covered = _hard_keys(form_id)
    assert not assess(base, audit_text=False).hard_failures
    caught = uncovered = 0
    for i, line in _mutations(doc, form_id):
        lines = list(doc.lines)
        lines[i] = line
        report = recognize(Document(doc.source, doc.kind, lines, doc.title))
        changed = [k for k in report.values if report.number(k) != base.number(k)]
        if not changed:
            # Only a number the reader already set aside may change nothing: a stray page number.
            assert any(w.code in ("extra_numbers", "unmatched_numbers") for w in base.warnings), (name, line.text)
            continue
        if len(changed) > 1:
            # The reader refused the whole row: its numbers no longer add up beside a stray
            # number, so it may have misread them. Every cell is then flagged for a person.
            rows = {k.rsplit(".", 1)[0] for k in changed}
            assert len(rows) == 1 and all(report.number(k) is None for k in changed), (name, line.text, changed)
            assert any(w.code == "damaged_row" for w in report.warnings)
            assert all(needs_review(report.values[k]) for k in changed)
            caught += 1
            continue
        key = changed[0]
        failed = {r.id for r in assess(report, audit_text=False).hard_failures if key in r.keys}
        if key in covered:
            assert failed, f"{name}: changing {key} ({line.text!r}) broke no relation"
            caught += 1
        else:
            assert key.startswith("active.")
            uncovered += 1
    # Shanghai leaves most cells blank, so it has fewer printed numbers than the others.
    assert caught >= 40 and uncovered >= 10


def test_check_cli_names_relation_and_keys(tmp_path):
    text = (SEEDS / "xiamen-city-2020.pdf.txt").read_text(encoding="utf-8")
    tampered = text.replace("2.重复申请 25 1 0 0 0 0 26", "2.重复申请 25 1 0 0 0 0 27")
    assert tampered != text
    p = tmp_path / "x.txt"
    p.write_text(tampered, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(p)])
    assert result.exit_code == 1
    assert "R2.requests.rejected_repeat" in result.output
    assert "R3.requests.total" in result.output
    assert "requests.rejected_repeat.total=27" in result.output
    ok = CliRunner().invoke(cli, ["check", str(SEEDS / "xiamen-city-2020.pdf.txt")])
    assert ok.exit_code == 0 and "通过" in ok.output
