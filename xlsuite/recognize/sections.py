"""Where each section of a report starts: by its title words, whatever numbers it.

Reports renumber their sections ("一、主动公开政府信息情况" when the tables come
first), converters rewrite the numbers ("## 2. 主动公开…", "**一、…**"), and
some reports print the tables with no heading at all. So a heading is a short
line whose text, once its numbering is removed, starts with the section's title
words; and a table whose heading is missing is found by words printed only in
that table (its header, its first row's label).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Line
from ..forms import Form
from ..forms.common import TABLE_ANCHORS
from .numbers import nfkc, squash

_MARKUP = re.compile(r"^[#*>\s]+|[*]+$")
# 一、 / 十二. / 3、 / 第一部分 — not （一）, which numbers the parts inside a section.
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]{1,3}(?:部分|章|节)|[一二三四五六七八九十]{1,3}[、.．,，:：]?|\d{1,2}[、.．,，:：])")
_MAX_HEADING = 36


@dataclass(frozen=True)
class Span:
    head: int   # the heading line (for a table found by content: its first line)
    start: int  # the first line of the section's body
    end: int    # one past its last line


def heading_text(line: Line) -> str | None:
    """The squashed text of a line that could be a heading, its numbering removed."""
    if line.cells is not None:
        nonempty = [c for c in line.cells if c.strip()]
        if len(nonempty) != 1:
            return None
        text = nonempty[0]
    else:
        text = line.text
    if len(text) > 4 * _MAX_HEADING:
        return None  # a paragraph, not a heading (and not worth normalising)
    s = squash(_MARKUP.sub("", nfkc(text)))
    if not s or len(s) > _MAX_HEADING:
        return None
    return _NUMBERING.sub("", s, count=1)


def split_sections(form: Form, lines: list[Line]) -> dict[str, Span]:
    """Each section found: headings in form order, then tables without one by their content."""
    heads: list[tuple[str, int, int]] = []  # (section id, heading line, body start)
    pos = 0
    texts = [heading_text(l) for l in lines]
    for section in form.sections:
        pat = re.compile(section.heading)
        for i in range(pos, len(lines)):
            h = texts[i]
            if h and pat.search(h):
                heads.append((section.id, i, i + 1))
                pos = i + 1
                break
    found = {sid for sid, _h, _s in heads}
    order = [s.id for s in form.sections]
    for sid in ("active", "requests", "appeals"):
        if sid in found or sid not in order:
            continue
        before = [h for h in heads if order.index(h[0]) < order.index(sid)]
        after = [h for h in heads if order.index(h[0]) > order.index(sid)]
        lo = max((h[2] for h in before), default=0)
        hi = min((h[1] for h in after), default=len(lines))
        at = _anchor(lines, sid, lo, hi)
        if at is not None:
            heads.append((sid, at, at))
            found.add(sid)
    heads.sort(key=lambda h: h[1])
    out: dict[str, Span] = {}
    for n, (sid, head, start) in enumerate(heads):
        end = heads[n + 1][1] if n + 1 < len(heads) else len(lines)
        out[sid] = Span(head, start, end)
    return out


def _anchor(lines: list[Line], sid: str, lo: int, hi: int) -> int | None:
    """The first line in [lo, hi) carrying one of the table's own words (strongest first)."""
    texts = [squash(lines[i].text) for i in range(lo, hi)]
    for word in TABLE_ANCHORS[sid]:
        for k, t in enumerate(texts):
            if word in t:
                return lo + k
    return None
