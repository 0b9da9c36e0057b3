"""Issue 20's acceptance on a fast subset of the layout zoo (tests/fixtures/zoo).

Every pdftotext dump, Markdown and HTML file, every Word file but for one layout per sample
of python-docx's and of LibreOffice's copies of those, and one PDF per sample (the layouts
taken by turns) is read in-process and scored cell by cell against its golden
(``tests/fixtures/zoo_score.py``). No OCR here: the scans are in ``benchmarks/zoo.py``.

- no cell is WRONG, anywhere;
- exact >= 98 % of cells on the PDFs, the ``-layout`` dumps and the Markdown, 100 % on the
  Word files (python-docx's, LibreOffice's, Word's markup);
- exact >= 90 % on reading-order dumps that keep each row's numbers together;
- exact >= 50 % on column-major reading-order dumps;
- no file is SILENT: a clean 通过 with a wrong or to-review cell that no warning names;
- every Word file gives its golden agency, year and form (its title may be in a text box).
"""
from __future__ import annotations

import pytest

from .fixtures import zoo_score as zs

EXACT = {"pdf": 0.98, "pdftotext-layout": 0.98, "markdown": 0.98, "pdftotext-reading": 0.90,
         "pdftotext-column-major": 0.50, "docx": 1.0}
CATEGORIES = ("pdf", "pdftotext-reading", "pdftotext-column-major", "pdftotext-layout", "markdown", "html", "docx")


def _subset() -> list[zs.Entry]:
    es = zs.entries(categories=CATEGORIES)
    pdfs = sorted((e for e in es if e.category == "pdf"), key=lambda e: e.name)
    stems = sorted({e.golden for e in pdfs})
    layouts = sorted({e.info["layout"] for e in pdfs})

    def by_turns(shift: int) -> set[tuple[str, str]]:
        return {(s, layouts[(i + shift) % len(layouts)]) for i, s in enumerate(stems)}

    # one layout per sample of the PDFs and of the Word files they are printed from (and of
    # LibreOffice's copies of those), each taken by turns from a different start
    keep = {"pdf": by_turns(0), "python-docx": by_turns(1), "libreoffice-via-odt": by_turns(2)}

    def kept(e: zs.Entry) -> bool:
        kind = e.category if e.category == "pdf" else e.info.get("flavour")
        if kind not in keep or e.name.endswith(".markup.odt.docx"):
            return True
        return (e.golden, e.info["layout"]) in keep[kind]

    return [e for e in es if kept(e)]


@pytest.fixture(scope="module")
def scores() -> dict[str, list[zs.Score]]:
    out: dict[str, list[zs.Score]] = {}
    for e in _subset():
        out.setdefault(e.category, []).append(zs.score_file(e, **zs.read_options(e)))
    return out


def _wrong(ss: list[zs.Score]) -> list[str]:
    return [f"{s.name}: " + "; ".join(f"{k} {g}≠{w}" for k, g, w in s.wrong[:3]) for s in ss if s.wrong]


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_wrong_cell(scores, category):
    assert _wrong(scores[category]) == []


@pytest.mark.parametrize("category", sorted(EXACT))
def test_exact_share(scores, category):
    total = zs.Total()
    for s in scores[category]:
        total.add(s)
    worst = sorted(scores[category], key=lambda s: s.exact / s.cells)[:3]
    assert total.exact_share >= EXACT[category], (
        f"{category}: exact {total.exact}/{total.cells}; lowest: "
        + ", ".join(f"{s.name} {s.exact}/{s.cells}" for s in worst))


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_silent_file(scores, category):
    assert [f"{s.name}: {s.silent_keys[:3]}" for s in scores[category] if s.silent] == []


def test_word_files_give_their_agency_year_and_form(scores):
    assert [f"{s.name}: {s.meta}" for s in scores["docx"] if s.meta] == []


def _members(data: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_the_generator_recreates_the_committed_word_files(tmp_path):
    """make_zoo.py writes the same Word files again: a python-docx one, and its markup copy
    (the seeded choices of cells); member by member, dates included."""
    import json

    from xlsuite.readers import read_report

    from .conftest import GOLDEN, SEEDS
    from .fixtures import make_zoo as mz

    stem = "shishi-commerce-2019"
    sample = mz.Sample(stem, json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8")),
                       read_report(SEEDS / f"{stem}.md").narrative)
    for lay, markup in (("narrow", False), ("landscape", True)):
        layout = mz.LAYOUTS[lay]
        doc = mz.build_docx(sample, layout, mz.Printed(zero_blank=layout.blank if stem in layout.zero_blank else None))
        name = f"docx/{stem}.{lay}{'.markup' if markup else ''}.docx"
        if markup:
            mz.word_markup(doc, mz._rng(name))
        made = tmp_path / "made.docx"
        mz.save_docx(doc, made)
        assert _members(made.read_bytes()) == _members((zs.ZOO / name).read_bytes()), name
