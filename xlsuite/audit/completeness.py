"""Relation 12: every section present, no table missing, every blank cell listed.

A missing table is one finding, not one per cell; a table that was read but has
cells without numbers lists each of them, blank (printed empty, ``/``, ``—``) or
unread (its row or column was not found).
"""
from __future__ import annotations

from ..checks import FAIL, PASS
from ..codes import ABSENT_WHY
from ..forms import get_form
from ..model import Report
from .result import SECTION_NAMES, AuditResult
from .rules import CELL_BLANK, CELL_UNREAD, SECTION_EMPTY, SECTION_MISSING, TABLE_MISSING, CompletenessRule


def _result(rule: CompletenessRule, suffix: str, ok: bool, message: str, **kw) -> AuditResult:
    return AuditResult(id=f"{rule.id}.{suffix}", rule="R12", title=rule.title, severity=rule.severity,
                       status=PASS if ok else FAIL, message="" if ok else message,
                       keys=kw.pop("keys", ()), **kw)


def check_completeness(report: Report) -> list[AuditResult]:
    if not report.meta.form:
        return []
    form = get_form(report.meta.form)
    absent = report.tables_absent
    out: list[AuditResult] = []
    for s in form.sections:
        name = SECTION_NAMES[s.id]
        if s.kind == "table":
            why = ABSENT_WHY.get(absent.get(s.id, ""), "")
            out.append(_result(TABLE_MISSING, s.id, s.id not in absent,
                               TABLE_MISSING.message.format(name=name, why=why), section=s.id))
            continue
        found = s.id in report.sections_found
        if not found and s.optional:
            continue
        out.append(_result(SECTION_MISSING, s.id, found, SECTION_MISSING.message.format(name=name), section=s.id))
        if found:
            has_text = bool((report.narrative.get(s.id) or "").strip())
            out.append(_result(SECTION_EMPTY, s.id, has_text, SECTION_EMPTY.message.format(name=name),
                               section=s.id))
    out.extend(_cells(report, form, set(absent)))
    return out


def _cells(report: Report, form, absent: set[str]) -> list[AuditResult]:
    blank = report.blank_cells
    out = []
    for key in form.keys():
        section = key.split(".")[0]
        v = report.values.get(key)
        if section in absent or (v is not None and v.value is not None):
            continue
        label = f"“{form.label_of(key)}”"
        if key in blank:
            prov = v.provenance if v else None
            raw = blank[key].strip()
            msg = CELL_BLANK.message.format(name=label, what=f"为“{raw}”" if raw else "为空白")
            out.append(_result(CELL_BLANK, key, False, msg, keys=(key,), values={key: None},
                               section=section, provenance=prov))
        else:
            out.append(_result(CELL_UNREAD, key, False, CELL_UNREAD.message.format(name=label), keys=(key,),
                               values={key: None}, section=section, provenance=v.provenance if v else None))
    return out
