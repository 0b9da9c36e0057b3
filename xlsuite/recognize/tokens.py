"""A table region's lines as one stream of tokens: label text and numbers, in print order.

Each number keeps its printed line, page and OCR confidence, whether it stands
alone at a page's edge (a page number?), numbers the columns, or is a cell of
digit look-alikes (``o`` for 0). ``to_stream`` turns the tokens into the
alignment's input (``align.Token``) with the label evidence on both sides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..document import Line
from ..forms import Row
from . import align as al
from .numbers import Parsed, is_page_number, parse_cell, split_text, squash

# A cell or line that numbers the columns ("1 2 3 4 5 6 7", "数据1 … 数据6"): a header, not values.
_MIN_COLUMN_NUMBERING = 3
# A text piece opening with an item's number (6. / 6、 / （六）) starts another row's label.
_ITEM_START = re.compile(r"\s*(?:[0-9０-９]{1,2}\s*[.、．]|[（(][一二三四五六七八九十]{1,3}[)）])")
# Tokens (label pieces and numbers) a table's region may hold: the requests table prints about
# 250; ten times that is a page of something else, or a hostile file.
MAX_TOKENS = 3000


@dataclass
class Tok:
    kind: str  # "text" | "val"
    text: str = ""
    parsed: Parsed | None = None
    page: int | None = None
    line: int | None = None
    confidence: float | None = None
    key: tuple = ()  # the printed line it belongs to
    edge: bool = False  # alone on the first or last line of its page (a page number?)
    numbering: bool = False  # on a line numbering the columns (1 2 3 … 7)
    rcol: int | None = None  # a table cell's column counted from the right of its line
    joined: str | None = None  # the printed pieces of a number wrapped over two lines (153/4)
    misread: bool = False  # an OCR'd cell of letters that look like digits (o for 0): value unknown
    review: str | None = None  # why a person must still look at this value (a look-alike read as a digit)


def tokenize(lines: list[Line]) -> list[Tok]:
    toks: list[Tok] = []
    by_page: dict[int | None, list[int]] = {}
    for n, ln in enumerate(lines):
        by_page.setdefault(ln.page, []).append(n)
    # The last line of a page is where its number is printed (a footer); a first line is more
    # often the top of a table continued from the page before.
    edges = {idx[-1] for p, idx in by_page.items() if p is not None}
    for n, ln in enumerate(lines):
        key = (ln.page, n)
        if ln.cells is not None:
            parsed = [parse_cell(c) for c in ln.cells]
            split = [split_text(c) if p is None else [] for c, p in zip(ln.cells, parsed)]
            # A cell holding one number and a note ("1（原填6）") stands in its column too, after
            # the first number of the line: the columns are counted from the right over them.
            first = next((i for i, p in enumerate(parsed) if p is not None), len(parsed))
            noted = {i for i, pieces in enumerate(split) if i > first
                     and sum(1 for q in pieces if isinstance(q, Parsed)) == 1}
            left = sum(1 for i, (c, p) in enumerate(zip(ln.cells, parsed)) if p is not None or i in noted or (
                ln.confidences is not None and _misread_digits(c, parsed)))
            for i, cell in enumerate(ln.cells):
                conf = ln.confidences[i] if ln.confidences and i < len(ln.confidences) else None
                p = parsed[i]
                if p is None and conf is not None and _misread_digits(cell, parsed):
                    # OCR read a digit as a letter (0 as o): a cell in its column, value unknown.
                    left -= 1
                    toks.append(Tok("val", parsed=Parsed(None, cell.strip()), page=ln.page, line=ln.line,
                                    confidence=conf, key=key, rcol=left, misread=True))
                elif p is None:
                    # A cell may still hold label and number together ("规章 3"), as OCR and
                    # loose layouts produce; split it like free text.
                    if i in noted:
                        left -= 1
                    for piece in split[i]:
                        tok = _tok(piece, ln, conf, key)
                        if i in noted and tok.kind == "val":
                            tok.rcol = left
                        toks.append(tok)
                else:
                    left -= 1
                    toks.append(Tok("val", parsed=p, page=ln.page, line=ln.line, confidence=conf, key=key,
                                    rcol=left))
        else:
            if is_page_number(ln.text):
                continue
            conf = ln.confidences[0] if ln.confidences else None  # an OCR'd text line: one for all
            pieces = [_tok(piece, ln, conf, key) for piece in split_text(ln.text)]
            if n in edges and len(pieces) == 1 and pieces[0].kind == "val" and _could_be_page(pieces[0]):
                pieces[0].edge = True
            toks.extend(pieces)
    return toks


_LOOKALIKE = re.compile(r"[0-9oO〇DQθΘøØlI|Ss]{1,6}")


_AS_DIGIT = str.maketrans({"o": "0", "O": "0", "〇": "0", "D": "0", "Q": "0", "θ": "0", "Θ": "0", "ø": "0", "Ø": "0", "l": "1", "I": "1", "|": "1",
                           "S": "5", "s": "5"})


def lookalike_value(raw: str) -> Decimal | None:
    digits = raw.translate(_AS_DIGIT)
    return Decimal(digits) if digits.isdigit() and (digits == "0" or not digits.startswith("0")) else None


def _misread_digits(cell: str, parsed: list) -> bool:
    """An OCR'd cell of digits and look-alike letters (o O D for 0, l I | for 1, S for 5), in a
    line of cells that are mostly numbers: a number misread, not a label."""
    text = cell.strip()
    if not _LOOKALIKE.fullmatch(text) or text.isdigit():
        return False
    numbers = sum(1 for p in parsed if p is not None and p.value is not None)
    return numbers >= max(2, len(parsed) // 2)


def _could_be_page(t: Tok) -> bool:
    """A page is numbered by a whole number from 1: a 0, a decimal or a negative is a cell."""
    v = t.parsed.value if t.parsed is not None else None
    return v is not None and v >= 1 and v == v.to_integral_value() and not t.parsed.raw.startswith(("-", "－", "−"))


def _tok(piece, ln: Line, conf, key) -> Tok:
    if isinstance(piece, Parsed):
        return Tok("val", parsed=piece, page=ln.page, line=ln.line, confidence=conf, key=key)
    return Tok("text", text=squash(piece), page=ln.page, line=ln.line, key=key)


def match_rows(text: str, rows: tuple[Row, ...]) -> dict[int, float]:
    """Rows whose label fragment the text carries, with a strength (shared when several do)."""
    hits = [i for i, row in enumerate(rows) if any(f in text for f in row.fragments)]
    if not hits:
        return {}
    strength = 1.0 if len(hits) == 1 else 0.5
    return {i: strength for i in hits}


def label_matches(texts: list[str], rows: tuple[Row, ...]) -> list[dict[int, float]]:
    """Per text piece of one run of label text, the rows whose fragment ends in it.

    A label wraps over lines and pages ("4.无正当理由大量反" / "复申请"): fragments are
    matched on the run joined, and credited to the piece where they end.
    """
    joined = "".join(texts)
    ends = []
    pos = 0
    for t in texts:
        pos += len(t)
        ends.append(pos)
    hits: list[dict[int, float]] = [{} for _ in texts]
    for i, row in enumerate(rows):
        for f in row.fragments:
            at = joined.find(f)
            while at >= 0:
                end = at + len(f)
                k = next(n for n, e in enumerate(ends) if e >= end)
                hits[k][i] = 1.0
                at = joined.find(f, at + 1)
    for h in hits:
        if len(h) > 1:
            for i in h:
                h[i] = 0.5
    return hits


def _labels_around_numbers(toks: list[Tok], rows: tuple[Row, ...], matches: list[dict[int, float]]) -> None:
    """A label wrapped around its row's numbers names the row, credited to the piece before them.

    - Centred numbers cut a label ("4、保护第三" / 0 0 0 / "方合法权益"): a fragment spanning
      the numbers counts.
    - Top-aligned numbers stand on the label's first line, its other lines below
      ("5、属于三类" 0 0 0 / "内部事务信息"): the lines below without numbers of their own
      continue the label on the numbers' line, up to a line opening with another item's
      number ("6.属于四类过程性", whose own numbers come on the line after it).
    """
    value_lines = {t.key for t in toks if t.kind == "val"}
    n = 0
    while n < len(toks):
        if toks[n].kind != "val":
            n += 1
            continue
        end = n
        while end < len(toks) and toks[end].kind == "val":
            end += 1
        a = n - 1
        if a >= 0 and toks[a].kind == "text":
            head = toks[a].text
            first_tail = toks[end].text if end < len(toks) and toks[end].kind == "text" else ""
            on_line = toks[a].key == toks[n].key
            tail = first_tail
            if on_line:
                tail_parts = []
                k = end
                while k < len(toks) and toks[k].kind == "text" and toks[k].key not in value_lines \
                        and not _ITEM_START.match(toks[k].text):
                    tail_parts.append(toks[k].text)
                    k += 1
                tail = "".join(tail_parts)
            joined = head + tail
            for i, row in enumerate(rows):
                if i in matches[a]:
                    continue
                for f in row.fragments:
                    at = joined.find(f)
                    while at >= 0:
                        if at < len(head) < at + len(f) or (on_line and at >= len(head)):
                            matches[a][i] = 1.0
                            break
                        at = joined.find(f, at + 1)
                    if i in matches[a]:
                        break
        n = end


def _column_numbering(vals: list[Tok]) -> bool:
    """1 2 3 … k printed on one line: the columns' numbers, not a row of counts."""
    nums = [t.parsed.value for t in vals if t.parsed and t.parsed.value is not None]
    return len(nums) >= _MIN_COLUMN_NUMBERING and len(nums) == len(vals) and \
        all(v == i + 1 for i, v in enumerate(nums))


def to_stream(toks: list[Tok], rows: tuple[Row, ...], flat: bool = False,
              ncols: list[int] | None = None) -> tuple[list[Tok], list[al.Token]]:
    """The alignment's tokens (and the Toks they stand for): labels matched to rows, numbers
    with how they sit on their lines. Empty cells of lines with neither a number nor a row's
    label (header and spacer rows) are dropped: they are layout, not cells."""
    # Label pieces: fragments matched over each run of consecutive text.
    matches: list[dict[int, float]] = [{} for _ in toks]
    run: list[int] = []

    def close_run():
        if run:
            for k, h in zip(run, label_matches([toks[j].text for j in run], rows)):
                matches[k] = h
            run.clear()

    for n, t in enumerate(toks):
        if t.kind == "text":
            run.append(n)
        else:
            close_run()
    close_run()
    _labels_around_numbers(toks, rows, matches)

    vals_by_line: dict[tuple, list[Tok]] = {}
    labelled_lines: set[tuple] = set()
    for n, t in enumerate(toks):
        if t.kind == "val":
            vals_by_line.setdefault(t.key, []).append(t)
        elif matches[n]:
            labelled_lines.add(t.key)
    numbering = {k for k, vs in vals_by_line.items() if _column_numbering(vs)}
    # A flat table's row labels are its header: empty cells beside them are not its cells.
    keep_blanks = {k for k, vs in vals_by_line.items()
                   if (k in labelled_lines and not flat) or any(v.parsed.value is not None for v in vs)}
    per_line = {k: sum(1 for v in vs if v.parsed.value is not None or k in keep_blanks)
                for k, vs in vals_by_line.items()}

    # A blank between two numbers of its line is a cell of that row, not spacing; so is every
    # blank of a line with exactly the cells its row (or a one-row table) has.
    ncols = ncols or []
    line_rows: dict[tuple, set[int]] = {}
    for n, t in enumerate(toks):
        if t.kind == "text" and matches[n]:
            line_rows.setdefault(t.key, set()).update(matches[n])
    interior: set[int] = set()
    for k, vs in vals_by_line.items():
        filled = [n for n, v in enumerate(vs) if v.parsed.value is not None]
        exact = (flat and len(vs) == sum(ncols)) or \
            any(ncols[i] == len(vs) for i in line_rows.get(k, ()) if i < len(ncols))
        if exact and filled:
            interior.update(id(v) for v in vs if v.parsed.value is None)
        elif filled:
            interior.update(id(v) for v in vs[filled[0]:filled[-1] + 1] if v.parsed.value is None)

    kept: list[Tok] = []
    out: list[al.Token] = []
    prev: Tok | None = None
    text_since = False
    line_labels: dict[tuple, dict[int, float]] = {}
    for n, t in enumerate(toks):
        if t.kind == "text":
            if not matches[n] and out and out[-1].kind == al.LABEL and not out[-1].rows:
                continue  # text naming no row, after text naming none: one interruption
            kept.append(t)
            out.append(al.Token(al.LABEL, t.key, rows=matches[n]))
            if matches[n]:
                merged = line_labels.setdefault(t.key, {})
                for i, s in matches[n].items():
                    merged[i] = max(merged.get(i, 0.0), s)
            text_since = True
            continue
        p = t.parsed
        if p.value is None and t.key not in keep_blanks:
            continue
        if prev is None:
            brk = al.NEWROW
        elif text_since:
            brk = al.AFTER_TEXT
        elif prev.key == t.key:
            brk = al.AFTER_BLANK if prev.parsed.value is None else al.SAME
        elif per_line.get(prev.key) == 1 and per_line.get(t.key) == 1:
            brk = al.NEXT
        else:
            brk = al.NEWROW
        t.numbering = t.key in numbering
        junk = 1.0 if t.numbering else (0.9 if t.edge else 0.0)
        value = p.value
        kept.append(t)
        out.append(al.Token(
            al.NUM, t.key, brk=brk, blank=value is None, interior=id(t) in interior, rcol=t.rcol,
            signed=value is not None and value < 0,
            decimal=value is not None and value != value.to_integral_value(),
            money=value is not None and p.unit is not None,
            junk=junk, same_line_rows=dict(line_labels.get(t.key, {}))))
        prev, text_since = t, False
    return kept, out
