"""One assessment of a report: the relations, the audit, the reading warnings, and whether it passes.

Every front-end asks ``assess(report, previous)`` and only renders the answer:
``xlsuite check``, ``extract --json``, the 校验 button, 发送, the roll-up and the
dataset. ``passed`` is data (no hard relation fails); 通过/不通过 is its display
label. Each finding has a stable ``id`` (the relation instance or audit rule, or
``<warning code>:<key or section>``), so a reviewer's mark (核实) can be matched
to it on a later run: ``with_marks`` applies them. A hard failure stays a
failure, but when every one is explained the label reads 不通过（已说明）;
explained warnings no longer count for ``strict``. ``metrics`` is free room for
figures computed elsewhere (comparisons), carried into ``to_dict``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from .audit import AuditResult, audit
from .checks import CheckResult, Status, check, check_years, hard_failures
from .errors import ExitCode
from .model import Finding, Report, Severity

PASSED, FAILED, FAILED_EXPLAINED = "通过", "不通过", "不通过（已说明）"

Kind = Literal["relation", "audit", "reading"]


class Review(StrEnum):
    """A reviewer's 核实 of one finding."""

    UNREVIEWED = "未核实"
    CONFIRMED = "已核实无误"
    CORRECTED = "已更正"


@dataclass(frozen=True)
class Mark:
    """What a reviewer said about a finding, matched by its ``id``."""

    finding: str
    review: Review = Review.UNREVIEWED
    note: str = ""  # 说明

    @property
    def explained(self) -> bool:
        return self.review != Review.UNREVIEWED

    @classmethod
    def of(cls, finding: str, review: str | None, note: str | None = "") -> "Mark":
        """A mark as a workbook's 核实 and 说明 cells hold it (``workbook.marks``); any other word is 未核实."""
        words = {r.value: r for r in Review}
        return cls(finding, words.get((review or "").strip(), Review.UNREVIEWED), (note or "").strip())

    @property
    def text(self) -> str:
        """How the mark reads beside its finding: 已核实无误：<说明>."""
        return f"{self.review}：{self.note}" if self.note else str(self.review)


@dataclass(frozen=True)
class Item:
    """One thing that needs a look: a failed relation or audit rule, or a reading warning."""

    id: str
    kind: Kind
    severity: Severity
    message: str
    keys: tuple[str, ...] = ()
    mark: Mark | None = None

    @property
    def hard(self) -> bool:
        return self.kind == "relation" and self.severity == Severity.ERROR

    @property
    def explained(self) -> bool:
        return self.mark is not None and self.mark.explained

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "kind": self.kind, "severity": self.severity, "message": self.message}
        if self.keys:
            d["keys"] = list(self.keys)
        if self.mark is not None:
            d["review"] = self.mark.review
            if self.mark.note:
                d["note"] = self.mark.note
        return d


def warning_id(w: Finding) -> str:
    """A reading warning's stable id: its code and what it is about."""
    return f"{w.code}:{w.key or w.section or ''}"


@dataclass
class Assessment:
    """Everything known about whether one report holds together."""

    report: Report
    relations: list[CheckResult]  # R1-R7, and R8-R10 when the previous year was given
    audit: list[AuditResult] = field(default_factory=list)  # R11-R13, passing ones too
    previous: Report | None = None
    marks: Mapping[str, Mark] = field(default_factory=dict)  # finding id -> mark
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Finding]:
        """What reading the report noticed (blank cells, absent tables, units assumed …)."""
        return self.report.warnings

    @property
    def hard_failures(self) -> list[CheckResult]:
        return hard_failures(self.relations)

    @property
    def soft_failures(self) -> list[CheckResult]:
        """Failed relations of warning severity."""
        return [r for r in self.relations if r.failed and r.severity != Severity.ERROR]

    @property
    def flagged(self) -> list[AuditResult]:
        """Audit results that failed: the audit's findings."""
        return [r for r in self.audit if r.failed]

    @property
    def passed(self) -> bool:
        """No hard relation fails. The one verdict every front-end shows."""
        return not self.hard_failures

    @property
    def findings(self) -> list[Item]:
        """Hard failures, then warnings of the relations, the audit and reading, each with its stable id."""
        items = [Item(r.id, "relation", Severity(r.severity), r.message, r.keys) for r in self.hard_failures]
        items += [Item(r.id, "relation", Severity(r.severity), r.message, r.keys) for r in self.soft_failures]
        items += [Item(r.id, "audit", Severity(r.severity), r.message, r.keys) for r in self.flagged]
        seen: Counter[str] = Counter()
        for w in self.warnings:
            base = warning_id(w)
            seen[base] += 1
            items.append(Item(base if seen[base] == 1 else f"{base}#{seen[base]}", "reading",
                              Severity(w.severity), w.message, w.keys or ((w.key,) if w.key else ())))
        return [replace(i, mark=self.marks.get(i.id)) for i in items]

    @property
    def strict_passed(self) -> bool:
        """Passed, and every other finding explained by a reviewer (``--strict``)."""
        return self.passed and all(i.explained for i in self.findings)

    @property
    def review(self) -> list[str]:
        """The keys whose cells wait for a person: left null by a reader in doubt, or read by OCR
        without certainty (``xlsuite.ocr.review.needs_review``). Shown beside the verdict
        everywhere, so a report is never a clean 通过 while cells wait."""
        from .ocr.review import needs_review

        return [k for k, v in self.report.values.items() if needs_review(v)]

    @property
    def headline(self) -> str:
        """The verdict as front-ends print it: with （N 个单元格待核对） when cells wait for a person."""
        n = len(self.review)
        return self.verdict + (f"（{n} 个单元格未能可靠读取，待核对）" if n else "")

    @property
    def verdict(self) -> str:
        """The Chinese label: 通过, 不通过, or 不通过（已说明） when a reviewer explained every hard failure."""
        if self.passed:
            return PASSED
        hard = [i for i in self.findings if i.hard]
        return FAILED_EXPLAINED if all(i.explained for i in hard) else FAILED

    def exit_code(self, strict: bool = False) -> ExitCode:
        ok = self.strict_passed if strict else self.passed
        return ExitCode.OK if ok else ExitCode.CHECKS_FAILED

    def with_marks(self, marks: Iterable[Mark]) -> "Assessment":
        return replace(self, marks={m.finding: m for m in marks})

    def counts(self) -> Counter[str]:
        """Relation results by status (pass, fail, not_checkable)."""
        return Counter(str(r.status) for r in self.relations)

    def to_dict(self, *, all_checks: bool = False) -> dict[str, Any]:
        """The JSON of ``extract --json`` and ``check --json`` (per-cell rule 5 passes only with ``all_checks``)."""
        shown = [r for r in self.relations if all_checks or r.rule != "R5" or r.status != Status.PASS]
        d: dict[str, Any] = {
            "passed": self.passed,
            "verdict": self.verdict,
            "checks": [r.to_dict() for r in shown],
            "audit": [r.to_dict() for r in self.audit],
            "warnings": [w.to_dict() for w in self.warnings],
            "findings": [i.to_dict() for i in self.findings],
        }
        review = self.review
        if review:
            d["review"] = review  # cells a person must look at (see ``review``)
        if self.metrics:
            d["metrics"] = self.metrics
        return d


def assess(report: Report, previous: Report | None = None, *, audit_text: bool = True) -> Assessment:
    """Relations 1-7 (8-10 against ``previous``), the audit 11-13, and the reading warnings.

    ``audit_text=False`` leaves out the audit, for callers that did not read the
    narrative (the roll-up's fast workbook reader). A roll-up total's narrative is
    generated, not written, so it is never audited. The reviewers' 核实 marks a
    workbook carries (``report.reviews``) are applied.
    """
    relations = check(report)
    if previous is not None:
        relations += check_years(previous, report)
    audited = audit(report) if audit_text and report.meta.source_kind != "rollup" else []
    marks = {fid: Mark.of(fid, review, note) for fid, (review, note) in report.reviews.items()}
    return Assessment(report, relations, audited, previous, marks)


@dataclass
class Batch:
    """Many assessments as one: passes when every report passes; counts per finding id."""

    items: list[Assessment] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(a.passed for a in self.items)

    def strict_passed(self) -> bool:
        return all(a.strict_passed for a in self.items)

    def exit_code(self, strict: bool = False) -> ExitCode:
        ok = self.strict_passed() if strict else self.passed
        return ExitCode.OK if ok else ExitCode.CHECKS_FAILED

    def to_dict(self) -> dict[str, Any]:
        ids = Counter(i.id.split("#")[0] for a in self.items for i in a.findings)
        return {"reports": len(self.items), "passed": sum(a.passed for a in self.items),
                "failed": sum(not a.passed for a in self.items), "findings": dict(sorted(ids.items()))}


def merge(assessments: Iterable[Assessment]) -> Batch:
    """Assessments of a batch as one."""
    return Batch(list(assessments))
