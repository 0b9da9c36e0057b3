"""HTML pages as saved from a government site: paragraphs, data tables, table images."""
from __future__ import annotations

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from ..document import Document, Line
from ..model import Finding
from . import read_text_file

_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "center", "blockquote", "dd", "dt", "dl", "pre", "header", "footer", "tr", "table", "tbody", "form"}
_SKIP = {"script", "style", "head", "noscript", "template", "iframe", "svg"}


def load(path: str, **options) -> Document:
    refs: list[tuple[int, str]] = []
    doc = parse(read_text_file(path), path, refs)
    if refs:  # tables published as pictures: OCR the ones saved next to the page
        from .ocr import read_page_images

        read_page_images(doc, path, refs, **options)
    return doc


def parse(html: str, source: str = "<html>", image_refs: list[tuple[int, str]] | None = None) -> Document:
    """``image_refs``, when given, receives (line index, src) of each picture, in order."""
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

    def walk(node: Tag):
        nonlocal images
        for child in node.children:
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
                    image_refs.append((len(doc.lines), child.get("src") or ""))
                continue
            if child.name == "table" and id(child) in data_tables:
                flush()
                for tr in child.find_all("tr"):
                    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in tr.find_all(["td", "th"])]
                    if any(cells):
                        doc.lines.append(Line.row(cells, None, len(doc.lines) + 1))
                    images += len(tr.find_all("img"))
                    if image_refs is not None:
                        image_refs.extend((len(doc.lines), i.get("src") or "") for i in tr.find_all("img"))
                continue
            if child.name == "br":
                flush()
                continue
            block = child.name in _BLOCK
            if block:
                flush()
            walk(child)
            if block:
                flush()

    walk(soup.body or soup)
    flush()
    if images:
        doc.notes.append(Finding("images", f"网页含 {images} 张图片；若表格以图片形式发布，需要 OCR 才能读取", "info"))
    return doc
