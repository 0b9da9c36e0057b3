"""Text normalisation and agency identity, in one place, below layout, recognize and the audit.

Printed reports mix full-width and half-width forms, ideographic spaces, line
breaks inside words and four kinds of brackets. Everything that matches text
(labels, headings, narrative phrasings, agency names) reads it through these
functions, so "the same words" means one thing everywhere.
"""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S")
# NFKC keeps these brackets apart from ( ); the patterns read one kind.
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")"})


# The prompts Word (2010 on, Chinese and English) shows in an empty content control. Copies
# made by other programs keep them as plain text (LibreOffice and WPS as a FILLIN field's
# result, converters to Markdown or HTML as the cell's text): still nothing typed in.
PLACEHOLDERS = ("单击或点击此处输入文字。", "单击此处输入文字。", "单击或点击以输入日期。", "单击此处输入日期。",
                "选择一项。", "Click or tap here to enter text.", "Click here to enter text.",
                "Click or tap to enter a date.", "Click here to enter a date.", "Choose an item.")


def typed(text: str) -> str:
    """The text without Word's placeholder prompts: what someone typed."""
    for prompt in PLACEHOLDERS:
        if prompt in text:
            text = text.replace(prompt, "")
    return text


def listing(items, most: int = 10) -> str:
    """Items for a message: 1、2、3, cut after ``most`` with ……"""
    items = list(items)
    return "、".join(str(i) for i in items[:most]) + ("……" if len(items) > most else "")


def nfkc(s: str) -> str:
    """Unicode NFKC: full-width letters, digits and punctuation, and the ideographic space, as ASCII."""
    return unicodedata.normalize("NFKC", s)


def compact(s: str) -> str:
    """NFKC without any whitespace."""
    return _WS.sub("", nfkc(s))


def squash(s: str) -> str:
    """The matching form of a label or a sentence: NFKC, no whitespace, one kind of bracket."""
    return compact(s).translate(_BRACKETS)


def normalise(text: str) -> tuple[str, list[int]]:
    """``squash(text)``, and for each of its characters the offset in ``text`` it came from."""
    whole = nfkc(text)
    if len(whole) == len(text):
        # The usual case (full-width punctuation and digits map one to one): no per-character pass.
        whole = whole.translate(_BRACKETS)
        return _WS.sub("", whole), [m.start() for m in _NON_SPACE.finditer(whole)]
    pairs = [(c, i) for i, ch in enumerate(text) for c in nfkc(ch).translate(_BRACKETS) if not c.isspace()]
    return "".join(c for c, _ in pairs), [i for _, i in pairs]


def agency_key(name: str) -> str:
    """Two spellings of one agency (full-width letters, spaces) give one key."""
    return compact(name)


def same_agency(a: str | None, b: str | None) -> bool:
    """Whether two printed names name one agency.

    The title may drop the city (洪泽区人民政府 for 淮安市洪泽区人民政府); a name of a
    few characters (人民政府) says too little to pair on.
    """
    if not a or not b:
        return False
    a, b = agency_key(a), agency_key(b)
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= 6 and long_.endswith(short))
