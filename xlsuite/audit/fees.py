"""Relation 13: a gov2021 report states in section 六 the 信息处理费 it charged.

Passing needs a sentence of section 六 that names the fee with an amount
(``收取信息处理费 0 元``) or says none was charged (``未收取信息处理费``). A
statement found only in another section is still a warning, naming that section.
"""
from __future__ import annotations

import re
from typing import Any
from decimal import Decimal

from ..checks import FAIL, PASS
from ..model import Report
from .narrative import Sentence, sentences
from .result import SECTION_NAMES, AuditResult
from .rules import FEES, FeeRule


def _statement(s: Sentence, rule: FeeRule) -> tuple[bool, float | int | None] | None:
    """None when the sentence does not talk about the fee; else (stated clearly, amount in 元)."""
    if not re.search(rule.mention, s.norm):
        return None
    m = re.search(rule.amount, s.norm)
    if m:
        amount = Decimal(m.group("n").replace(",", "")) * (10000 if m.group("unit") == "万元" else 1)
        return True, int(amount) if amount == amount.to_integral_value() else float(amount)
    if re.search(rule.none_charged, s.norm):
        return True, 0
    return False, None


def check_fees(report: Report, rule: FeeRule = FEES) -> list[AuditResult]:
    if report.meta.form not in rule.forms:
        return []
    base: dict[str, Any] = dict(id=rule.id, rule="R13", title=rule.title, severity=rule.severity, keys=())
    vague: Sentence | None = None
    order = [rule.section] + [s for s in report.narrative if s != rule.section]
    for section in order:
        for s in sentences(report, section):
            found = _statement(s, rule)
            if found is None:
                continue
            clear, amount = found
            if not clear:
                vague = vague or s
                continue
            where: dict[str, Any] = dict(section=section, sentence=s.text, provenance=s.provenance,
                         values={"信息处理费（元）": amount}, left=amount)
            if section == rule.section:
                return [AuditResult(status=PASS, message="", **base, **where)]
            msg = rule.elsewhere.format(section=SECTION_NAMES.get(section, section))
            return [AuditResult(status=FAIL, message=msg, **base, **where)]
    if vague is not None:
        return [AuditResult(status=FAIL, message=rule.vague, section=vague.section, sentence=vague.text,
                            provenance=vague.provenance, **base)]
    return [AuditResult(status=FAIL, message=rule.missing, section=rule.section, **base)]
