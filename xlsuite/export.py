"""Reports and their assessments as plain JSON-ready dicts (the `extract --json` contract)."""
from __future__ import annotations

from typing import Any

from .assessment import Assessment
from .metrics import metrics_to_dict
from .model import Report


def report_to_dict(report: Report, assessment: Assessment | None = None, *,
                   all_checks: bool = False) -> dict[str, Any]:
    """Source, meta, values and warnings; with an assessment, its verdict, checks, audit and findings too."""
    d: dict[str, Any] = {
        "source": report.meta.source,
        "meta": {"agency": report.meta.agency, "year": report.meta.year, "form": report.meta.form,
                 "source_kind": report.meta.source_kind, "pages": report.meta.pages},
        "values": report.numbers(),
        "warnings": [w.to_dict() for w in report.warnings],
        "tables_absent": report.tables_absent,  # section -> why (codes.ABSENT_WHY)
        "blank_cells": report.blank_cells,  # key -> what was printed ("" for an empty cell)
        # Declared indicators (docs/metrics.md): a ratio with a blank or zero denominator is null with a note.
        "metrics": metrics_to_dict(report),
    }
    if assessment is not None:
        d.update(assessment.to_dict(all_checks=all_checks))
    return d


def provenance_to_dict(report: Report) -> dict[str, dict[str, Any]]:
    out = {}
    for key, v in report.values.items():
        p = v.provenance
        out[key] = {k: val for k, val in vars(p).items() if val is not None}
    return out
