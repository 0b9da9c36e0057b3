"""An audit result: a check result that also says which section and sentence it concerns."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..checks import CheckResult
from ..forms.common import SECTIONS
from ..model import Provenance

SECTION_NAMES = {s.id: f"{s.number}、{s.title}" for s in SECTIONS}


@dataclass
class AuditResult(CheckResult):
    """Relations 11-13. ``left`` is what the text states, ``right`` what the table holds."""

    section: str | None = None  # section id: overview, requests …
    sentence: str | None = None  # the sentence as printed, line breaks removed
    provenance: Provenance | None = None  # file, page and line where the sentence or cell was read

    def where(self) -> str:
        """Chinese: the place, for a line of output or a cell of the 校验 sheet."""
        parts = []
        if self.section in SECTION_NAMES:
            parts.append(f"“{SECTION_NAMES[self.section]}”")
        if self.provenance is not None and (self.provenance.page is not None or self.provenance.line is not None):
            parts.append(self.provenance.where())
        if self.keys:
            parts.append("单元格 " + "、".join(self.keys))
        return "，".join(parts)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.section:
            d["section"] = self.section
        if self.sentence:
            d["sentence"] = self.sentence
        if self.provenance is not None:
            d["where"] = {k: v for k, v in asdict(self.provenance).items() if v is not None}
        return d
