"""Word reports: the generated fixtures in two styles, merged cells, and the generator itself."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.errors import SourceError
from xlsuite.readers import load_document, read_report

from .conftest import GOLDEN, SEEDS
from .fixtures import make_fixtures
from .fixtures.make_fixtures import OUT as GENERATED, golden_of

FIXTURE_DOCX = sorted(GENERATED.glob("*.docx"))


def test_fixtures_cover_every_table_seed_in_both_styles():
    assert len(FIXTURE_DOCX) == 10
    assert {p.name.split(".")[-2] for p in FIXTURE_DOCX} == {"ruled", "plain"}


@pytest.mark.parametrize("path", FIXTURE_DOCX, ids=lambda p: p.name)
def test_generated_docx_matches_golden(path: Path):
    gold = json.loads((GOLDEN / f"{golden_of(path)}.json").read_text(encoding="utf-8"))
    report = read_report(path)
    assert report.meta.source_kind == "docx"
    assert {"agency": report.meta.agency, "year": report.meta.year, "form": report.meta.form} == gold["meta"]
    got = report.numbers()
    assert {k: (got.get(k), v) for k, v in gold["values"].items() if got.get(k) != v} == {}
    # a blank golden cell is printed blank and read back as a blank, with a warning naming it
    blanks = [k for k, v in gold["values"].items() if v is None]
    warned = {w.key for w in report.warnings if w.code == "blank_cell"}
    assert set(blanks) <= warned


def test_merged_cells_are_one_cell_and_vertical_continuations_are_skipped(tmp_path):
    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "申请人情况"  # gridSpan over two columns
    t.cell(1, 0).merge(t.cell(2, 0)).text = "（三）不予公开"  # vMerge over two rows
    for r, (label, a, b) in enumerate([("1.属于国家秘密", "1", ""), ("2.其他法律行政法规禁止公开", "0", "3")], 1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = label, a, b
    path = tmp_path / "merged.docx"
    d.save(path)
    doc = load_document(path)
    rows = [l.cells for l in doc.lines if l.cells]
    assert rows == [
        ["申请人情况", "", ""],
        ["（三）不予公开", "1.属于国家秘密", "1", ""],
        ["2.其他法律行政法规禁止公开", "0", "3"],
    ]
    assert doc.lines[0].text == "三、收到和处理政府信息公开申请情况" and doc.lines[0].cells is None


def _content(path: Path) -> list[str]:
    """The document's text in body order: paragraphs, then each table row's cells."""
    d = docx.Document(path)
    out = []
    for block in d.element.body.iterchildren():
        if block.tag.endswith("}p"):
            out.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif block.tag.endswith("}tbl"):
            for tr in block.iter():
                if tr.tag.endswith("}tr"):
                    out.append("|".join("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t"))
                                        for tc in tr if tc.tag.endswith("}tc")))
    return out


@pytest.mark.skipif(not (SEEDS / "shishi-commerce-2019.md").exists(), reason="seeds not at hand")
@pytest.mark.parametrize("style", make_fixtures.STYLES)
def test_generator_recreates_the_committed_docx(tmp_path, style):
    seed, golden = SEEDS / "shishi-commerce-2019.md", GOLDEN / "shishi-commerce-2019.json"
    made = make_fixtures.make_docx(seed, golden, style, tmp_path)
    committed = GENERATED / made.name
    assert _content(made) == _content(committed)


def test_corrupt_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body><w:p>not closed")
    with pytest.raises(SourceError) as e:
        read_report(path)
    assert e.value.code == "corrupt"
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(path) in result.stderr


def test_a_form_table_inside_a_layout_table_is_read_row_by_row(tmp_path):
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1).cell(0, 0)
    frame.text = "二、主动公开政府信息情况"
    inner = frame.add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "规章", "3"
    path = tmp_path / "nested.docx"
    d.save(path)
    assert [l.cells for l in load_document(path).lines] == [["二、主动公开政府信息情况"], ["规章", "3"]]
