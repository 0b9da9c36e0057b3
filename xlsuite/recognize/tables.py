"""Read a form table out of the lines of its region.

The lines become one stream of tokens: label text and numbers (blank cells
included), each with its printed line. ``align`` fits the whole stream to the
form's rows at once, in order, using the labels on both sides of the numbers,
the number of cells per row and how the numbers sit on their lines. A number
whose place the alignment cannot tell clearly from another is left null with a
warning naming the candidates: the relations cannot catch two rows swapped
inside one group, so the reader must not guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import combinations
from decimal import Decimal

from ..document import Line
from ..forms import Column, Row, Table
from ..model import Finding, Provenance, Report, Value
from . import align as al
from . import colmajor as cm
from . import evidence as ev
from . import wrapped as wr
from .numbers import Parsed, is_page_number, nfkc, parse_cell, split_text, squash, to_number

# A cell or line that numbers the columns ("1 2 3 4 5 6 7", "数据1 … 数据6"): a header, not values.
_MIN_COLUMN_NUMBERING = 3
# Tokens (label pieces and numbers) a table's region may hold: the requests table prints about
# 250; ten times that is a page of something else, or a hostile file.
# FORMS.md: a 2021-layout report may print （六）其他处理 as one row (3.其他); these sub-items are
# then not printed at all, and count as 0.
ONE_ROW_GROUP = {"requests": ("other_no_correction", "other_no_fee")}

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
            left = sum(1 for c, p in zip(ln.cells, parsed) if p is not None or (
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
                    for piece in split_text(cell):
                        toks.append(_tok(piece, ln, conf, key))
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


def _row_readings(vals: list[Tok], p: int, n: int, joins: int = 2):
    """The ways the numbers from ``p`` on can make one row of ``n`` cells: page numbers (alone
    at a page's edge) left out before it, and up to ``joins`` numbers wrapped onto the next
    line joined (digits only). Yields (cells, where the next row starts)."""
    while True:
        yield from _cells(vals, p, n, joins)
        if p < len(vals) and vals[p].edge:
            p += 1
            continue
        return


def _cells(vals: list[Tok], p: int, n: int, joins: int):
    if n == 0:
        yield [], p
        return
    if p >= len(vals):
        return
    t = vals[p]
    for rest, q in _cells(vals, p + 1, n - 1, joins):
        yield [t, *rest], q
    if joins and p + 1 < len(vals):
        u = vals[p + 1]
        if (u.key != t.key and t.parsed.raw.isdigit() and not t.parsed.raw.startswith("0")
                and u.parsed.raw.isdigit()):
            joined = replace(t, parsed=parse_cell(t.parsed.raw + u.parsed.raw),
                             joined=f"{t.parsed.raw}/{u.parsed.raw}")
            for rest, q in _cells(vals, p + 2, n - 1, joins - 1):
                yield [joined, *rest], q


_LOOKALIKE = re.compile(r"[0-9oO〇DQθΘøØlI|Ss]{1,6}")


_AS_DIGIT = str.maketrans({"o": "0", "O": "0", "〇": "0", "D": "0", "Q": "0", "θ": "0", "Θ": "0", "ø": "0", "Ø": "0", "l": "1", "I": "1", "|": "1",
                           "S": "5", "s": "5"})


def _lookalike_value(raw: str) -> Decimal | None:
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
      continue the label on the numbers' line.
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
                while k < len(toks) and toks[k].kind == "text" and toks[k].key not in value_lines:
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
            junk=junk, same_line_rows=dict(line_labels.get(t.key, {}))))
        prev, text_since = t, False
    return kept, out


@dataclass
class TableReader:
    table: Table
    report: Report
    source: str | None
    # Relations within one row (per "row" rules of the form): (left columns, right columns).
    row_relations: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # Every relation within the table, as signed keys: (left terms, right terms).
    table_relations: tuple = ()
    filled: dict[str, Row] = field(default_factory=dict)

    def _prov(self, t: Tok, unit: str | None = None) -> Provenance:
        return Provenance(self.source, t.page, t.line, t.parsed.raw if t.parsed else t.text, unit, t.confidence)

    def _store(self, key: str, col: Column, t: Tok, label: str) -> None:
        p = t.parsed
        if t.review:
            self.report.warn("ocr_misread", f"{self.report_label(key)}：{t.review}", key=key,
                             section=self.table.section, provenance=self._prov(t))
            self.report.values[key] = Value(to_number(p.value), replace(self._prov(t), review=t.review))
            return
        if t.misread:
            why = f"文字识别（OCR）把这一格读成“{p.raw}”，不是数字，记为空值，请对照原件填写"
            self.report.warn("ocr_misread", f"{self.report_label(key)}：{why}", key=key,
                             section=self.table.section, provenance=self._prov(t))
            self.report.values[key] = Value(None, replace(self._prov(t), review=why))
            return
        if p.value is None:
            what = "空白" if p.blank else f"“{p.raw}”"
            self.report.blank_cells[key] = "" if p.blank else p.raw
            self.report.warn("blank_cell", f"{self.report_label(key)}为{what}，记为空值（不按0计）",
                             key=key, section=self.table.section, provenance=self._prov(t))
            self.report.values[key] = Value(None, self._prov(t))
            return
        value, unit = p.value, p.unit
        if value < 0 and col.kind != "signed":
            # A count or an amount is never negative: a dash read into the number (OCR, a rule).
            why = f"“{p.raw}”是负数，但这一格不能为负（可能把横线读进了数字），记为空值，请对照原件填写"
            self.report.warn("negative_value", f"{self.report_label(key)}：{why}", key=key,
                             section=self.table.section, provenance=self._prov(t))
            self.report.values[key] = Value(None, replace(self._prov(t), review=why))
            return
        if col.kind == "money":
            value, unit = self._money(key, col, p, label, t)
        self.report.values[key] = Value(to_number(value), self._prov(t, unit))

    def _money(self, key: str, col: Column, p: Parsed, label: str, t: Tok):
        factors = dict(col.units)
        unit = p.unit
        if unit is None:
            m = re.search(r"(?:金额|单位)[(:：]*(?:单位[:：])?(万元|元)", label)
            unit = m.group(1) if m else None
        if unit is None:
            unit = col.unit
            if p.value != 0:
                self.report.warn("unit_assumed", f"{self.report_label(key)}未注明单位，按{col.unit}计",
                                 key=key, section=self.table.section, provenance=self._prov(t))
        return p.value * Decimal(str(factors.get(unit, 1))), unit

    def report_label(self, key: str) -> str:
        section, row_id, col_id = key.split(".")
        row = next(r for r in self.table.rows if r.id == row_id)
        return f"“{row.label}”行“{self.table.column(col_id).label}”"

    def _row_label(self, i: int | None) -> str:
        return "（不属于任何行）" if i is None else f"“{self.table.rows[i].label}”"

    def read(self, toks: list[Tok]) -> int:
        """Fill the report's values for this table; returns how many non-blank cells were read."""
        rows = self.table.rows
        if not any(t.kind == "val" for t in toks):
            return 0
        slots = []
        for row in rows:
            cols = self.table.row_columns(row)
            slots.append(al.Slot(len(cols), tuple(c.kind == "signed" for c in cols),
                                 tuple(c.kind == "money" for c in cols)))
        # The label text of the table: money units stated in a header (采购总金额（元）).
        header = "".join(t.text for t in toks if t.kind == "text")
        toks, stream = to_stream(toks, rows, self.table.layout == "flat", [s.ncols for s in slots])
        if len(stream) > MAX_TOKENS:
            # Far more than any printed form table holds: not a table to align, and aligning it
            # would cost time and memory in proportion.
            self.report.warn("table_too_long",
                             f"表格{self.table.section}所在部分有 {len(stream)} 段文字和数字，远多于国家表式的表格，"
                             f"未作识别，请核对原件", section=self.table.section)
            return 0
        result = al.align(stream, slots, flat=self.table.layout == "flat")
        value_index = [n for n, t in enumerate(toks) if t.kind == "val"]
        by_row: dict[int, list[tuple[int, Tok, al.Placement]]] = {}
        owner: dict[int, int | None] = {}
        junk: list[tuple[Tok, al.Placement]] = []
        for p, n in zip(result.placements, value_index):
            owner[n] = p.row
            if p.row is None:
                junk.append((toks[n], p))
            else:
                by_row.setdefault(p.row, []).append((p.col, toks[n], p))
        placed_rows = {i: sorted(items, key=lambda x: x[0]) for i, items in by_row.items()}
        damaged = self._rejoin(placed_rows, junk, toks)
        pos = {id(t): n for n, t in enumerate(toks)}
        positions = {i: [pos[id(t)] for _c, t, _p in items] for i, items in placed_rows.items()}
        ncols = [s.ncols for s in slots]
        trusted = ev.trusted_rows(stream, owner, positions, ncols, self.table.layout == "flat",
                                  lambda i: self._proven(rows[i], [t for _c, t, _p in placed_rows[i]]),
                                  result.label_side)
        for i in self._across_headings(toks, positions):
            if trusted.get(i) != "relation":
                trusted.pop(i, None)
        if len(trusted) < len(rows) and not damaged and self._table_proven(placed_rows, junk):
            trusted = {i: "table" for i in placed_rows}
        if len(trusted) < len(rows) and (in_order := self._order_proof(toks)) is not None:
            # The numbers in print order fill the table exactly and every relation holds: the
            # labels (wherever the dump put them) are not needed.
            placed_rows, junk, damaged = in_order, [], {}
            trusted = {i: "table" for i in placed_rows}
        if len(trusted) < len(rows) and (by_cols := cm.read_tokens(
                self.table, self.table_relations, toks, self._relations_prove,
                ONE_ROW_GROUP.get(self.table.section, ()),
                {i: [t.parsed.value for _c, t, _p in placed_rows[i]] for i in trusted if i in placed_rows})) is not None:
            # Printed block by block, column by column (a rotated page's dump): the one way the
            # blocks tile the table with every relation holding.
            placed_rows, junk, damaged = {i: [(c, t, al.Placement(-1, i, c, al.MARGIN, None)) for c, t in items]
                                          for i, items in by_cols.items()}, [], {}
            trusted = {i: "table" for i in placed_rows}
            self.report.warnings.append(Finding(
                "column_major", f"表格{self.table.section}的数字按印出的分块（逐列或逐行，如横排页面的文本）"
                                f"还原到表格的行列：全部勾稽关系成立，且只有这一种还原方式成立", "info",
                section=self.table.section))
            for i, items in by_cols.items():
                if wrapped := [t for _c, t in items if t.joined]:
                    self.report.warn("wrapped_number", f"“{rows[i].label}”行有数字折行印在两行，已按表格勾稽关系合并："
                                     + "、".join(f"{t.joined}→{t.parsed.raw}" for t in wrapped),
                                     section=self.table.section, provenance=self._prov(wrapped[0]))
        if len(trusted) < len(rows) and self._all_zero(toks):
            return self._fill_zeros(toks)
        # A number alone at a page's edge may be the page number: a row that took one needs a proof.
        for i, items in placed_rows.items():
            if any(t.edge for _c, t, _p in items) and trusted.get(i) not in ("relation", "table", "line"):
                trusted.pop(i, None)
        count = 0
        for i, row in enumerate(rows):
            placed = placed_rows.get(i)
            if not placed:
                continue
            if i in damaged:
                self._null_row(row, placed, "damaged_row", damaged[i])
                continue
            count += self._fill(row, placed, header, i in trusted)
        self._report_junk(junk, by_row, toks)
        return count

    def _across_headings(self, toks: list[Tok], positions: dict[int, list[int]]) -> list[int]:
        """Rows whose numbers stand on both sides of another group's printed heading (第二十条第
        （九）项 between two numbers of a 第（八）项 row): a row is printed under its own heading,
        so such a placement borrowed a number from the next block. Order alone no longer vouches
        for it."""
        if self.table.layout == "flat":
            return []
        rows = self.table.rows
        headings = {squash(nfkc(r.group)): r.group for r in rows if r.group}
        out = []
        for i, where in positions.items():
            others = [h for h, g in headings.items() if g != rows[i].group]
            between = (t for t in toks[min(where):max(where)] if t.kind == "text")
            if any(h in squash(nfkc(t.text)) for t in between for h in others):
                out.append(i)
        return out

    def _all_zero(self, toks: list[Tok]) -> bool:
        """The table's region prints exactly as many numbers as the table has cells, all 0 and
        none blank: whatever the order, every cell is 0."""
        vals = [t for t in toks if t.kind == "val" and not t.numbering and not t.edge]
        return len(vals) == len(self.table.keys()) and all(t.parsed.value == 0 and t.parsed.raw for t in vals)

    def _fill_zeros(self, toks: list[Tok]) -> int:
        vals = [t for t in toks if t.kind == "val" and not t.numbering and not t.edge]
        for key, t in zip(self.table.keys(), vals):
            self.report.values[key] = Value(0, self._prov(t))
        self.filled.update({r.id: r for r in self.table.rows})
        self.report.warnings.append(Finding(
            "all_zero", f"表格{self.table.section}的行与数字无法逐一对应，但所印{len(vals)}个数字恰为"
                        f"全表的格数且全为0，故各格均记为0", "info", section=self.table.section))
        return 0

    def _table_proven(self, placed_rows, junk) -> bool:
        """Every row printed and complete, no stray number, and every relation of the table
        holding on the numbers as placed, some of them on non-zero numbers: read in any other
        order (column by column, shifted by a row) they would not add up.

        Two rows swapped inside one group would still add up; a stream of numbers in print
        order (what this proves about) does not swap rows."""
        if not self.table_relations:
            return False
        rows = self.table.rows
        if set(placed_rows) != set(range(len(rows))):
            return False
        if any(t.parsed.value is not None and not t.edge and not t.numbering for t, _p in junk):
            return False
        for i, items in placed_rows.items():
            if len(items) != len(self.table.row_columns(rows[i])):
                return False
        return self._relations_prove(placed_rows)

    def _relations_prove(self, placed_rows) -> bool:
        """Every relation of the table holds on the numbers as placed, three or more of them on
        non-zero numbers."""
        rows = self.table.rows
        values: dict[str, Decimal] = {}
        for i, items in placed_rows.items():
            cols = self.table.row_columns(rows[i])
            for c, t, _p in items:
                values[f"{self.table.section}.{rows[i].id}.{cols[c].id}"] = t.parsed.value or Decimal(0)
        nontrivial = 0
        for left, right in self.table_relations:
            lv = sum(values.get(k, Decimal(0)) * sign for k, sign in left)
            rv = sum(values.get(k, Decimal(0)) * sign for k, sign in right)
            if lv != rv:
                return False
            nontrivial += lv != 0
        return nontrivial >= 3

    def _order_proof(self, toks: list[Tok]):
        """The table's numbers in print order, row after row, when that is the one reading that
        works. A dump that lost the labels' places (every label after the numbers, headers in
        pieces between them) still prints the numbers in order; a dump read column by column
        would not add up. Row by row, the next numbers are taken as printed, or with a number
        alone at a page's edge left out (a page number), or with a number wrapped over two
        lines joined (``153`` then ``4``: 1534) where the row's relation proves the join.
        Accepted when the numbers fill the table exactly, every relation of the table holds
        (``_relations_prove``), and no other reading does the same.
        """
        if not self.table_relations:
            return None
        rows = self.table.rows
        vals = [t for t in toks if t.kind == "val" and not t.numbering]
        if sum(t.edge for t in vals) > 6:
            return None
        omissible = {rows.index(r) for r in rows if r.id in ONE_ROW_GROUP.get(self.table.section, ())}
        found: list[dict] = []
        budget = [20000]

        def parse(printed: list[int], k: int, p: int, placed: dict) -> None:
            budget[0] -= 1
            if budget[0] < 0 or len(found) > 1:
                return
            if k == len(printed):
                if all(t.edge for t in vals[p:]) and self._relations_prove(placed):
                    found.append(dict(placed))
                return
            i = printed[k]
            row = rows[i]
            n = len(self.table.row_columns(row))
            for cells in _row_readings(vals, p, n):
                got, q = cells
                if any(t.joined for t in got) and self._relation_holds(row, [t.parsed.value for t in got]) is not True:
                    continue
                if self._relation_holds(row, [t.parsed.value for t in got]) is False:
                    continue
                placed[i] = [(c, t, al.Placement(-1, i, c, al.MARGIN, None)) for c, t in enumerate(got)]
                parse(printed, k + 1, q, placed)
                del placed[i]

        for omitted in ((), tuple(omissible)) if omissible else ((),):
            parse([i for i in range(len(rows)) if i not in omitted], 0, 0, {})
        if budget[0] < 0 or len(found) != 1:
            return None
        for i, items in found[0].items():
            if any(t.joined for _c, t, _p in items):
                self.report.warn("wrapped_number",
                                 f"“{rows[i].label}”行有数字折行印在两行，已按本行勾稽关系合并："
                                 + "、".join(f"{t.joined}→{t.parsed.raw}" for _c, t, _p in items if t.joined),
                                 section=self.table.section, provenance=self._prov(items[0][1]))
        return found[0]

    def _relation_holds(self, row: Row, values: list[Decimal | None]) -> bool | None:
        """The row's relations on its values (a blank part as 0); None when it has none, or when
        the total they check is blank (not checkable, as the checks say too)."""
        cols = [c.id for c in self.table.row_columns(row)]
        result = None
        for left, right in self.row_relations:
            if not all(c in cols for c in left + right) or len(values) != len(cols):
                continue
            if any(values[cols.index(c)] is None for c in left):
                continue
            get = lambda c: values[cols.index(c)] or 0  # noqa: E731
            ok = sum(get(c) for c in left) == sum(get(c) for c in right)
            result = ok if result is None else (result and ok)
        return result

    def _rejoin(self, placed_rows, junk: list[tuple[Tok, al.Placement]], toks: list[Tok]) -> dict[int, str]:
        """Join numbers wrapped over two lines into rows whose relation they prove (``wrapped``);
        returns the rows left damaged (relation failing beside loose numbers), with why."""
        damaged: dict[int, str] = {}
        loose_toks = [t for t, _p in junk if t.parsed.value is not None]
        used: set[int] = set()
        pos = {id(t): n for n, t in enumerate(toks)}
        taken = sorted(pos[id(t)] for items in placed_rows.values() for _c, t, _p in items)
        for i, items in placed_rows.items():
            row = self.table.rows[i]
            cols = self.table.row_columns(row)
            if len(items) != len(cols):
                continue
            values = [t.parsed.value for _c, t, _p in items]
            if self._relation_holds(row, values) is not False:
                continue
            lines = [t.key[1] for _c, t, _p in items]
            first, last = min(lines), max(lines)
            # loose numbers in the gaps to the rows before and after this one in the stream
            mine = [pos[id(t)] for _c, t, _p in items]
            lo = max((q for q in taken if q < min(mine)), default=-1)
            hi = min((q for q in taken if q > max(mine)), default=len(toks))
            near = [t for t in loose_toks if id(t) not in used and lo < pos[id(t)] < hi and t.key[1] not in lines]
            if not near:
                continue  # the report's own arithmetic: kept as printed, the checks will say so
            rc_to_c = {t.rcol: c for c, t, _p in items if t.rcol is not None}
            pieces = [wr.Piece(t.key[1], t.rcol, t.parsed.raw) for t in near if t.rcol is not None]
            joined: dict[int, tuple[str, Parsed]] = {}  # column -> (how it was printed, joined)
            if len(rc_to_c) == len(cols) and pieces:
                def holds(by_rcol, rc_to_c=rc_to_c, row=row, n=len(cols)):
                    vals = [None] * n
                    for r, v in by_rcol.items():
                        if r in rc_to_c:
                            vals[rc_to_c[r]] = v
                    return self._relation_holds(row, vals) is True

                join = wr.plan([(t.rcol, t.parsed) for _c, t, _p in items], (first, last), pieces, holds)
                if join is not None:
                    for r, parsed in join.cells.items():
                        parts = [p.raw for p in join.used if p.rcol == r and p.line < first]
                        own = [items[rc_to_c[r]][1].parsed.raw] if items[rc_to_c[r]][1].parsed.value is not None else []
                        parts += own + [p.raw for p in join.used if p.rcol == r and p.line > last]
                        joined[rc_to_c[r]] = ("/".join(parts), parsed)
                    for t in near:
                        if any(p.line == t.key[1] and p.rcol == t.rcol for p in join.used):
                            used.add(id(t))
            elif not pieces:
                # a reading-order dump: no columns, only the order of the pieces
                lo_pos, hi_pos = min(mine), max(mine)
                before = [t for t in near if pos[id(t)] < lo_pos]
                after = [t for t in near if pos[id(t)] > hi_pos]
                got = wr.plan_stream([t.parsed for _c, t, _p in items], [t.parsed.raw for t in before],
                                     [t.parsed.raw for t in after],
                                     lambda vals, row=row: self._relation_holds(row, vals) is True)
                if got is not None:
                    side = before if any(pos[id(t)] < lo_pos for t in near) and got and len(before) == len(got) else after
                    for (c, parsed), t in zip(sorted(got.items()), side):
                        own = items[c][1].parsed.raw
                        shown = f"{t.parsed.raw}/{own}" if side is before else f"{own}/{t.parsed.raw}"
                        joined[c] = (shown, parsed)
                        used.add(id(t))
            if not joined:
                shown = " ".join(t.parsed.raw for t in near)
                damaged[i] = (f"“{row.label}”行的数字不满足本行的勾稽关系，旁边还有未能归属的数字（{shown}），"
                              f"可能有数字折行或错位，本行记为空值，请对照原件核对")
                continue
            for c, (shown, parsed) in joined.items():
                t = items[c][1]
                t.joined, t.parsed = shown, parsed
            self.report.warn("wrapped_number",
                             f"“{row.label}”行有数字折行印在两行，已按本行勾稽关系合并："
                             + "、".join(f"{t.joined}→{t.parsed.raw}" for _c, t, _p in items if t.joined),
                             section=self.table.section, provenance=self._prov(items[0][1]))
        junk[:] = [(t, p) for t, p in junk if id(t) not in used]
        return damaged

    def _null_row(self, row: Row, placed, code: str, message: str, severity: str = "warning") -> int:
        """Leave a row null because its reading is in doubt: one finding naming every cell, and
        each cell marked for review (orange in the workbook, the reason in its comment)."""
        where = self._prov(placed[0][1])
        keys = tuple(f"{self.table.section}.{row.id}.{col.id}" for col in self.table.row_columns(row))
        self.report.warnings.append(Finding(code, message, severity, key=keys[0], section=self.table.section,
                                            provenance=where, keys=keys))
        flagged = replace(where, review=message)
        for key in keys:
            self.report.values[key] = Value(None, flagged)
        return 0

    def _fill(self, row: Row, placed: list[tuple[int, Tok, al.Placement]], header: str, anchored: bool) -> int:
        self.filled[row.id] = row
        cols = self.table.row_columns(row)
        section = self.table.section
        shown = " ".join(t.parsed.raw or "空" for _c, t, _p in placed)
        where = self._prov(placed[0][1])

        def null_row(code: str, message: str) -> int:
            return self._null_row(row, placed, code, message)

        if len(placed) < len(cols):
            # Which columns the missing numbers belong to cannot be told: none is guessed.
            return null_row("missing_numbers",
                            f"“{row.label}”行应有{len(cols)}个数字，只读到{len(placed)}个（{shown}），"
                            f"无法确定各属哪一列，本行记为空值，请核对")
        placed = self._read_lookalikes(row, placed)
        unsure = [(c, t, p) for c, t, p in placed if p.margin < al.MARGIN]
        if unsure:
            me = self.table.rows.index(row)
            rivals = sorted({p.rival[0] for _c, _t, p in unsure if p.rival and p.rival[0] != me},
                            key=lambda x: (x is None, x or 0))
            names = "、".join(self._row_label(r) for r in rivals) or "本行其他列"
            return null_row("uncertain_row",
                            f"“{row.label}”行的数字（{shown}）也可能属于{names}，版式无法确定，"
                            f"本行记为空值，请对照原件核对")
        values = [t.parsed.value for _c, t, _p in placed]
        if (any(t.confidence is not None for _c, t, _p in placed) and None in values
                and self._relation_holds(row, values) is False):
            # OCR left a cell empty and the row does not add up: a number it did not see, or saw
            # wrong; a printed error is not told apart from a misreading here.
            return null_row("damaged_row",
                            f"“{row.label}”行文字识别（OCR）得到的数字（{shown}）有空格且不满足本行的勾稽关系，"
                            f"可能有数字未识别或识别有误，本行记为空值，请对照原件填写")
        if not anchored and not self._proven(row, [t for _c, t, _p in placed]):
            return null_row("unanchored_row",
                            f"“{row.label}”行的数字（{shown}）旁边没有本行的标签，只能按顺序推断，"
                            f"且无法用本行的勾稽关系证实，本行记为空值，请对照原件核对")
        n = 0
        for c, t, _p in placed:
            col = cols[c]
            self._store(f"{section}.{row.id}.{col.id}", col, t, header)
            n += 0 if t.parsed.value is None else 1
        return n

    def _read_lookalikes(self, row: Row, placed):
        """OCR cells of digit look-alikes (D or o for 0) read as those digits where the row's
        relation then holds and proves them: the misread cells all on one side of every
        relation (two on opposite sides could be 8 and 8 as well as 0 and 0). Still flagged
        for review, with the reason."""
        mis = {c: _lookalike_value(t.parsed.raw) for c, t, _p in placed if t.misread}
        if not mis or None in mis.values():
            return placed
        cols = [c.id for c in self.table.row_columns(row)]
        ids = {cols[c] for c in mis}
        for left, right in self.row_relations:
            if all(c in cols for c in left + right) and not (ids <= set(left) or ids <= set(right)):
                return placed
        values = [mis.get(c, t.parsed.value) for c, t, _p in placed]
        if self._relation_holds(row, values) is not True:
            return placed
        out = []
        for c, t, p in placed:
            if c in mis:
                why = (f"文字识别（OCR）读作“{t.parsed.raw}”，按本行勾稽关系应为 {mis[c]}，"
                       f"已按 {mis[c]} 填入，请对照原件核对")
                t = replace(t, parsed=Parsed(mis[c], str(mis[c])), misread=False, review=why)
            out.append((c, t, p))
        return out

    def _proven(self, row: Row, vals: list[Tok]) -> bool:
        """A row relation (总计 = the sum of its parts) holds on the row's printed numbers, with
        two parts or more non-zero: zeros, or one number copied into the total, would satisfy
        it in any order."""
        nums = [t.parsed.value for t in vals]
        cols = [c.id for c in self.table.row_columns(row)]
        if len(nums) != len(cols):
            return False
        checked = False
        for left, right in self.row_relations:
            if not all(c in cols for c in left + right):
                continue
            get = lambda c: nums[cols.index(c)] or 0  # noqa: E731
            if sum(get(c) for c in left) != sum(get(c) for c in right):
                return False
            if sum(1 for c in left + right if get(c) != 0) < 3:
                return False
            checked = True
        return checked

    def _report_junk(self, junk: list[tuple[Tok, al.Placement]], by_row, toks: list[Tok]) -> None:
        """Name every number left out, by the row it stands beside: on the row's own line (an
        extra cell, a page number glued on), or after it (a page number, a stray figure)."""
        shown = [t for t, p in junk if t.parsed.value is not None and not t.numbering]
        if not shown:
            return
        pos = {id(t): n for n, t in enumerate(toks)}
        owner_at = sorted((pos[id(t)], i) for i, items in by_row.items() for _c, t, _p in items)
        lines = {i: {t.key for _c, t, _p in items} for i, items in by_row.items()}
        groups: dict[tuple[str, int | None], list[Tok]] = {}
        for t in shown:
            beside = next((i for i, ls in lines.items() if t.key in ls), None)
            if beside is not None:
                groups.setdefault(("extra", beside), []).append(t)
                continue
            before = [i for q, i in owner_at if q < pos[id(t)]]
            groups.setdefault(("loose", before[-1] if before else None), []).append(t)
        for (kind, i), ts in groups.items():
            nums = " ".join(t.parsed.raw for t in ts)
            if kind == "extra":
                self.report.warn("extra_numbers", f"“{self.table.rows[i].label}”行多出数字 {nums}"
                                 f"（可能是页码或栏目编号），已忽略",
                                 section=self.table.section, provenance=self._prov(ts[0]))
            elif i is None:
                self.report.warn("unmatched_numbers", f"表格{self.table.section}开头有未能对应到行的数字 {nums}，已忽略",
                                 section=self.table.section, provenance=self._prov(ts[0]))
            else:
                self.report.warn("unmatched_numbers", f"“{self.table.rows[i].label}”行之后有未能对应到行的数字 {nums}"
                                 f"（可能是页码），已忽略",
                                 section=self.table.section, provenance=self._prov(ts[0]))
