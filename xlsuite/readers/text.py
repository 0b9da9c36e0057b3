"""Plain text: text dumped from PDFs (pdftotext, copy-paste) and saved web page text.

Two kinds of dump reach users. One keeps the reading order and loses the
columns (each cell on its own line); it is read line by line. A table copied
out of Word, Excel or a web page into such a file keeps a tab between cells:
those lines are read as table rows, blank cells included. The other keeps
the page's layout with spaces (``pdftotext -layout``, many PDF viewers' "save
as text"): there, a character's column is its position on the page, so the
words go through the same word-position layout as a PDF's text layer
(``xlsuite.layout``), which keeps blank cells blank and joins labels split
around a centred row of numbers.
"""
from __future__ import annotations

import re
import unicodedata

from ..document import Document, Line
from . import read_text_file
from .options import ReadOptions

_WORD = re.compile(r"\S+")
_GAP = re.compile(r"\S {2,}\S")
# Layout dumps put at least this share of their lines' words at a distance.
_LAYOUT_SHARE = 0.2
# Characters by which two numbers of one column may stand apart on a character grid.
_SLACK = 2.0


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    return parse(read_text_file(path), path)


def _raw_lines(text: str) -> list[tuple[int, int, str]]:
    """(page, line number, text) of every line; pdftotext separates pages with form feeds."""
    out = []
    page = 1
    # split("\n"), not splitlines(): splitlines() would swallow the form feeds that mark pages.
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        page += raw.count("\f")
        out.append((page, n, raw.replace("\f", "")))
    return out


def is_layout_dump(lines: list[str]) -> bool:
    """Whether words stand at page positions (runs of spaces between them inside lines)."""
    body = [l.strip() for l in lines if l.strip()]
    if len(body) < 10:
        return False
    gapped = sum(1 for l in body if _GAP.search(l))
    return gapped >= _LAYOUT_SHARE * len(body)


def parse(text: str, source: str = "<text>") -> Document:
    raw = _raw_lines(text)
    paged = "\f" in text
    if is_layout_dump([r for _p, _n, r in raw]):
        return _parse_layout(raw, source, paged)
    lines = [_line(r, p if paged else None, n) for p, n, r in raw if r.strip()]
    return Document(source, "text", lines)


def _line(raw: str, page: int | None, n: int) -> Line:
    """One line of a reading-order dump. Tabs between texts are cell borders: a table copied
    out of Word, Excel or a web page keeps a tab for every cell, empty ones included, so the
    line is a table row (its blank cells kept, as the HTML and Markdown readers keep them).
    Tabs before the first text only indent it."""
    body = raw.lstrip("\t ").rstrip("\n")
    if "\t" not in body.rstrip():
        return Line(raw, None, page, n)
    return Line.row([c.strip() for c in body.rstrip(" ").split("\t")], page, n)


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def words_of(line: str, row: int) -> list[dict]:
    """The words of one layout line at their columns, as the layout code takes them.

    A column is a character position; pdftotext counts every character as one
    position, other tools count wide (CJK) characters as two. Either way one line
    uses one scale, which is all the layout needs.
    """
    wide = any(_width(c) == 2 for c in line) and _looks_wide(line)
    out = []
    for m in _WORD.finditer(line):
        if wide:
            x0 = sum(_width(c) for c in line[:m.start()])
            x1 = x0 + sum(_width(c) for c in m.group())
        else:
            x0, x1 = m.start(), m.end()
        out.append({"text": m.group(), "x0": float(x0), "x1": float(x1), "top": float(row), "bottom": row + 0.8})
    return out


def _looks_wide(line: str) -> bool:
    # pdftotext gives a CJK character one column; a monospace editor export gives two.
    # Without a page to compare against, one column per character is the usual case.
    return False


def _parse_layout(raw: list[tuple[int, int, str]], source: str, paged: bool) -> Document:
    from ..layout import text_lines, to_lines

    by_page: dict[int, list[tuple[int, str]]] = {}
    for p, n, r in raw:
        by_page.setdefault(p, []).append((n, r))
    # Each page is laid out on a character grid of its own (pdftotext scales every page
    # separately), so columns are found page by page, a character of slack apart.
    doc_lines: list[Line] = []
    for p, rows in sorted(by_page.items()):
        words = []
        for n, r in rows:
            if r.strip():
                words.extend(words_of(r, n))
        doc_lines.extend(to_lines(text_lines(words, p), line_numbers=lambda item: int(item.top),
                                  column_slack=_SLACK))
    if not paged:
        for ln in doc_lines:
            ln.page = None
    return Document(source, "text", doc_lines)
