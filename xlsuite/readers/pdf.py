"""PDF reports: ruled tables through pdfplumber's table finder, everything else by word position.

Plain text extraction reads these tables column by column, so the reader works
from geometry: cells of ruled tables come from their ruling lines; text, and
tables printed without lines, come from the words' positions
(``xlsuite.layout``). One pypdfium2 pass over the file opens it, tells a scan
from a text PDF, takes every page's words and, on pages that draw a grid, hands
the page's lines and characters to pdfplumber's table finder
(``readers.pdf_tables``): pdfminer never parses a page. What each page is (text turned
a quarter, pictures that may be pasted tables, a scan's hidden reading, an undecodable
layer) is decided in ``readers.pdf_page``; which pages OCR reads, here (``_plan``).
"""
from __future__ import annotations

import ctypes
import statistics
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .. import codes
from ..document import Document
from ..errors import SourceError
from ..layout import RuledRow, TextLine, text_lines, to_lines
from ..limits import Limits
from ..model import Finding, Severity
from ..ocr.review import SCAN_LAYER_CONFIDENCE
from ..text import listing
from . import guard
from .options import ReadOptions
from . import pdf_page as pg
from .pdf_tables import ruled_tables

try:  # OCR of scanned pages is an optional feature of its own module
    from . import ocr as ocr_reader
except ImportError:  # pragma: no cover - depends on the installed feature set
    ocr_reader = None  # type: ignore[assignment]

# pdfium's FPDF_GetLastError codes
_ERR_PASSWORD, _ERR_SECURITY = 4, 5
# Vertical rules at this many places make a grid of two columns or more; a frame has two.
_MIN_VERTICAL_RULES = 3


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    """``options.ruling_lines=False`` reads every table by word position alone (for comparison and tests).

    ``options.ocr``: ``auto`` reads pages without a text layer by OCR, ``always`` every
    page, ``never`` none (``xlsuite.readers.ocr``); ``on_progress`` hears of OCR'd pages.
    In ``auto``, some text pages are read by OCR as well: a scan whose text layer is
    invisible (scanning software's own reading, never checked: the page is read again like
    a scan), a page whose text layer cannot be decoded (``_plan``), and the pictures on a
    text page that are big enough to be a pasted table (the words OCR finds in them join
    the page's text-layer words).
    """
    options = options or ReadOptions()
    limits = options.budgets()
    pages = _read_pages(path, limits, words=options.ocr != "always" or ocr_reader is None,
                        ruling_lines=options.ruling_lines)
    to_ocr, pictured, notes, why_not = _plan(path, pages, options)
    if to_ocr or pictured:
        assert ocr_reader is not None
        guard.check_ocr_pages(path, to_ocr + pictured, limits)
        guard.allow_more(len(to_ocr + pictured) * limits.ocr_seconds_per_page)
    ocr_words = ocr_reader.scanned_page_words(path, sorted(to_ocr + pictured), options, on_progress) \
        if ocr_reader is not None and (to_ocr or pictured) else {}
    items: list[TextLine | RuledRow] = []
    for n, page in enumerate(pages, start=1):
        if n in pictured:
            items.extend(page.items)
            items.extend(text_lines(_in_pictures(_to_text_frame(ocr_words[n], page), page), n))
        elif n in ocr_words:
            items.extend(text_lines(ocr_words[n], n))
        else:
            items.extend(page.items)
    items.sort(key=lambda it: (it.page, it.top))
    doc = Document(path, "pdf", to_lines(items), pages=len(pages), notes=notes)
    doc.notes.extend(_ocr_notes(path, pages, sorted(ocr_words), pictured, why_not))
    return doc


def _ocr_notes(path: str, pages: list["_Page"], read: list[int], pictured: list[int], why_not: str) -> list[Finding]:
    """What OCR read (``read``: the pages it read, ``pictured`` among them for their pictures),
    and which scan layers were read unchecked instead (``why_not``)."""
    out: list[Finding] = []
    scanned = sorted(set(read) - set(pictured))
    if bare := [n for n in scanned if not (pages[n - 1].invisible or pages[n - 1].garbled)]:
        assert ocr_reader is not None
        out.append(ocr_reader.ocr_note(path, bare))
    if invisible := [n for n in scanned if pages[n - 1].invisible]:
        out.append(Finding(codes.SCAN_TEXT_LAYER,
                           f"第 {listing(invisible)} 页是扫描件，所带的不可见文字层（扫描软件的识别结果）未采用，已重新识别",
                           Severity.INFO))
    if kept := [n for n, p in enumerate(pages, start=1) if p.invisible and n not in read and p.chars]:
        out.append(Finding(codes.SCAN_TEXT_LAYER,
                           f"第 {listing(kept)} 页是扫描件，数字取自所带的不可见文字层（扫描软件的识别结果），未经核实，"
                           f"均标为待核对；{why_not}", Severity.WARNING))
    if reread := [n for n in scanned if pages[n - 1].garbled]:
        out.append(Finding(codes.GARBLED_TEXT, f"第 {listing(reread)} 页的文字层无法解码（乱码），已用文字识别（OCR）读取",
                           Severity.INFO))
    if pictured:
        out.append(Finding(codes.OCR_PICTURES,
                           f"第 {listing(pictured)} 页的大幅图片（可能是以图片粘贴的表格）已用文字识别（OCR）读取，"
                           f"数字请以勾稽校验和核对提示为准", Severity.INFO))
    return out


def _plan(path: str, pages: list["_Page"], options: ReadOptions) -> tuple[list[int], list[int], list[Finding], str]:
    """Which 1-based pages OCR reads whole (scans), which for their pictures, the notes, and
    why the extra reading was not done (where it was not).

    A text layer that is not the page's text counts as none where OCR can run: a scan's
    invisible layer (where OCR cannot, it is read, every number flagged for review) and a
    layer of undecodable characters (fonts without a Unicode map; where OCR cannot run,
    those pages are not read, and a file of nothing else is refused).
    """
    for page, kept in zip(pages, pg.drop_letterheads([p.pictures for p in pages])):
        page.pictures = kept
    # (Asking whether OCR is installed loads it: only for files that have such pages.)
    can_ocr = any(p.invisible or p.pictures or p.garbled for p in pages) and ocr_reader is not None \
        and options.ocr != "never" and ocr_reader.available()
    # Only scans must be OCR'd; the rest is extra reading, done while the page budget allows it.
    scans = sum(1 for p in pages if not p.chars)
    optional = sum(1 for p in pages if p.chars and (p.invisible or p.garbled or p.pictures))
    over = can_ocr and options.ocr == "auto" and scans + optional > options.budgets().ocr_pages
    if over:
        can_ocr = False
    garbled = [n for n, p in enumerate(pages, start=1) if p.garbled]
    notes: list[Finding] = []
    if garbled and not can_ocr:
        why = _no_ocr_reason(options, over)
        if len(garbled) == len(pages):
            raise SourceError(path, f"PDF 的文字层无法解码（乱码，字体缺少文字映射），需要文字识别（OCR）才能读取；{why}",
                              "garbled")
        notes.append(Finding(codes.GARBLED_TEXT, f"第 {listing(garbled)} 页的文字层无法解码（乱码），{why}，这些页未读取",
                             Severity.WARNING))
    chars = [0 if (p.invisible or p.garbled) and can_ocr else p.chars for p in pages]
    if ocr_reader is None:
        if not any(chars):
            raise SourceError(path, f"这是扫描件（共 {len(pages)} 页，没有文字层），需要先做文字识别（OCR）才能读取",
                              "scanned")
        to_ocr: list[int] = []
    else:
        to_ocr, planned = ocr_reader.plan_pages(path, chars, options.ocr)
        notes.extend(planned)
    pictured = [n for n, p in enumerate(pages, start=1) if p.pictures and chars[n - 1] and n not in to_ocr]
    if turned := [n for n in pictured if not pages[n - 1].upright]:
        # OCR reads the page as shown; its words and these pictures' boxes would not meet the text's
        notes.append(Finding(codes.PICTURES_UNREAD, f"第 {listing(turned)} 页有大幅图片（可能是以图片粘贴的表格），"
                                                    f"页面为旋转排版，图片中的文字未读取", Severity.WARNING))
        pictured = [n for n in pictured if n not in turned]
    if pictured and not can_ocr:
        notes.append(Finding(codes.PICTURES_UNREAD, f"第 {listing(pictured)} 页有大幅图片（可能是以图片粘贴的表格），"
                                                    f"{_no_ocr_reason(options, over)}，图片中的文字未读取", Severity.WARNING))
        pictured = []
    return to_ocr, pictured, notes, _no_ocr_reason(options, over)


def _no_ocr_reason(options: ReadOptions, over: bool = False) -> str:
    if over:
        return f"需要文字识别的页面超过上限（{options.budgets().ocr_pages} 页），只识别扫描页"
    if options.ocr == "never":
        return "本次设定为不做文字识别"
    return f"未安装文字识别组件（安装：{ocr_reader.INSTALL_HINT if ocr_reader else 'xlsuite[ocr]'}）"


def _to_text_frame(words: list[dict], page: "_Page") -> list[dict]:
    """OCR words, placed on the page as shown (from the crop box's top left), moved into the
    frame of the text layer's words and the pictures' boxes (the sheet's x; down from the
    crop box's height), which differ where the crop box does not start at the sheet's origin."""
    left, bottom = page.origin
    if not (left or bottom):
        return words
    moved = []
    for w in words:
        w = dict(w)
        for k in ("x0", "x1", "border_x"):
            if k in w:
                w[k] += left
        w["top"], w["bottom"] = w["top"] - bottom, w["bottom"] - bottom
        moved.append(w)
    return moved


def _in_pictures(words: list[dict], page: "_Page") -> list[dict]:
    """The OCR words inside the page's pictures that no text-layer word stands on (a caption
    printed over a picture is read once)."""
    def covered(w) -> bool:
        return any(min(w["x1"], t[2]) - max(w["x0"], t[0]) > 0 and min(w["bottom"], t[3]) - max(w["top"], t[1]) > 0
                   for t in page.word_boxes)

    return [w for w in words if any(pg.centre_in(w, b) for b in page.pictures) and not covered(w)]


@dataclass
class _Page:
    chars: int  # characters of the text layer (0: a scan)
    items: list[TextLine | RuledRow]  # its lines and ruled rows, unless only OCR will read it
    # pictures big enough to hold a table, (x0, top, x1, bottom) in points from the top left
    pictures: list[tuple[float, float, float, float]] = field(default_factory=list)
    invisible: bool = False  # a scan under an invisible text layer (scanning software's OCR)
    word_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # its text-layer words
    garbled: bool = False  # a text layer of undecodable characters (fonts without a Unicode map)
    origin: tuple[float, float] = (0.0, 0.0)  # the crop box's bottom left on the sheet
    upright: bool = True  # shown as drawn: no /Rotate, text not turned (OCR's frame is the text's)


def _read_pages(path: str, limits: Limits, *, words: bool, ruling_lines: bool) -> list[_Page]:
    """One pass over the file with pdfium (fast, and lenient with odd encryption): each page's
    text layer, and its words and ruled tables (``words``: not all pages go to OCR).

    The budgets come first: compressed streams are inflated with a cap before pdfium
    parses them, and the page count and sizes are checked before any page is loaded.
    """
    guard.check_pdf_streams(path, limits)
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
        try:
            sizes = [doc.get_page_size(i) for i in range(len(doc))]
        except pdfium.PdfiumError:
            raise SourceError(path, "PDF 文件已损坏（页面无法载入）", "corrupt") from None
        guard.check_pages(path, sizes, limits)
        pages = []
        for n, page in enumerate(doc, start=1):
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            text = textpage.get_text_range() if chars else ""
            items: list[TextLine | RuledRow] = []
            pictures: list[tuple[float, float, float, float]] = []
            invisible = False
            boxes: list[tuple[float, float, float, float]] = []
            garbled = pg.garbled(text)
            if text.strip() and not garbled:
                pictures = pg.pictures(page)
                invisible = pg.scan_under_text(page, textpage, pictures)
            rotation = pg.text_turn(textpage) if text.strip() and not garbled else 0
            if words and text.strip() and not garbled:
                page_words = _words(_chars(textpage, page, rotation, invisible))
                # (the table finder works in the sheet's coordinates: a turned page is read by word position;
                # and its cells carry no confidence: an unchecked layer is read by word position too)
                if ruling_lines and not invisible and rotation == 0 and _has_grid(page):
                    items = _grid_items(page, textpage, n, page_words)
                else:
                    items = list(text_lines(page_words, n))
                if pictures:
                    boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in page_words]
                    pictures = pg.without_backgrounds(pictures, page_words)
            crop = page.get_cropbox()
            upright = page.get_rotation() == 0 and rotation == 0
            pages.append(_Page(len(text.strip()), items, pictures, invisible, boxes, garbled, (crop[0], crop[1]), upright))
            textpage.close()
            page.close()
    finally:
        doc.close()
    if not pages:
        raise SourceError(path, "PDF 文件没有页面", "corrupt")
    return pages


def _has_grid(page) -> bool:
    """Whether the page draws vertical rules at three places or more (pdfium path objects).

    Word and WPS draw cell borders as thin lines or thin filled rectangles; a
    larger rectangle may be a stroked box, so its sides count too.
    """
    xs: set[int] = set()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 2 and top - bottom > 4:
            xs.add(round((left + right) / 2))
        elif min(right - left, top - bottom) > 4:
            xs.update((round(left), round(right)))
        if len(xs) >= _MIN_VERTICAL_RULES:
            return True
    return False


def _chars(textpage, page, rotation: int, scan_layer: bool = False) -> list[dict | None]:
    """Each character with its box; None for spaces and line ends (word breaks). ``hidden``:
    text no one sees (all of a ``scan_layer``, a scan's hidden reading, or the invisible
    characters of another page), whose words are flagged for review.

    Across, pdfium's loose box (the advance); down, the baseline, which all
    characters of a printed line share. The loose box's own height follows the
    glyph's font bounding box, which differs between glyphs of one line (``、``)
    and in a broken subset font can be a whole table tall.
    """
    chars: list[dict | None] = []
    x, y = ctypes.c_double(), ctypes.c_double()
    turn = pg.upright_frame(page, rotation)
    # (asked character by character only where some text object is invisible: few pages)
    hidden_text = any(pdfium_c.FPDFTextObj_GetTextRenderMode(o.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
                      for o in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2))
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch.strip():
            chars.append(None)
            continue
        if rotation and pg.turn_of(textpage, i) not in (None, rotation):
            # on a turned page, a character standing at another angle (a note in the margin) would be
            # placed as if it stood like the rest: scattered one by one among the table's cells
            chars.append(None)
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
        x0, x1, h, base = turn(textpage.get_charbox(i, loose=True), x.value, y.value)
        chars.append({"text": ch, "x0": x0, "x1": x1, "h": h, "base": base, "i": i,
                      "hidden": scan_layer or (hidden_text and pg.is_hidden(textpage, i))})
    real = [c for c in chars if c]
    if not real:
        return chars
    typical = statistics.median(c["h"] for c in real)
    for c in real:
        h = c["h"] if 0 < c["h"] <= 1.5 * typical else typical
        if c["x1"] - c["x0"] > 3 * typical:
            c["x0"], c["x1"], _h, _b = turn(textpage.get_charbox(c["i"], loose=False), 0.0, 0.0)
        c["top"], c["bottom"] = c["base"] - 0.8 * h, c["base"] + 0.2 * h
    return chars


def _words(chars: list[dict | None]) -> list[dict]:
    words: list[dict] = []
    cur: dict | None = None
    for c in chars:
        if c is None:
            cur = None
            continue
        height = c["bottom"] - c["top"]
        if cur is not None and abs((c["top"] + c["bottom"]) - (cur["top"] + cur["bottom"])) < height \
                and -1 <= c["x0"] - cur["x1"] <= 3:
            cur["text"] += c["text"]
            cur["x1"] = max(cur["x1"], c["x1"])
            cur["top"], cur["bottom"] = min(cur["top"], c["top"]), max(cur["bottom"], c["bottom"])
        else:
            cur = {k: c[k] for k in ("text", "x0", "x1", "top", "bottom")}
            words.append(cur)
        if c.get("hidden"):  # text no one sees (a scan's hidden reading): never checked, to be reviewed
            cur["confidence"] = SCAN_LAYER_CONFIDENCE
    return words


def _grid_items(page, textpage, n: int, words: list[dict]) -> list[TextLine | RuledRow]:
    """A grid page: ruled tables' rows (``pdf_tables``), the text around them from ``words``."""
    tables = [t for t in ruled_tables(page, textpage) if _is_grid(t)]
    items: list[TextLine | RuledRow] = []
    for t in tables:
        for row, cells in zip(t.rows, t.extract()):
            # None marks the cells a merged cell covers: not printed cells, so not blanks.
            items.append(RuledRow(n, row.bbox[1], [_cell_text(c) for c in cells if c is not None]))
    free = [w for w in words if not any(pg.centre_in(w, t.bbox) for t in tables)]
    items.extend(text_lines(free, n))
    items.sort(key=lambda it: it.top)
    return items


def _is_grid(table) -> bool:
    """A ruled table has rows of several cells; a one-column frame around text does not."""
    return sum(1 for row in table.rows if sum(1 for c in row.cells if c is not None) >= 2) >= 2


def _cell_text(cell: str) -> str:
    # A wrapped cell keeps its line breaks; CJK lines join without a space.
    parts = [p.strip() for p in cell.splitlines() if p.strip()]
    out = ""
    for p in parts:
        # but a number wrapped in a narrow cell is still one number
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum() \
                and not (out[-1].isdigit() and p[0].isdigit()):
            out += " "
        out += p
    return out
