"""Printed numbers: normalisation, the number grammar, blank markers and page numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..text import nfkc, squash, typed  # noqa: F401 - normalisation lives in xlsuite.text; recognize imports it here

# A number stands on its own: not glued to latin letters, digits, a dot, an opening bracket or
# a CJK character before it (数据1, 列2, (1)), and not followed by a CJK character (2020年, 3个)
# other than a money unit, nor by the marks that make it an item number (1、 1) 1）). (A whole
# table cell may still end in its count's unit: parse_cell.)
NUMBER = re.compile(
    r"(?<![A-Za-z0-9.(\u4e00-\u9fff])([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(\s*(?:万元|元))?"
    r"(?![A-Za-z0-9.%)、\u4e00-\u9fff])"
)
# A whole cell may carry the unit of its count ("12件", "3 人次"): a cell, not a sentence.
_COUNT_UNIT = re.compile(r"(?<=\d)\s*(?:件|个|条|项|次|人次|家|份|篇|场)$")
NULL_MARKERS = frozenset({"/", "-", "—", "——", "–", "无", "\\", "_", "不适用"})
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–_~]+\s*\d{1,3}\s*[-—–_~]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(nfkc(line)))


@dataclass(frozen=True)
class Parsed:
    value: Decimal | None
    raw: str
    unit: str | None = None
    blank: bool = False  # an empty cell, as opposed to a printed marker like "/"


def parse_cell(cell: str) -> Parsed | None:
    """A cell that is wholly a number (with its count's unit, if printed: 12件) or a blank
    marker, else None (it is text). A cell holding only Word's placeholder prompt
    (单击或点击此处输入文字。) is blank: nothing was typed in."""
    s = nfkc(typed(cell)).strip()
    if not s:
        return Parsed(None, "", blank=True)
    if s in NULL_MARKERS:
        return Parsed(None, s)
    m = NUMBER.fullmatch(s) or NUMBER.fullmatch(_COUNT_UNIT.sub("", s))
    if m:
        return _parsed(m, cell.strip())
    return None


def _parsed(m: re.Match, raw: str) -> Parsed:
    sign, whole, frac, unit = m.groups()
    text = whole.replace(",", "") + ("." + frac if frac else "")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return Parsed(None, raw)
    if sign in ("-", "−"):
        value = -value
    return Parsed(value, raw, unit.strip() if unit else None)


def split_text(line: str) -> list[str | Parsed]:
    """Split a free-text line into text pieces and numbers/markers, in order."""
    s = nfkc(line)
    out: list[str | Parsed] = []
    pos = 0
    for m in NUMBER.finditer(s):
        if m.start() > pos:
            out.extend(_text_and_markers(s[pos:m.start()]))
        out.append(_parsed(m, m.group(0).strip()))
        pos = m.end()
    if pos < len(s):
        out.extend(_text_and_markers(s[pos:]))
    return out


def _text_and_markers(s: str) -> list[str | Parsed]:
    out: list[str | Parsed] = []
    buf: list[str] = []
    for tok in s.split():
        if tok in NULL_MARKERS:
            if buf:
                out.append("".join(buf))
                buf = []
            out.append(Parsed(None, tok))
        else:
            buf.append(tok)
    if buf:
        out.append("".join(buf))
    return out


def to_number(d: Decimal) -> int | float:
    """Whole numbers as int (the JSON contract), others as float."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)
