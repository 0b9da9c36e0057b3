"""Read a form table out of the lines of its section.

The lines become one stream of tokens (label text, numbers, blank cells, row
ends). Every run of numbers is given to the row whose label fragment ends
closest before it: labels wrap over lines, break across pages and carry stray
page numbers, but they always precede their numbers. Rows are never taken by
position alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..document import Line
from ..forms import Column, Row, Table
from ..model import Provenance, Report, Value
from .numbers import Parsed, is_page_number, parse_cell, split_text, squash, to_number


@dataclass
class Tok:
    kind: str  # "text" | "val" | "end"
    text: str = ""
    parsed: Parsed | None = None
    page: int | None = None
    line: int | None = None
    confidence: float | None = None


def tokenize(lines: list[Line]) -> list[Tok]:
    toks: list[Tok] = []
    for ln in lines:
        if ln.cells is not None:
            for i, cell in enumerate(ln.cells):
                conf = ln.confidences[i] if ln.confidences and i < len(ln.confidences) else None
                p = parse_cell(cell)
                if p is None:
                    # A cell may still hold label and number together ("规章 3"), as OCR and
                    # loose layouts produce; split it like free text.
                    for piece in split_text(cell):
                        toks.append(_tok(piece, ln, conf))
                else:
                    toks.append(Tok("val", parsed=p, page=ln.page, line=ln.line, confidence=conf))
            toks.append(Tok("end"))
        else:
            if is_page_number(ln.text):
                continue
            conf = ln.confidences[0] if ln.confidences else None  # an OCR'd text line: one for all
            for piece in split_text(ln.text):
                toks.append(_tok(piece, ln, conf))
    return toks


def _tok(piece, ln: Line, conf) -> Tok:
    if isinstance(piece, Parsed):
        return Tok("val", parsed=piece, page=ln.page, line=ln.line, confidence=conf)
    return Tok("text", text=squash(piece), page=ln.page, line=ln.line)


@dataclass
class Group:
    label: str
    vals: list[Tok]
    first_text_line: int | None = None


def groups(toks: list[Tok]) -> list[Group]:
    """Runs of values with the label text gathered since the previous run.

    Runs of blank cells are kept (a row may be printed entirely blank); the reader
    decides whether such a run belongs to a row or is a header's empty cells.
    """
    out: list[Group] = []
    label: list[str] = []
    run: list[Tok] = []

    def close():
        nonlocal run, label
        if run:
            out.append(Group("".join(label), run))
            run, label = [], []

    for t in toks:
        if t.kind == "val":
            run.append(t)
        elif t.kind == "end":
            close()
        else:
            close()
            label.append(t.text)
    close()
    return out


def match_row(label: str, rows: tuple[Row, ...]) -> Row | None:
    """The row whose fragment ends last in the label text (nearest its numbers)."""
    best, best_end = None, -1
    for row in rows:
        for frag in row.fragments:
            pos = label.rfind(frag)
            if pos >= 0 and pos + len(frag) > best_end:
                best, best_end = row, pos + len(frag)
    return best


def _trim(vals: list[Tok], n: int) -> list[Tok]:
    vals = list(vals)
    while len(vals) > n and vals[-1].parsed.blank:
        vals.pop()
    while len(vals) > n and vals[0].parsed.blank:
        vals.pop(0)
    return vals


@dataclass
class TableReader:
    table: Table
    report: Report
    source: str | None
    filled: dict[str, Row] = field(default_factory=dict)

    def _prov(self, t: Tok, unit: str | None = None) -> Provenance:
        return Provenance(self.source, t.page, t.line, t.parsed.raw if t.parsed else t.text, unit, t.confidence)

    def _store(self, key: str, col: Column, t: Tok, label: str) -> None:
        p = t.parsed
        if p.value is None:
            what = "空白" if p.blank else f"“{p.raw}”"
            self.report.warn("blank_cell", f"{self.report_label(key)}为{what}，记为空值（不按0计）",
                             key=key, section=self.table.section, provenance=self._prov(t))
            self.report.values[key] = Value(None, self._prov(t))
            return
        value, unit = p.value, p.unit
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

    def read(self, toks: list[Tok]) -> int:
        """Fill the report's values for this table; returns how many cells were read."""
        if self.table.layout == "flat":
            return self._read_flat(toks)
        count = 0
        carried = ""  # label text of blank runs that matched no row: it belongs to what follows
        blank_rows: dict[str, tuple[Row, Group]] = {}
        for g in groups(toks):
            label = carried + g.label
            row = match_row(label, self.table.rows)
            nonblank = [t for t in g.vals if not t.parsed.blank]
            if not nonblank:
                if row is None:
                    carried = label
                else:
                    # A row printed all blank; a later run with numbers for the same row wins
                    # (a label split by a page break leaves a blank first half).
                    blank_rows.setdefault(row.id, (row, Group(label, g.vals)))
                    carried = ""
                continue
            carried = ""
            if row is None:
                self.report.warn("unmatched_numbers",
                                 f"表格{self.table.section}中有未能对应到行的数字：{' '.join(t.parsed.raw for t in nonblank)}",
                                 section=self.table.section, provenance=self._prov(nonblank[0]))
                continue
            if row.id in self.filled:
                self.report.warn("duplicate_row", f"“{row.label}”行重复出现，保留第一次的数字",
                                 section=self.table.section, provenance=self._prov(nonblank[0]))
                continue
            count += self._fill(row, g)
        for row_id, (row, g) in blank_rows.items():
            if row_id not in self.filled:
                self._fill(row, g)
        return count

    def _fill(self, row: Row, g: Group) -> int:
        self.filled[row.id] = row
        cols = self.table.row_columns(row)
        vals = _trim(g.vals, len(cols))
        if len(vals) > len(cols):
            extra = vals[len(cols):]
            self.report.warn("extra_numbers",
                             f"“{row.label}”行多出数字 {' '.join(t.parsed.raw for t in extra)}（可能是页码），已忽略",
                             section=self.table.section, provenance=self._prov(extra[0]))
            vals = vals[:len(cols)]
        elif len(vals) < len(cols):
            self.report.warn("missing_numbers",
                             f"“{row.label}”行应有{len(cols)}个数字，只读到{len(vals)}个，缺少的记为空值，请核对",
                             section=self.table.section, provenance=self._prov(vals[0]))
        for col, t in zip(cols, vals):
            self._store(f"{self.table.section}.{row.id}.{col.id}", col, t, g.label)
        return sum(1 for t in vals if not t.parsed.blank)

    def _read_flat(self, toks: list[Tok]) -> int:
        keys = self.table.keys()
        vals: list[Tok] = []
        for g in groups(toks):
            # Header and spacer rows leave runs of empty cells; a run with a number is data.
            if any(not t.parsed.blank for t in g.vals):
                vals.extend(g.vals)
        vals = _trim(vals, len(keys))
        if not vals:
            return 0
        if len(vals) != len(keys):
            self.report.warn("flat_count",
                             f"表格{self.table.section}应有{len(keys)}个数字，读到{len(vals)}个，请核对",
                             section=self.table.section, provenance=self._prov(vals[0]))
        for key, t in zip(keys, vals):
            self._store(key, self.table.column(key.split(".")[2]), t, "")
        return sum(1 for t in vals[:len(keys)] if not t.parsed.blank)
