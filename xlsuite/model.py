"""The report model: what a report says, where each number came from, what is doubtful.

No file, Excel or CLI code here: readers build these objects, everything else
consumes them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

Number = int | float


class Severity(StrEnum):
    """How much a finding weighs: an ``error`` relation decides the verdict, the others inform."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Provenance:
    """Where a value or a finding was read: the file, its page and/or line, the printed text."""

    source: str | None = None
    page: int | None = None
    line: int | None = None
    text: str | None = None
    unit: str | None = None  # the unit as printed (万元, 元), when it was converted
    confidence: float | None = None  # OCR recognition confidence, when a value was OCR'd
    review: str | None = None  # why a person must look at this cell (Chinese), when the reader is unsure

    def where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        return "".join(parts) or "位置未知"


@dataclass(frozen=True)
class Value:
    """One table cell: the number (None for a blank or ``/`` cell) and its provenance."""

    value: Number | None
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Finding:
    """A warning or error about a report, with a stable machine code and a Chinese message."""

    code: str
    message: str
    severity: Severity = Severity.WARNING
    key: str | None = None
    section: str | None = None
    provenance: Provenance | None = None
    keys: tuple[str, ...] = ()  # every cell it concerns, when more than one (a whole row)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.key:
            d["key"] = self.key
        if self.keys:
            d["keys"] = list(self.keys)
        if self.section:
            d["section"] = self.section
        if self.provenance is not None:
            d["where"] = {k: v for k, v in asdict(self.provenance).items() if v is not None}
        return d


@dataclass
class Meta:
    agency: str | None = None
    year: int | None = None
    form: str | None = None
    source: str | None = None
    source_kind: str | None = None  # text, markdown, html, pdf, docx, workbook …
    pages: int | None = None  # as the source counts them (PDF pages); None where it has none
    imported_at: str | None = None  # a standard workbook's import time (its cover, ISO 8601)


@dataclass
class Report:
    """A parsed report. ``values`` holds every key of the form; a missing table is all None."""

    meta: Meta
    values: dict[str, Value] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)  # section id -> text
    # Where each source line of ``narrative[section]`` starts: (offset in the text, page, line).
    narrative_places: dict[str, list[tuple[int, int | None, int | None]]] = field(default_factory=dict)
    sections_found: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    # Facts recognition records for the audit (the warnings say the same in words):
    tables_absent: dict[str, str] = field(default_factory=dict)  # section -> why (codes.SECTION_MISSING …)
    blank_cells: dict[str, str] = field(default_factory=dict)  # key -> what was printed ("" empty, "/" …)
    # Reviewers' 核实 marks a standard workbook carries: finding id -> (核实, 说明); ``assess`` applies them.
    reviews: dict[str, tuple[str, str]] = field(default_factory=dict)

    def number(self, key: str) -> Number | None:
        v = self.values.get(key)
        return None if v is None else v.value

    def numbers(self) -> dict[str, Number | None]:
        return {k: v.value for k, v in self.values.items()}

    def warn(self, code: str, message: str, **kw: Any) -> None:
        self.warnings.append(Finding(code, message, Severity.WARNING, **kw))
