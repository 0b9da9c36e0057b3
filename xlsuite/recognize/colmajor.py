"""A table printed column by column, put back together from the print order alone, where the
grid and the relations prove it.

A reading-order text dump of a rotated (landscape) page, or of a table whose cells a PDF
writer grouped into blocks, prints the numbers block by block: a column's cells for a few
rows (top to bottom), the next column's cells for the same rows, a row's cells one by one,
sometimes a block that belongs further up printed after the rows below it. The labels are
printed elsewhere (all of them first, in pieces), so they cannot say which number is whose.

The model. The numbers fall into *blocks*: numbers on consecutive lines, with no text, blank
line or page turn between them. A printed line is a row of the table (a page set upright) or a
column of it (text running across a rotated table), the same for the whole table; a block of m
lines of k numbers is then a rectangle of m rows and k columns read row after row, or of k rows
and m columns read column after column. The rectangles tile the grid page by page (a page holds
whole rows: a table continued on the next page continues with its next row). A page's rows
fall into *bands*, opened from the top down in print order by the first block placed in them;
every block of a band has the band's height, and a band fills from its first column to its
last in print order, though blocks of other bands may come between (a band's last columns
printed after the rows below it). A number alone on a page's last line may be the page number:
it is tried both as a cell and as left out.

The proof. Every reading the model allows is searched, depth first, the relations of the table
checked as soon as all their cells are placed, and a shape no tiling can finish from (the open
bands' free cells against the numbers left on the page, a block to come with no band of its
height) given up at once; readings with the same numbers in the same cells are explored once,
and so are blocks printing the same numbers one after the other. A reading is accepted only
when every relation holds on it (``holds``: the caller's test, which also asks that some of
them hold on non-zero numbers) and every other such reading gives the same values: blocks of
zeros may trade places, different numbers may not. Past a budget of search steps, or with two
readings of different values, there is no answer: the caller leaves the rows null with a
warning, never a guess.

What no relation can check comes from the order alone: which part column a block is (the
columns of a band are filled left to right) and which rows of one group a band holds (bands
open top down). ``read_tokens`` checks the second against the labels as well: a block of
several rows is trusted only where its rows' labels are printed before it.

Pure data in, pure data out: no file, no Report.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

from .numbers import parse_cell

# Search steps (a block placed, or left out) for one table: the requests table of a landscape
# dump takes a few hundred; a stream that is no such print stops here (under a tenth of a second).
BUDGET = 1500
# Blocks a table's numbers may fall into: a form table has under 200 cells; the search goes
# one level deeper (in Python's stack) for each block.
MAX_BLOCKS = 250

_FREE = object()  # an empty cell of the grid


@dataclass(frozen=True)
class Num:
    """One printed number: its value (None for a cell printed blank, “—” or “/”), where it
    stands, and the caller's token."""
    value: Decimal | None
    line: int | None = None
    page: int | None = None
    edge: bool = False  # alone on a page's last line: perhaps the page number
    ref: Any = None
    raw: str = ""  # as printed
    parts: tuple[Num, ...] = ()  # a number wrapped over two lines, joined: its printed pieces


@dataclass
class Outcome:
    rows: dict[int, list[Num]] | None  # form row -> its numbers in column order; None: no proof
    why: str  # "proven" | "ambiguous" | "no_reading" | "budget" | "count" | "no_blocks"
    steps: int = 0
    readings: int = 0  # readings with every relation holding, by their values


def blocks(runs: Iterable[Sequence[Num]]) -> list[list[Num]]:
    """The numbers of each run (no text between them) split where a line is skipped (a blank
    line) or a page turns."""
    out: list[list[Num]] = []
    for run in runs:
        cur: list[Num] = []
        for n in run:
            if cur:
                p = cur[-1]
                if p.page != n.page or (p.line is not None and n.line is not None and n.line - p.line > 1):
                    out.append(cur)
                    cur = []
            cur.append(n)
        if cur:
            out.append(cur)
    return out


def _shapes(nums: Sequence[Num], frame: str) -> list[tuple[str, int, int]]:
    """The rectangle ``nums`` prints: (order, height, width). A printed line is a row of the
    table (``frame`` "rows": a page set upright) or a column of it ("cols": the text runs
    across a rotated table); lines stacked in one block are next to each other. Lines of
    different counts make no rectangle."""
    counts: list[int] = []
    for i, x in enumerate(nums):
        if i and x.line == nums[i - 1].line and x.line is not None:
            counts[-1] += 1
        else:
            counts.append(1)
    if len(set(counts)) != 1:
        return []
    k, m = counts[0], len(counts)
    return [("row", m, k)] if frame == "rows" else [("col", k, m)]


def _variants(block: Sequence[Num]) -> list[list[Num]]:
    """The block as printed; with each number alone at a page's edge left out; and, in a stack
    of numbers one to a line, with one number wrapped onto the next line joined (``160`` over
    ``9``: 1609; digits only, the first piece not starting with 0)."""
    edges = [i for i, x in enumerate(block) if x.edge]
    out = [list(block)]
    for i in edges[:2]:
        out += [[x for j, x in enumerate(v) if x is not block[i]] for v in out]
    joined = []
    for v in out:
        lines = [x.line for x in v]
        if len(v) < 3 or None in lines or len(set(lines)) != len(v):
            continue
        for j in range(len(v) - 1):
            a, b = v[j], v[j + 1]
            if a.raw.isdigit() and b.raw.isdigit() and not a.raw.startswith("0") and a.line is not None \
                    and b.line == a.line + 1:
                raw = a.raw + b.raw
                joined.append(v[:j] + [Num(Decimal(raw), a.line, a.page, False, None, raw, (a, b))] + v[j + 2:])
    return out + joined


_STOP, _DEAD, _ALIVE = 0, 1, 2  # what a subtree of the search gave


class _Search:
    """Depth first over the blocks in print order, for one way of printing the rows and one
    frame. The structure (the rows below the bands, the open bands and how far each is filled)
    is remembered when no tiling can be finished from it (``dead``), whatever the numbers; the
    structure with the same numbers is explored once (``seen``). A block printing the same
    numbers as the one before it (``twin``) goes to the same band or a lower one: the other
    orders give the same grid."""

    def __init__(self, blocks_: list[list[Num]], printed: Sequence[int], ncols: Sequence[int],
                 relations: Sequence[Sequence[tuple[int, int, int]]], holds, budget: int,
                 found: dict, steps: list[int], frame: str):
        self.blocks = blocks_
        self.printed = list(printed)
        self.nrows = len(printed)
        self.ncols = [ncols[i] for i in printed]
        self.offset = [0]
        for k in self.ncols:
            self.offset.append(self.offset[-1] + k)
        ncell = self.offset[-1]
        self.val: list[Any] = [_FREE] * ncell
        self.tok: list[Num | None] = [None] * ncell
        self.holds = holds
        self.budget = budget
        self.found = found
        self.steps = steps
        self.seen: dict = {}
        self.dead: set = set()
        self.fits: dict = {}  # structure -> whether ``feasible``
        self.frontier = 0  # the first row no band holds yet
        self.bands: list[tuple[int, int, int]] = []  # open bands of this page: (top row, height, filled)
        # relations over the printed cells (rows not printed count as 0)
        where = {f: r for r, f in enumerate(self.printed)}
        self.rels: list[list[tuple[int, int]]] = []
        for rel in relations:
            terms = [(self.offset[where[r]] + c, coef) for r, c, coef in rel if r in where and c < ncols[r]]
            if terms:
                self.rels.append(terms)
        self.rel_left = [len(t) for t in self.rels]
        self.cell_rels: list[list[int]] = [[] for _ in range(ncell)]
        for k, terms in enumerate(self.rels):
            for cell, _coef in terms:
                self.cell_rels[cell].append(k)
        nb = len(blocks_)
        self.options = [[(nums, _shapes(nums, frame)) for nums in _variants(blk)] for blk in blocks_]
        # from each block on, to the end of its page: how many numbers (at most), and the
        # shapes still to come
        self.rest_page = [0] * (nb + 1)
        self.shapes_ahead: list[frozenset[frozenset[tuple[int, int]]]] = [frozenset()] * (nb + 1)
        for b in range(nb - 1, -1, -1):
            same_page = b + 1 < nb and blocks_[b + 1][0].page == blocks_[b][0].page
            self.rest_page[b] = len(blocks_[b]) + (self.rest_page[b + 1] if same_page else 0)
            # a block needs one of its shapes placed, unless it may be left out whole
            mine = frozenset((h, w) for nums, shapes in self.options[b] if nums for _o, h, w in shapes)
            need = frozenset() if any(not nums for nums, _s in self.options[b]) else frozenset([mine])
            self.shapes_ahead[b] = need | (self.shapes_ahead[b + 1] if same_page else frozenset())
        # a block printing the same numbers as the one before it, in the same way
        def twin(b: int) -> bool:
            one, other = blocks_[b], blocks_[b - 1]
            return (one[0].page == other[0].page and [x.value for x in one] == [x.value for x in other]
                    and [o[1] for o in self.options[b]] == [o[1] for o in self.options[b - 1]]
                    and not any(x.edge for x in one + other))

        self.twin = [b > 0 and twin(b) for b in range(nb)] + [False]
        # from each block on, to the end of its page: how many columns the blocks of each height
        # can fill (at most), and where the run of twins a block belongs to ends
        self.avail: list[dict[int, int]] = [{} for _ in range(nb + 1)]
        self.run_end = list(range(nb + 1))
        for b in range(nb - 1, -1, -1):
            same_page = b + 1 < nb and blocks_[b + 1][0].page == blocks_[b][0].page
            widths: dict[int, int] = {}
            for nums, shapes in self.options[b]:
                for _o, h, w in shapes if nums else ():
                    widths[h] = max(widths.get(h, 0), w)
            after = self.avail[b + 1] if same_page else {}
            self.avail[b] = {h: widths.get(h, 0) + after.get(h, 0) for h in set(widths) | set(after)}
            self.run_end[b] = self.run_end[b + 1] if self.twin[b + 1] else b + 1
        self.later = [self.avail[e] if e < nb and blocks_[e][0].page == blocks_[b][0].page else {}
                      for b, e in enumerate(self.run_end[:nb])] + [{}]
        self.last_of_page = [b + 1 == nb or blocks_[b + 1][0].page != blocks_[b][0].page for b in range(nb)]

    # --- the search -------------------------------------------------------------------------

    def run(self) -> None:
        self.visit(0, 0)

    def visit(self, b: int, low: int) -> int:
        """``low``: the top row the block's band may not be above (a block like the one before
        it goes to the same band or a lower one: the other orders give the same grid)."""
        if self.steps[0] > self.budget or len(self.found) > 1:
            return _STOP
        skey = (b, low if self.twin[b] else 0, self.frontier, tuple(self.bands))
        if skey in self.dead:
            return _DEAD
        vkey = (skey, tuple(self.val))
        got = self.seen.get(vkey)
        if got is not None:
            return got
        got = self.expand(b, low if self.twin[b] else 0, skey)
        if got == _STOP:
            return _STOP
        self.seen[vkey] = got
        if got == _DEAD:
            self.dead.add(skey)
        return got

    def expand(self, b: int, low: int, skey: tuple) -> int:
        if b == len(self.blocks):
            return self.finish() if self.frontier == self.nrows and not self.bands else _DEAD
        ok = self.fits.get(skey)
        if ok is None:
            ok = self.fits[skey] = self.feasible(b, low)
        if not ok:
            return _DEAD
        result = _DEAD
        for nums, shapes in self.options[b]:
            for order, h, w in shapes if nums else [("", 0, 0)]:
                wrapped = any(x.parts for x in nums)
                for band in self.places(h, w, low, wrapped) if nums else [None]:
                    got = self.step(b, nums, order, h, w, band)
                    if got == _STOP:
                        return _STOP
                    result = max(result, got)
        return result

    def feasible(self, b: int, low: int) -> bool:
        """Necessary for a tiling: the open bands' free cells no more than the numbers left on
        the page, and every shape to come on the page has a place (an open band of its height
        with room, or rows below the bands for a new one, with numbers enough on the page to
        fill them)."""
        ncols, bands = self.ncols, self.bands
        room = 0
        need: dict[int, int] = {}  # free cells of the open bands, by height
        above: dict[int, int] = {}  # the same, in bands above ``low``
        for top, h, filled in bands:
            free = ncols[top] - filled
            room += free
            need[h] = need.get(h, 0) + free
            if top < low:
                above[h] = above.get(h, 0) + free
        spare = self.rest_page[b] - room  # numbers the page has for rows below the open bands
        if spare < 0:
            return False
        # the open bands of each height are filled by blocks of that height still to come on
        # the page (those above ``low`` not by the twins of this block)
        avail, later = self.avail[b], self.later[b]
        for h, n in need.items():
            if n > avail.get(h, 0):
                return False
        for h, n in above.items():
            if n > later.get(h, 0):
                return False
        for shapes in self.shapes_ahead[b]:
            if not any(self.has_place(h, w, spare) for h, w in shapes):
                return False
        return True

    def has_place(self, h: int, w: int, spare: int) -> bool:
        f = self.frontier
        if f + h <= self.nrows and w <= self.ncols[f] and self.offset[f + h] - self.offset[f] <= spare:
            return True
        return any(bh == h and filled + w <= self.ncols[top] for top, bh, filled in self.bands)

    def places(self, h: int, w: int, low: int, wrapped: bool) -> list[int]:
        """The bands (by index; -1 for a new band below the others) a block of h rows and w
        columns may go to, none above row ``low``. A block read with a wrapped number joined
        goes beside blocks of its height only: it opens no band."""
        out = [i for i, (top, bh, filled) in enumerate(self.bands)
               if bh == h and filled + w <= self.ncols[top] and top >= low]
        f = self.frontier
        if not wrapped and f + h <= self.nrows and len(set(self.ncols[f:f + h])) == 1 and w <= self.ncols[f]:
            out.append(-1)
        return out

    def step(self, b: int, nums: list[Num], order: str, h: int, w: int, band: int | None) -> int:
        self.steps[0] += 1
        if self.steps[0] > self.budget:
            return _STOP
        saved = (self.frontier, list(self.bands))
        cells: list[int] = []
        ok = True
        top = 0
        if band is not None:
            if band == -1:
                self.bands.append((self.frontier, h, 0))
                self.frontier += h
                band = len(self.bands) - 1
            top, bh, filled = self.bands[band]
            cs = range(filled, filled + w)
            rs = range(top, top + h)
            cells = ([self.offset[r] + c for c in cs for r in rs] if order == "col"
                     else [self.offset[r] + c for r in rs for c in cs])
            ok = self.place(cells, nums)
            if filled + w == self.ncols[top]:
                del self.bands[band]
            else:
                self.bands[band] = (top, bh, filled + w)
        if ok and self.last_of_page[b] and self.bands:
            ok = False  # a page holds whole rows
        got = self.visit(b + 1, top) if ok else _ALIVE  # a relation failed: the structure is not shown dead
        self.unplace(cells)
        self.frontier, self.bands = saved
        return got

    def place(self, cells: list[int], nums: list[Num]) -> bool:
        """Fill the cells; False when a relation whose cells are now all placed fails (the
        cells are filled all the same: ``unplace`` empties them)."""
        ok = True
        val, rels, rel_left = self.val, self.rels, self.rel_left
        for cell, x in zip(cells, nums):
            val[cell] = x.value
            self.tok[cell] = x
            for rel in self.cell_rels[cell]:
                rel_left[rel] -= 1
                if rel_left[rel] == 0 and ok:
                    ok = sum((val[c] or 0) * coef for c, coef in rels[rel]) == 0
        return ok

    def unplace(self, cells: list[int]) -> None:
        for cell in cells:
            self.val[cell] = _FREE
            self.tok[cell] = None
            for rel in self.cell_rels[cell]:
                self.rel_left[rel] += 1

    def finish(self) -> int:
        # every cell is filled here
        rows = {f: [x for c in range(self.ncols[r]) if (x := self.tok[self.offset[r] + c]) is not None]
                for r, f in enumerate(self.printed)}
        values = tuple(sorted((f, tuple(x.value for x in nums)) for f, nums in rows.items()))
        if values not in self.found and self.holds(rows):
            self.found[values] = rows
        return _ALIVE if len(self.found) <= 1 else _STOP


def _heights_fit(blks: list[list[Num]], frame: str, widths: list[int]) -> bool:
    """Necessary for a tiling, where every row has the same columns: each page's rows are bands
    of the heights its blocks have, a band of height h taking blocks of that height that span
    its columns. False when no such sum of heights, page by page, makes the table's rows."""
    if len(set(widths)) != 1:
        return True
    width = widths[0]
    sums = {0}
    b = 0
    while b < len(blks):
        page = blks[b][0].page
        span: dict[int, int] = {}  # columns the page's blocks of each height can cover
        while b < len(blks) and blks[b][0].page == page:
            best: dict[int, int] = {}
            for nums in _variants(blks[b]):
                for _o, h, w in _shapes(nums, frame) if nums else ():
                    best[h] = max(best.get(h, 0), w)
            for h, w in best.items():
                span[h] = span.get(h, 0) + w
            b += 1
        rows = {0}
        for h, w in span.items():
            rows = {r + h * k for r in rows for k in range(w // width + 1) if r + h * k <= len(widths)}
        sums = {x + y for x in sums for y in rows if x + y <= len(widths)}
    return len(widths) in sums


def search(runs: Iterable[Sequence[Num]], ncols: Sequence[int], holds: Callable[[dict[int, list[Num]]], bool],
           relations: Sequence[Sequence[tuple[int, int, int]]] = (), layouts: Sequence[Sequence[int]] | None = None,
           budget: int = BUDGET) -> Outcome:
    """Search every reading of the numbers (``runs``: the table's numbers in print order, a run
    for each stretch with no text between) as rectangles tiling the grid of ``ncols`` (columns
    of each form row). ``relations``: each a list of (row, column, coefficient) summing to 0,
    checked as soon as its cells are placed; ``holds``: the final test of a whole reading.
    ``layouts``: the ways the form's rows may be printed (a list of form rows each; by default
    all of them), e.g. a group printed as one row, its other rows not at all."""
    blks = blocks(runs)
    if all(len(b) == 1 for b in blks):
        # every number printed on its own: the blocks say nothing of the layout, and the
        # search would try every interleaving of the rows (the row-by-row reading is the
        # order proof's)
        return Outcome(None, "no_blocks")
    if len(blks) > MAX_BLOCKS:
        return Outcome(None, "count")
    n_all = sum(len(b) for b in blks)
    # numbers that must be cells: all but those alone at a page's edge, less one for each block
    # where a wrapped number may be joined
    n_must = sum(not x.edge for b in blks for x in b) - sum(
        any(x.parts for v in _variants(b) for x in v) for b in blks)
    if layouts is None:
        layouts = [range(len(ncols))]
    found: dict = {}
    steps = [0]
    tried = False
    for frame in ("rows", "cols"):
        for printed in layouts:
            cells = sum(ncols[i] for i in printed)
            if not (n_must <= cells <= n_all):
                continue
            tried = True
            if not _heights_fit(blks, frame, [ncols[i] for i in printed]):
                continue
            _Search(blks, printed, ncols, relations, holds, budget, found, steps, frame).run()
            if steps[0] > budget or len(found) > 1:
                break
    if not tried:
        return Outcome(None, "count", steps[0])
    if steps[0] > budget:
        return Outcome(None, "budget", steps[0], len(found))
    if len(found) != 1:
        return Outcome(None, "ambiguous" if found else "no_reading", steps[0], len(found))
    return Outcome(next(iter(found.values())), "proven", steps[0], 1)


def reconstruct(runs: Iterable[Sequence[Num]], ncols: Sequence[int], holds: Callable[[dict[int, list[Num]]], bool],
                relations: Sequence[Sequence[tuple[int, int, int]]] = (), layouts: Sequence[Sequence[int]] | None = None,
                budget: int = BUDGET) -> dict[int, list[Num]] | None:
    """The one reading ``search`` proves, or None."""
    return search(runs, ncols, holds, relations, layouts, budget).rows


def read_tokens(table, relations, toks, holds, omit: Sequence[str] = (), known: dict | None = None):
    """A form table's reading from its tokens (``tables.Tok``: text and numbers in print
    order), proven as ``search`` says; None otherwise. ``relations``: the table's relations as
    signed keys (left terms, right terms); ``holds``: the caller's test of a whole reading, on
    rows placed as {row: [(column, token, None)]}; ``omit``: the rows of a group the report may
    print as one row (not printed at all then); ``known``: rows already read by their labels
    ({row: values}), which the reading must agree with. Returns {row: [(column, token)]}."""
    if len(relations) < 3:
        return None  # a reading is proven by relations holding on non-zero numbers: too few here
    rows = table.rows
    ncols = [len(table.row_columns(r)) for r in rows]
    index = {r.id: i for i, r in enumerate(rows)}
    runs: list[list[Num]] = []
    for t in toks:
        if t.kind == "text":
            runs.append([])
        elif not t.numbering:
            if not runs:
                runs.append([])
            runs[-1].append(Num(t.parsed.value, t.line, t.page, t.edge, t, t.parsed.raw))
    rels = []
    for left, right in relations:
        terms = []
        for side, sign in ((left, 1), (right, -1)):
            for key, s in side:
                _section, row_id, col_id = key.split(".")
                i = index[row_id]
                terms.append((i, [c.id for c in table.row_columns(rows[i])].index(col_id), s * sign))
        rels.append(terms)
    layouts = [list(range(len(rows)))]
    if dropped := {index[r] for r in omit if r in index}:
        layouts.append([i for i in range(len(rows)) if i not in dropped])
    out = search([r for r in runs if r], ncols, lambda placed: holds(
        {i: [(c, _token(n), None) for c, n in enumerate(nums)] for i, nums in placed.items()}), rels, layouts)
    if out.rows is None:
        return None
    for i, values in (known or {}).items():
        if [n.value for n in out.rows.get(i, ())] != list(values):
            return None  # the labels read this row otherwise: one of the two readings is wrong
    # The relations cannot tell the rows of one group apart: a band placed higher or lower adds
    # up all the same. Where blocks of several rows are read (not a row-by-row print, which is
    # the order proof's), each row's label must be printed before its first number, as a
    # rotated page's dump prints them.
    row_of = {id(p): i for i, nums in out.rows.items() for n in nums for p in n.parts or (n,)}
    if all(len({row_of.get(id(n)) for n in blk} - {None}) <= 1 for blk in blocks(r for r in runs if r)):
        return {i: [(c, _token(n)) for c, n in enumerate(nums)] for i, nums in out.rows.items()}
    first_label = _labels_first_printed(toks, rows)
    at = {id(t): n for n, t in enumerate(toks)}
    for i in out.rows:
        if first_label.get(i, len(toks)) > min(at[id((n.parts[0] if n.parts else n).ref)] for n in out.rows[i]):
            return None
    return {i: [(c, _token(n)) for c, n in enumerate(nums)] for i, nums in out.rows.items()}


def _token(n: Num):
    """The caller's token for a number; for one wrapped over two lines, the first piece's
    token holding the number joined (``joined``: how it was printed)."""
    if not n.parts:
        return n.ref
    return replace(n.parts[0].ref, parsed=parse_cell(n.raw), joined="/".join(p.raw for p in n.parts))


def _labels_first_printed(toks, rows) -> dict[int, int]:
    """For each row, the token where a fragment of its label is first printed (wrapped labels
    matched on the text joined)."""
    texts = [(n, t.text) for n, t in enumerate(toks) if t.kind == "text"]
    joined = "".join(x for _n, x in texts)
    ends, pos = [], 0
    for n, x in texts:
        pos += len(x)
        ends.append((pos, n))
    first: dict[int, int] = {}
    for i, row in enumerate(rows):
        for f in row.fragments:
            at = joined.find(f)
            if at >= 0:
                n = next(n for e, n in ends if e >= at + len(f))
                first[i] = min(first.get(i, n), n)
    return first
