"""One monotone alignment of a table's printed tokens to the form's rows.

A printed table, however a reader or a converter flattened it, is still a
sequence: label text and numbers, in the order of the form's rows. Labels
alone fail (a label can stand before, after or beside its numbers, or be cut
by a page break); order alone fails (a stray number shifts every later row).
This module uses both, globally: a dynamic programme over the token stream
(Needleman–Wunsch style) assigns every number to a (row, column) of the form
or to junk, in order, scoring label evidence on either side of the numbers,
how many numbers each row gets against its columns, and how the numbers sit
on their lines.

It also says how sure it is. Forward and backward passes give, for each
number, the best total score of any alignment that puts it elsewhere (another
row, another column, or junk); where that comes within ``MARGIN`` of the best,
the number's cell is uncertain and the caller leaves it null with a warning.
Rows swapped inside one group pass every relation, so this is the only place
that can catch them.

Pure data in, pure data out: no file, no form objects, no Report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NEG = -1e9

# --- what the stream holds ---------------------------------------------------------

LABEL, NUM = 0, 1
# How a number stands relative to the number before it in the stream.
SAME = 0        # on the same printed line or table row, no text between
NEXT = 1        # on the next line, where lines carry one number each (a column of cells)
NEWROW = 2      # on a new line or table row that holds a row of numbers
AFTER_TEXT = 3  # text stands between the two numbers
AFTER_BLANK = 4  # on the same line, after an empty cell (a row may start here)


@dataclass
class Token:
    kind: int                      # LABEL | NUM
    line: tuple = ()               # (page, line) key: tokens of one printed line share it
    # LABEL: row index -> strength in (0, 1] of the fragment it carries
    rows: dict[int, float] = field(default_factory=dict)
    # NUM
    brk: int = NEWROW
    blank: bool = False            # an empty cell or a blank marker (/, —)
    interior: bool = False         # a blank between numbers of its line: a cell, not spacing
    rcol: int | None = None        # a table cell's column counted from the right of its line
    signed: bool = False           # printed with a minus sign
    decimal: bool = False          # has a fractional part
    junk: float = 0.0              # how much the token looks like a page or column number (0..1)
    same_line_rows: dict[int, float] = field(default_factory=dict)  # labels on its own line, before it


@dataclass(frozen=True)
class Slot:
    """A form row to fill: how many columns, and what its columns accept."""
    ncols: int
    signed: tuple[bool, ...] = ()   # per column: may be negative
    decimal: tuple[bool, ...] = ()  # per column: may have decimals (money)


@dataclass(frozen=True)
class Weights:
    num: float = 1.0            # a number explained by a row
    blank: float = 0.3          # a blank cell explained by a row
    skip_num: float = 0.45      # a number left as junk
    skip_blank: float = 0.05    # an empty cell left as junk (merged-cell remains, spacing)
    label_near: float = 3.0     # a row's label on the layout's side of its numbers
    label_far: float = 1.0      # … on the other side
    same_line: float = 2.0      # a row's label on the line of its first number
    complete: float = 1.0       # a row with exactly its column count
    short: float = 0.8          # per missing number of a row that got some
    label_only: float = 0.3     # a row whose label shows but no numbers
    unlabelled: float = 0.5     # a row whose numbers show but no label
    pair: float = 1.5           # a row with both its label and numbers (a label-only row and a
                                # shifted neighbour must not tie with the row and its numbers)
    missing: float = 1.0        # a row with neither
    split_line: float = 1.5     # a row starting inside another row's printed line
    wrap_row: float = 1.5       # a row continuing onto a new row-line
    wrap_text: float = 0.6      # a row's numbers interrupted by text
    wrap_label: float = 4.0     # … by another row's label
    bad_kind: float = 1.5       # a decimal or negative number where the column takes none
    column: float = 0.3         # a table cell standing in its column (counted from the right)


MARGIN = 0.75  # below this, a number's place is uncertain


@dataclass
class Placement:
    """Where the best alignment put a number, and how sure it is."""
    token: int
    row: int | None        # None: junk
    col: int | None
    margin: float          # best score minus the best score with the token placed otherwise
    rival: tuple[int | None, int | None] | None  # (row, col) of the best other placement


@dataclass
class Alignment:
    score: float
    placements: list[Placement]            # one per NUM token, in stream order
    rows_count: list[int]                  # numbers each row received
    rows_label: list[bool]                 # whether each row consumed a label token
    label_side: str                        # "before" | "after": the layout the text follows

    def row_tokens(self, row: int) -> list[Placement]:
        return [p for p in self.placements if p.row == row]


def align(tokens: list[Token], slots: list[Slot], *, flat: bool = False,
          weights: Weights = Weights()) -> Alignment:
    """The best alignment over both label sides; its margins also count the other side's best.

    ``flat``: the table prints its rows as one line of numbers (the appeals
    table), so a row may start inside a printed line.
    """
    best: Alignment | None = None
    other: Alignment | None = None
    for side in ("before", "after"):
        a = _Programme(tokens, slots, side, flat, weights).solve()
        if best is None or a.score > best.score + 1e-9:
            best, other = a, best
        else:
            other = a
    assert best is not None and other is not None
    # Where the two readings of the layout disagree, the better one must win clearly.
    gap = best.score - other.score
    for p, q in zip(best.placements, other.placements):
        if (p.row, p.col) != (q.row, q.col) and gap < p.margin:
            p.margin, p.rival = gap, (q.row, q.col)
    return best


class _Programme:
    """The dynamic programme for one label side. States: (row, numbers taken, label taken)."""

    def __init__(self, tokens: list[Token], slots: list[Slot], side: str, flat: bool, w: Weights):
        self.tokens, self.slots, self.side, self.flat, self.w = tokens, slots, side, flat, w
        self.m = len(slots)
        self.C = max((s.ncols for s in slots), default=0) + 1
        m, C = self.m, self.C
        # final[i, c, h]: the score a row closes with, having taken c numbers and h labels
        self.final = np.full((m, C, 2), NEG)
        for i, s in enumerate(slots):
            for c in range(s.ncols + 1):
                for h in (0, 1):
                    if c == s.ncols and c > 0:
                        v = w.complete
                    elif c > 0:
                        v = -w.short * (s.ncols - c)
                    else:
                        v = -w.label_only if h else -w.missing
                    if c > 0 and not h:
                        v -= w.unlabelled
                    self.final[i, c, h] = v
        self.ncols = np.array([s.ncols for s in slots])
        # P * (rows skipped): a row never opened is missing
        self.P = w.missing
        # pair[i, c]: a label taken after c >= 1 numbers pairs them (a label printed after them)
        self.pair_after = np.where(np.arange(self.C)[None, :] >= 1, w.pair, 0.0) * np.ones((m, 1))
        # what each (row, column) accepts, for scoring numbers in one vector operation
        cols = np.arange(C)[None, :]
        self.valid = cols < self.ncols[:, None]
        self.takes_decimal = np.zeros((m, C), bool)
        self.takes_sign = np.zeros((m, C), bool)
        for i, s in enumerate(slots):
            for c in range(s.ncols):
                self.takes_decimal[i, c] = bool(s.decimal and s.decimal[c])
                self.takes_sign[i, c] = bool(s.signed and s.signed[c])
        self.first = cols == 0
        self.partial = (cols >= 1) & self.valid
        # the column, counted from the right, that column c of row i stands in
        self.rcol_of = self.ncols[:, None] - 1 - cols

    # --- token scores ----------------------------------------------------------

    def _skip(self, t: Token) -> float:
        if t.kind == LABEL:
            return 0.0
        if t.blank and not t.interior:
            return -self.w.skip_blank
        if t.blank:
            return -self.w.skip_num
        return -self.w.skip_num * (1.0 - 0.8 * t.junk)

    def _label(self, t: Token) -> tuple[np.ndarray, np.ndarray]:
        """Gain of consuming a label token per row: (before the numbers, after some)."""
        before = np.full(self.m, NEG)
        after = np.full(self.m, NEG)
        near, far = self.w.label_near, self.w.label_far
        wb, wa = (near, far) if self.side == "before" else (far, near)
        for i, s in t.rows.items():
            before[i] = wb * s
            after[i] = wa * s
        return before, after

    def _num(self, t: Token) -> np.ndarray:
        """gain[i, c]: the token taken as column c of row i (c = numbers the row had before)."""
        w, m = self.w, self.m
        base = w.blank if t.blank else w.num * (1.0 - 0.9 * t.junk)
        g = np.full(self.valid.shape, base)
        if not t.blank:
            if t.decimal:
                g -= w.bad_kind * ~self.takes_decimal
            if t.signed:
                g -= w.bad_kind * ~self.takes_sign
        if t.brk == SAME and not self.flat:
            g[:, 0] -= w.split_line
        for i, v in t.same_line_rows.items():
            if i < m:
                g[i, 0] += w.same_line * v
        if t.rcol is not None:
            g += w.column * (self.rcol_of == t.rcol)
        g[~self.valid] = NEG
        return g

    def _stay(self, t: Token) -> np.ndarray:
        """stay[i, c]: the cost of a row with some but not all of its numbers living through ``t``.

        Text, or a new printed row, in the middle of a row's numbers is unusual whether the
        token is taken or left: charging it either way keeps a skipped token from hiding it.
        """
        w = self.w
        st = np.zeros(self.valid.shape)
        if t.kind == LABEL:
            if self.flat:
                return st  # a one-row table's header text falls between its numbers in dumps
            st[self.partial] = -w.wrap_text
            # another (later) row's label in the middle of a row's numbers: that row has begun
            for j in t.rows:
                st[:j][self.partial[:j]] = -w.wrap_label
        elif t.brk == NEWROW:
            st[self.partial] = -w.wrap_row
        return st

    # --- the passes ------------------------------------------------------------

    def _open_from(self, closed: np.ndarray, start: float) -> np.ndarray:
        """best score of opening row i' given the best closed score of each earlier row."""
        m, P = self.m, self.P
        idx = np.arange(m)
        # opening i' after closing i < i': closed[i] - P * (i' - i - 1); or from the start: start - P * i'
        shifted = closed + P * idx  # closed[i] + P*i
        run = np.maximum.accumulate(np.concatenate(([start - P * 0 + P * -1], shifted)))[:-1]
        # run[i'] = max(start + P*(-1), max_{i<i'} closed[i] + P*i); subtract P*(i'-1)
        return run - P * (idx - 1)

    def solve(self) -> Alignment:
        toks, m, C = self.tokens, self.m, self.C
        T = len(toks)
        if m == 0:
            return Alignment(0.0, [], [], [], self.side)
        alpha = np.full((T + 1, m, C, 2), NEG)
        start = np.zeros(T + 1)
        gains: list = []
        stays: list = []
        for t, tok in enumerate(toks):
            a = alpha[t]
            sk = self._skip(tok)
            stay = self._stay(tok)
            stays.append(stay)
            nxt = a + sk + stay[:, :, None]
            closed = (a + self.final).reshape(m, -1).max(axis=1)
            opened = self._open_from(closed, start[t])
            if tok.kind == LABEL:
                before, after = self._label(tok)
                gains.append((before, after))
                lab = np.where(np.arange(C)[None, :] == 0, before[:, None], after[:, None])
                # the first label of a row that already has numbers pairs them
                first = a[:, :, 0] + self.pair_after
                in_place = np.maximum(first, a[:, :, 1]) + stay + lab
                nxt[:, :, 1] = np.maximum(nxt[:, :, 1], in_place)
                nxt[:, 0, 1] = np.maximum(nxt[:, 0, 1], opened + before)
            else:
                g = self._num(tok)
                gains.append(g)
                # c -> c+1 for c >= 1 in place; c = 0 in place means a label was taken first (h=1)
                moved = a[:, :-1, :] + (g + stay)[:, :-1, None]
                moved[:, 0, 1] += self.w.pair  # numbers after the row's label
                nxt[:, 1:, :] = np.maximum(nxt[:, 1:, :], moved)
                nxt[:, 1, 0] = np.maximum(nxt[:, 1, 0], opened + g[:, 0])
            alpha[t + 1] = nxt
            start[t + 1] = start[t] + sk
        idx = np.arange(m)
        closed_T = (alpha[T] + self.final).reshape(m, -1).max(axis=1)
        end_each = closed_T - self.P * (m - 1 - idx)
        score = float(max(end_each.max(), start[T] - self.P * m))

        # backward: beta[t] = best completion from a state reached after tokens < t
        beta = np.full((T + 1, m, C, 2), NEG)
        beta[T] = self.final - (self.P * (m - 1 - idx))[:, None, None]
        bstart = np.full(T + 1, NEG)
        bstart[T] = -self.P * m
        for t in range(T - 1, -1, -1):
            tok = toks[t]
            b1 = beta[t + 1]
            sk = self._skip(tok)
            stay = stays[t]
            cur = b1 + sk + stay[:, :, None]
            if tok.kind == LABEL:
                before, after = gains[t]
                lab = np.where(np.arange(C)[None, :] == 0, before[:, None], after[:, None])
                in_place = b1[:, :, 1] + lab + stay  # from (i, c, h): h becomes 1
                cur[:, :, 1] = np.maximum(cur[:, :, 1], in_place)
                cur[:, :, 0] = np.maximum(cur[:, :, 0], in_place + self.pair_after)
                g_open = before + b1[:, 0, 1]
            else:
                g = gains[t]
                # from (i, c, h): take as column c -> (i, c+1, h)
                take = np.full((m, C, 2), NEG)
                take[:, :-1, :] = (g + stay)[:, :-1, None] + b1[:, 1:, :]
                # in place at c = 0 only after a label (h = 1), which the numbers pair
                take[:, 0, 0] = NEG
                take[:, 0, 1] += self.w.pair
                cur = np.maximum(cur, take)
                g_open = g[:, 0] + b1[:, 1, 0]
            # close row i, open a later row i' with this token
            shifted = g_open - self.P * idx  # g_open[i'] - P*i'
            rev = np.maximum.accumulate(shifted[::-1])[::-1]  # max_{i'>=k}
            after_i = np.concatenate((rev[1:], [NEG]))  # max_{i'>i}
            best_open = after_i + self.P * (idx + 1)  # - P*(i'-i-1)
            cur = np.maximum(cur, self.final + best_open[:, None, None])
            beta[t] = cur
            bstart[t] = max(bstart[t + 1] + sk, float((g_open - self.P * idx).max()))

        # max-marginals of every number's placement
        placements: list[Placement] = []
        rows_count = [0] * m
        for t, tok in enumerate(toks):
            if tok.kind != NUM:
                continue
            a, b1, g, stay = alpha[t], beta[t + 1], gains[t], stays[t]
            closed = (a + self.final).reshape(m, -1).max(axis=1)
            opened = self._open_from(closed, start[t])
            M = np.full((m, C), NEG)
            if C > 2:
                M[:, 1:C - 1] = (a[:, 1:C - 1, :] + b1[:, 2:, :]).max(axis=2) + (g + stay)[:, 1:C - 1]
            M[:, 0] = np.maximum(opened + g[:, 0] + b1[:, 1, 0], a[:, 0, 1] + self.w.pair + g[:, 0] + b1[:, 1, 1])
            sk = self._skip(tok)
            skip_best = max(float((a + sk + stay[:, :, None] + b1).max()), start[t] + sk + bstart[t + 1])
            flat_best = int(np.argmax(M))
            bi, bc = divmod(flat_best, C)
            bval = float(M[bi, bc])
            if skip_best >= bval:
                M2 = M
                rival_val = float(M2.max())
                ri, rc = divmod(int(np.argmax(M2)), C)
                placements.append(Placement(t, None, None, skip_best - rival_val, (ri, rc)))
                continue
            M[bi, bc] = NEG
            ri, rc = divmod(int(np.argmax(M)), C)
            rival_val = float(M[ri, rc])
            rival: tuple[int | None, int | None] = (ri, rc)
            if skip_best >= rival_val:
                rival, rival_val = (None, None), skip_best
            placements.append(Placement(t, bi, bc, bval - rival_val, rival))
            rows_count[bi] += 1
        rows_label = self._labels_taken(alpha, beta, gains, stays, start, score)
        return Alignment(score, placements, rows_count, rows_label, self.side)

    def _labels_taken(self, alpha, beta, gains, stays, start, score) -> list[bool]:
        """Whether each row takes a label in the best alignment (max-marginal equals the best)."""
        m, C = self.m, self.C
        out = [False] * m
        for t, tok in enumerate(self.tokens):
            if tok.kind != LABEL or not tok.rows:
                continue
            a, b1 = alpha[t], beta[t + 1]
            before, after = gains[t]
            closed = (a + self.final).reshape(m, -1).max(axis=1)
            opened = self._open_from(closed, start[t])
            lab = np.where(np.arange(C)[None, :] == 0, before[:, None], after[:, None])
            inplace = (np.maximum(a[:, :, 0] + self.pair_after, a[:, :, 1]) + lab + stays[t] + b1[:, :, 1]).max(axis=1)
            fresh = opened + before + b1[:, 0, 1]
            best = np.maximum(inplace, fresh)
            for i in tok.rows:
                if best[i] >= score - 1e-6:
                    out[i] = True
        return out
