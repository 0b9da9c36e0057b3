"""Plain text: text dumped from PDFs (pdftotext, copy-paste) and saved web page text."""
from __future__ import annotations

from ..document import Document, Line
from . import read_text_file


def load(path: str, **_options) -> Document:
    return parse(read_text_file(path), path)


def parse(text: str, source: str = "<text>") -> Document:
    lines: list[Line] = []
    paged = "\f" in text
    page = 1
    # split("\n"), not splitlines(): splitlines() would swallow the form feeds that mark pages.
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        # pdftotext separates pages with form feeds: keep them as page numbers.
        page += raw.count("\f")
        raw = raw.replace("\f", "")
        if raw.strip():
            lines.append(Line(raw, None, page if paged else None, n))
    return Document(source, "text", lines)
