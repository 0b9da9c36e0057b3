"""PDFs whose text layer is not, or not all, the page's text (tests/fixtures/make_pictured.py),
against the goldens.

- a table pasted into Word as a screenshot: the picture is read by OCR and its words join
  the page's text; without OCR the reader says which pages' pictures it left unread;
- a scan carrying its scanning software's reading as an invisible text layer: that layer,
  never checked by anyone, is set aside and the page read by OCR like any scan; without
  OCR the layer is read and every number in it flagged for review;
- a text layer of glyph numbers (fonts without a ToUnicode map): read by OCR; without OCR,
  one clear error, not "no report found".
"""
from __future__ import annotations

import sys

import pytest

from xlsuite import codes
from xlsuite.errors import SourceError
from xlsuite.ocr import available
from xlsuite.ocr.review import needs_review
from xlsuite.readers import read_report
from xlsuite.readers.options import ReadOptions

from .conftest import ROOT
from .fixtures import zoo_score as zs

sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_pictured import add_letterhead, make_pictured_pdf, make_searchable_scan, strip_unicode_maps  # noqa: E402

SOURCE = ROOT / "tests" / "fixtures" / "generated" / "shishi-commerce-2019.ruled.pdf"
needs_ocr = pytest.mark.skipif(not available(), reason="OCR not available (pip install xlsuite[ocr])")


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    out = tmp_path_factory.mktemp("pictured") / "pictured.pdf"
    assert make_pictured_pdf(SOURCE, out) == [2, 3]
    return out


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    out = tmp_path_factory.mktemp("searchable") / "searchable.pdf"
    make_searchable_scan(SOURCE, out, pages=[2, 3])
    return out


def _golden_values() -> dict:
    return zs.golden("shishi-commerce-2019")["values"]


def _assert_golden_or_flagged(report, at_least: int) -> None:
    """Every value read equals the golden or is flagged for review; ``at_least`` are exact."""
    golden = _golden_values()
    read = {k: v for k, v in report.values.items() if v.value is not None}
    assert [k for k, v in read.items() if golden.get(k) != v.value and needs_review(v) is None] == []
    assert sum(1 for k, v in read.items() if golden.get(k) == v.value) >= at_least


def _codes(report) -> list[str]:
    return [w.code for w in report.warnings]


@pytest.mark.slow
@needs_ocr
def test_a_table_pasted_as_a_picture_is_read_by_ocr(pictured):
    report = read_report(pictured)
    assert codes.OCR_PICTURES in _codes(report)
    _assert_golden_or_flagged(report, at_least=int(0.95 * len(_golden_values())))


def test_without_ocr_the_pictures_left_unread_are_named(pictured):
    report = read_report(pictured, options=ReadOptions(ocr="never"))
    note = next(w for w in report.warnings if w.code == codes.PICTURES_UNREAD)
    assert "第 2、3 页" in note.message
    assert all(v is None for v in report.numbers().values())


@pytest.mark.slow
@needs_ocr
def test_a_scans_invisible_text_layer_is_set_aside_and_the_page_read_by_ocr(searchable):
    report = read_report(searchable)
    assert codes.SCAN_TEXT_LAYER in _codes(report)
    values = [v for v in report.values.values() if v.value is not None]
    assert values and all(v.provenance.confidence not in (None, 0.0) for v in values)
    _assert_golden_or_flagged(report, at_least=150)


def test_without_ocr_a_scans_text_layer_is_read_and_every_number_flagged(searchable):
    report = read_report(searchable, options=ReadOptions(ocr="never"))
    assert any(w.code == codes.SCAN_TEXT_LAYER and w.severity == "warning" for w in report.warnings)
    values = [v for v in report.values.values() if v.value is not None]
    assert len(values) >= 150
    assert all(needs_review(v) for v in values)


@pytest.fixture(scope="module")
def garbled(tmp_path_factory):
    out = tmp_path_factory.mktemp("garbled") / "garbled.pdf"
    assert strip_unicode_maps(SOURCE, out, pages=[2, 3]) > 0
    return out


@pytest.mark.slow
@needs_ocr
def test_a_text_layer_that_cannot_be_decoded_is_read_by_ocr(garbled):
    report = read_report(garbled)
    note = next(w for w in report.warnings if w.code == codes.GARBLED_TEXT)
    assert "第 1、2 页" in note.message
    _assert_golden_or_flagged(report, at_least=150)


def test_without_ocr_a_text_layer_that_cannot_be_decoded_is_one_clear_error(garbled):
    with pytest.raises(SourceError) as e:
        read_report(garbled, options=ReadOptions(ocr="never"))
    assert e.value.code == "garbled" and "乱码" in str(e.value)


def test_a_letterhead_on_every_page_is_not_read_as_a_table(tmp_path):
    """A banner picture at the same place on every page is the template's dress: no page is sent
    to OCR for it (the second reader's copy with one took 53 s instead of 1.3 s, and a 110-page
    copy was refused for its OCR pages), and the report reads as without it."""
    out = tmp_path / "letterhead.pdf"
    add_letterhead(SOURCE, out)
    report = read_report(out)
    assert not {codes.OCR_PICTURES, codes.PICTURES_UNREAD} & set(_codes(report))
    assert all(v.provenance.confidence is None for v in report.values.values())
    assert report.numbers() == read_report(SOURCE).numbers()


def test_extra_ocr_beyond_the_page_budget_is_left_out_not_the_file(pictured):
    """Pictures and scan layers are read by OCR only while the OCR page budget allows it; over
    it, the file is still read and the pictures are named unread, with the reason."""
    from dataclasses import replace

    from xlsuite.limits import current

    report = read_report(pictured, options=ReadOptions(limits=replace(current(), ocr_pages=1)))
    note = next(w for w in report.warnings if w.code == codes.PICTURES_UNREAD)
    assert "第 2、3 页" in note.message and "超过上限" in note.message
