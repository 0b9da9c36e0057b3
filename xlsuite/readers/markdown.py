"""Markdown: paragraphs and pipe tables (often cut in two where the page broke)."""
from __future__ import annotations

import re

from ..document import Document, Line
from . import read_text_file
from .options import ReadOptions

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
# Converters keep a cell's line breaks as HTML; a CJK label wraps without a space.
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def load(path: str, options: ReadOptions | None = None, on_progress=None) -> Document:
    return parse(read_text_file(path), path)


def parse(text: str, source: str = "<markdown>") -> Document:
    lines: list[Line] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s or _SEPARATOR.match(s):
            continue
        if s.startswith("|"):
            body = s[1:-1] if s.endswith("|") and len(s) > 1 else s[1:]
            cells = [_BREAK.sub(" ", _EMPHASIS.sub("", c)).strip() for c in re.split(r"(?<!\\)\|", body)]
            lines.append(Line.row(cells, None, n))
        else:
            lines.append(Line(_BREAK.sub(" ", _EMPHASIS.sub("", re.sub(r"^#{1,6}\s*", "", s))), None, None, n))
    return Document(source, "markdown", lines)
