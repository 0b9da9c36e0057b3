"""Converter Markdown: the zoo's 77 Word files as MarkItDown 0.1.9 wrote them
(tests/fixtures/make_markitdown.sh; the output is committed), scored cell by cell against
the goldens of the Word files they came from.

MarkItDown writes a merged cell's other columns as empty cells and keeps Word's placeholder
prompts and notes beside numbers ("1（原填6）") as text. Before the reader took a prompt for
a blank cell and counted a noted number's cell among the columns, these files gave 89.5 %
exact with 2 WRONG cells and a clean 通过 over them; a cell is never WRONG now.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .fixtures import zoo_score as zs

CONVERTED = Path(__file__).parent / "fixtures" / "zoo" / "markitdown"


@pytest.fixture(scope="module")
def scores() -> list[zs.Score]:
    out = []
    for e in zs.entries(categories=("docx",)):
        path = CONVERTED / (Path(e.name).stem + ".md")
        out.append(zs.score_file(zs.Entry(path.name, path, "markdown", e.golden, e.overrides, e.blank_keys, e.info)))
    return out


def test_every_word_file_has_its_converted_markdown(scores):
    assert len(scores) == 77 == len(list(CONVERTED.glob("*.md")))


def test_converted_markdown_is_never_wrong(scores):
    assert [(s.name, w) for s in scores for w in s.wrong] == []
    assert [s.name for s in scores if s.silent] == []
    cells, exact = sum(s.cells for s in scores), sum(s.exact for s in scores)
    assert exact / cells >= 0.90, f"{exact}/{cells}"
