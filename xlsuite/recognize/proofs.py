"""Proofs that a table's numbers are read right, from the form's relations alone.

The alignment places numbers by their labels and lines; where that leaves rows
unsure, a whole-table proof may still vouch for the reading:
- ``table_proven``: every row printed and complete, nothing left over, every
  relation holding on the numbers as placed;
- ``in_print_order``: the numbers read row after row as printed (page numbers
  at a page's edge left out, wrapped numbers joined where the row's relation
  proves it) as the one reading where every relation holds;
- ``all_zero``: as many numbers as cells, all 0.
Within one row, ``row_holds`` and ``row_proven`` check the row's own relations.
Two rows swapped inside one group pass every relation: none of these proofs
can see that, which is why they only ever vouch for numbers in print order.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..forms import Row, Table
from . import align as al
from .numbers import parse_cell
from .tokens import Tok

# FORMS.md: a 2021-layout report may print （六）其他处理 as one row (3.其他); these sub-items are
# then not printed at all, and count as 0.
ONE_ROW_GROUP = {"requests": ("other_no_correction", "other_no_fee")}


@dataclass(frozen=True)
class Proofs:
    table: Table
    # Relations within one row (per "row" rules of the form): (left columns, right columns).
    row_relations: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # Every relation within the table, as signed keys: (left terms, right terms).
    table_relations: tuple = ()

    def all_zero(self, toks: list[Tok]) -> bool:
        """The table's region prints exactly as many numbers as the table has cells, all 0 and
        none blank: whatever the order, every cell is 0."""
        vals = [t for t in toks if t.kind == "val" and not t.numbering and not t.edge]
        return len(vals) == len(self.table.keys()) and all(t.parsed.value == 0 and t.parsed.raw for t in vals)


    def table_proven(self, placed_rows, junk) -> bool:
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
        return self.relations_prove(placed_rows)


    def relations_prove(self, placed_rows) -> bool:
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


    def in_print_order(self, toks: list[Tok]):
        """The table's numbers in print order, row after row, when that is the one reading that
        works. A dump that lost the labels' places (every label after the numbers, headers in
        pieces between them) still prints the numbers in order; a dump read column by column
        would not add up. Row by row, the next numbers are taken as printed, or with a number
        alone at a page's edge left out (a page number), or with a number wrapped over two
        lines joined (``153`` then ``4``: 1534) where the row's relation proves the join.
        Accepted when the numbers fill the table exactly, every relation of the table holds
        (``relations_prove``), and no other reading does the same.
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
                if all(t.edge for t in vals[p:]) and self.relations_prove(placed):
                    found.append(dict(placed))
                return
            i = printed[k]
            row = rows[i]
            n = len(self.table.row_columns(row))
            for cells in _row_readings(vals, p, n):
                got, q = cells
                if any(t.joined for t in got) and self.row_holds(row, [t.parsed.value for t in got]) is not True:
                    continue
                if self.row_holds(row, [t.parsed.value for t in got]) is False:
                    continue
                placed[i] = [(c, t, al.Placement(-1, i, c, al.MARGIN, None)) for c, t in enumerate(got)]
                parse(printed, k + 1, q, placed)
                del placed[i]

        for omitted in ((), tuple(omissible)) if omissible else ((),):
            parse([i for i in range(len(rows)) if i not in omitted], 0, 0, {})
        if budget[0] < 0 or len(found) != 1:
            return None
        return found[0]


    def row_holds(self, row: Row, values: list[Decimal | None]) -> bool | None:
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


    def row_proven(self, row: Row, vals: list[Tok]) -> bool:
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
