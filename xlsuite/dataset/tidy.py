"""A Report as tidy rows: one row per value, one meta row per source.

Pure functions over the report model: no files, no pyarrow, no executors. The
batch runner ships these plain dicts back from its workers; ``store`` gives
them their column types.
"""
from __future__ import annotations

import json
from typing import Any

from ..assessment import Assessment
from ..checks import NOT_CHECKABLE
from ..metrics import COLUMNS as METRIC_COLUMNS
from ..metrics import column as metric_column
from ..metrics import metric_values
from ..model import Report, Severity

# Column order of the two tables; ``store`` declares their types.
VALUE_COLUMNS = ("source", "agency", "year", "form", "key", "value",
                 "page", "line", "text", "unit", "confidence", "flags")
REPORT_COLUMNS = ("source", "sha256", "size", "status", "error_code", "error_reason",
                  "agency", "year", "form", "source_kind", "pages", "sections_found",
                  "values_total", "values_null", "warnings", "warning_codes", "warnings_json",
                  "verdict", "checks_failed", "checks_warned", "checks_not_checkable",
                  "failed_checks", "checks_json", "xlsuite_version") + METRIC_COLUMNS

STATUS_OK, STATUS_FAILED = "ok", "failed"
FLAG_NULL = "null"
FLAG_SEP = ";"


def value_rows(assessment: Assessment, source: str) -> list[dict[str, Any]]:
    """One row per key of the report's form, in the form's key order."""
    report = assessment.report
    m = report.meta
    flags = _flags_by_key(assessment)
    rows = []
    for key, v in report.values.items():
        p = v.provenance
        rows.append({
            "source": source, "agency": m.agency, "year": m.year, "form": m.form, "key": key,
            "value": v.value, "page": p.page, "line": p.line, "text": p.text, "unit": p.unit,
            "confidence": p.confidence, "flags": FLAG_SEP.join(flags.get(key, ())) or None,
        })
    return rows


def _flags_by_key(assessment: Assessment) -> dict[str, list[str]]:
    """null, the codes of warnings about the key (or its section, for a null), the failed relations and
    audit rules it is in."""
    report = assessment.report
    flags: dict[str, list[str]] = {}

    def add(key: str, flag: str) -> None:
        seen = flags.setdefault(key, [])
        if flag not in seen:
            seen.append(flag)

    for key, v in report.values.items():
        if v.value is None:
            add(key, FLAG_NULL)
    for w in report.warnings:
        if w.key:
            add(w.key, w.code)
        elif w.section:
            # A section-wide warning (table absent, numbers missing) explains its nulls; on the
            # values that were read it would only be noise.
            for key, v in report.values.items():
                if v.value is None and key.startswith(w.section + "."):
                    add(key, w.code)
    for r in assessment.hard_failures + assessment.soft_failures + assessment.flagged:
        for key in r.keys:
            add(key, r.rule)
    return flags


def report_row(assessment: Assessment, *, source: str, sha256: str | None,
               size: int | None, version: str) -> dict[str, Any]:
    """The meta row of a report that was read: who, when, which form, warnings and its assessment.

    ``failed_checks`` names every failed relation and audit rule (hard ones first), as
    ``xlsuite check`` and the 校验 button list them.
    """
    report = assessment.report
    m = report.meta
    failed = assessment.hard_failures + assessment.soft_failures + assessment.flagged
    unchecked = [r for r in assessment.relations if r.status == NOT_CHECKABLE]
    row = _blank_row(source, sha256, size, version)
    row.update({
        "status": STATUS_OK, "agency": m.agency, "year": m.year, "form": m.form,
        "source_kind": m.source_kind, "pages": report_pages(report),
        "sections_found": FLAG_SEP.join(report.sections_found) or None,
        "values_total": len(report.values),
        "values_null": sum(1 for v in report.values.values() if v.value is None),
        "warnings": len(report.warnings),
        "warning_codes": FLAG_SEP.join(sorted({w.code for w in report.warnings})) or None,
        "warnings_json": _json([w.to_dict() for w in report.warnings]),
        "verdict": assessment.verdict if assessment.relations else None,
        "checks_failed": len(assessment.hard_failures),
        "checks_warned": sum(1 for r in failed if r.severity != Severity.ERROR),
        "checks_not_checkable": len(unchecked),
        "failed_checks": FLAG_SEP.join(r.id for r in failed) or None,
        # Failures only: passing and not-checkable results (hundreds for a report with
        # blank cells) are counted above; `xlsuite check` lists them when wanted.
        "checks_json": _json([r.to_dict() for r in failed]),
    })
    # One column per declared metric (docs/metrics.md); blank where the form lacks it or it has no value.
    row.update({metric_column(mid): mv.value for mid, mv in metric_values(report).items()})
    return row


def error_row(*, source: str, code: str, reason: str, sha256: str | None, size: int | None,
              version: str) -> dict[str, Any]:
    """The meta row of a source that could not be read: its reason code and one-line reason."""
    row = _blank_row(source, sha256, size, version)
    row.update({"status": STATUS_FAILED, "error_code": code, "error_reason": reason})
    return row


def report_pages(report: Report) -> int | None:
    """Pages of the source: the reader's count when the model carries one, else the last page cited."""
    pages = getattr(report.meta, "pages", None)
    if pages:
        return pages
    cited = [v.provenance.page for v in report.values.values() if v.provenance.page]
    cited += [w.provenance.page for w in report.warnings if w.provenance is not None and w.provenance.page]
    return max(cited, default=None)


def _blank_row(source: str, sha256: str | None, size: int | None, version: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(REPORT_COLUMNS)
    row.update({"source": source, "sha256": sha256, "size": size, "xlsuite_version": version})
    return row


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str, sort_keys=True)
