"""Agency, year and form: read from the report's own title and labels, never from the file name.

Every pattern here runs on untrusted text, so none may backtrack badly: the
title is found from its fixed ending (…政府信息公开工作年度报告), a plain
substring search, and the agency and year are read from a bounded window
before it.
"""
from __future__ import annotations

import re

from ..forms import FORMS, Form, form_for_year
from .numbers import squash

# The fixed words a title ends with. Each piece is bounded, so the search is linear.
_ANCHOR = re.compile(r"政[府务]信息公开(?:工作)?年度?(?:工作)?报告")
_YEAR = re.compile(r"((?:19|20)\d{2})年度?")
# How far before its anchor a title's agency and year may stand (in squashed characters).
_WINDOW = 60
# Text longer than this is not a title line (a paragraph that mentions the report).
_MAX_TITLE = 120
# What separates a page's own title from its site's chrome in <title> and headers.
_CHROME = re.compile(r"[|｜_—–\-－>›»·•]+")
_PUNCT = "。，,；;：:！!？?"
_QUOTES = "《》“”\"'()（）[]【】「」 "
_PLACE_PREFIX = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:省|市|自治区|自治州|州|盟|地区)")
_STOP = set("由的在对向和与本为是于及将据照请经按")


def parse_title(text: str) -> tuple[str | None, int | None] | None:
    """(agency, year) from one title text, or None when it is not a report title."""
    s = squash(text)
    if not s:
        return None
    m = _ANCHOR.search(s[:4 * _MAX_TITLE])
    if not m:
        return None
    head = s[max(0, m.start() - _WINDOW):m.start()]
    # The part of a <title> or banner that holds the report's name, not the site's.
    head = _CHROME.split(head)[-1]
    for p in _PUNCT:
        head = head.rsplit(p, 1)[-1]
    years = list(_YEAR.finditer(head))
    if not years:
        agency = _clean(head)
        return (agency or None, None)
    y = years[-1]
    pre, post = _clean(head[:y.start()]), _clean(head[y.end():])
    agency = pre or post
    return (agency or None, int(y.group(1)))


def _clean(s: str) -> str:
    s = s.strip(_QUOTES)
    s = re.sub(r"^关于", "", s)
    s = re.sub(r"^\d+", "", s).strip(_QUOTES)
    return s


def agency_and_year(title_texts: list[str], body: str) -> tuple[str | None, int | None]:
    """The first report title among ``title_texts`` (single lines, then 2 or 3 joined).

    A title is often printed over two lines (the agency, then "2020年政府信息公开工作
    年度报告"); joining neighbours finds it. Lines longer than a title are skipped.
    """
    texts = [t for t in (squash(t) for t in title_texts) if t and len(t) <= 2 * _MAX_TITLE]
    year_only = None
    for window in (1, 2, 3):
        for i in range(len(texts)):
            parsed = parse_title("".join(texts[i:i + window]))
            if parsed is None:
                continue
            agency, year = parsed
            if agency:
                return fuller_name(agency, body), year
            year_only = year_only or year
    return None, year_only


def fuller_name(agency: str, body: str) -> str:
    """Prefer 淮安市洪泽区人民政府 when the title says 洪泽区人民政府 and the text names the city.

    Only a place prefix (…省, …市, …州) directly before the title's own name counts,
    found in the opening text: a longer name elsewhere (a signature block, a site's
    banner) is another body or a department, not a fuller form of this one.
    """
    if re.match(r"^[\u4e00-\u9fff]{2,}(省|自治区)", agency) or len(agency) > 40:
        return agency
    best = agency
    start = 0
    text = body[:5000]
    while True:
        pos = text.find(agency, start)
        if pos < 0:
            break
        start = pos + 1
        before = text[max(0, pos - 8):pos]
        cut = max((i for i, ch in enumerate(before) if ch in _STOP or not "\u4e00" <= ch <= "\u9fff"), default=-1)
        prefix = before[cut + 1:]
        if len(prefix) >= 2 and _PLACE_PREFIX.fullmatch(prefix):
            cand = prefix + agency
            if len(cand) > len(best):
                best = cand
    return best


def detect_form(table_text: str, year: int | None) -> tuple[Form, bool]:
    """The form whose own label markers the tables carry; the year decides a tie."""
    text = squash(table_text)
    scores = {f.id: sum(1 for m in f.markers if m in text) for f in FORMS.values()}
    best = max(scores.values())
    if best > 0:
        winners = [fid for fid, s in scores.items() if s == best]
        if len(winners) == 1:
            return FORMS[winners[0]], True
    return form_for_year(year), False
