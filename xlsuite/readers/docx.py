"""Word (.docx) reports: paragraphs and table rows in the order of the document body.

Cells come straight from the table XML: a horizontally merged cell (gridSpan)
is one cell, and the cells a vertical merge covers are skipped, as they are
not printed cells (the same rule the PDF reader applies to merged cells).

The text is the text Word shows, read from the XML rather than through
python-docx's ``text`` properties, which only see runs that are direct children
of a paragraph. Word and WPS files also hold text in content controls (around
runs, paragraphs, cells or rows), tracked insertions, simple fields (a table's
``=SUM(LEFT)``), hyperlinks, smart tags and text boxes (a title or a cover page
drawn in one): all read. Text Word does not show is
left out: tracked deletions, text moved away, field instructions, hidden text, and a
content control still showing its placeholder (单击或点击此处输入文字。: the cell was left
blank), and Word's placeholder prompts wherever a copy saved by another program kept
them as text.
"""
from __future__ import annotations

import zipfile

from docx.oxml.ns import qn
from lxml.etree import XMLSyntaxError

from ..document import Document, Line
from ..errors import SourceError
from ..text import typed
from .options import ReadOptions

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
# inside a paragraph: not shown (deleted, moved away) or not text (properties)
_HIDDEN = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:sdtPr"), qn("w:customXmlPr"),
           qn("w:smartTagPr"), qn("w:sdtEndPr")}
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_ALTERNATE, _FALLBACK = _MC + "AlternateContent", _MC + "Fallback"
_TEXT_BOX = qn("w:txbxContent")
_T = qn("w:t")
_RUN_CHARS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    try:
        body, title = _open(path)
    except (zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as e:
        raise SourceError(path, f"Word 文档已损坏，无法读取（{type(e).__name__}）", "corrupt") from None
    doc = Document(path, "docx", title=(title or "").strip() or None)
    _blocks(doc, body)
    return doc


def _open(path: str):
    """The main document's body and the title of a Word package: a document, a template
    (.dotx) or a macro-enabled file (.docm), whatever its main part is named (Office 365
    writes ``word/document2.xml``). python-docx's ``Document()`` refuses all but the
    first kind; its package does not."""
    from docx.oxml.parser import parse_xml
    from docx.package import Package

    package = Package.open(path)
    part = package.main_document_part
    element = part.element if hasattr(part, "element") else parse_xml(part.blob)
    body = element.find(qn("w:body"))
    if body is None:
        raise ValueError("no w:body")
    return body, package.core_properties.title


def _content(wrapper):
    """What a content control or custom XML element wraps; None for a content control
    still showing its placeholder (nothing was filled in)."""
    if wrapper.tag == _SDT:
        pr = wrapper.find(qn("w:sdtPr"))
        if pr is not None and pr.find(qn("w:showingPlcHdr")) is not None:
            return None
        return wrapper.find(_SDT_CONTENT)
    return wrapper  # w:customXml: its content is its children


def _children(parent, tag: str):
    """``parent``'s elements ``tag``, looking through content controls and custom XML."""
    for el in parent.iterchildren():
        if el.tag == tag:
            yield el
        elif el.tag in (_SDT, _CUSTOM_XML):
            content = _content(el)
            if content is not None:
                yield from _children(content, tag)


def _blocks(doc: Document, parent) -> None:
    for block in parent.iterchildren():
        if block.tag == _P:
            # a text box anchored in the paragraph (a cover page, a title) comes before its text
            for box in _text_boxes(block):
                _blocks(doc, box)
            _paragraph(doc, _text(block))
        elif block.tag == _TBL:
            _table(doc, block)
        elif block.tag in (_SDT, _CUSTOM_XML):
            # content controls (templates, WPS) wrap paragraphs and whole tables
            content = _content(block)
            if content is not None:
                _blocks(doc, content)


def _text_boxes(p):
    """The text boxes drawn from paragraph ``p``: each once (Word writes a text box twice,
    as a shape and as its fallback for older versions) and not those inside another box
    (read with the box that holds them)."""
    for box in p.iter(_TEXT_BOX):
        up = box.getparent()
        while up is not None and up is not p:
            if up.tag in (_TEXT_BOX, _FALLBACK):
                break
            up = up.getparent()
        else:
            yield box


def _text(el) -> str:
    """The text Word shows for a paragraph, or any element holding runs."""
    out = []
    for node in el.iterchildren():
        if node.tag == _R:
            if _hidden(node):
                continue
            for t in node.iterchildren():
                if t.tag == _T:
                    out.append(t.text or "")
                elif t.tag in _RUN_CHARS:
                    out.append(_RUN_CHARS[t.tag])
        elif node.tag == _SDT:
            content = _content(node)
            if content is not None:
                out.append(_text(content))
        elif node.tag == _ALTERNATE:
            # the same content written for several versions of Word: the first choice
            if len(node):
                out.append(_text(node[0]))
        elif node.tag not in _HIDDEN and isinstance(node.tag, str):
            # tracked insertions, moved-here text, simple fields, hyperlinks, smart tags, custom XML
            out.append(_text(node))
    return "".join(out)


def _hidden(run) -> bool:
    """A run formatted as hidden text (Font > Hidden): neither shown nor printed."""
    pr = run.find(qn("w:rPr"))
    v = pr.find(qn("w:vanish")) if pr is not None else None
    return v is not None and v.get(qn("w:val"), "true") not in ("false", "0", "off")


def _paragraph(doc: Document, text: str) -> None:
    # A soft line break (Shift+Enter) splits a printed line as much as a new paragraph does.
    for part in typed(text).split("\n"):
        if part.strip():
            doc.lines.append(Line(part.strip(), None, None, len(doc.lines) + 1))


def _table(doc: Document, tbl) -> None:
    for tr in _children(tbl, _TR):
        cells = []
        nested: list = []
        for tc in _children(tr, _TC):
            if _continues_vertical_merge(tc):
                continue
            cells.append(_cell_text(tc, nested))
        if any(c for c in cells):
            doc.lines.append(Line.row(cells, None, len(doc.lines) + 1))
        # a layout table holding the form table in one of its cells
        for inner in nested:
            _table(doc, inner)


def _continues_vertical_merge(tc) -> bool:
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    v = tc_pr.find(qn("w:vMerge"))
    return v is not None and v.get(qn("w:val"), "continue") != "restart"


def _cell_text(tc, nested: list) -> str:
    """A cell's paragraphs (and soft line breaks: a wrapped label is one cell) joined
    without a space (CJK); tables inside the cell are put in ``nested``."""
    nested.extend(_children(tc, _TBL))
    parts = [part.strip() for p in _children(tc, _P) for part in typed(_text(p)).split("\n")]
    return "".join(p for p in parts if p)
