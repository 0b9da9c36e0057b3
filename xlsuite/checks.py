"""The relation engine: evaluate relation instances on reports.

Null handling follows docs/forms.md: a null addend counts as 0 and is named in the
result; a relation whose side is entirely null cannot be checked and says so
instead of failing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .forms import get_form
from .forms.schema import RuleSeverity
from .model import Number, Report
from .relations import Instance, instances

TOLERANCE = 1e-6



class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_CHECKABLE = "not_checkable"


PASS, FAIL, NOT_CHECKABLE = Status.PASS, Status.FAIL, Status.NOT_CHECKABLE
STATUS_ZH = {PASS: "通过", FAIL: "不通过", NOT_CHECKABLE: "无法校验"}


@dataclass
class CheckResult:
    id: str
    rule: str
    title: str
    severity: RuleSeverity
    status: Status
    message: str  # Chinese, for staff
    keys: tuple[str, ...]
    values: dict[str, Number | None] = field(default_factory=dict)
    left: Number | None = None
    right: Number | None = None
    null_keys: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    @property
    def difference(self) -> Number | None:
        if self.left is None or self.right is None:
            return None
        return tidy_number(self.left - self.right)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id, "rule": self.rule, "title": self.title, "severity": self.severity,
            "status": self.status, "message": self.message, "keys": list(self.keys),
            "values": self.values, "left": self.left, "right": self.right, "difference": self.difference,
        }
        if self.null_keys:
            d["null_keys"] = list(self.null_keys)
        return d


def tidy_number(x: Number) -> Number:
    """A sum as people write it: 3.0000000001 -> 3, 0.1 + 0.2 -> 0.3."""
    if isinstance(x, float) and abs(x - round(x)) < TOLERANCE:
        return int(round(x))
    return round(x, 6) if isinstance(x, float) else x


def _side(inst_terms, current: Report, previous: Report | None, values: dict, nulls: list) -> Number | None:
    total: Number = 0
    seen = False
    for t in inst_terms:
        src = previous if t.previous else current
        v = src.number(t.key) if src is not None else None
        values[("上年:" if t.previous else "") + t.key] = v
        if v is None:
            nulls.append(("上年:" if t.previous else "") + t.key)
            continue
        seen = True
        total += t.sign * v
    return tidy_number(total) if seen else None


def _compare(op: str, left: Number, right: Number) -> bool:
    if op == "==":
        return abs(left - right) <= TOLERANCE
    if op == "<=":
        return left <= right + TOLERANCE
    return left >= right - TOLERANCE


def _cell_result(inst: Instance, report: Report) -> CheckResult | None:
    key = inst.left[0].key
    v = report.number(key)
    if v is None:
        return None
    kind = get_form(report.meta.form).column_of(key).kind
    ok = isinstance(v, (int, float)) and (kind == "money" or isinstance(v, int) or v.is_integer())
    if kind != "signed":
        ok = ok and v >= 0
    msg = inst.message if kind != "signed" else inst.message.replace("非负整数", "整数")
    return CheckResult(inst.id, inst.rule.id, inst.rule.title, inst.severity, PASS if ok else FAIL,
                       "" if ok else f"{msg}（现为 {v}）", (key,), {key: v})


def evaluate_instance(inst: Instance, report: Report, previous: Report | None = None) -> CheckResult | None:
    if inst.rule.per == "cell":
        return _cell_result(inst, report)
    values: dict[str, Number | None] = {}
    nulls: list[str] = []
    left = _side(inst.left, report, previous, values, nulls)
    right = _side(inst.right, report, previous, values, nulls)
    base: dict[str, Any] = dict(id=inst.id, rule=inst.rule.id, title=inst.rule.title, severity=inst.severity,
                keys=inst.keys, values=values, left=left, right=right, null_keys=tuple(nulls))
    if left is None or right is None:
        return CheckResult(status=NOT_CHECKABLE, message=f"{inst.message}：数据空缺，无法校验", **base)
    ok = _compare(inst.op, left, right)
    note = "" if not nulls else f"（空白单元格按0计：{'、'.join(nulls)}）"
    message = "" if ok else f"{inst.message}（左边 {left}，右边 {right}，相差 {tidy_number(left - right)}）{note}"
    return CheckResult(status=PASS if ok else FAIL, message=message, **base)


def check(report: Report) -> list[CheckResult]:
    """Relations 1-7 of the report's form. A report without a form gives no results."""
    if not report.meta.form:
        return []
    out = []
    for inst in instances(report.meta.form):
        r = evaluate_instance(inst, report)
        if r is not None:
            out.append(r)
    return out


def check_years(previous: Report, current: Report) -> list[CheckResult]:
    """Relations 8-10: ``current`` against the same agency's report of the year before."""
    if current.meta.form != previous.meta.form or not current.meta.form:
        # The forms changed in between (2020 -> 2021): only relation 8 still lines up.
        ids = {"R8"}
    else:
        ids = None
    out = []
    for inst in instances(current.meta.form, cross_year=True):
        if ids is not None and inst.rule.id not in ids:
            continue
        r = evaluate_instance(inst, current, previous)
        if r is not None:
            out.append(r)
    return out


def hard_failures(results: list[CheckResult]) -> list[CheckResult]:
    """The failed relations of ``error`` severity: what makes a report fail (``Assessment.passed``)."""
    return [r for r in results if r.failed and r.severity == "error"]
