"""HTML pages as saved from a government site: paragraphs, data tables, table images."""
from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

from .. import codes
from ..document import Document, Line
from ..limits import Limits, current as current_limits
from ..model import Finding, Severity
from . import guard, read_text_file
from .options import ReadOptions

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "center", "blockquote", "dd", "dt", "dl", "pre", "header", "footer", "tr", "table", "tbody", "form"}
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "svg"}


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    options = options or ReadOptions()
    limits = options.budgets()
    refs: list[tuple[int, str]] = []
    html = read_text_file(path)
    guard.check_html_nodes(path, html, limits)
    doc = parse(html, path, refs, limits=limits)
    if refs:  # tables published as pictures: OCR the ones saved next to the page
        from .ocr import read_page_images

        read_page_images(doc, path, refs, options, on_progress)
    return doc


def cell_text(cell: Tag) -> str:
    """A table cell's text: inline pieces joined as printed, blocks and line breaks apart.

    Word splits one number over several ``<span>``s (``<span>2</span><span>0</span>`` is 20),
    so inline text is joined without a space; a ``<br>`` or a paragraph inside the cell
    still separates (a label over two lines, a value under a note). Walked with an explicit
    stack, like the page: nesting costs no recursion.
    """
    parts: list[str] = []
    stack = [iter(cell.children)]
    closers: list[bool] = [False]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if closers.pop():
                parts.append(" ")
            continue
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in _SKIP:
            if child.name == "br":
                parts.append(" ")
                continue
            block = child.name in _BLOCK
            if block:
                parts.append(" ")
            stack.append(iter(child.children))
            closers.append(block)
    return " ".join("".join(parts).split())


def parse(html: str, source: str = "<html>", image_refs: list[tuple[int, str]] | None = None, *,
          limits: Limits | None = None) -> Document:
    """``image_refs``, when given, receives (line index, src) of each picture, in order.

    The tree is walked with an explicit stack, so nesting costs no recursion;
    deeper than ``limits.html_depth`` is refused (SourceError naming ``source``).
    """
    max_depth = (limits or current_limits()).html_depth
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # an XHTML page is still read as HTML
        soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    # Layout tables wrap whole pages; only tables with no table inside hold form data.
    data_tables = {id(t) for t in soup.find_all("table") if t.find("table") is None}
    doc = Document(source, "html", title=title)
    buf: list[str] = []
    images = 0

    def flush():
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            doc.lines.append(Line(text, None, None, len(doc.lines) + 1))

    # Each frame: the children still to visit, and whether the element is a block (flush after it).
    stack = [(iter((soup.body or soup).children), False)]
    while stack:
        child = next(stack[-1][0], None)
        if child is None:
            if stack.pop()[1]:
                flush()
            continue
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            buf.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        if child.name == "img":
            images += 1
            flush()
            if image_refs is not None:
                image_refs.append((len(doc.lines), str(child.get("src") or "")))
            continue
        if child.name == "table" and id(child) in data_tables:
            flush()
            for tr in child.find_all("tr"):
                cells = [cell_text(td) for td in tr.find_all(["td", "th"])]
                if any(cells):
                    doc.lines.append(Line.row(cells, None, len(doc.lines) + 1))
                images += len(tr.find_all("img"))
                if image_refs is not None:
                    image_refs.extend((len(doc.lines), str(i.get("src") or "")) for i in tr.find_all("img"))
            continue
        if child.name == "br":
            flush()
            continue
        block = child.name in _BLOCK
        if block:
            flush()
        stack.append((iter(child.children), block))
        if len(stack) > max_depth:
            raise guard.html_too_deep(source, limits or current_limits())
    flush()
    if images:
        doc.notes.append(Finding(codes.IMAGES, f"网页含 {images} 张图片；若表格以图片形式发布，需要 OCR 才能读取", Severity.INFO))
    return doc
