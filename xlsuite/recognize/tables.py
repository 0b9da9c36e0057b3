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
from decimal import Decimal

from ..forms import Column, Row, Table
from ..model import Finding, Provenance, Report, Value
from . import align as al
from . import colmajor as cm
from . import evidence as ev
from . import wrapped as wr
from .numbers import Parsed, nfkc, squash, to_number
from .proofs import ONE_ROW_GROUP, Proofs
from .tokens import MAX_TOKENS, Tok, lookalike_value, to_stream


# A line of this many numbers left to no row is a row's worth, not a stray figure.
_ORPHAN_LINE = 3


def _stray(junk: list[tuple[Tok, al.Placement]]) -> list[Tok]:
    """The numbers no row took that are not explained away: not the columns' numbering, not a
    page number at a page's edge, not an empty cell."""
    return [t for t, _p in junk if t.parsed.value is not None and not t.numbering and not t.edge]


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

    def __post_init__(self) -> None:
        self.proofs = Proofs(self.table, self.row_relations, self.table_relations)

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
                                  lambda i: self.proofs.row_proven(rows[i], [t for _c, t, _p in placed_rows[i]]),
                                  result.label_side)
        straddled = {i: h for i, h in self._across_headings(toks, positions).items() if trusted.get(i) != "relation"}
        for i in straddled:
            trusted.pop(i, None)
        if len(trusted) < len(rows) and not damaged and self.proofs.table_proven(placed_rows, junk):
            trusted = {i: "table" for i in placed_rows}
        if len(trusted) < len(rows) and (in_order := self.proofs.in_print_order(toks)) is not None:
            # The numbers in print order fill the table exactly and every relation holds: the
            # labels (wherever the dump put them) are not needed.
            for i, items in in_order.items():
                self._note_joined(i, [t for _c, t, _p in items], "本行", items[0][1])
            placed_rows, junk, damaged = in_order, [], {}
            trusted = {i: "table" for i in placed_rows}
        if len(trusted) < len(rows) and (by_cols := cm.read_tokens(
                self.table, self.table_relations, toks, self.proofs.relations_prove,
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
                self._note_joined(i, [t for _c, t in items], "表格")
        if len(trusted) < len(rows) and self.proofs.all_zero(toks):
            return self._fill_zeros(toks)
        # A number alone at a page's edge may be the page number: a row that took one needs a proof.
        for i, items in placed_rows.items():
            if any(t.edge for _c, t, _p in items) and trusted.get(i) not in ("relation", "table", "line"):
                trusted.pop(i, None)
        crowded = self._crowded(placed_rows, junk)
        shifted = self._shifted(placed_rows, junk, toks, trusted, result.label_side)
        told: set = set()
        count = 0
        for i, row in enumerate(rows):
            placed = placed_rows.get(i)
            if not placed:
                continue
            if i in damaged:
                self._null_row(row, placed, "damaged_row", damaged[i])
                continue
            if i in shifted:
                self._null_row(row, placed, "shifted_rows", shifted[i])
                continue
            n = self._fill(row, placed, header, i in trusted, straddled.get(i), crowded.get(i))
            if n is None:  # left null for its extra numbers, which the finding names
                told.update(u.key for _c, u, _p in placed)
            count += n or 0
        self._report_junk([(t, p) for t, p in junk if t.key not in told], by_row, toks)
        return count

    def _shifted(self, placed_rows, junk: list[tuple[Tok, al.Placement]], toks: list[Tok],
                 trusted: dict[int, str], side: str) -> dict[int, str]:
        """Rows that may each hold a neighbour's numbers: a line's worth of numbers (three or more
        on one line) was left to no row, so the labels and the lines of numbers do not pair one to one from
        there on. With labels read before their numbers, the rows after that line may each have
        taken the next row's numbers (the labels were printed after them), up to the first row
        left without numbers, where the pairs meet again; with labels after, the rows before it.
        Rows whose label stands on their own line of numbers are kept; a row's own relation
        proves nothing here (a neighbour's numbers add up as well). Returns {row: why}."""
        by_line: dict[tuple, list[Tok]] = {}
        for t in _stray(junk):
            by_line.setdefault(t.key, []).append(t)
        orphans = [ts for ts in by_line.values() if len(ts) >= _ORPHAN_LINE]
        if not orphans or self.table.layout == "flat":
            return {}
        pos = {id(t): n for n, t in enumerate(toks)}
        starts = sorted((min(pos[id(u)] for _c, u, _p in items), i) for i, items in placed_rows.items())
        out: dict[int, str] = {}
        for ts in orphans:
            q = pos[id(ts[0])]
            walk = [i for p, i in starts if p > q] if side == "before" else [i for p, i in reversed(starts) if p < q]
            region: list[int] = []
            for i in walk:
                if region and abs(i - region[-1]) != 1:
                    break  # a row between them got no numbers: the pairs meet again here
                region.append(i)
            shown = " ".join(t.parsed.raw for t in ts)
            for i in region:
                if trusted.get(i) in ("line", "table"):
                    continue
                out[i] = (f"表格中有一整行数字（{shown}）未能对应到任何行，其后（或其前）各行的标签与数字可能错开了一行，"
                          f"“{self.table.rows[i].label}”行可能取了相邻行的数字，本行记为空值，请对照原件核对")
        return out

    def _crowded(self, placed_rows, junk: list[tuple[Tok, al.Placement]]) -> dict[int, str]:
        """Rows whose own printed line holds more numbers than the row takes, and whose relation
        does not prove the numbers it took: which of them are the row's cells (9487 printed as
        "94 87" over two spans of a web page, a stray figure in a cell) cannot be told.
        Returns {row: why it is left null}."""
        extra: dict[int, list[Tok]] = {}
        for t in _stray(junk):
            for i, items in placed_rows.items():
                if any(u.key == t.key for _c, u, _p in items):
                    extra.setdefault(i, []).append(t)
        out: dict[int, str] = {}
        for i, ts in extra.items():
            row, items = self.table.rows[i], placed_rows[i]
            if self.proofs.row_proven(row, [u for _c, u, _p in items]):
                continue
            shown = " ".join(u.parsed.raw or "空" for _c, u, _p in items)
            more = " ".join(t.parsed.raw for t in ts)
            out[i] = (f"“{row.label}”行所在的一行印有多于本行格数的数字（{shown}，另有 {more}），"
                      f"无法确定哪些是本行的数字（也可能是一个数字被拆开），本行记为空值，请对照原件核对")
        return out

    def _across_headings(self, toks: list[Tok], positions: dict[int, list[int]]) -> dict[int, str]:
        """Rows whose numbers stand on both sides of another group's printed heading (第二十条第
        （九）项 between two numbers of a 第（八）项 row): a row is printed under its own heading,
        so such a placement borrowed a number from the next block. Order alone no longer vouches
        for it. Returns {row: the heading it straddles}."""
        if self.table.layout == "flat":
            return {}
        rows = self.table.rows
        headings = {squash(nfkc(r.group)): r.group for r in rows if r.group}
        out: dict[int, str] = {}
        for i, where in positions.items():
            others = [h for h, g in headings.items() if g != rows[i].group]
            between = [t for t in toks[min(where):max(where)] if t.kind == "text"]
            crossed = next((headings[h] for t in between for h in others if h in squash(nfkc(t.text))), None)
            if crossed is not None:
                out[i] = crossed
        return out

    def _fill_zeros(self, toks: list[Tok]) -> int:
        vals = [t for t in toks if t.kind == "val" and not t.numbering and not t.edge]
        for key, t in zip(self.table.keys(), vals):
            self.report.values[key] = Value(0, self._prov(t))
        self.filled.update({r.id: r for r in self.table.rows})
        self.report.warnings.append(Finding(
            "all_zero", f"表格{self.table.section}的行与数字无法逐一对应，但所印{len(vals)}个数字恰为"
                        f"全表的格数且全为0，故各格均记为0", "info", section=self.table.section))
        return 0

    def _note_joined(self, i: int, row_toks: list[Tok], basis: str, where: Tok | None = None) -> None:
        """Name the numbers of row ``i`` printed over two lines and joined, and the relation
        (``basis``: the row's or the table's) that proved the join; placed at ``where``, else
        at the first joined number."""
        joined = [t for t in row_toks if t.joined]
        if joined:
            self.report.warn("wrapped_number",
                             f"“{self.table.rows[i].label}”行有数字折行印在两行，已按{basis}勾稽关系合并："
                             + "、".join(f"{t.joined}→{t.parsed.raw}" for t in joined),
                             section=self.table.section, provenance=self._prov(where or joined[0]))

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
            if self.proofs.row_holds(row, values) is not False:
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
                    return self.proofs.row_holds(row, vals) is True

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
                                     lambda vals, row=row: self.proofs.row_holds(row, vals) is True)
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
            self._note_joined(i, [t for _c, t, _p in items], "本行", items[0][1])
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

    def _fill(self, row: Row, placed: list[tuple[int, Tok, al.Placement]], header: str, anchored: bool,
              straddled: str | None = None, crowded: str | None = None) -> int | None:
        """Store the row's numbers, or leave it null with the reason; returns the numbers stored,
        None when it is left null because its line prints extra numbers (``crowded``: why)."""
        self.filled[row.id] = row
        cols = self.table.row_columns(row)
        section = self.table.section
        shown = " ".join(t.parsed.raw or "空" for _c, t, _p in placed)

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
                and self.proofs.row_holds(row, values) is False):
            # OCR left a cell empty and the row does not add up: a number it did not see, or saw
            # wrong; a printed error is not told apart from a misreading here.
            return null_row("damaged_row",
                            f"“{row.label}”行文字识别（OCR）得到的数字（{shown}）有空格且不满足本行的勾稽关系，"
                            f"可能有数字未识别或识别有误，本行记为空值，请对照原件填写")
        if not anchored and straddled and not self.proofs.row_proven(row, [t for _c, t, _p in placed]):
            return null_row("straddling_row",
                            f"“{row.label}”行的数字（{shown}）分处另一组标题“{straddled}”的两侧，"
                            f"可能借用了该组的数字，且无法用本行的勾稽关系证实，本行记为空值，请对照原件核对")
        if not anchored and not self.proofs.row_proven(row, [t for _c, t, _p in placed]):
            return null_row("unanchored_row",
                            f"“{row.label}”行的数字（{shown}）旁边没有本行的标签，只能按顺序推断，"
                            f"且无法用本行的勾稽关系证实，本行记为空值，请对照原件核对")
        if crowded is not None:
            null_row("extra_numbers", crowded)
            return None
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
        mis = {c: lookalike_value(t.parsed.raw) for c, t, _p in placed if t.misread}
        if not mis or None in mis.values():
            return placed
        cols = [c.id for c in self.table.row_columns(row)]
        ids = {cols[c] for c in mis}
        for left, right in self.row_relations:
            if all(c in cols for c in left + right) and not (ids <= set(left) or ids <= set(right)):
                return placed
        values = [mis.get(c, t.parsed.value) for c, t, _p in placed]
        if self.proofs.row_holds(row, values) is not True:
            return placed
        out = []
        for c, t, p in placed:
            if c in mis:
                why = (f"文字识别（OCR）读作“{t.parsed.raw}”，按本行勾稽关系应为 {mis[c]}，"
                       f"已按 {mis[c]} 填入，请对照原件核对")
                t = replace(t, parsed=Parsed(mis[c], str(mis[c])), misread=False, review=why)
            out.append((c, t, p))
        return out

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
