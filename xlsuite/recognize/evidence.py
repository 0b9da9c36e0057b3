"""Which rows of an alignment the printed page vouches for, and why.

The alignment puts every number somewhere; this module decides which rows to
keep. A row is kept when something beyond "it came next" ties its numbers to
it:

- ``line``: its label is printed on the line of its numbers (a table row);
- ``label``: its label stands right before (or, in a layout printing labels after
  the numbers, right after) its numbers, with no other
  row's label or numbers between, in a layout that prints each label beside its
  own numbers (not a list of labels followed by all the numbers);
- ``gap``: it has no label of its own, but lies between kept rows (or a table
  edge) whose gap it fills exactly, every number there taken, every row there
  complete, in a layout that is not a list of labels;
- ``relation``: a relation within the row (总计 = the sum of the parts) holds
  on its numbers, and they are not all zero;
- ``one_line``: the whole table is one printed row (the appeals table).

A list of labels followed by the numbers (what a plain-text dump of a ruled
table gives) can be column-major: order proves nothing there, so such rows need
a relation. Pure data: stream tokens and placements in, reasons out.
"""
from __future__ import annotations

from . import align as al

NEAR = 2  # rows this close in the form compete for a label list


def trusted_rows(stream: list[al.Token], owner: dict[int, int | None], placed: dict[int, list[int]],
                 ncols: list[int], flat: bool, proven, side: str = "before") -> dict[int, str]:
    """Row index -> reason, for the rows to keep.

    ``owner``: stream position of each number -> its row (None: junk); ``placed``: row ->
    stream positions of its numbers in column order; ``proven(row)``: whether a relation
    within the row holds on its numbers.
    """
    span = {i: (min(ps), max(ps)) for i, ps in placed.items() if ps}
    out: dict[int, str] = {}
    crowded: set[int] = set()
    for i, (first, last) in span.items():
        if i in stream[first].same_line_rows:
            out[i] = "line"
            continue
        # The side the layout prints labels on (the alignment found it): a label on the other
        # side belongs to the next row, or is a leftover.
        if flat:
            continue  # a flat table's row labels are its header, beside no row of numbers
        if side == "before":
            found, crowd = _beside(i, stream, owner, span, range(first - 1, -1, -1), before=True)
        else:
            found, crowd = _beside(i, stream, owner, span, range(last + 1, len(stream)), before=False)
        if crowd:
            crowded.add(i)
        elif found:
            out[i] = "label"
    if flat:
        lines = {stream[p].line for ps in placed.values() for p in ps}
        if len(lines) == 1:
            for i in placed:
                out.setdefault(i, "one_line")
    list_layout = bool(crowded) or _label_list(stream, span)
    if not list_layout or flat:
        _fill_gaps(stream, owner, placed, span, ncols, out)
    for i in placed:
        if i not in out and proven(i):
            out[i] = "relation"
    return out


def _stale(j: int, pos: int, span, owner, before: bool) -> bool:
    """Row j's label at ``pos`` is a leftover: its numbers were taken on the far side, with
    other rows' numbers between (a page header repeated, a vertical group label)."""
    if j not in span:
        return False
    first, last = span[j]
    if before:
        lo, hi = last, pos
        if last > pos:
            return False
    else:
        lo, hi = pos, first
        if first < pos:
            return False
    return any(owner.get(n) not in (None, j) for n in range(lo + 1, hi))


def _beside(i: int, stream, owner, span, walk, before: bool) -> tuple[bool, bool]:
    """(row i's label found next to its numbers, another near row's label crowds it)."""
    found = False
    for n in walk:
        t = stream[n]
        if t.kind == al.NUM:
            if owner.get(n) is not None and owner[n] != i:
                return found, False
            if found and owner.get(n) is not None:
                return found, False
            continue
        if not t.rows:
            continue
        if i in t.rows and not found:
            found = True
            continue
        near = [j for j in t.rows if j != i and abs(j - i) <= NEAR and not _stale(j, n, span, owner, before)]
        if near:
            return found, True
    return found, False


def _label_list(stream, span) -> bool:
    """Three or more rows' labels in a row, no number between: a list of labels."""
    run: set[int] = set()
    for n, t in enumerate(stream):
        if t.kind == al.NUM:
            if not t.blank:
                run = set()
            continue
        live = {j for j in t.rows if not (j in span and span[j][1] < n)}
        run |= live
        if len(run) >= 3:
            return True
    return False


def _fill_gaps(stream, owner, placed, span, ncols, out: dict[int, str]) -> None:
    rows = sorted(placed)
    if not rows:
        return
    m = len(ncols)
    kept = [i for i in rows if i in out]
    bounds = [-1] + kept + [m]
    for p, q in zip(bounds, bounds[1:]):
        inner = [i for i in rows if p < i < q]
        # every form row between the kept ones (or the table's edges) printed, complete
        if not inner or inner != list(range(p + 1, q)):
            continue
        if any(len(placed[i]) != ncols[i] for i in inner):
            continue
        lo = span[p][1] if p in span else -1
        hi = span[q][0] if q in span else len(stream)
        if any(stream[n].kind == al.NUM and not stream[n].blank and owner.get(n) is None and stream[n].junk < 0.5
               for n in range(lo + 1, hi)):
            continue
        for i in inner:
            out[i] = "gap"
