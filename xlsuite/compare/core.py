"""Year-over-year comparison of one agency's two reports. No files, no Excel here.

Every key and metric of this year's form with last year's value, the change
and the relative change; relations 8-10 across the years; the narrative diff
of sections 一、五、六 and the repetition rates (``text``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..audit.narrative import COMPARED, figures
from ..audit.years import same_agency
from ..checks import CheckResult, check_years, tidy_number
from ..errors import XlsuiteError
from ..forms import get_form
from ..metrics import MetricValue, metric_values
from ..model import Number, Report
from .text import SectionDiff, diff_narrative, text_repetition

NOT_IN_PREVIOUS_FORM = "上年表式无此项"


class CompareError(XlsuiteError):
    """The two reports should not be compared as given (refused unless forced)."""

    def __init__(self, message: str, code: str, remedy: str | None = None):
        super().__init__(message, code=code, remedy=remedy)


def change_of(previous: Number | None, current: Number | None) -> Number | None:
    """This year minus last year; blank when either is blank (the 增减 column)."""
    if previous is None or current is None:
        return None
    return current - previous


def change_rate_of(previous: Number | None, current: Number | None) -> float | None:
    """The change relative to last year; blank when either is blank or last year was 0 (增减率)."""
    if previous is None or current is None or previous == 0:
        return None
    return (current - previous) / previous


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    previous: Number | None
    current: Number | None
    note: str = ""

    @property
    def change(self) -> Number | None:
        return change_of(self.previous, self.current)

    @property
    def change_rate(self) -> float | None:
        return change_rate_of(self.previous, self.current)

    def to_dict(self) -> dict[str, Any]:
        d = {"label": self.label, "previous": self.previous, "current": self.current,
             "change": self.change, "change_rate": self.change_rate}
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class MetricChange:
    previous: MetricValue | None  # None: the metric is not defined for last year's form
    current: MetricValue

    @property
    def metric(self):
        return self.current.metric

    @property
    def change(self) -> Number | None:
        """For a ratio: the difference of the two fractions (percentage points / 100)."""
        return change_of(self.previous.value if self.previous else None, self.current.value)

    @property
    def change_rate(self) -> float | None:
        """Relative change of a count; ratios have none (a change of a rate is read in points)."""
        if self.metric.kind == "ratio":
            return None
        return change_rate_of(self.previous.value if self.previous else None, self.current.value)

    def notes(self) -> dict[str, str]:
        out = {}
        if self.previous is None:
            out["previous"] = NOT_IN_PREVIOUS_FORM
        elif self.previous.note:
            out["previous"] = self.previous.note
        if self.current.note:
            out["current"] = self.current.note
        return out

    def to_dict(self) -> dict[str, Any]:
        d = {"name": self.metric.name, "kind": self.metric.kind,
             "previous": self.previous.value if self.previous else None, "current": self.current.value,
             "change": self.change, "change_rate": self.change_rate}
        if self.notes():
            d["notes"] = self.notes()
        return d


@dataclass
class Comparison:
    previous: Report
    current: Report
    values: list[Change]
    metrics: dict[str, MetricChange]
    cross_year: list[CheckResult]
    narrative: dict[str, SectionDiff]
    figures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what --force let through

    @property
    def form(self):
        return get_form(self.current.meta.form)

    def table_repetition(self) -> dict[str, float | None]:
        """Per table (and ``all``): the share of cells filled in both years whose value is unchanged."""
        out: dict[str, float | None] = {}
        both_all = same_all = 0
        for table in self.form.tables:
            both = same = 0
            for c in self.values:
                if c.key.startswith(table.section + ".") and c.previous is not None and c.current is not None:
                    both += 1
                    same += c.previous == c.current
            out[table.section] = same / both if both else None
            both_all += both
            same_all += same
        out["all"] = same_all / both_all if both_all else None
        return out

    def repetition(self) -> dict[str, Any]:
        """重复率: per narrative section, the text overall, and the tables' unchanged cells."""
        return {"sections": {s: d.repetition for s, d in self.narrative.items()},
                "text": text_repetition(self.narrative),
                "tables": self.table_repetition()}

    def to_dict(self) -> dict[str, Any]:
        def meta(r: Report) -> dict[str, Any]:
            return {"source": r.meta.source, "agency": r.meta.agency, "year": r.meta.year, "form": r.meta.form}

        rep = self.repetition()
        return {
            "previous": meta(self.previous), "current": meta(self.current),
            "repetition": {"sections": {s: _r(v) for s, v in rep["sections"].items()}, "text": _r(rep["text"]),
                           "tables": {t: _r(v) for t, v in rep["tables"].items()}},
            "metrics": {mid: mc.to_dict() for mid, mc in self.metrics.items()},
            "values": {c.key: c.to_dict() for c in self.values},
            "cross_year": [r.to_dict() for r in self.cross_year],
            "narrative": {s: d.to_dict() for s, d in self.narrative.items()},
            "figures": self.figures,
            "warnings": self.warnings,
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def identity_problems(previous: Report, current: Report) -> list[tuple[str, str]]:
    """(code, Chinese reason) for each reason the pair is not one agency's consecutive years."""
    p, c = previous.meta, current.meta
    out = []
    if not p.agency or not c.agency:
        which = "上年" if not p.agency else "本年"
        out.append(("unknown_agency", f"未能识别{which}报告的机关名称，无法确认两份报告属于同一机关"))
    elif not same_agency(p.agency, c.agency):
        out.append(("different_agency", f"两份报告不是同一机关：上年为“{p.agency}”，本年为“{c.agency}”"))
    if not p.year or not c.year:
        which = "上年" if not p.year else "本年"
        out.append(("unknown_year", f"未能识别{which}报告的年度，无法确认是相邻两年"))
    elif c.year - p.year != 1:
        hint = "（上年报告应放在前面）" if c.year < p.year else ""
        out.append(("year_gap", f"两份报告不是相邻两年：上年为{p.year}年度，本年为{c.year}年度{hint}"))
    return out


def _figures(previous: Report, current: Report) -> list[dict[str, Any]]:
    """The figures the text restates (audit rule by rule), last year against this year."""
    by_rule: dict[str, dict[str, Any]] = {}
    for side, report in (("previous", previous), ("current", current)):
        if not report.meta.form:
            continue
        for f in figures(report):
            if f.status not in (COMPARED, "no_cell"):
                continue
            row = by_rule.setdefault(f.rule.id, {"rule": f.rule.id, "states": f.rule.states,
                                                 "previous": [], "current": []})
            row[side].append(f.value)
            if side == "current" and f.keys:
                vals = [current.number(k) for k in f.keys]
                row["table"] = tidy_number(sum(v for v in vals if v is not None)) if any(
                    v is not None for v in vals) else None
    return list(by_rule.values())


def compare_reports(previous: Report, current: Report, *, force: bool = False) -> Comparison:
    """The comparison of ``current`` with the same agency's report of the year before.

    Raises CompareError for a pair of different agencies, or years that are not
    consecutive, unless ``force`` (then the reasons are kept as warnings).
    """
    if not current.meta.form or not previous.meta.form:
        raise CompareError("未能识别报告的表式，无法比较", "no_form")
    problems = identity_problems(previous, current)
    if problems and not force:
        raise CompareError("；".join(msg for _, msg in problems), problems[0][0], remedy="确认无误后可选择仍然比较")
    form = get_form(current.meta.form)
    prev_keys = set(get_form(previous.meta.form).keys())
    values = [Change(k, form.label_of(k), previous.number(k) if k in prev_keys else None, current.number(k),
                     "" if k in prev_keys else NOT_IN_PREVIOUS_FORM) for k in form.keys()]
    prev_metrics = metric_values(previous)
    metrics = {mid: MetricChange(prev_metrics.get(mid), mv) for mid, mv in metric_values(current).items()}
    return Comparison(previous, current, values, metrics, check_years(previous, current),
                      diff_narrative(previous, current), _figures(previous, current),
                      [msg for _, msg in problems])
