"""Audit beyond arithmetic: relations R11-R13 of docs/forms.md, as warnings.

``audit(report)`` gives the results of all three for one report: the narrative
figures against the table cells they restate (R11), completeness (R12) and,
for gov2021, the 信息处理费 statement (R13). Failed results are the findings;
passing ones let a 校验 sheet show what was checked. Across years, pair the
reports with ``pair_years`` and compare each pair with
``xlsuite.checks.check_years`` (relations 8-10).
"""
from __future__ import annotations

from ..model import Report
from .completeness import check_completeness
from .fees import check_fees
from .narrative import Figure, compare, figures
from .result import AuditResult
from .rules import FEES, NARRATIVE_RULES
from .years import pair_years


def audit(report: Report) -> list[AuditResult]:
    """Relations 11-13 for one report: every result, passing or not."""
    return compare(report) + check_completeness(report) + check_fees(report)


def findings(results: list[AuditResult]) -> list[AuditResult]:
    """The results that need a look: the failed ones."""
    return [r for r in results if r.failed]


__all__ = ["AuditResult", "Figure", "FEES", "NARRATIVE_RULES", "audit", "check_completeness", "check_fees",
           "compare", "figures", "findings", "pair_years"]
