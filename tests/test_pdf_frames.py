"""PDF pages whose boxes are not the plain [0 0 w h] media box, and scan layers on ruled pages
(second reader's review of the PDF reader's turned pages and scan layers).

- A CropBox shorter than the MediaBox (a footer trimmed), or /Rotate 90 on upright text:
  the words and the ruled tables must be placed in one frame; before dbc2961 the words were
  placed by the media box and the tables by the crop box (``page.get_height()``), and the
  tables' words were read twice: rows lost (94 % exact) and, on /Rotate 90, 5 WRONG cells
  under a clean 通过.
- A scan's invisible text layer over vector ruling lines, read without OCR: every number
  must be flagged for review, as the reader's note says; the table finder's cells carry no
  confidence, so such a page is read by word position.
"""
from __future__ import annotations

import sys

import pytest

from xlsuite.ocr.review import needs_review
from xlsuite.readers import read_report

from .conftest import ROOT
from .fixtures import zoo_score as zs

sys.path.insert(0, str(ROOT / "tests" / "fixtures"))


def _entry(name: str) -> zs.Entry:
    return next(e for e in zs.entries(categories=("pdf",)) if e.name == name)


def _reframed(src, out, how: str) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=str(src))
    for page in writer.pages:
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        if how == "crop":
            page.cropbox = RectangleObject([x0, y0 + 40, x1, y1])
        else:
            page.rotation = 90
    with open(out, "wb") as f:
        writer.write(f)


@pytest.mark.parametrize("how", ["crop", "rotate"])
@pytest.mark.parametrize("name", ["pdf/fj-commerce-2020.pdf.narrow.pdf", "pdf/shanghai-office-2019.narrow.pdf"])
def test_ruled_tables_and_words_share_the_page_frame(tmp_path, how, name):
    entry = _entry(name)
    out = tmp_path / f"{how}.pdf"
    _reframed(entry.path, out, how)
    s = zs.score_file(zs.Entry(out.name, out, "pdf", entry.golden, entry.overrides, entry.blank_keys, entry.info))
    assert (s.exact, s.wrong) == (s.cells, [])


def test_a_scan_layer_over_ruling_lines_is_flagged_without_ocr(tmp_path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from make_pictured import _objects, _picture

    doc = pdfium.PdfDocument(str(_entry("pdf/fj-commerce-2020.pdf.narrow.pdf").path))
    for page in doc:  # make_searchable_scan, the page's ruling lines kept
        picture = _picture(doc, page, (0.0, 0.0, page.get_width(), page.get_height()), 100, 75)
        for o in _objects(page, pdfium_c.FPDF_PAGEOBJ_TEXT):
            pdfium_c.FPDFTextObj_SetTextRenderMode(o.raw, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
        page.insert_obj(picture)
        page.gen_content()
    _assert_every_number_flagged(doc, tmp_path / "scan-with-rules.pdf")


def test_a_scan_layer_under_a_visible_page_number_is_still_flagged(tmp_path):
    """A page number (or a stamp) printed over the scan afterwards is visible text: it must not
    make the scanning software's hidden reading trusted."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from make_pictured import make_searchable_scan

    scan = tmp_path / "scan.pdf"
    make_searchable_scan(_entry("pdf/shishi-commerce-2019.centred.pdf").path, scan, dpi=100)
    doc = pdfium.PdfDocument(str(scan))
    for n, page in enumerate(doc, start=1):
        t = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(9))
        raw = f"- {n} -\x00".encode("utf-16-le")
        pdfium_c.FPDFText_SetText(t, ctypes.cast(ctypes.c_char_p(raw), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(t, 1, 0, 0, 1, page.get_width() / 2, 20)
        pdfium_c.FPDFPage_InsertObject(page.raw, t)
        page.gen_content()
    _assert_every_number_flagged(doc, tmp_path / "scan-numbered.pdf")


def _assert_every_number_flagged(doc, out) -> None:
    """Save the scan and read it without OCR: its hidden layer's numbers, every one flagged."""
    doc.save(str(out))
    doc.close()
    report = read_report(out, ocr="never")
    numbers = [v for v in report.values.values() if v.value is not None]
    assert numbers and all(needs_review(v) for v in numbers)


def _pictured(tmp_path):
    from make_pictured import make_pictured_pdf

    out = tmp_path / "pictured.pdf"
    assert make_pictured_pdf(ROOT / "tests" / "fixtures" / "generated" / "shishi-commerce-2019.ruled.pdf", out) == [2, 3]
    return out


@pytest.mark.slow
@pytest.mark.skipif(not __import__("xlsuite.ocr", fromlist=["available"]).available(), reason="OCR not available")
def test_pictures_on_a_cropped_page_meet_the_text(tmp_path):
    """OCR reads the page as shown, from the crop box's top left; the text layer's words and the
    pictures' boxes stand in the sheet's frame: a crop box 60 pt above the sheet's bottom put the
    OCR words 60 pt off (155/198 exact)."""
    from pypdf import PdfWriter
    from pypdf.generic import RectangleObject

    writer = PdfWriter(clone_from=str(_pictured(tmp_path)))
    for page in writer.pages:
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        page.cropbox = RectangleObject([x0, y0 + 60, x1, y1])
    out = tmp_path / "cropped.pdf"
    with open(out, "wb") as f:
        writer.write(f)
    s = zs.score_file(zs.Entry(out.name, out, "pdf", "shishi-commerce-2019"))
    assert (s.exact, s.wrong) == (s.cells, [])


def test_pictures_on_a_turned_page_are_named_not_misplaced(tmp_path):
    """On a page shown turned (/Rotate, or text drawn turned) the pictures' boxes and OCR's words
    would not meet the text's: the pictures are named as unread, not read into the wrong place."""
    from xlsuite.readers import pdf
    from xlsuite.readers.options import ReadOptions
    from make_pictured import make_pictured_pdf, turn_landscape_pages

    landscape = _entry("pdf/shishi-commerce-2019.landscape.pdf").path
    pictured, turned = tmp_path / "pictured.pdf", tmp_path / "turned.pdf"
    make_pictured_pdf(landscape, pictured)
    assert turn_landscape_pages(pictured, turned, True, True) == 2
    options = ReadOptions()
    pages = pdf._read_pages(str(turned), options.budgets(), words=True, ruling_lines=True)
    _to_ocr, read, notes, _why = pdf._plan(str(turned), pages, options)
    assert read == [] and [n.code for n in notes] == ["pictures_unread"]


def test_a_note_at_another_angle_on_a_turned_page_is_not_scattered_into_the_table(tmp_path):
    """A turned table page carrying an upright note in its margin: the note's characters were
    placed as if turned like the table, one by one among its cells: 2 WRONG under a clean 通过."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from make_pictured import turn_landscape_pages

    entry = _entry("pdf/shishi-commerce-2019.landscape.pdf")
    turned = tmp_path / "turned.pdf"
    assert turn_landscape_pages(entry.path, turned, True, True) == 2
    note = PdfReader(str(entry.path)).pages[3]  # the report's last page: prose, dates, a page number
    writer = PdfWriter(clone_from=str(turned))
    writer.pages[1].merge_transformed_page(note, Transformation().scale(0.45).translate(595 * 0.55, 842 * 0.55))
    out = tmp_path / "noted.pdf"
    with open(out, "wb") as f:
        writer.write(f)
    s = zs.score_file(zs.Entry(out.name, out, "pdf", entry.golden, entry.overrides, entry.blank_keys, entry.info))
    assert s.wrong == []
