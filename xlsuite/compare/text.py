"""The narrative diff of two years' reports, sentence by sentence, and the repetition rate (重复率).

Sentences are cut and normalised as the audit reads them (NFKC, no
whitespace). A sentence of this year is

- ``same``: printed last year word for word;
- ``figures``: last year's sentence with only its figures changed (the year,
  the counts): the boilerplate was kept and the numbers updated;
- ``changed``: a rewrite of a sentence of last year (similar, not the same);
- ``added``: new this year.

Last year's sentences left without a partner are ``removed``. The repetition
rate of a section is the share of this year's characters in ``same`` and
``figures`` sentences: how much of the text was carried over from last year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..audit.narrative import sentences
from ..model import Report

SECTIONS = ("overview", "issues", "other")  # 一、五、六
SAME, FIGURES, CHANGED, ADDED, REMOVED = "same", "figures", "changed", "added", "removed"
STATUS_ZH = {SAME: "相同", FIGURES: "仅数字变化", CHANGED: "改写", ADDED: "新增", REMOVED: "删除"}
REPEATED = (SAME, FIGURES)
FIGURE_CONTEXT = 0.34  # how alike the words before two figures must be to pair them
SIMILAR = 0.6  # SequenceMatcher ratio from which a sentence counts as a rewrite of another

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\D")


@dataclass(frozen=True)
class FigureChange:
    """A figure restated in a sentence that changed between the years, with the words before it."""

    previous: str
    current: str
    context: str

    def to_dict(self) -> dict:
        return {"previous": _num(self.previous), "current": _num(self.current), "context": self.context}

    def text(self) -> str:
        return f"{self.context}：{self.previous} → {self.current}"


@dataclass(frozen=True)
class SentenceDiff:
    status: str
    previous: str | None  # as printed
    current: str | None
    figures: tuple[FigureChange, ...] = ()
    similarity: float | None = None

    def to_dict(self) -> dict:
        d: dict = {"status": self.status, "previous": self.previous, "current": self.current}
        if self.figures:
            d["figures"] = [f.to_dict() for f in self.figures]
        if self.similarity is not None and self.status == CHANGED:
            d["similarity"] = round(self.similarity, 3)
        return d


@dataclass
class SectionDiff:
    section: str
    sentences: list[SentenceDiff] = field(default_factory=list)
    chars: int = 0  # characters of this year's text (normalised)
    repeated_chars: int = 0

    @property
    def repetition(self) -> float | None:
        """Share of this year's text repeated from last year's; None when this year has no text."""
        return self.repeated_chars / self.chars if self.chars else None

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for d in self.sentences if d.status == s) for s in STATUS_ZH}

    def to_dict(self) -> dict:
        return {"repetition": _rate(self.repetition), "counts": self.counts(),
                "sentences": [s.to_dict() for s in self.sentences]}


def _num(text: str):
    t = text.replace(",", "")
    try:
        return int(t)
    except ValueError:
        try:
            return float(t)
        except ValueError:
            return text


def _rate(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def mask(norm: str) -> str:
    """A normalised sentence with each figure replaced by ``#``."""
    return _NUMBER.sub("#", norm)


def _lead(tokens: list[str], at: int) -> str:
    """The words just before token ``at``: up to 12 characters, from the last punctuation on."""
    lead = "".join(tokens[max(0, at - 12):at])
    return re.sub(r"^.*[，,。；;：:、]", "", lead)


def figure_changes(before: str, after: str, years: tuple[int, int] | None = None) -> tuple[FigureChange, ...]:
    """The figures that differ between two versions of a sentence, each with the words before it.

    Each figure outside the unchanged stretches is paired with the figure of the other year
    printed after the most similar words (similarity at least ``FIGURE_CONTEXT``). ``years`` (last, this): the report year itself moving on
    (2023年 → 2024年) is not a change worth listing.
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    olds, news = [], []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            olds += [(i, _lead(a, i)) for i in range(i1, i2) if _NUMBER.fullmatch(a[i])]
            news += [(j, _lead(b, j)) for j in range(j1, j2) if _NUMBER.fullmatch(b[j])]
    scored = sorted(((-SequenceMatcher(None, lo, ln).ratio(), i, j) for i, lo in olds for j, ln in news),
                    key=lambda t: (t[0], t[2], t[1]))
    used_old, used_new, pairs = set(), set(), []
    for neg, i, j in scored:
        if -neg < FIGURE_CONTEXT or i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j))
    out = []
    leads = dict(news)
    for i, j in sorted(pairs, key=lambda p: p[1]):
        old, new = a[i], b[j]
        if old == new or (years and (old, new) == tuple(map(str, years))):
            continue
        out.append(FigureChange(old, new, leads[j]))
    return tuple(out)


def diff_section(previous: Report, current: Report, section: str) -> SectionDiff:
    years = (previous.meta.year, current.meta.year) if previous.meta.year and current.meta.year else None
    old = sentences(previous, section)
    new = sentences(current, section)
    out = SectionDiff(section)
    paired: dict[int, tuple[str, int, float | None]] = {}  # new index -> (status, old index, similarity)
    free_old = set(range(len(old)))
    # 1. word for word; 2. the same once figures are masked; 3. the most similar rewrite.
    for status, key in ((SAME, lambda s: s.norm), (FIGURES, lambda s: mask(s.norm))):
        for i, s in enumerate(new):
            if i in paired:
                continue
            for j in sorted(free_old):
                if key(old[j]) == key(s):
                    paired[i] = (status, j, None)
                    free_old.discard(j)
                    break
    candidates = []
    for i, s in enumerate(new):
        if i in paired:
            continue
        for j in free_old:
            sm = SequenceMatcher(None, mask(old[j].norm), mask(s.norm), autojunk=False)
            if sm.real_quick_ratio() < SIMILAR or sm.quick_ratio() < SIMILAR:
                continue
            r = sm.ratio()
            if r >= SIMILAR:
                candidates.append((-r, i, j))
    for neg, i, j in sorted(candidates):
        if i in paired or j not in free_old:
            continue
        paired[i] = (CHANGED, j, -neg)
        free_old.discard(j)
    for i, s in enumerate(new):
        out.chars += len(s.norm)
        if i not in paired:
            out.sentences.append(SentenceDiff(ADDED, None, s.text))
            continue
        status, j, sim = paired[i]
        if status in REPEATED:
            out.repeated_chars += len(s.norm)
        figs = figure_changes(old[j].norm, s.norm, years) if status != SAME else ()
        out.sentences.append(SentenceDiff(status, old[j].text, s.text, figs, sim))
    for j in sorted(free_old):
        out.sentences.append(SentenceDiff(REMOVED, old[j].text, None))
    return out


def diff_narrative(previous: Report, current: Report) -> dict[str, SectionDiff]:
    """The diff of sections 一、五、六 (those present in either year)."""
    return {s: diff_section(previous, current, s) for s in SECTIONS
            if previous.narrative.get(s) or current.narrative.get(s)}


def text_repetition(diffs: dict[str, SectionDiff]) -> float | None:
    chars = sum(d.chars for d in diffs.values())
    return sum(d.repeated_chars for d in diffs.values()) / chars if chars else None
