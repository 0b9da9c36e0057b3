"""PDF reports: ruled tables through pdfplumber's table finder, everything else by word position.

Plain text extraction reads these tables column by column, so the reader works
from geometry: cells of ruled tables come from their ruling lines; text, and
tables printed without lines, come from the words' positions
(``xlsuite.layout``). A quick pypdfium2 pass first opens the file, tells a scan
from a text PDF and finds the pages that draw lines at all.
"""
from __future__ import annotations

import io
import struct

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

from ..document import Document
from ..errors import SourceError
from ..layout import RuledRow, TextLine, text_lines, to_lines

# pdfium's FPDF_GetLastError codes
_ERR_FORMAT, _ERR_PASSWORD, _ERR_SECURITY = 3, 4, 5
# A page drawing fewer path objects than this has no ruled table worth the table finder.
_MIN_PATHS_FOR_TABLE = 4


def load(path: str, *, ruling_lines: bool = True, **_options) -> Document:
    """``ruling_lines=False`` reads every table by word position alone (for comparison and tests)."""
    pages = _survey(path)
    with _open_plumber(path) as pdf:
        items: list[TextLine | RuledRow] = []
        for n, page in enumerate(pdf.pages, start=1):
            items.extend(_page_items(page, n, ruling_lines and pages[n - 1]["paths"] >= _MIN_PATHS_FOR_TABLE))
    return Document(path, "pdf", to_lines(items), pages=len(pages))


def _survey(path: str) -> list[dict]:
    """Open with pdfium (fast, and lenient with odd encryption): per page, chars and paths."""
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == _ERR_PASSWORD:
            raise SourceError(path, "PDF 已加密，需要密码才能打开；请提供未加密的版本", "encrypted") from None
        if code == _ERR_SECURITY:
            raise SourceError(path, "PDF 使用了不支持的加密方式，无法打开", "encrypted") from None
        raise SourceError(path, "PDF 文件已损坏或不完整，无法打开", "corrupt") from None
    try:
        pages = []
        for page in doc:
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            text = textpage.get_text_range() if chars else ""
            paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
            pages.append({"chars": len(text.strip()), "paths": paths})
            textpage.close()
            page.close()
    finally:
        doc.close()
    if not pages:
        raise SourceError(path, "PDF 文件没有页面", "corrupt")
    if not any(p["chars"] for p in pages):
        raise SourceError(path, f"这是扫描件（共 {len(pages)} 页，没有文字层），需要先做文字识别（OCR）才能读取",
                          "scanned")
    return pages


def _open_plumber(path: str) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(path)
        len(pdf.pages)  # pdfminer decrypts lazily; make it fail here if it will
        return pdf
    except (struct.error, PDFEncryptionError, PDFPasswordIncorrect, KeyError, TypeError):
        # Permissions-only encryption that pdfminer cannot handle (e.g. P = 0): pdfium
        # opened it with the empty password, so let it write a copy without the security.
        return pdfplumber.open(io.BytesIO(_decrypted_copy(path)))
    except (PDFSyntaxError, ValueError, OSError):
        raise SourceError(path, "PDF 文件已损坏，无法解析其内容", "corrupt") from None


def _decrypted_copy(path: str) -> bytes:
    doc = pdfium.PdfDocument(path)
    try:
        buf = io.BytesIO()
        doc.save(buf, flags=pdfium_c.FPDF_REMOVE_SECURITY)
        return buf.getvalue()
    finally:
        doc.close()


def _page_items(page, n: int, may_have_tables: bool) -> list[TextLine | RuledRow]:
    tables = [t for t in page.find_tables() if _is_grid(t)] if may_have_tables else []
    items: list[TextLine | RuledRow] = []
    for t in tables:
        for row, cells in zip(t.rows, t.extract()):
            # None marks the cells a merged cell covers: not printed cells, so not blanks.
            items.append(RuledRow(n, row.bbox[1], [_cell_text(c) for c in cells if c is not None]))
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    free = [w for w in words if not any(_inside(w, t.bbox) for t in tables)]
    items.extend(text_lines(free, n))
    items.sort(key=lambda it: it.top)
    return items


def _is_grid(table) -> bool:
    """A ruled table has rows of several cells; a one-column frame around text does not."""
    return sum(1 for row in table.rows if sum(1 for c in row.cells if c is not None) >= 2) >= 2


def _inside(word: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _cell_text(cell: str) -> str:
    # A wrapped cell keeps its line breaks; CJK lines join without a space.
    parts = [p.strip() for p in cell.splitlines() if p.strip()]
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out
