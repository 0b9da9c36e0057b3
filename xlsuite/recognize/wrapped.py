"""Numbers printed over two lines: put back together only where the row's relation proves it.

A number too wide for its cell wraps: ``153`` over ``4`` (1534), centred around
the row's line, or hanging below it, or cut by a page break (``153`` at the
foot of a page, ``2`` at the top of the next). The pieces that do not belong
to the row reach the table reader as loose numbers on a neighbouring line, in
the same column (counted from the right, as cells of one table line up).

A row whose relation fails (总计 ≠ the sum of its parts) while such loose
pieces stand next to it is tried with them joined: above (prefix), below
(suffix), or above and below into a blank cell (centred). A join is taken only
when exactly one way of joining makes the relation hold. Otherwise the caller
leaves the row null: a number read in part is a wrong number.

Pure data: tokens in, a plan out.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .numbers import Parsed, parse_cell

@dataclass(frozen=True)
class Piece:
    """A loose number: its line (document order), its column from the right, what it printed."""
    line: int
    rcol: int
    raw: str


@dataclass(frozen=True)
class Join:
    """Cell (column from the right) -> the joined number, and the pieces used."""
    cells: dict[int, Parsed]
    used: tuple[Piece, ...]


def plan(row: Sequence[tuple[int | None, Parsed]], row_lines: tuple[int, int], loose: list[Piece],
         holds: Callable[[dict[int, Decimal | None]], bool]) -> Join | None:
    """The one join of ``loose`` pieces into ``row`` that makes ``holds`` true, or None.

    ``loose``: the numbers nobody took between this row and its neighbours (the caller
    chooses them); only the nearest line on each side is tried.

    ``row``: the row's cells as (column from the right, parsed), ``row_lines``: its first and
    last line; ``holds(values by column from the right)`` checks the row's relation.
    """
    by_col = {r: p for r, p in row if r is not None}
    if not by_col:
        return None
    first, last = row_lines
    above = _nearest(loose, lambda ln: ln < first, reverse=True)
    below = _nearest(loose, lambda ln: ln > last, reverse=False)
    candidates: list[Join] = []
    for pieces, how in ((above, "prefix"), (below, "suffix")):
        if pieces:
            j = _join(by_col, pieces, how)
            if j:
                candidates.append(j)
    if above and below:
        j = _centred(by_col, above, below)
        if j:
            candidates.append(j)
    proven = []
    for j in candidates:
        values = {r: p.value for r, p in by_col.items()}
        values.update({r: p.value for r, p in j.cells.items()})
        if holds(values):
            proven.append(j)
    if not proven:
        return None
    first_values = {r: p.value for r, p in proven[0].cells.items()}
    if any({r: p.value for r, p in j.cells.items()} != first_values for j in proven[1:]):
        return None
    return proven[0]


def plan_stream(row: Sequence[Parsed], before: list[str], after: list[str],
                holds: Callable[[list[Decimal | None]], bool]) -> dict[int, Parsed] | None:
    """The same for a row read from a stream without columns (a reading-order text dump):
    the loose pieces just before (prefixes) or just after (suffixes) the row, in order, onto
    cells in the same order. Taken only when exactly one choice of cells proves the row."""
    from itertools import combinations

    found: list[dict[int, Parsed]] = []
    for pieces, how in ((before, "prefix"), (after, "suffix")):
        if not pieces or len(pieces) > 3:
            continue
        for cells in combinations(range(len(row)), len(pieces)):
            out: dict[int, Parsed] = {}
            for piece, c in zip(pieces, cells):
                if row[c].value is None:
                    break
                parsed = _digits(piece + row[c].raw if how == "prefix" else row[c].raw + piece)
                if parsed is None:
                    break
                out[c] = parsed
            else:
                values = [out[c].value if c in out else p.value for c, p in enumerate(row)]
                if holds(values):
                    found.append(out)
    if len(found) != 1:
        return None
    return found[0]


def _nearest(loose: list[Piece], near, reverse: bool) -> list[Piece]:
    """The pieces of the one line nearest the row on that side."""
    lines = sorted({p.line for p in loose if near(p.line)}, reverse=reverse)
    return [p for p in loose if lines and p.line == lines[0]]


def _join(by_col: dict[int, Parsed], pieces: list[Piece], how: str) -> Join | None:
    cells: dict[int, Parsed] = {}
    for p in pieces:
        target = by_col.get(p.rcol)
        if target is None or target.value is None:
            return None
        text = p.raw + target.raw if how == "prefix" else target.raw + p.raw
        parsed = _digits(text)
        if parsed is None:
            return None
        cells[p.rcol] = parsed
    return Join(cells, tuple(pieces))


def _centred(by_col: dict[int, Parsed], above: list[Piece], below: list[Piece]) -> Join | None:
    top = {p.rcol: p for p in above}
    bottom = {p.rcol: p for p in below}
    if set(top) != set(bottom):
        return None
    cells: dict[int, Parsed] = {}
    for r in top:
        target = by_col.get(r)
        if target is None or target.value is not None:
            return None
        parsed = _digits(top[r].raw + bottom[r].raw)
        if parsed is None:
            return None
        cells[r] = parsed
    return Join(cells, tuple(above) + tuple(below))


def _digits(text: str) -> Parsed | None:
    if not text.replace(",", "").isdigit():
        return None
    p = parse_cell(text)
    return p if p is not None and p.value is not None else None
