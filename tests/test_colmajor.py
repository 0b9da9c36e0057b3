"""Column-major text: a table's numbers printed block by block, column by column, put back
together only where the grid and the relations prove it (xlsuite.recognize.colmajor)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from xlsuite.forms.schema import Column, Row, Table
from xlsuite.recognize import colmajor as cm
from xlsuite.recognize.numbers import parse_cell
from xlsuite.recognize.tokens import Tok

from .fixtures import zoo_score as zs

# A 3x3 table: the last column is the sum of the first two in every row, and the first row
# is the sum of the two below it in every column (as 总计 and its parts). Read transposed, the
# row sums would not hold.
GRID = [[9, 12, 21],
        [4, 5, 9],
        [5, 7, 12]]


def relations(n: int = 3) -> list[list[tuple[int, int, int]]]:
    rows = [[(r, 0, 1), (r, 1, 1), (r, 2, -1)] for r in range(n)]
    cols = [[(0, c, 1), (1, c, -1), (2, c, -1)] for c in range(3)]
    return rows + cols


def holds(placed: dict[int, list[cm.Num]]) -> bool:
    """Every relation holds, three or more of them on non-zero numbers (as the reader asks)."""
    v = {(r, c): n.value or 0 for r, nums in placed.items() for c, n in enumerate(nums)}
    nonzero = 0
    for rel in relations():
        total = sum(v[r, c] * k for r, c, k in rel)
        if total != 0:
            return False
        nonzero += any(v[r, c] for r, c, _k in rel)
    return nonzero >= 3


def column_blocks(cols: list[list[int]], page: int = 1, gap: int = 2) -> list[list[cm.Num]]:
    """Each column's numbers one to a line, a blank line between columns, as pdftotext prints
    a rotated page: one run of numbers (no text between)."""
    run, line = [], 10
    for col in cols:
        for v in col:
            run.append(cm.Num(Decimal(v), line, page))
            line += 1
        line += gap - 1
    return [run]


def values(rows: dict[int, list[cm.Num]]) -> list[list[int]]:
    return [[int(n.value) for n in rows[r]] for r in sorted(rows)]


def test_a_table_printed_column_by_column_is_put_back_together():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    out = cm.search(column_blocks(cols), [3, 3, 3], holds, relations())
    assert out.why == "proven" and out.readings == 1
    assert values(out.rows) == GRID
    # which printed number went where: the first column's numbers on lines 10-12
    assert [n.line for n in out.rows[0]] == [10, 14, 18]


def test_blocks_of_one_band_may_come_after_the_rows_below_it():
    # rows 0-1 of columns 0-1, then row 2 cell by cell, then rows 0-1 of column 2 last
    blocks = [[9, 4], [12, 5], [5], [7], [12], [21, 9]]
    run, line = [], 10
    for blk in blocks:
        for v in blk:
            run.append(cm.Num(Decimal(v), line, 1))
            line += 1
        line += 1
    out = cm.search([run], [3, 3, 3], holds, relations())
    assert out.why == "proven" and values(out.rows) == GRID


def test_a_table_continued_on_the_next_page_continues_with_the_next_row():
    cols = [[GRID[r][c] for r in range(2)] for c in range(3)]
    first = column_blocks(cols, page=1)[0]
    last = [cm.Num(Decimal(v), 40, 2) for v in GRID[2]]  # the last row on one line
    out = cm.search([first + last], [3, 3, 3], holds, relations())
    assert out.why == "proven" and values(out.rows) == GRID


def test_numbers_in_an_order_no_tiling_explains_are_refused():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    cols[0] = [4, 9, 5]  # two cells of the first column swapped
    out = cm.search(column_blocks(cols), [3, 3, 3], holds, relations())
    assert out.rows is None and out.why == "no_reading"


def test_two_readings_with_different_values_are_refused():
    # symmetric relations (row 2 = row 0 + row 1, column 2 = column 0 + column 1): the table
    # read transposed satisfies them all as well
    grid = [[1, 2, 3], [4, 5, 9], [5, 7, 12]]

    def sym(placed):
        v = {(r, c): n.value for r, nums in placed.items() for c, n in enumerate(nums)}
        return all(v[r, 0] + v[r, 1] == v[r, 2] for r in range(3)) and \
            all(v[0, c] + v[1, c] == v[2, c] for c in range(3))

    rels = [[(r, 0, 1), (r, 1, 1), (r, 2, -1)] for r in range(3)] + \
        [[(0, c, 1), (1, c, 1), (2, c, -1)] for c in range(3)]
    cols = [[grid[r][c] for r in range(3)] for c in range(3)]
    out = cm.search(column_blocks(cols), [3, 3, 3], sym, rels)
    assert out.rows is None and out.why == "ambiguous" and out.readings == 2


def test_blocks_of_zeros_trading_places_give_one_reading():
    # rows 1 and 2 are all zero and printed cell by cell: which 0 went where does not matter
    grid = [[3, 4, 7], [0, 0, 0], [0, 0, 0], [3, 4, 7]]
    rels = [[(r, 0, 1), (r, 1, 1), (r, 2, -1)] for r in range(4)] + \
        [[(3, c, 1), (0, c, -1), (1, c, -1), (2, c, -1)] for c in range(3)]

    def ok(placed):
        v = {(r, c): n.value for r, nums in placed.items() for c, n in enumerate(nums)}
        return all(sum(v[r, c] * k for r, c, k in rel) == 0 for rel in rels)

    first = [cm.Num(Decimal(v), 10, 1) for v in grid[0]]  # a row on one line
    zeros = [cm.Num(Decimal(0), 12 + 2 * k, 1) for k in range(6)]  # each 0 on its own
    last = [cm.Num(Decimal(v), 30, 1) for v in grid[3]]
    out = cm.search([first + zeros + last], [3, 3, 3, 3], ok, rels)
    assert out.why == "proven" and values(out.rows) == grid


def test_a_number_alone_at_the_page_edge_is_a_page_number_where_the_tiling_says_so():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    run = column_blocks(cols)[0]
    page_no = cm.Num(Decimal(2), 99, 1, edge=True)
    out = cm.search([run, [page_no]], [3, 3, 3], holds, relations())
    assert out.why == "proven" and values(out.rows) == GRID


def test_the_search_stops_at_its_budget():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    out = cm.search(column_blocks(cols), [3, 3, 3], holds, relations(), budget=3)
    assert out.rows is None and out.why == "budget"
    assert cm.reconstruct(column_blocks(cols), [3, 3, 3], holds, relations(), budget=3) is None


def test_numbers_each_printed_alone_say_nothing_of_the_layout():
    run = [cm.Num(Decimal(GRID[r][c]), 10 + 2 * (3 * c + r), 1) for c in range(3) for r in range(3)]
    out = cm.search([run], [3, 3, 3], holds, relations())
    assert out.rows is None and out.why == "no_blocks"


def test_more_numbers_than_cells_is_no_table():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)] + [[1]]
    out = cm.search(column_blocks(cols), [3, 3, 3], holds, relations())
    assert out.rows is None and out.why == "count"


# The same table as a form table read from its tokens (labels and numbers in print order).
TABLE = Table("t", (Column("a", "甲"), Column("b", "乙"), Column("total", "合计")),
              (Row("all", "总数", ("总数",)), Row("x", "第一项", ("第一项",)), Row("y", "第二项", ("第二项",))))
KEY_RELATIONS = tuple(((("t.%s.total" % r, 1),), (("t.%s.a" % r, 1), ("t.%s.b" % r, 1))) for r in ("all", "x", "y")) + \
    tuple(((("t.all.%s" % c, 1),), (("t.x.%s" % c, 1), ("t.y.%s" % c, 1))) for c in ("a", "b", "total"))


def toks_of(items: list) -> list[Tok]:
    """Text labels and columns of numbers (one to a line, a blank line after each column)."""
    out, line = [], 1
    for item in items:
        if isinstance(item, str):
            out.append(Tok("text", text=item, page=1, line=line))
            line += 1
        else:
            for v in item:
                out.append(Tok("val", parsed=parse_cell(str(v)), page=1, line=line))
                line += 1
        line += 1
    return out


def prove(placed) -> bool:
    v = {(TABLE.rows[i].id, TABLE.columns[c].id): t.parsed.value for i, items in placed.items() for c, t, _p in items}
    key = lambda k: tuple(k.split(".")[1:])  # noqa: E731
    return all(sum(v[key(k)] * s for k, s in left) == sum(v[key(k)] * s for k, s in right)
               for left, right in KEY_RELATIONS)


def read(items) -> list[list[int]] | None:
    got = cm.read_tokens(TABLE, KEY_RELATIONS, toks_of(items), prove)
    return None if got is None else [[int(t.parsed.value) for _c, t in got[i]] for i in sorted(got)]


def test_a_form_table_read_from_its_tokens():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    assert read(["总数", "第一项", "第二项", *cols]) == GRID


def test_a_number_wrapped_onto_the_next_line_is_joined_where_the_relations_prove_it():
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    cols[2] = [2, 1, 9, 12]  # 21 printed as "2" over "1"
    got = cm.read_tokens(TABLE, KEY_RELATIONS, toks_of(["总数", "第一项", "第二项", *cols]), prove)
    assert [[int(t.parsed.value) for _c, t in got[i]] for i in sorted(got)] == GRID
    assert got[0][2][1].joined == "2/1"


def test_a_block_of_rows_printed_before_their_labels_is_not_trusted():
    # the relations cannot tell 第一项 from 第二项 (both parts of 总数): with their labels printed
    # after the numbers, nothing says which of the two rows the numbers below 总数 are
    cols = [[GRID[r][c] for r in range(3)] for c in range(3)]
    assert read(["总数", *cols, "第一项", "第二项"]) is None


@pytest.fixture(scope="module")
def column_major_scores():
    return [zs.score_file(e) for e in zs.entries(categories=("pdftotext-column-major",))]


def test_zoo_column_major_dumps(column_major_scores):
    for s in column_major_scores:
        assert not s.wrong, s.name
        # the requests table (three quarters of the cells) is put back together wherever all
        # its numbers are printed (a dump that leaves blank cells out cannot tile the table)
        if "shanghai" not in s.name:
            assert s.exact >= 0.85 * s.cells, (s.name, s.exact, s.cells)
    exact = sum(s.exact for s in column_major_scores)
    cells = sum(s.cells for s in column_major_scores)
    assert exact >= 0.5 * cells, (exact, cells)  # issue 20: column-major dumps ≥ 50 % exact
