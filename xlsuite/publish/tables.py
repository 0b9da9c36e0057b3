"""The one builder of the published tables: a form table's printed grid typeset in Word.

Everything about a table's shape (merged headers, the vertical
三、本年度办理结果, the （三）…（六） group labels, the 15 columns of 四) comes from
``xlsuite.forms.grid``, the description the workbook's sheets are laid out
from as well. This module only decides how the grid looks on A4: column
widths, font sizes, borders, and that a table is never split across pages.
"""
from __future__ import annotations

import math

from ..forms import Form
from ..forms.grid import Grid, grid
from ..model import Number
from .fonts import Face, Fonts

# Font size (pt) of each shape's cells: 四 has 15 columns on 156 mm, 三 ten.
SIZES = {"blocks": 10.5, "matrix": 9.0, "flat": 9.0}
CELL_MARGIN_MM = 1.0
# Label column widths (mm) of the matrix (三): the vertical 三、本年度办理结果 fits one character a line.
MATRIX_LABELS_MM = (8.0, 20.0)
MATRIX_VALUE_MM = 11.0  # wide enough for 5 digits; wider when the numbers are longer
MIN_LABEL_MM = 40.0  # what the row labels of 三 keep when the value columns widen (narrower: taller than a page)
BLOCK_LABEL_MM = 45.0
# The advance of a digit, in em: Noto's Latin digits are 0.56 em, 仿宋 and 黑体 0.5 em. A number
# must never wrap inside its cell (547566 printed as 54756 over 6 is a wrong number).
DIGIT_EM = 0.56
PT_MM = 25.4 / 72


def number_text(value: Number | None, kind: str) -> str:
    """A value as printed: blank stays blank (never 0), whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            text = repr(value)
            return text if "e" not in text else f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def number_mm(chars: int, size_pt: float) -> float:
    """The width a number of ``chars`` characters needs in a cell, margins included."""
    return chars * DIGIT_EM * size_pt * PT_MM + 2 * CELL_MARGIN_MM + 0.4


def fit_size(width_mm: float, chars: int, size_pt: float) -> float:
    """The largest size up to ``size_pt`` (in half points) at which ``chars`` fit on one line."""
    if chars == 0 or number_mm(chars, size_pt) <= width_mm:
        return size_pt
    room = width_mm - 2 * CELL_MARGIN_MM - 0.4
    return max(5.0, math.floor(room / (chars * DIGIT_EM * PT_MM) * 2) / 2)


def column_widths(g: Grid, total_mm: float, chars: int = 0) -> list[float]:
    """Widths (mm) of the grid's columns filling ``total_mm``; ``chars``: the longest number printed."""
    if g.shape == "matrix":
        fixed = list(MATRIX_LABELS_MM[:g.label_cols - 1])
        values = max(MATRIX_VALUE_MM, number_mm(chars, SIZES["matrix"]))
        values = min(values, (total_mm - sum(fixed) - MIN_LABEL_MM) / g.value_cols)
        label = total_mm - sum(fixed) - values * g.value_cols
        return fixed + [label] + [values] * g.value_cols
    if g.shape == "blocks":
        rest = (total_mm - BLOCK_LABEL_MM) / (g.width - 1)
        return [BLOCK_LABEL_MM] + [rest] * (g.width - 1)
    return [total_mm / g.width] * g.width


def add_table(doc, form: Form, section: str, values: dict[str, Number | None], fonts: Fonts,
              total_mm: float):
    """Append ``section``'s table with ``values`` (key -> number or None) to ``doc``."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    g = grid(form.id, section)
    size = SIZES[g.shape]
    texts = {key: number_text(values.get(key), form.column_of(key).kind) for key in g.cells}
    chars = max(map(len, texts.values()), default=0)
    widths = column_widths(g, total_mm, chars)
    # Numbers never wrap: a table whose columns cannot widen (四) prints long numbers smaller.
    narrowest = min(sum(widths[c:g.spans.get(k, c) + 1]) for k, (_r, c) in g.cells.items())
    number_size = fit_size(narrowest, chars, size)
    frame = _frame(doc, total_mm)
    table = frame.add_table(rows=g.height, cols=g.width)
    # A cell holds paragraphs around the table: none above it, the one below is the space after it.
    lead = frame.paragraphs[0]._p
    lead.getparent().remove(lead)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths)
    spans = [(b.row, b.col, b.last_row, b.last_col) for b in g.blocks if b.merged]
    spans += [(g.cells[k][0], g.cells[k][1], g.cells[k][0], last) for k, last in g.spans.items()]
    cells = _merge(table, spans, widths)

    header = cell_style(doc, "表头", fonts.heading, size, WD_ALIGN_PARAGRAPH.CENTER).style_id
    label = cell_style(doc, "表格文字", fonts.body, size, WD_ALIGN_PARAGRAPH.LEFT).style_id
    number = cell_style(doc, "表格数字", fonts.body, number_size, WD_ALIGN_PARAGRAPH.CENTER).style_id

    def put(r: int, c: int, text: str, style_id: str) -> None:
        para = cells[r, c].paragraphs[0]
        para._p.style = style_id  # by id: python-docx's Paragraph.style looks the name up per call
        if text:
            para.add_run(text)

    for b in g.blocks:
        put(b.row, b.col, b.text, label if b.kind == "label" else header)
    for key, (r, c) in g.cells.items():
        put(r, c, texts[key], number)
    _keep_on_one_page(table, g.header_rows)
    return table


def _merge(table, spans: list[tuple[int, int, int, int]], widths_mm: list[float]) -> dict:
    """Merge each (row, col, last row, last col) range; the cells that remain, by their top-left corner.

    python-docx's ``Cell.merge`` walks the whole table per call (seconds for the 280 cells of 三);
    here each row's ``w:tc`` list is edited once: ``gridSpan`` across, ``vMerge`` down.
    """
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Mm
    from docx.table import _Cell

    rows = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    span_at = {}
    for r, c, r2, c2 in spans:
        for rr in range(r, r2 + 1):
            span_at[rr, c] = (c2, "restart" if rr == r else "continue", r2 > r)
    out = {}
    for r, tcs in enumerate(rows):
        c = 0
        while c < len(tcs):
            tc = tcs[c]
            last, state, vertical = span_at.get((r, c), (c, None, False))
            for gone in tcs[c + 1:last + 1]:
                gone.getparent().remove(gone)
            if last > c:
                tc.grid_span = last - c + 1
            if vertical:
                tc.vMerge = state  # python-docx keeps tcPr's children in schema order
            tc.width = Mm(sum(widths_mm[c:last + 1]))
            cell = _Cell(tc, table)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if state != "continue":
                out[r, c] = cell
            c = last + 1
    return out


def cell_style(doc, name: str, face: Face, size: float, align):
    """The paragraph style ``name`` at ``size`` pt (made on first use): table cells use styles,
    so staff who edit the document in Word restyle a table in one place."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    full = f"{name} {size:g}pt"
    styles = doc.styles
    try:
        return styles[full]
    except KeyError:
        pass
    style = styles.add_style(full, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.name = face.name
    style.font.size = Pt(size)
    style.font.bold = face.bold or None
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face.name)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = 0
    fmt.line_spacing = 1.0
    fmt.first_line_indent = 0
    return style


def set_font(run, face: Face, size: float, bold: bool = False) -> None:
    """A run in ``face`` for Latin and CJK text alike."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = face.name
    run.font.size = Pt(size)
    run.font.bold = bold or None
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), face.name)


def _fixed_layout(table, widths_mm: list[float]) -> None:
    """Fixed column widths and narrow cell margins, so Word and LibreOffice draw the same grid."""
    from docx.shared import Mm

    table.autofit = False  # w:tblLayout fixed
    _cell_margins(table, round(CELL_MARGIN_MM / 25.4 * 1440))
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm):
        col.w = Mm(width)


def _cell_margins(table, twips: int) -> None:
    """Left and right cell margins of the whole table (w:tblCellMar, in its place before w:tblLook)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(twips))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def _frame(doc, total_mm: float):
    """A borderless one-cell table whose row may not break: the cell the form table sits in.

    LibreOffice (7.4) ignores "keep with next" inside tables, the way Word
    keeps a table together; but neither program breaks a row marked
    cantSplit. The frame row carries the whole table, so both keep it on one
    page. Readers see through it: it has no text and no ruling lines.
    """
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    frame = doc.add_table(rows=1, cols=1)
    frame.autofit = False
    _cell_margins(frame, 0)
    frame._tbl.tblGrid.gridCol_lst[0].w = Mm(total_mm)
    cell = frame.cell(0, 0)
    cell.width = Mm(total_mm)
    frame.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return cell


def _keep_on_one_page(table, header_rows: int) -> None:
    """No row breaks across pages (the frame keeps the table whole); the header rows repeat."""
    from docx.oxml import OxmlElement

    for i, tr in enumerate(table._tbl.tr_lst):
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
