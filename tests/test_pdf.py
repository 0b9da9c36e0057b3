"""PDF reports: the real published PDFs, the generated fixtures in two styles, and bad files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.errors import SourceError
from xlsuite.layout import read_words
from xlsuite.readers import load_document, read_report
from xlsuite.recognize import recognize
from xlsuite.recognize.numbers import parse_cell

from .conftest import GOLDEN, REALPDF
from .fixtures.make_fixtures import OUT as GENERATED, golden_of

FIXTURE_PDFS = sorted(GENERATED.glob("*.pdf"))
REAL = [REALPDF / "huaian-hongze-2023.pdf", REALPDF / "huaian-hongze-2024.pdf"]


def _golden(stem: str) -> dict:
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))


def _assert_golden(report, gold: dict) -> None:
    meta = {"agency": report.meta.agency, "year": report.meta.year, "form": report.meta.form}
    assert meta == gold["meta"]
    got = report.numbers()
    diffs = {k: (got.get(k), v) for k, v in gold["values"].items() if got.get(k) != v}
    assert diffs == {}
    assert set(got) == set(gold["values"])


def test_fixtures_cover_every_table_seed_in_both_styles():
    names = {p.name for p in FIXTURE_PDFS}
    assert len(names) == 10
    assert {n.split(".")[-2] for n in names} == {"ruled", "plain"}


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=lambda p: p.name)
def test_generated_pdf_matches_golden(path: Path):
    _assert_golden(read_report(path), _golden(golden_of(path)))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
@pytest.mark.parametrize("ruling_lines", [True, False], ids=["ruled", "words-only"])
def test_real_pdf_matches_golden(path: Path, ruling_lines: bool):
    # words-only: the same tables rebuilt from word positions alone, as for borderless tables
    report = recognize(load_document(path, ruling_lines=ruling_lines))
    _assert_golden(report, _golden(path.stem))


# xiamen's four-digit numbers wrap inside the ruled style's narrow cells ("153" over "4"):
# only the ruling lines say those two lines are one cell.
WORDS_ONLY = [p for p in FIXTURE_PDFS if ".ruled." in p.name and not p.name.startswith("xiamen")]


@pytest.mark.parametrize("path", WORDS_ONLY, ids=lambda p: p.name)
def test_ruled_fixture_read_by_word_positions_alone_matches_golden(path: Path):
    # The bordered layout without its borders: merged value cells, wrapped and centred
    # labels, a vertical group label, the page break, all from positions alone.
    _assert_golden(recognize(load_document(path, ruling_lines=False)), _golden(golden_of(path)))


def test_real_pdf_rows_come_in_row_order_with_pages():
    doc = load_document(REAL[0])
    rows = [l for l in doc.lines if l.cells]
    new = next(l for l in rows if "本年新收" in l.cells[0])
    # Plain text extraction reads these tables column by column; by position it is one row.
    assert new.cells[-7:] == ["21", "0", "0", "0", "0", "0", "21"]
    assert new.page == 3
    appeals = next(l for l in rows if len(l.cells) >= 15 and l.page == 4 and l.cells[-15:][0] == "10")
    assert appeals.cells[-15:] == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]


def test_check_flags_the_printed_zero_totals_of_2023_and_passes_2024():
    failed = assess(read_report(REAL[0])).hard_failures
    assert {r.id for r in failed} == {"R4.appeals.review", "R4.appeals.suit_after_review"}
    review = next(r for r in failed if r.id == "R4.appeals.review")
    assert (review.left, review.right) == (0, 11)
    assert assess(read_report(REAL[1])).hard_failures == []

    runner = CliRunner()
    bad = runner.invoke(cli, ["check", str(REAL[0])])
    assert bad.exit_code == 1
    assert "R4.appeals.review" in bad.output and "R4.appeals.suit_after_review" in bad.output
    assert runner.invoke(cli, ["check", str(REAL[1])]).exit_code == 0


def test_requests_table_runs_over_a_page_break_at_a_row_that_differs_by_style():
    rows_before_break = {}
    for path in FIXTURE_PDFS:
        doc = load_document(path)
        start = next(i for i, l in enumerate(doc.lines) if l.text.startswith("三、收到"))
        end = next(i for i, l in enumerate(doc.lines) if l.text.startswith("四、"))
        rows = [l for l in doc.lines[start:end] if l.cells and any(_is_number(c) for c in l.cells)]
        pages = sorted({l.page for l in rows})
        assert len(pages) == 2, path.name
        rows_before_break[path.name] = sum(1 for l in rows if l.page == pages[0])
    for name, n in rows_before_break.items():
        if ".ruled." in name:
            assert n != rows_before_break[name.replace(".ruled.", ".plain.")], name


def _is_number(cell: str) -> bool:
    p = parse_cell(cell)
    return p is not None and p.value is not None


def test_permissions_only_encryption_with_p_zero_reads_normally(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    src = GENERATED / "shishi-commerce-2019.ruled.pdf"
    w = pypdf.PdfWriter(clone_from=src)
    w.encrypt(user_password="", owner_password="owner", permissions_flag=0, algorithm="RC4-128")
    path = tmp_path / "p0.pdf"
    with open(path, "wb") as f:
        w.write(f)
    assert b"/P 0" in path.read_bytes()
    _assert_golden(read_report(path), _golden("shishi-commerce-2019"))


def _bad_files(tmp_path) -> dict[str, Path]:
    from PIL import Image

    scanned = tmp_path / "scanned.pdf"
    pages = [Image.new("L", (210, 297), 255) for _ in range(3)]
    pages[0].save(scanned, save_all=True, append_images=pages[1:])
    data = (GENERATED / "shishi-commerce-2019.ruled.pdf").read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    files = {"scanned": scanned, "corrupt": truncated, "empty": empty}
    try:
        import pypdf
    except ImportError:
        return files
    w = pypdf.PdfWriter(clone_from=GENERATED / "shishi-commerce-2019.ruled.pdf")
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    encrypted = tmp_path / "encrypted.pdf"
    with open(encrypted, "wb") as f:
        w.write(f)
    files["encrypted"] = encrypted
    return files


def _no_ocr(monkeypatch):
    # A scan is only an error where no OCR may run; the OCR reader is another feature.
    import xlsuite.readers.ocr as ocr_reader

    if hasattr(ocr_reader, "available"):
        monkeypatch.setattr(ocr_reader, "available", lambda: False)


def test_bad_pdfs_give_one_clear_source_error(tmp_path, monkeypatch):
    _no_ocr(monkeypatch)
    files = _bad_files(tmp_path)
    for code, path in files.items():
        with pytest.raises(SourceError) as e:
            read_report(path)
        assert e.value.code == code, (path.name, e.value)
        assert e.value.path == str(path)
    with pytest.raises(SourceError) as e:
        read_report(files["scanned"])
    assert "扫描件" in e.value.reason and "共 3 页" in e.value.reason


def test_cli_reports_each_bad_pdf_on_one_line_with_exit_code_2(tmp_path, monkeypatch):
    _no_ocr(monkeypatch)
    for code, path in _bad_files(tmp_path).items():
        result = CliRunner().invoke(cli, ["extract", str(path)])
        assert result.exit_code == 2, (code, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0], (code, lines)


# --- the layout reconstruction on plain word boxes (what an OCR reader feeds it) ------------

def _w(text, x0, top, width=None, height=10.0):
    return {"text": text, "x0": x0, "x1": x0 + (width or 10.0 * len(text)), "top": top, "bottom": top + height}


def test_read_words_keeps_a_column_blank_in_every_row_from_its_header():
    words = [
        _w("申请人", 10, 0), _w("自然人", 100, 0), _w("科研机构", 160, 0), _w("总计", 240, 0),
        _w("本年新收", 10, 20), _w("5", 110, 20), _w("5", 250, 20),
        _w("上年结转", 10, 40), _w("2", 110, 40), _w("2", 250, 40),
    ]
    rows = [l.cells for l in read_words([words]) if l.cells]
    assert rows == [["本年新收", "5", "", "5"], ["上年结转", "2", "", "2"]]


def test_read_words_splits_adjacent_numbers_and_keeps_text_lines():
    words = [
        _w("一、总体情况", 10, 0), _w("本年共收到申请", 10, 20), _w("12", 90, 20), _w("件。", 112, 20),
        _w("行政复议", 10, 60), _w("12", 200, 60), _w("3", 224, 60),
    ]
    lines = read_words([words])
    assert [l.cells for l in lines] == [None, None, ["行政复议", "12", "3"]]
    assert lines[1].text == "本年共收到申请12件。"


@pytest.mark.parametrize("clockwise", [True, False], ids=["clockwise", "counter-clockwise"])
@pytest.mark.parametrize("shown_upright", [True, False], ids=["rotate-flag", "sideways"])
def test_a_landscape_page_drawn_turned_on_a_portrait_sheet_reads_like_the_original(tmp_path, clockwise,
                                                                                    shown_upright):
    """Printer drivers draw a landscape table turned a quarter on a portrait sheet (and show it
    turned back with /Rotate, or not): the text runs down the sheet. Before the reader turned
    such pages, the tables were absent, and stray digits filled the 总计 row: 3 WRONG cells
    and a clean 通过."""
    import sys

    from .conftest import ROOT
    from .fixtures import zoo_score as zs

    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from make_pictured import turn_landscape_pages

    entry = next(e for e in zs.entries(categories=("pdf",)) if e.name == "pdf/shishi-commerce-2019.landscape.pdf")
    out = tmp_path / "turned.pdf"
    assert turn_landscape_pages(entry.path, out, clockwise, shown_upright) == 2
    turned = zs.score_file(entry.copy_at(out, "pdf"))
    assert (turned.exact, turned.wrong) == (turned.cells, [])
