"""Text copied or scraped from the zoo's web pages, scored cell by cell against the goldens.

- ``tabs`` (a table copied into a text file: a tab between cells, blank cells kept) reads
  as well as the page itself: every cell exact;
- ``lines`` (each cell's text on its own line, blank cells lost) and ``split`` (a number
  printed over several spans read as "94 87") may leave cells null, never a wrong one,
  and no file passes cleanly with a cell no warning names.
"""
from __future__ import annotations

import pytest

from .fixtures import web_text
from .fixtures import zoo_score as zs

EXACT = {"tabs": 1.0, "lines": 0.95, "split": 0.75}


@pytest.fixture(scope="module")
def scores(tmp_path_factory) -> dict[str, list[zs.Score]]:
    return zs.score_flavours(zs.entries(categories=("html",)), web_text.FLAVOURS,
                             lambda e, flavour: web_text.flatten(e.path.read_bytes(), flavour),
                             tmp_path_factory.mktemp("web-text"), "html")


@pytest.mark.parametrize("flavour", web_text.FLAVOURS)
def test_web_text_is_never_wrong_and_mostly_exact(scores, flavour):
    got = scores[flavour]
    assert len(got) == 7
    wrong = [(s.name, w) for s in got for w in s.wrong]
    assert wrong == []
    assert [s.name for s in got if s.silent] == []
    cells, exact = sum(s.cells for s in got), sum(s.exact for s in got)
    assert exact / cells >= EXACT[flavour], f"{flavour}: {exact}/{cells}"


def test_a_number_split_over_two_spans_leaves_its_one_cell_row_null(tmp_path):
    """huaian-hongze-2024 prints 行政许可 9487 over two spans, scraped as "94 87" on the row's
    line. Which is the row's number (or whether both are) cannot be told: the cell is null,
    marked for review, and the warning names it; the other rows keep their numbers."""
    from xlsuite.readers import read_report

    e = next(e for e in zs.entries(categories=("html",)) if e.golden == "huaian-hongze-2024")
    path = tmp_path / "split.txt"
    path.write_text(web_text.flatten(e.path.read_bytes(), "split"), encoding="utf-8")
    assert "行政许可\t94 87" in path.read_text(encoding="utf-8")
    report = read_report(path)
    key = "active.licensing.decisions"
    assert report.values[key].value is None
    assert "94" in report.values[key].provenance.review and "87" in report.values[key].provenance.review
    assert [w.code for w in report.warnings if key in (w.keys or (w.key,))] == ["extra_numbers"]
    assert report.values["active.penalty.decisions"].value == 2776
