"""Relation 11: figures restated in the text against the table cells they restate.

The narrative sections are cut into sentences; each declared rule
(``rules.NARRATIVE_RULES``) finds its phrasings in a sentence; a figure whose
rule resolves to cells of the report's form is compared with their sum.
Figures that restate no cell of the form are still listed (``Figure.status``
says why), so a reviewer sees what was read and what was left alone.
"""
from __future__ import annotations

import bisect
import re
from typing import Any
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from ..checks import FAIL, NOT_CHECKABLE, PASS, tidy_number
from ..forms import get_form
from ..model import Number, Provenance, Report
from ..text import normalise
from .result import SECTION_NAMES, AuditResult
from .rules import NARRATIVE_RULES, NarrativeRule

_SENTENCE_END = re.compile(r"[。;!?]")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"((?:19|20)\d\d)年")

# Figure.status values
COMPARED, NO_CELL, OTHER_YEAR = "compared", "no_cell", "other_year"


@dataclass(frozen=True)
class Sentence:
    section: str
    text: str  # as printed, line breaks removed
    norm: str  # NFKC, no whitespace: what the patterns read
    provenance: Provenance  # where the sentence starts
    origin: tuple[int, ...]  # for each character of ``norm``, its offset in the section's text
    places: tuple[tuple[int, int | None, int | None], ...]  # the section's (offset, page, line) per line

    def place(self, i: int) -> Provenance:
        """Where character ``i`` of ``norm`` was printed."""
        k = bisect.bisect_right(self.places, self.origin[i], key=lambda p: p[0]) - 1
        page, line = self.places[k][1:] if k >= 0 else (None, None)
        return Provenance(self.provenance.source, page, line, self.text)


@dataclass(frozen=True)
class Figure:
    """A figure stated in the text, the rule that recognised it and what became of it."""

    rule: NarrativeRule
    value: int
    unit: str  # 件, 条 …
    sentence: Sentence
    match: str  # the normalised words that state it
    keys: tuple[str, ...]  # the cells it restates in this report's form (empty: none)
    status: str  # compared | no_cell | other_year
    provenance: Provenance  # where the figure itself was printed

    @property
    def reason(self) -> str:
        """Chinese: why the figure was not compared (empty when it was)."""
        if self.status == OTHER_YEAR:
            return "句中所说不是本报告年度的数字，未比较"
        if self.status == NO_CELL:
            return self.rule.note or "本表式没有对应的单元格，未比较"
        return ""

    def to_dict(self) -> dict:
        d = {"rule": self.rule.id, "value": self.value, "unit": self.unit, "match": self.match,
             "keys": list(self.keys), "status": self.status, "section": self.sentence.section,
             "sentence": self.sentence.text}
        if self.reason:
            d["reason"] = self.reason
        d["where"] = {k: v for k, v in vars(self.provenance).items() if v is not None and k != "text"}
        return d


def sentences(report: Report, section: str) -> list[Sentence]:
    """The sentences of one narrative section, each with the page and line it starts on."""
    text = report.narrative.get(section) or ""
    norm, where = normalise(text)
    places = tuple(report.narrative_places.get(section) or ())
    out = []
    start = 0
    for m in list(_SENTENCE_END.finditer(norm)) + [None]:
        end = m.end() if m else len(norm)
        if end > start:
            first, last = where[start], where[end - 1]
            printed = text[first:last + 1].replace("\r", "").replace("\n", "")
            sentence = Sentence(section, printed, norm[start:end], Provenance(report.meta.source, text=printed),
                                tuple(where[start:end]), places)
            first_place = sentence.place(0)
            out.append(replace(sentence, provenance=first_place))
        start = end
    return out


def _resolve(rule: NarrativeRule, form_keys: list[str]) -> tuple[str, ...]:
    return tuple(k for k in form_keys if any(fnmatchcase(k, pat) for pat in rule.keys))


def figures(report: Report) -> list[Figure]:
    """Every figure the declared rules find in the narrative sections, in reading order."""
    form_keys = get_form(report.meta.form).keys() if report.meta.form else []
    out: list[Figure] = []
    for section in report.narrative:
        for s in sentences(report, section):
            if not _DIGIT.search(s.norm):
                continue
            taken: list[tuple[int, int]] = []
            here: list[tuple[int, Figure]] = []
            for rule in NARRATIVE_RULES:
                for pat in rule.compiled():  # compiled at the first sentence with a digit, once
                    for m in pat.finditer(s.norm):
                        # A figure belongs to the first rule that reads it; rules may share words
                        # (公开规章13件，行政规范性文件60件) but never the number.
                        if any(m.start("n") < b and a < m.end("n") for a, b in taken):
                            continue
                        taken.append(m.span("n"))
                        keys = _resolve(rule, form_keys)
                        years = [int(y) for y in _YEAR.findall(s.norm[:m.start("n")])]
                        if years and report.meta.year and years[-1] != report.meta.year:
                            status = OTHER_YEAR
                        else:
                            status = COMPARED if keys else NO_CELL
                        unit = s.norm[m.end("n"):m.end("n") + 1]
                        here.append((m.start("n"), Figure(rule, int(m.group("n").replace(",", "")), unit, s,
                                                       m.group(0), keys, status, s.place(m.start("n")))))
            out.extend(f for _, f in sorted(here, key=lambda p: p[0]))
    return out


def compare(report: Report, found: list[Figure] | None = None) -> list[AuditResult]:
    """One result per compared figure: pass, fail (a warning) or not checkable."""
    found = figures(report) if found is None else found
    form = get_form(report.meta.form) if report.meta.form else None
    absent = set(report.tables_absent)
    out: list[AuditResult] = []
    seen: dict[str, int] = {}
    for f in found:
        if f.status != COMPARED or form is None:
            continue
        rule = f.rule
        seen[rule.id] = seen.get(rule.id, 0) + 1
        rid = rule.id if seen[rule.id] == 1 else f"{rule.id}#{seen[rule.id]}"
        values: dict[str, Number | None] = {k: report.number(k) for k in f.keys}
        nulls = tuple(k for k, v in values.items() if v is None)
        table = tidy_number(sum(v for v in values.values() if v is not None)) if len(nulls) < len(values) else None
        stated = f"“{SECTION_NAMES.get(f.sentence.section, f.sentence.section)}”写明{rule.states} {f.value} {f.unit}"
        base: dict[str, Any] = dict(id=rid, rule="R11", title=rule.title, severity=rule.severity, keys=f.keys,
                    values={"叙述": f.value, **values}, left=f.value, right=table, null_keys=nulls,
                    section=f.sentence.section, sentence=f.sentence.text, provenance=f.provenance)
        sections = {k.split(".")[0] for k in f.keys}
        if table is None:
            why = "表格缺失" if sections & absent else "表格中对应单元格为空"
            out.append(AuditResult(status=NOT_CHECKABLE, message=f"{stated}，{why}，无法与表格{rule.cells}比较", **base))
            continue
        ok = abs(f.value - table) < 1e-9
        note = "" if not nulls else f"（空白单元格按0计：{'、'.join(nulls)}）"
        message = "" if ok else (f"叙述与表格不一致：{stated}，表格{rule.cells}为 {table}"
                                 f"（相差 {tidy_number(f.value - table)}）{note}")
        out.append(AuditResult(status=PASS if ok else FAIL, message=message, **base))
    return out
