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
    money: bool = False            # printed with a money unit (9742万元): an amount, never a count
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


SIDES = ("before", "after")


def align(tokens: list[Token], slots: list[Slot], *, flat: bool = False,
          weights: Weights = Weights()) -> Alignment:
    """The best alignment over both label sides; its margins also count the other side's best.

    ``flat``: the table prints its rows as one line of numbers (the appeals
    table), so a row may start inside a printed line.
    """
    best: Alignment | None = None
    other: Alignment | None = None
    for a in _Programme(tokens, slots, flat, weights).solve():
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
    """The dynamic programme, for both label sides at once (axis 0 of every score array).

    States: (side, row, numbers taken, label taken). The token scores, which do not
    depend on the state, are computed for the whole stream before the passes; the
    forward and backward passes then cost a few array operations per token, and the
    max-marginals are read off both passes for all tokens together.
    """

    def __init__(self, tokens: list[Token], slots: list[Slot], flat: bool, w: Weights):
        self.tokens, self.slots, self.flat, self.w = tokens, slots, flat, w
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
        idx = np.arange(m)
        self.P_idx = self.P * idx
        self.P_idx_before = self.P * (idx - 1)
        self.P_idx_after = self.P * (idx + 1)
        self.P_rest = self.P * (m - 1 - idx)
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

    # --- token scores, for the whole stream ------------------------------------

    def _skip(self, t: Token) -> float:
        if t.kind == LABEL:
            return 0.0
        if t.blank and not t.interior:
            return -self.w.skip_blank
        if t.blank:
            return -self.w.skip_num
        return -self.w.skip_num * (1.0 - 0.8 * t.junk)

    def _labels(self) -> tuple[np.ndarray, np.ndarray]:
        """before[t, s, i], lab[t, s, i, c]: gain of consuming label token t for row i on side s,
        before the row's numbers (c = 0) or after some (c >= 1)."""
        T, m, C, w = len(self.tokens), self.m, self.C, self.w
        before = np.full((T, 2, m), NEG)
        after = np.full((T, 2, m), NEG)
        for t, tok in enumerate(self.tokens):
            if tok.kind != LABEL:
                continue
            for i, s in tok.rows.items():
                # side "before": the near weight before the numbers; side "after": after them
                before[t, 0, i] = w.label_near * s
                after[t, 0, i] = w.label_far * s
                before[t, 1, i] = w.label_far * s
                after[t, 1, i] = w.label_near * s
        lab = np.where((np.arange(C) == 0)[None, None, None, :], before[..., None], after[..., None])
        return before, lab

    def _nums(self) -> np.ndarray:
        """gain[t, i, c]: number token t taken as column c of row i (c = numbers the row had before)."""
        toks, w, m, C = self.tokens, self.w, self.m, self.C
        T = len(toks)
        base = np.array([(w.blank if t.blank else w.num * (1.0 - 0.9 * t.junk)) if t.kind == NUM else 0.0
                         for t in toks], dtype=float)
        g = np.empty((T, m, C))
        g[...] = base[:, None, None]
        filled = [t.kind == NUM and not t.blank for t in toks]
        decimal = np.array([f and t.decimal for f, t in zip(filled, toks)], dtype=bool)
        signed = np.array([f and t.signed for f, t in zip(filled, toks)], dtype=bool)
        if decimal.any():
            g[decimal] -= w.bad_kind * ~self.takes_decimal
        if signed.any():
            g[signed] -= w.bad_kind * ~self.takes_sign
        money = np.array([f and t.money for f, t in zip(filled, toks)], dtype=bool)
        if money.any():
            g[money] = np.where(self.takes_decimal, g[money], NEG)
        if not self.flat:
            split = np.array([t.kind == NUM and t.brk == SAME for t in toks], dtype=bool)
            g[split, :, 0] -= w.split_line
        for n, t in enumerate(toks):
            if t.kind == NUM:
                for i, v in t.same_line_rows.items():
                    if i < m:
                        g[n, i, 0] += w.same_line * v
        rcol = [n for n, t in enumerate(toks) if t.kind == NUM and t.rcol is not None]
        if rcol:
            wanted = np.array([toks[n].rcol for n in rcol])
            g[rcol] += w.column * (self.rcol_of[None, :, :] == wanted[:, None, None])
        g[:, ~self.valid] = NEG
        return g

    def _stays(self) -> np.ndarray:
        """stay[t, i, c]: the cost of a row with some but not all of its numbers living through
        token t.

        Text, or a new printed row, in the middle of a row's numbers is unusual whether the
        token is taken or left: charging it either way keeps a skipped token from hiding it.
        """
        toks, w, m = self.tokens, self.w, self.m
        st = np.zeros((len(toks), m, self.C))
        text = np.array([t.kind == LABEL and not self.flat for t in toks], dtype=bool)
        # (a one-row table's header text falls between its numbers in dumps: flat tables pay nothing)
        newrow = np.array([t.kind == NUM and t.brk == NEWROW for t in toks], dtype=bool)
        st[text] = np.where(self.partial, -w.wrap_text, 0.0)
        st[newrow] = np.where(self.partial, -w.wrap_row, 0.0)
        # another (later) row's label in the middle of a row's numbers: that row has begun
        later = np.array([max(t.rows) if t.kind == LABEL and t.rows and not self.flat else 0 for t in toks])
        earlier = np.arange(m)[None, :, None] < later[:, None, None]
        st[earlier & self.partial[None, :, :]] = -w.wrap_label
        return st

    def _open_from(self, closed: np.ndarray, start, out: np.ndarray | None = None) -> np.ndarray:
        """best score of opening row i' (last axis) given the best closed score of each earlier row.

        Opening i' after closing i < i': closed[i] - P * (i' - i - 1); or from the start:
        start - P * i'. ``start`` has the shape of ``closed`` without its last axis; ``out``,
        if given, is a work array with one more place on the last axis.
        """
        P = self.P
        if out is None:
            out = np.empty(closed.shape[:-1] + (closed.shape[-1] + 1,))
        out[..., 0] = start - P * 0 + P * -1
        np.add(closed, self.P_idx, out=out[..., 1:])  # closed[i] + P*i
        np.maximum.accumulate(out, axis=-1, out=out)
        # run[i'] = max(start + P*(-1), max_{i<i'} closed[i] + P*i); subtract P*(i'-1)
        return out[..., :-1] - self.P_idx_before

    # --- the passes ------------------------------------------------------------

    def solve(self) -> list[Alignment]:
        """The best alignment of each label side, "before" then "after"."""
        toks, m, C, w = self.tokens, self.m, self.C, self.w
        T = len(toks)
        if m == 0:
            return [Alignment(0.0, [], [], [], side) for side in SIDES]
        P, final = self.P, self.final
        skips = [self._skip(t) for t in toks]
        is_label = [t.kind == LABEL for t in toks]
        stays = self._stays()
        gains = self._nums()
        taken = gains + stays  # a number taken as a cell, with its stay cost
        before, lab = self._labels()
        alpha = np.full((T + 1, 2, m, C, 2), NEG)
        start = np.zeros(T + 1)
        work, run = np.empty((2, m, C, 2)), np.empty((2, m + 1))
        for t in range(T):
            a, nxt = alpha[t], alpha[t + 1]
            sk, stay = skips[t], stays[t]
            np.add(a, sk, out=nxt)
            nxt += stay[:, :, None]
            np.add(a, final, out=work)
            opened = self._open_from(work.max(axis=(2, 3)), start[t], run)
            if is_label[t]:
                # the first label of a row that already has numbers pairs them
                in_place = np.maximum(a[..., 0] + self.pair_after, a[..., 1]) + stay + lab[t]
                np.maximum(nxt[..., 1], in_place, out=nxt[..., 1])
                np.maximum(nxt[:, :, 0, 1], opened + before[t], out=nxt[:, :, 0, 1])
            else:
                # c -> c+1 for c >= 1 in place; c = 0 in place means a label was taken first (h=1)
                moved = a[:, :, :-1, :] + taken[t][:, :-1, None]
                moved[:, :, 0, 1] += w.pair  # numbers after the row's label
                np.maximum(nxt[:, :, 1:, :], moved, out=nxt[:, :, 1:, :])
                np.maximum(nxt[:, :, 1, 0], opened + gains[t][:, 0], out=nxt[:, :, 1, 0])
            start[t + 1] = start[t] + sk
        closed_T = (alpha[T] + final).reshape(2, m, -1).max(axis=2)
        end_each = closed_T - self.P_rest
        scores = [float(max(end_each[s].max(), start[T] - P * m)) for s in range(2)]

        # backward: beta[t] = best completion from a state reached after tokens < t
        beta = np.full((T + 1, 2, m, C, 2), NEG)
        beta[T] = final - self.P_rest[:, None, None]
        bstart = np.full((T + 1, 2), NEG)
        bstart[T] = -P * m
        tail = np.full((2, 1), NEG)
        for t in range(T - 1, -1, -1):
            b1, cur = beta[t + 1], beta[t]
            sk, stay = skips[t], stays[t]
            np.add(b1, sk, out=cur)
            cur += stay[:, :, None]
            if is_label[t]:
                in_place = b1[..., 1] + lab[t] + stay  # from (i, c, h): h becomes 1
                np.maximum(cur[..., 1], in_place, out=cur[..., 1])
                np.maximum(cur[..., 0], in_place + self.pair_after, out=cur[..., 0])
                g_open = before[t] + b1[:, :, 0, 1]
            else:
                # from (i, c, h): take as column c -> (i, c+1, h)
                take = taken[t][:, :-1, None] + b1[:, :, 1:, :]
                # in place at c = 0 only after a label (h = 1), which the numbers pair
                take[:, :, 0, 0] = NEG
                take[:, :, 0, 1] += w.pair
                np.maximum(cur[:, :, :-1, :], take, out=cur[:, :, :-1, :])
                np.maximum(cur[:, :, -1, :], NEG, out=cur[:, :, -1, :])  # no column after the last
                g_open = gains[t][:, 0] + b1[:, :, 1, 0]
            # close row i, open a later row i' with this token
            shifted = g_open - self.P_idx  # g_open[i'] - P*i'
            rev = np.maximum.accumulate(shifted[:, ::-1], axis=1)[:, ::-1]  # max_{i'>=k}
            after_i = np.concatenate((rev[:, 1:], tail), axis=1)  # max_{i'>i}
            best_open = after_i + self.P_idx_after  # - P*(i'-i-1)
            np.maximum(cur, final + best_open[:, :, None, None], out=cur)
            np.maximum(bstart[t + 1] + sk, shifted.max(axis=1), out=bstart[t])

        out = []
        placements = self._placements(alpha, beta, gains, taken, stays, skips, start, bstart)
        labels = self._labels_taken(alpha, beta, before, lab, stays, start, scores)
        for s, side in enumerate(SIDES):
            rows_count = [0] * m
            for p in placements[s]:
                if p.row is not None:
                    rows_count[p.row] += 1
            out.append(Alignment(scores[s], placements[s], rows_count, labels[s], side))
        return out

    def _placements(self, alpha, beta, gains, taken, stays, skips, start, bstart) -> list[list[Placement]]:
        """Each side's placement of every number, with its max-marginal margin and rival."""
        m, C, w, final = self.m, self.C, self.w, self.final
        nums = [t for t, tok in enumerate(self.tokens) if tok.kind == NUM]
        if not nums:
            return [[], []]
        K = len(nums)
        n = np.array(nums)
        a, b1, g = alpha[n], beta[n + 1], gains[n][:, None]  # (K, 2, m, C, 2); g: (K, 1, m, C)
        opened = self._open_from((a + final).max(axis=(3, 4)), start[n][:, None])
        M = np.full((K, 2, m, C), NEG)
        if C > 2:
            M[..., 1:C - 1] = (a[..., 1:C - 1, :] + b1[..., 2:, :]).max(axis=-1) + taken[n][:, None, :, 1:C - 1]
        M[..., 0] = np.maximum(opened + g[..., 0] + b1[..., 1, 0], a[..., 0, 1] + w.pair + g[..., 0] + b1[..., 1, 1])
        sk = np.array([skips[t] for t in nums])
        skip_in = (a + sk[:, None, None, None, None] + stays[n][:, None, :, :, None] + b1).reshape(K, 2, -1).max(axis=2)
        skip_out = (start[n] + sk)[:, None] + bstart[n + 1]
        flat_M = M.reshape(K, 2, -1)
        first = flat_M.argmax(axis=2)
        rest = flat_M.copy()
        np.put_along_axis(rest, first[..., None], NEG, axis=2)
        second = rest.argmax(axis=2)
        best_val = np.take_along_axis(flat_M, first[..., None], axis=2)[..., 0].tolist()
        second_val = np.take_along_axis(rest, second[..., None], axis=2)[..., 0].tolist()
        skip_best = np.maximum(skip_in, skip_out).tolist()
        first_l, second_l = first.tolist(), second.tolist()
        out: list[list[Placement]] = [[], []]
        for k, t in enumerate(nums):
            for s in range(2):
                sb, bval = skip_best[k][s], best_val[k][s]
                bi, bc = divmod(first_l[k][s], C)
                if sb >= bval:
                    out[s].append(Placement(t, None, None, sb - bval, (bi, bc)))
                    continue
                rival_val = second_val[k][s]
                if sb >= rival_val:
                    rival, rival_val = (None, None), sb
                else:
                    rival = divmod(second_l[k][s], C)
                out[s].append(Placement(t, bi, bc, bval - rival_val, rival))
        return out

    def _labels_taken(self, alpha, beta, before, lab, stays, start, scores) -> list[list[bool]]:
        """Whether each row takes a label in each side's best alignment (max-marginal equals the best)."""
        m = self.m
        out = [[False] * m, [False] * m]
        labelled = [t for t, tok in enumerate(self.tokens) if tok.kind == LABEL and tok.rows]
        if not labelled:
            return out
        n = np.array(labelled)
        a, b1 = alpha[n], beta[n + 1]
        opened = self._open_from((a + self.final).max(axis=(3, 4)), start[n][:, None])
        inplace = (np.maximum(a[..., 0] + self.pair_after, a[..., 1]) + lab[n] + stays[n][:, None]
                   + b1[..., 1]).max(axis=-1)
        fresh = opened + before[n] + b1[:, :, :, 0, 1]
        best = np.maximum(inplace, fresh)
        for k, t in enumerate(labelled):
            for s in range(2):
                for i in self.tokens[t].rows:
                    if best[k, s, i] >= scores[s] - 1e-6:
                        out[s][i] = True
        return out
