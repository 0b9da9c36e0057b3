"""Rebuild lines and table rows from positioned words.

A table without ruling lines is only words at places. Words are grouped into
lines by their vertical middle, lines into segments at wide gaps; a line with
numbers after its label is a table row. Its cells are found from the table's
columns, which are the x-ranges the numbers of the same table occupy (plus
header labels over columns left wholly blank), so a blank cell stays a blank
cell instead of shifting the numbers after it one column to the left.

Coordinates are PDF points with ``top`` growing downwards (pdfplumber's); OCR
boxes in pixels work the same as long as every word of a call uses one scale.
"""
from __future__ import annotations

from collections.abc import Sequence

import re
import statistics
from dataclasses import dataclass, field

from ..document import Line
from ..recognize.numbers import Parsed, parse_cell

_BARE_PAGE_NUMBER = re.compile(r"^[\W_]*\d{1,3}[\W_]*$")


@dataclass
class Segment:
    """Words of one line close enough to be one cell."""
    text: str
    x0: float
    x1: float
    parsed: Parsed | None = None
    confidence: float | None = None  # OCR words: the least sure of them (numbers first)

    @property
    def is_value(self) -> bool:
        return self.parsed is not None and not self.parsed.blank


@dataclass
class TextLine:
    page: int
    top: float
    bottom: float
    segments: list[Segment]
    height: float  # the words' typical height, the unit for gaps

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def is_value_line(self) -> bool:
        """Numbers after a label, or several numbers: a table row."""
        values = [s for s in self.segments if s.is_value]
        return len(values) >= 2 or (len(values) == 1 and not self.segments[0].is_value)


@dataclass
class RuledRow:
    """A row whose cells ruling lines already delimit (the PDF table finder)."""
    page: int
    top: float
    cells: list[str]


@dataclass
class _Column:
    x0: float
    x1: float
    segs: list[Segment] = field(default_factory=list)


def _join(words: list[str]) -> str:
    # CJK text carries no spaces; a space stays only between latin letters or digits.
    out = ""
    for w in words:
        if out and (out[-1].isascii() and out[-1].isalnum()) and (w[0].isascii() and w[0].isalnum()):
            out += " "
        out += w
    return out


def text_lines(words: list[dict], page: int = 1) -> list[TextLine]:
    """One page's words (dicts with text, x0, x1, top, bottom) as lines, top to bottom."""
    words = [w for w in words if str(w["text"]).strip()]
    if not words:
        return []
    height = statistics.median(w["bottom"] - w["top"] for w in words) or 1.0
    mid = lambda w: (w["top"] + w["bottom"]) / 2  # noqa: E731
    # Words of one printed line share their middle; a number centred between two label
    # lines is half a line off both, and makes a line of its own.
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (mid(w), w["x0"])):
        if rows and mid(w) - mid(rows[-1][0]) <= 0.4 * height:
            rows[-1].append(w)
        else:
            rows.append([w])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        lines.append(TextLine(page, min(w["top"] for w in row), max(w["bottom"] for w in row),
                              _segments(row, height), height))
    lines.sort(key=lambda l: l.top)
    return lines


def _segments(row: list[dict], height: float) -> list[Segment]:
    segs: list[list[dict]] = [[row[0]]]
    for prev, w in zip(row, row[1:]):
        gap = w["x0"] - prev["x1"]
        # Two numbers side by side are two cells however narrow the columns.
        both_numbers = _number(prev["text"]) and _number(w["text"])
        if gap > height or (both_numbers and gap > 0.15 * height) or _border_between(prev, w):
            segs.append([w])
        else:
            segs[-1].append(w)
    out = []
    for s in segs:
        text = _join([str(w["text"]).strip() for w in s])
        out.append(Segment(text, s[0]["x0"], max(w["x1"] for w in s), parse_cell(text), _word_confidence(s)))
    return out


def _border_between(prev: dict, w: dict) -> bool:
    """OCR marks where a cell border (an erased rule) stands just left of a word (``border_x``):
    a new cell starts there if the border lies between the two words' middles."""
    x = w.get("border_x")
    return x is not None and (prev["x0"] + prev["x1"]) / 2 < x < (w["x0"] + w["x1"]) / 2


def _word_confidence(words: list[dict]) -> float | None:
    # OCR words carry a confidence; in a segment, the digits' decide (a label's do not).
    confs = [w["confidence"] for w in words if w.get("confidence") is not None]
    digits = [w["confidence"] for w in words
              if w.get("confidence") is not None and any(c.isdigit() for c in str(w["text"]))]
    return min(digits or confs) if confs else None


def _least(segs: list[Segment]) -> float | None:
    confs = [s.confidence for s in segs if s.confidence is not None]
    return min(confs) if confs else None


def _number(text: str) -> bool:
    p = parse_cell(str(text))
    return p is not None and p.value is not None


def read_words(pages: list[list[dict]], first_page: int = 1) -> list[Line]:
    """Words of consecutive pages to the Document lines of a reader, in reading order."""
    items: list[TextLine | RuledRow] = []
    for n, words in enumerate(pages, start=first_page):
        items.extend(text_lines(words, n))
    return to_lines(items)


def to_lines(items: Sequence[TextLine | RuledRow], line_numbers=None, column_slack: float | None = None) -> list[Line]:
    """Lines and ruled rows in reading order (page, then top) to Document lines.

    Text lines between wide paragraph lines form blocks; a block's rows are cut
    into cells at its columns. A block may run over a page break, which is how a
    table continued on the next page keeps the columns found above the break.
    ``line_numbers(item)``, when given, numbers each line (a text file's own line numbers);
    by default lines are counted per page. ``column_slack``: how far apart (in x units) two
    numbers may stand and still share a column; by default a tenth of the text height (PDF
    geometry); a text dump laid out on a character grid needs about a character.
    """
    items = _drop_page_numbers(list(items))
    out: list[Line] = []
    line_no: dict[int, int] = {}

    def emit(page: int, text: str | None = None, cells: list[str] | None = None,
             confidences: list[float | None] | None = None, item=None) -> None:
        line_no[page] = line_no.get(page, 0) + 1
        number = line_numbers(item) if line_numbers and item is not None else line_no[page]
        if confidences is not None and all(c is None for c in confidences):
            confidences = None
        if cells is not None:
            out.append(Line.row(cells, page, number, confidences=confidences))
        elif text and text.strip():
            out.append(Line(text, None, page, number, confidences))

    block: list[TextLine] = []

    def flush() -> None:
        for ln, cells, confidences in _cut_block(block, column_slack):
            emit(ln.page, ln.text, cells, confidences, ln)
        block.clear()

    widths = _page_widths([i for i in items if isinstance(i, TextLine)])
    for item in items:
        if isinstance(item, RuledRow):
            flush()
            filled = [c for c in item.cells if c and c.strip()]
            if len(filled) <= 1:
                # A row that is one cell across the table is a heading or a paragraph.
                for part in (filled[0] if filled else "").splitlines():
                    emit(item.page, part)
            else:
                emit(item.page, cells=[" ".join(c.split()) if c else "" for c in item.cells])
            continue
        lo, hi = widths[item.page]
        if len(item.segments) == 1 and item.x1 - item.x0 >= 0.6 * (hi - lo):
            flush()
            emit(item.page, item.text, confidences=[_least(item.segments)], item=item)
            continue
        block.append(item)
    flush()
    return out


def _page_widths(lines: list[TextLine]) -> dict[int, tuple[float, float]]:
    out: dict[int, tuple[float, float]] = {}
    for ln in lines:
        lo, hi = out.get(ln.page, (ln.x0, ln.x1))
        out[ln.page] = (min(lo, ln.x0), max(hi, ln.x1))
    return out


def _drop_page_numbers(items: list[TextLine | RuledRow]) -> list[TextLine | RuledRow]:
    """A bare number alone at the top or bottom of a page is its page number, not a cell."""
    by_page: dict[int, list[int]] = {}
    for i, it in enumerate(items):
        by_page.setdefault(it.page, []).append(i)
    drop = set()
    for idx in by_page.values():
        for i in {idx[0], idx[-1]}:
            it = items[i]
            if isinstance(it, TextLine) and len(it.segments) <= 3 and _BARE_PAGE_NUMBER.match(it.text):
                drop.add(i)
    return [it for i, it in enumerate(items) if i not in drop]


def _cut_block(block: list[TextLine], column_slack: float | None = None) -> list[tuple[TextLine, list[str] | None, list[float | None]]]:
    """Each line of a block with its cells (None for a text line) and their OCR confidences.

    A text line has one confidence, for the whole line.
    """
    out: list[tuple[TextLine, list[str] | None, list[float | None]]] = []
    for group in _groups(block):
        columns = sorted(_columns(group, column_slack), key=lambda c: c.x0)
        is_row = [bool(columns) and any(s.is_value for s in ln.segments) for ln in group]
        around = _centred_labels(group, is_row, columns)
        taken = {j for lines in around.values() for j in lines}
        row_cells = {i: _cells(ln, columns) for i, ln in enumerate(group) if is_row[i]}
        halves = _split_rows(group, row_cells, columns, taken | set(around))
        taken |= set(halves.values())
        for i, ln in enumerate(group):
            if i in taken:
                continue
            # Under a table's columns a lone number is a row too: its label, centred
            # over two lines, left it alone on the middle line.
            if is_row[i]:
                cells, confidences = row_cells[i]
                if i in halves:
                    cells, confidences = _filled_from(row_cells[i], row_cells[halves[i]], len(columns))
                if i in around:
                    cells.insert(0, "".join(group[j].text.replace(" ", "") for j in around[i]))
                    confidences.insert(0, _least([s for j in around[i] for s in group[j].segments]))
                out.append((ln, cells, confidences))
            else:
                out.append((ln, None, [_least(ln.segments)]))
    return out


def _split_rows(group: list[TextLine], row_cells: dict[int, tuple[list[str], list[float | None]]],
                columns: list[_Column], skip: set[int]) -> dict[int, int]:
    """Rows whose numbers came out on two lines: {labelled line: its line of the other numbers}.

    In a row of differently aligned cells (a number wrapped over two lines beside
    one-line numbers, or a scan's uneven baselines), some numbers stand less than
    a line below or above the others: the two lines overlap. They are taken as one
    row only where the other line has no label, stands closer to this row than to
    its other neighbour, and the two fill disjoint columns that together fill every
    column. Rows a whole line apart are never merged, whatever their blank cells.
    """
    if not columns:
        return {}
    edge = columns[0].x0

    def filled(i: int) -> set[int]:
        values = row_cells[i][0][-len(columns):]
        return {k for k, c in enumerate(values) if c}

    def labelled(i: int) -> bool:
        return not group[i].segments[0].is_value and group[i].segments[0].x1 <= edge

    out: dict[int, int] = {}
    used: set[int] = set()
    for i in range(len(group)):
        if i not in row_cells or i in skip or i in used or not labelled(i):
            continue
        mine = filled(i)
        for j in (i + 1, i - 1):
            if j not in row_cells or j in skip or j in used or labelled(j):
                continue
            mid = lambda k: (group[k].top + group[k].bottom) / 2  # noqa: E731
            own = min(group[i].bottom - group[i].top, group[j].bottom - group[j].top)
            # Printed rows are at least a text height apart (their text would overlap): lines
            # closer than three quarters of one are parts of one row.
            if abs(mid(j) - mid(i)) > 0.75 * own:
                continue
            beyond = j + (j - i)
            if 0 <= beyond < len(group) and abs(mid(beyond) - mid(j)) <= abs(mid(j) - mid(i)):
                continue
            theirs = filled(j)
            if mine and theirs and not mine & theirs and len(mine | theirs) == len(columns):
                out[i] = j
                used.update((i, j))
                break
    return out


def _filled_from(row: tuple[list[str], list[float | None]], other: tuple[list[str], list[float | None]],
                 n: int) -> tuple[list[str], list[float | None]]:
    """A row's cells (label first, then ``n`` value cells) with its blank value cells taken from ``other``."""
    cells, confidences = list(row[0]), list(row[1])
    lead, other_lead = len(cells) - n, len(other[0]) - n
    for k in range(n):
        if other[0][other_lead + k]:
            cells[lead + k], confidences[lead + k] = other[0][other_lead + k], other[1][other_lead + k]
    return cells, confidences


def _centred_labels(group: list[TextLine], is_row: list[bool], columns: list[_Column]) -> dict[int, list[int]]:
    """Rows printed without a label on their own line: the label lines centred around them.

    A label of an even number of lines, centred in its cell, leaves the numbers
    between its lines, a label line just above and just below at equal distances.
    (A row with a label on its line may be top-aligned, where the line above
    belongs to the row before; that is left to the recogniser.)
    """
    if not columns:
        return {}
    edge = columns[0].x0

    def label_only(j: int) -> bool:
        return 0 <= j < len(group) and not is_row[j] and group[j].x1 <= edge

    def mid(j: int) -> float:
        return (group[j].top + group[j].bottom) / 2

    out: dict[int, list[int]] = {}
    taken: set[int] = set()
    for i, ln in enumerate(group):
        if not is_row[i] or ln.segments[0].x1 <= edge and not ln.segments[0].is_value:
            continue
        # One line each side: where a longer label splits further out, the recogniser
        # still reads the text above a row as the start of its label.
        above, below = i - 1, i + 1
        if label_only(above) and label_only(below) and above not in taken \
                and abs((mid(i) - mid(above)) - (mid(below) - mid(i))) < 0.3 * ln.height:
            out[i] = [above, below]
            taken.update(out[i])
    return out


def _groups(block: list[TextLine]) -> list[list[TextLine]]:
    """A header line after rows starts another table (or the next part of the same one).

    A header stands over the value columns; a line wholly within the label
    column is a wrapped label, however many pieces it has.
    """
    groups: list[list[TextLine]] = [[]]
    label_right = None
    for ln in block:
        if ln.is_value_line:
            first = next(i for i, s in enumerate(ln.segments) if s.is_value)
            edge = ln.segments[first - 1].x1 if first else ln.segments[0].x0
            label_right = edge if label_right is None else max(label_right, edge)
        elif label_right is not None and not any(s.is_value for s in ln.segments) \
                and any(s.x0 > label_right for s in ln.segments):
            groups.append([])
            label_right = None
        groups[-1].append(ln)
    return [g for g in groups if g]


def _columns(group: list[TextLine], column_slack: float | None = None) -> list[_Column]:
    rows = [ln for ln in group if ln.is_value_line]
    if not rows:
        return []
    slack = column_slack if column_slack is not None else 0.1 * statistics.median(ln.height for ln in group)
    cols: list[_Column] = []
    labels: list[Segment] = []
    for ln in rows:
        first = next(i for i, s in enumerate(ln.segments) if s.is_value)
        labels.extend(ln.segments[:first])
        for s in ln.segments[first:]:
            cols.append(_Column(s.x0, s.x1, [s]))
    cols = _merge_overlapping(cols, slack)
    if column_slack is not None:
        # A character grid shifts header words against the numbers below them by a character
        # or two: headers cannot show where a blank column stands, so none is made up from them
        # (a row then has fewer cells than its columns, and is left null, not shifted).
        return cols
    return cols + _blank_columns(group, cols, labels, slack)


def _blank_columns(group: list[TextLine], cols: list[_Column], labels: list[Segment],
                   slack: float) -> list[_Column]:
    """Columns blank in every row: no number shows them, only their header labels.

    The header is what stands above the first row, off the row labels. Labels
    spanning several others (法人或其他组织 over five) are group headers; labels
    stacked in one column merge. A leaf header that is no number column's
    nearest header stands over a column left blank throughout.
    """
    head: list[Segment] = []
    for ln in group:
        if ln.is_value_line:
            break
        head.extend(s for s in ln.segments
                    if not any(_overlaps(s, _Column(l.x0, l.x1), slack) for l in labels))
    # A label alone on its line is a title over the table (第二十条第（八）项) or a piece
    # of a wrapped header; only lines of several labels show where columns are.
    multi = {id(s) for ln in group if not ln.is_value_line and len(ln.segments) >= 2 for s in ln.segments}
    leaves = [s for s in head if id(s) in multi and not _spans_columns(s, head, 10 * slack)]
    header_cols = _merge_stacked([_Column(s.x0, s.x1) for s in leaves])
    if len(header_cols) <= len(cols):
        return []
    centre = lambda c: (c.x0 + c.x1) / 2  # noqa: E731
    claimed = {min(range(len(header_cols)), key=lambda i: abs(centre(header_cols[i]) - centre(c))) for c in cols}
    return [h for i, h in enumerate(header_cols) if i not in claimed]


def _overlaps(s: Segment | _Column, c: _Column, slack: float) -> bool:
    return s.x0 <= c.x1 + slack and c.x0 <= s.x1 + slack


def _merge_overlapping(cols: list[_Column], slack: float) -> list[_Column]:
    cols = sorted(cols, key=lambda c: c.x0)
    out: list[_Column] = []
    for c in cols:
        if out and c.x0 <= out[-1].x1 + slack:
            out[-1].x1 = max(out[-1].x1, c.x1)
            out[-1].segs.extend(c.segs)
        else:
            out.append(_Column(c.x0, c.x1, list(c.segs)))
    return out


def _spans_columns(s: Segment, head: list[Segment], width: float) -> bool:
    """Whether ``s`` stands over narrower labels of two or more columns (a group header).

    Overlap, not containment: a group label is often printed narrower than the
    columns it spans and reaches only into the outer ones.
    """
    centres = sorted((o.x0 + o.x1) / 2 for o in head
                     if o.x1 - o.x0 < s.x1 - s.x0 and o.x0 < s.x1 and s.x0 < o.x1)
    return bool(centres) and centres[-1] - centres[0] > width


def _merge_stacked(cols: list[_Column]) -> list[_Column]:
    """Header pieces of one column (a label wrapped over lines): one centred over the other.

    Mere overlap is not enough: a wide label could bridge two columns.
    """
    out: list[_Column] = []
    for c in sorted(cols, key=lambda c: c.x1 - c.x0, reverse=True):
        mid = (c.x0 + c.x1) / 2
        host = next((o for o in out if o.x0 <= mid <= o.x1), None)
        if host is None:
            out.append(_Column(c.x0, c.x1))
    return sorted(out, key=lambda c: c.x0)


def _cells(ln: TextLine, columns: list[_Column]) -> tuple[list[str], list[float | None]]:
    """The row's cells (label first) and each cell's OCR confidence (None if not OCR'd)."""
    label: list[Segment] = []
    segs: list[list[Segment]] = [[] for _ in columns]
    first_col = columns[0].x0
    for s in ln.segments:
        if not s.is_value and s.x1 <= first_col:
            label.append(s)
            continue
        centre = (s.x0 + s.x1) / 2
        best = min(range(len(columns)), key=lambda i: _distance(centre, columns[i]))
        segs[best].append(s)
    cells = [" ".join(s.text for s in c) for c in segs]
    confidences = [_least(c) for c in segs]
    if label:  # none when the label is on other lines: an empty first cell would read as a blank
        cells.insert(0, "".join(s.text for s in label))
        confidences.insert(0, _least(label))
    return cells, confidences


def _distance(x: float, c: _Column) -> float:
    if c.x0 <= x <= c.x1:
        return 0.0
    return min(abs(x - c.x0), abs(x - c.x1))
