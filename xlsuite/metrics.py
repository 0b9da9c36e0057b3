"""The declared metrics (``xlsuite.forms.metrics``) evaluated on reports.

Sums follow the relations' rule: a blank addend counts as 0, a sum whose
addends are all blank is blank. A ratio is blank, with a note saying why,
when its denominator is blank or 0, or its numerator entirely blank. The
workbook's formulas (``workbook.formulas.metric_formula``) give the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .checks import tidy_number
from .forms import get_form
from .forms.metrics import BY_ID, METRICS, Metric, metrics_of
from .model import Number, Report

# The notes of a blank metric; the Excel note formula writes the same texts.
NOTE_NO_DATA = "数据空缺"
NOTE_DEN_BLANK = "分母空白，无法计算"
NOTE_DEN_ZERO = "分母为 0，无法计算"
NOTE_NUM_BLANK = "分子空白，无法计算"


@dataclass(frozen=True)
class MetricValue:
    metric: Metric
    value: Number | None
    note: str = ""  # why the value is blank (empty when it has one)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.metric.name, "kind": self.metric.kind, "value": self.value}
        if self.note:
            d["note"] = self.note
        return d


@lru_cache(maxsize=None)
def resolved(form_id: str) -> tuple[tuple[Metric, tuple[str, ...], tuple[str, ...]], ...]:
    """(metric, numerator keys, denominator keys) for every metric of a form."""
    form = get_form(form_id)
    out = []
    for m in metrics_of(form):
        num, den = m.resolve(form)  # type: ignore[misc]
        out.append((m, num, den))
    return tuple(out)


def _sum(numbers: list[Number | None]) -> Number | None:
    present = [v for v in numbers if v is not None]
    return tidy_number(sum(present)) if present else None


def evaluate(metric: Metric, num: tuple[str, ...], den: tuple[str, ...], number) -> MetricValue:
    """``number(key)`` gives a key's value (or None); used for reports and plain dicts alike."""
    top = _sum([number(k) for k in num])
    if metric.kind == "count":
        return MetricValue(metric, top, "" if top is not None else NOTE_NO_DATA)
    bottom = _sum([number(k) for k in den])
    if bottom is None:
        return MetricValue(metric, None, NOTE_DEN_BLANK)
    if bottom == 0:
        return MetricValue(metric, None, NOTE_DEN_ZERO)
    if top is None:
        return MetricValue(metric, None, NOTE_NUM_BLANK)
    return MetricValue(metric, top / bottom)


def metric_values(report: Report) -> dict[str, MetricValue]:
    """Every metric of the report's form by id; empty for a report without a form."""
    if not report.meta.form:
        return {}
    return {m.id: evaluate(m, num, den, report.number) for m, num, den in resolved(report.meta.form)}


def values_of(form_id: str, values: dict[str, Number | None]) -> dict[str, MetricValue]:
    """The metrics of a plain ``key -> value`` mapping of ``form_id``."""
    return {m.id: evaluate(m, num, den, values.get) for m, num, den in resolved(form_id)}


def metrics_to_dict(report: Report) -> dict[str, dict[str, Any]]:
    return {mid: mv.to_dict() for mid, mv in metric_values(report).items()}


def column(metric_id: str) -> str:
    """The dataset column of a metric."""
    return f"m_{metric_id}"


COLUMNS = tuple(column(m.id) for m in METRICS)

__all__ = ["BY_ID", "COLUMNS", "METRICS", "Metric", "MetricValue", "column", "evaluate", "metric_values",
           "metrics_to_dict", "resolved", "values_of"]
