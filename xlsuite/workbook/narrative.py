"""Narrative sections as paragraphs: one paragraph per worksheet row.

Text dumped from PDFs breaks lines where the printed page wrapped them, in the
middle of a sentence. A line joins the one before unless the one before ended a
sentence or was a heading, or this one starts a numbered heading.
"""
from __future__ import annotations

import re

_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))")
_ENDS = tuple("。！？!?；;：:”」』")
_SHORT_HEADING = 30


def paragraphs(text: str | None) -> list[str]:
    out: list[str] = []
    ended = True
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            ended = True
            continue
        heading = bool(_HEADING.match(line))
        if out and not ended and not heading:
            sep = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and line[:1].isascii() else ""
            out[-1] += sep + line
        else:
            out.append(line)
        ended = line.endswith(_ENDS) or (heading and len(line) <= _SHORT_HEADING and "。" not in line)
    return out
