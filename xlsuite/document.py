"""What every reader produces: the report's lines in reading order, with their place.

A line is either free text or a table row (its cells). Readers differ only in
how they find lines; recognising sections, labels and numbers happens once, in
``xlsuite.recognize``, for every kind of source.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Finding


@dataclass
class Line:
    text: str
    cells: list[str] | None = None  # a table row; ``text`` is then the cells joined by spaces
    page: int | None = None
    line: int | None = None
    confidences: list[float | None] | None = None  # OCR confidence per cell (a text line: one), when known

    @classmethod
    def row(cls, cells: list[str], page: int | None = None, line: int | None = None, **kw) -> "Line":
        return cls(" ".join(c for c in cells if c), list(cells), page, line, **kw)


@dataclass
class Document:
    source: str
    kind: str
    lines: list[Line] = field(default_factory=list)
    title: str | None = None  # a title the container states (HTML <title>, DOCX core properties)
    notes: list[Finding] = field(default_factory=list)  # what the reader noticed (images, pages)
    pages: int | None = None
