"""Word (.docx) reports: paragraphs and table rows in the order of the document body.

Cells come straight from the table XML: a horizontally merged cell (gridSpan)
is one cell, and the cells a vertical merge covers are skipped, as they are
not printed cells (the same rule the PDF reader applies to merged cells).
"""
from __future__ import annotations

import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from ..document import Document, Line
from ..errors import SourceError
from .options import ReadOptions


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    try:
        d = docx.Document(path)
    except (zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as e:
        raise SourceError(path, f"Word 文档已损坏，无法读取（{type(e).__name__}）", "corrupt") from None
    doc = Document(path, "docx", title=(d.core_properties.title or "").strip() or None)
    _blocks(doc, d.element.body, d)
    return doc


def _blocks(doc: Document, parent, owner) -> None:
    for block in parent.iterchildren():
        if block.tag == qn("w:p"):
            _paragraph(doc, Paragraph(block, owner))
        elif block.tag == qn("w:tbl"):
            _table(doc, Table(block, owner))
        elif block.tag == qn("w:sdt"):
            # content controls (templates, WPS) wrap paragraphs and whole tables
            content = block.find(qn("w:sdtContent"))
            if content is not None:
                _blocks(doc, content, owner)


def _paragraph(doc: Document, p: Paragraph) -> None:
    # A soft line break (Shift+Enter) splits a printed line as much as a new paragraph does.
    for part in p.text.split("\n"):
        if part.strip():
            doc.lines.append(Line(part.strip(), None, None, len(doc.lines) + 1))


def _table(doc: Document, table: Table) -> None:
    for tr in table._tbl.tr_lst:
        cells = []
        nested = []
        for tc in tr.tc_lst:
            if _continues_vertical_merge(tc):
                continue
            cell = _Cell(tc, table)
            cells.append(_cell_text(cell))
            nested.extend(cell.tables)
        if any(c for c in cells):
            doc.lines.append(Line.row(cells, None, len(doc.lines) + 1))
        # a layout table holding the form table in one of its cells
        for inner in nested:
            _table(doc, inner)


def _continues_vertical_merge(tc) -> bool:
    tc_pr = tc.tcPr
    if tc_pr is None:
        return False
    v = tc_pr.find(qn("w:vMerge"))
    return v is not None and v.get(qn("w:val"), "continue") != "restart"


def _cell_text(cell: _Cell) -> str:
    # A wrapped label is one cell; its paragraphs join without a space (CJK).
    parts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
    return "".join(parts)
