"""Text taken out of PDFs by other tools (``tests/fixtures/pdf_text.py``), scored cell by cell.

One PDF per sample (the layouts taken by turns, as in test_zoo), in three flavours. No cell
is WRONG and no file passes cleanly with a cell no warning names; most cells are exact.
pdfplumber's plain ``extract_text()`` once gave a WRONG cell: a label whose lines wrap around
a centred row of numbers took the next row's label as its continuation.
"""
from __future__ import annotations

import shutil

import pytest

from .fixtures import pdf_text
from .fixtures import zoo_score as zs

EXACT = {"raw": 0.95, "plumber": 0.90, "plumber-layout": 0.95}
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


def _one_pdf_per_sample() -> list[zs.Entry]:
    pdfs = sorted(zs.entries(categories=("pdf",)), key=lambda e: e.name)
    stems = sorted({e.golden for e in pdfs})
    layouts = sorted({e.info["layout"] for e in pdfs})
    keep = {(s, layouts[i % len(layouts)]) for i, s in enumerate(stems)}
    return [e for e in pdfs if (e.golden, e.info["layout"]) in keep]


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, list[zs.Score]]:
    return zs.score_flavours(_one_pdf_per_sample(), pdf_text.FLAVOURS, lambda e, flavour: pdf_text.dump(e.path, flavour),
                             tmp_path_factory.mktemp("pdf-text"), "text")


@pytest.mark.parametrize("flavour", pdf_text.FLAVOURS)
def test_text_from_other_pdf_tools_is_never_wrong(scores, flavour):
    got = scores[flavour]
    assert len(got) == 7
    assert [(s.name, w) for s in got for w in s.wrong] == []
    assert [s.name for s in got if s.silent] == []
    cells, exact = sum(s.cells for s in got), sum(s.exact for s in got)
    assert exact / cells >= EXACT[flavour], f"{flavour}: {exact}/{cells}"
