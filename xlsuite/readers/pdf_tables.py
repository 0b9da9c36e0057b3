"""Ruled tables of a PDF page: pdfplumber's table finder over pdfium's page objects.

pdfplumber finds a table's cells from the page's ruling lines and fills them
with the characters inside; to have both it first runs pdfminer over the whole
page, about half a second a page here. pdfium, which the reader has open
anyway, holds the same drawing and the same characters: this module gives them
to pdfplumber's ``TableFinder`` in pdfplumber's own form (rectangles, lines and
curves as pdfminer classifies a path; characters one font size tall from their
baseline), so a ruled page costs one pass over its objects.
"""
from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c

Obj = dict[str, Any]


def ruled_tables(page, textpage) -> list:
    """pdfplumber ``Table`` objects of a pdfium page (``extract()`` gives the cells' text)."""
    from pdfplumber.table import TableFinder, TableSettings
    from pdfplumber.utils import obj_to_edges

    height = page.get_height()
    edges = [e for obj in _drawing(page, height) for e in obj_to_edges(obj)]
    stand_in: Any = _Page(page.get_width(), height, edges, _chars(textpage, height))  # what TableFinder reads
    return TableFinder(stand_in, TableSettings.resolve(None)).tables


class _Page:
    """What ``TableFinder`` and ``Table.extract`` read of a page."""

    def __init__(self, width: float, height: float, edges: list[Obj], chars: list[Obj]):
        self.bbox = (0, 0, width, height)
        self.edges, self.chars = edges, chars


def _matrix(obj):
    """The object's matrix to page space, through the Form XObjects that hold it."""
    m = obj.get_matrix()
    form = obj.container
    while form is not None:
        m = m.multiply(form.get_matrix())
        form = form.container
    return m


def _subpaths(obj) -> list[tuple[str, list[tuple[float, float]]]]:
    """A path as pdfminer sees it: per subpath its shape (``m``, ``l``, ``c``, ``h``) and points.

    pdfium stores a Bézier curve as three segments (two control points, then the
    end); pdfminer keeps only the end, and closing (``h``) repeats the start.
    """
    m = _matrix(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[tuple[str, list[tuple[float, float]]]] = []
    shape, bezier = "", 0
    pts: list[tuple[float, float]] = []
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = m.on_point(x.value, y.value)
        if kind != pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier = 0
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                out.append((shape, pts))
            shape, pts = "m", [point]
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            shape += "l"
            pts.append(point)
        else:
            bezier += 1
            if bezier % 3 == 0:
                shape += "c"
                pts.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and shape:
            shape += "h"
            pts.append(pts[0])
    if shape:
        out.append((shape, pts))
    return out


def _drawing(page, height: float) -> list[Obj]:
    """The page's paths as pdfplumber's rects, lines and curves (``top`` from the page's top)."""
    out: list[Obj] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        for shape, pts in _subpaths(obj):
            if len(shape) > 3 and shape.endswith("lh") and pts[-2] == pts[0]:
                shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]  # a redundant line back to the start
            if shape in ("ml", "mlh"):
                kind = "line"
            elif shape in ("mlllh", "mllll"):
                (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
                square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or \
                    (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
                kind = "rect" if pts[0] == pts[4] and square else "curve"
            else:
                kind = "curve"
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            left, right, low, high = min(xs), max(xs), min(ys), max(ys)
            item: Obj = {"object_type": kind, "x0": left, "x1": right, "y0": low, "y1": high,
                         "top": height - high, "bottom": height - low, "doctop": height - high,
                         "width": right - left, "height": high - low}
            if kind == "curve":
                item["pts"] = [(px, height - py) for px, py in pts]
            out.append(item)
    return out


def _chars(textpage, height: float) -> list[Obj]:
    """The page's printed characters as pdfminer boxes them: from the font's descent below the
    baseline (pdfium's loose box bottom), one font size tall, the advance wide."""
    out: list[Obj] = []
    raw = textpage.raw
    matrix = pdfium_c.FS_MATRIX()
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue  # spaces and line ends pdfium adds where the layout suggests them
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code == 0 or 0xD800 <= code < 0xE000 or code > 0x10FFFF:
            continue
        left, low, right, _top = textpage.get_charbox(i, loose=True)
        pdfium_c.FPDFText_GetMatrix(raw, i, matrix)
        scale = abs(matrix.d) or abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5  # rotated text: d = 0
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * scale
        bottom = height - low
        if right - left > 2 * size:
            # a vertical-writing font: pdfium's loose box runs across the column; the glyph's
            # own box says where it stands
            _l, tight_low, _r, tight_top = textpage.get_charbox(i)
            right, bottom = left + size, height - (tight_low + tight_top) / 2 + size / 2
        out.append({"text": chr(code), "x0": left, "x1": right, "top": bottom - size, "bottom": bottom,
                    "doctop": bottom - size, "upright": True, "width": right - left, "height": size})
    return out
