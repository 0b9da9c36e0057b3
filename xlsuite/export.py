"""Reports and check results as plain JSON-ready dicts (the `extract --json` contract)."""
from __future__ import annotations

from typing import Any

from .checks import CheckResult, verdict
from .metrics import metrics_to_dict
from .model import Report


def report_to_dict(report: Report, results: list[CheckResult] | None = None, *,
                   all_checks: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "source": report.meta.source,
        "meta": {"agency": report.meta.agency, "year": report.meta.year, "form": report.meta.form,
                 "source_kind": report.meta.source_kind, "pages": report.meta.pages},
        "values": report.numbers(),
        "warnings": [w.to_dict() for w in report.warnings],
        # Declared indicators (docs/metrics.md): a ratio with a blank or zero denominator is null with a note.
        "metrics": metrics_to_dict(report),
    }
    if results is not None:
        # Per-cell rule 5 passes would drown the list; they are shown only when they fail.
        shown = [r for r in results if all_checks or r.rule != "R5" or r.status != "pass"]
        d["checks"] = [r.to_dict() for r in shown]
        d["verdict"] = verdict(results)
    return d


def provenance_to_dict(report: Report) -> dict[str, dict[str, Any]]:
    out = {}
    for key, v in report.values.items():
        p = v.provenance
        out[key] = {k: val for k, val in vars(p).items() if val is not None}
    return out
