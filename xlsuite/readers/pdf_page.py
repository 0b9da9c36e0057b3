"""What a PDF page is, before its words are read: how far its text is turned, which pictures
on it may be pasted tables, whether its text layer is a scan's hidden reading or cannot be
decoded. The PDF reader (``pdf.py``) asks; these rules decide.
"""
from __future__ import annotations

import math
import unicodedata

import pypdfium2.raw as pdfium_c

# (x0, top, x1, bottom) in points from the page's top left
Box = tuple[float, float, float, float]

# Characters sampled for the page's turn, and the share of them that must agree to turn it.
_TURN_SAMPLE, _TURN_MAJORITY = 400, 0.6
# A picture at least this share of the page's width and height may be a pasted table (a seal
# or a logo is smaller); one covering this share of the page's area is a scanned page.
_PICTURE_WIDTH, _PICTURE_HEIGHT, _SCAN_AREA = 0.4, 0.08, 0.6
# Points within which two pages' pictures stand at the same place (a letterhead on every page).
_SAME_PLACE = 5.0
# A picture with this many text-layer words on it is a background, not a pasted table.
_TEXT_ON_PICTURE = 8
# A scan's hidden reading: at least this share of the page's characters invisible (the rest: a page
# number, a stamp printed over the scan afterwards).
_SCAN_HIDDEN_SHARE = 0.5
# A page of at least this many characters, this share of them control, private-use, unassigned
# or Latin-extended, has a text layer that cannot be decoded.
_GARBLED_MIN_CHARS, _GARBLED_SHARE = 20, 0.2


def drop_letterheads(per_page: list[list[Box]]) -> list[list[Box]]:
    """Each page's pictures without those drawn at the same place on two pages or more: the
    page's dress (a 红头 letterhead, a banner, a watermark), not a pasted table."""
    def place(box: Box) -> tuple:
        return tuple(round(v / _SAME_PLACE) for v in box)

    seen: dict[tuple, int] = {}
    for boxes in per_page:
        for b in {place(box) for box in boxes}:
            seen[b] = seen.get(b, 0) + 1
    return [[box for box in boxes if seen[place(box)] < 2] for boxes in per_page]


def pictures(page) -> list[Box]:
    """The page's pictures big enough to be a table, (x0, top, x1, bottom) from the top left."""
    w, h = page.get_width(), page.get_height()
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        left, right, bottom, top = max(left, 0.0), min(right, w), max(bottom, 0.0), min(top, h)
        if right - left >= _PICTURE_WIDTH * w and top - bottom >= _PICTURE_HEIGHT * h:
            out.append((left, h - top, right, h - bottom))
    return out


def garbled(text: str) -> bool:
    """Whether a page's text layer is undecodable: a font without a Unicode map gives its glyph
    numbers, which come out as control characters, private-use and unassigned code points and
    stray Latin letters. A report in Chinese has next to none of them."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < _GARBLED_MIN_CHARS:
        return False
    bad = sum(1 for c in chars if unicodedata.category(c) in ("Cc", "Co", "Cn") or "\u00c0" <= c <= "\u024f")
    return bad >= _GARBLED_SHARE * len(chars)


def scan_under_text(page, textpage, pictures: list[Box]) -> bool:
    """A picture covers most of the page and (nearly) all of its characters are invisible (text
    render mode 3): a scan carrying its scanning software's reading. Counted by character, not
    by text object: a page number or a stamp printed over the scan afterwards is visible text,
    and must not make the hidden reading trusted."""
    area = page.get_width() * page.get_height()
    if not any((x1 - x0) * (y1 - y0) >= _SCAN_AREA * area for x0, y0, x1, y1 in pictures):
        return False
    shown = hidden = 0
    for i in range(textpage.count_chars()):
        if not textpage.get_text_range(i, 1).strip():
            continue
        if is_hidden(textpage, i):
            hidden += 1
        else:
            shown += 1
    return hidden > 0 and hidden >= _SCAN_HIDDEN_SHARE * (hidden + shown)


def is_hidden(textpage, i: int) -> bool:
    """Whether character ``i`` is drawn invisible (text render mode 3)."""
    obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, i)
    return bool(obj) and pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE


def upright_frame(page, rotation: int):
    """Where a character stands on the page turned so that its text reads across: (x0, x1,
    height, baseline from the top), from its box (left, bottom, right, top) and origin in the
    PDF's own coordinates.

    A page may be drawn turned: printer drivers put a landscape table on a portrait sheet,
    turned a quarter, and show it turned back (``/Rotate``), or not. Its text then runs down
    the sheet's coordinates. The turn (``rotation``, ``_text_turn``) is the one most of the
    page's characters are printed at.
    """
    left0, bottom0, right0, top0 = page.get_mediabox()
    w, h = right0 - left0, top0 - bottom0
    if rotation == 90:  # the sheet's left edge is shown at the top
        return lambda b, ox, oy: (b[1] - bottom0, b[3] - bottom0, b[2] - b[0], ox - left0)
    if rotation == 180:
        return lambda b, ox, oy: (w - (b[2] - left0), w - (b[0] - left0), b[3] - b[1], oy - bottom0)
    if rotation == 270:  # the sheet's right edge is shown at the top
        return lambda b, ox, oy: (h - (b[3] - bottom0), h - (b[1] - bottom0), b[2] - b[0], w - (ox - left0))
    height = page.get_height()  # the frame pdf_tables and _pictures use (crop box, turned by /Rotate)
    return lambda b, ox, oy: (b[0], b[2], b[3] - b[1], height - oy)


def text_turn(textpage) -> int:
    """How far (0, 90, 180 or 270 degrees, clockwise) to turn the sheet so that most of its
    characters stand upright; pdfium gives each character's angle, clockwise. A sample of the
    characters decides, and only a clear majority turns the page."""
    angles: dict[int, int] = {}
    sampled = 0
    for i in range(textpage.count_chars()):
        if sampled >= _TURN_SAMPLE:
            break
        quarter = turn_of(textpage, i)
        if quarter is None or not textpage.get_text_range(i, 1).strip():
            continue
        angles[quarter] = angles.get(quarter, 0) + 1
        sampled += 1
    if not angles:
        return 0
    turn, count = max(angles.items(), key=lambda kv: kv[1])
    return turn if count >= _TURN_MAJORITY * sampled else 0


def turn_of(textpage, i: int) -> int | None:
    """How far (0, 90, 180 or 270 degrees, clockwise) to turn the sheet for character ``i`` to
    stand upright; pdfium gives its angle, clockwise. None: unknown."""
    a = pdfium_c.FPDFText_GetCharAngle(textpage.raw, i)
    if a < 0:
        return None
    return (360 - round(math.degrees(a) / 90) % 4 * 90) % 360


def without_backgrounds(pictures: list[Box], words: list[dict]) -> list[Box]:
    """The pictures that text does not stand on: one with ``_TEXT_ON_PICTURE`` text-layer words on
    it is a background (a letterhead behind the title, a watermark), not a pasted table."""
    return [b for b in pictures if sum(1 for w in words if centre_in(w, b)) < _TEXT_ON_PICTURE]


def centre_in(word: dict, box) -> bool:
    """Whether a word's centre lies in a box (x0, top, x1, bottom)."""
    x0, top, x1, bottom = box
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom
