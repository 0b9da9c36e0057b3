"""Agency, year and form: read from the title and the labels, never from the file name."""
from __future__ import annotations

import re

from ..forms import FORMS, Form, form_for_year
from .numbers import squash

_TITLE = re.compile(r"(?P<pre>[^。，,；;：:]*?)(?P<year>(?:19|20)\d{2})年度?(?P<post>[^。，,；;：:]*?)政(?:府|务)信息公开(?:工作)?年度?报告")
_PLACE_PREFIX = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:省|市|自治区|自治州|州|盟|地区)$")
_STOP = set("由的在对向和与本为是于及将据照请经据按将")


def agency_and_year(title_texts: list[str], body: str) -> tuple[str | None, int | None]:
    texts = [squash(t) for t in title_texts if squash(t)]
    year_only = None
    for window in (1, 2, 3):
        for i in range(len(texts)):
            m = _TITLE.search("".join(texts[i:i + window]))
            if not m:
                continue
            agency = (m.group("pre") or m.group("post") or "").strip("《》“”\"'()（）")
            agency = re.sub(r"^(关于)", "", agency)
            if agency:
                return fuller_name(agency, body), int(m.group("year"))
            year_only = year_only or int(m.group("year"))
    return None, year_only


def fuller_name(agency: str, body: str) -> str:
    """Prefer 淮安市洪泽区人民政府 when the title says 洪泽区人民政府 and the text names the city."""
    if re.match(r"^[\u4e00-\u9fff]{2,}(省|自治区)", agency):
        return agency
    best = agency
    for m in re.finditer(re.escape(agency), body[:5000]):
        before = body[max(0, m.start() - 8):m.start()]
        cut = max((i for i, ch in enumerate(before) if ch in _STOP or not "\u4e00" <= ch <= "\u9fff"), default=-1)
        prefix = before[cut + 1:]
        if prefix and _PLACE_PREFIX.fullmatch(prefix) and len(prefix) >= 2:
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
