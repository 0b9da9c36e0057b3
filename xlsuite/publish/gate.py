"""Whether a report may be published: its hard relations hold and every cell is a number.

Publishing is refused while a hard relation fails (the 洪泽区 2023 report
printed its appeal totals as 0) or a cell holds text that is no number (it
would print blank). ``--force`` publishes anyway with a visible 未通过校验 line.

A failure a reviewer has marked 已核实无误 on the 校验 sheet, with its reason
in 说明, does not block (``verified_from_marks``; 已更正 while the relation still
fails, or a mark without a reason, does). The reasons stay here, in the gate:
the document builder never receives them, so they cannot reach the published
text.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..assessment import assess
from ..checks import CheckResult
from ..model import Finding, Report
from ..workbook.formulas import CONFIRMED_ZH

# Reader warnings that mean a cell's content was dropped: publishing would print it blank.
DROPPED_CELL = "workbook_cell"


@dataclass
class Gate:
    failures: list[CheckResult] = field(default_factory=list)  # hard relations failing, not 已核实
    unreadable: list[Finding] = field(default_factory=list)  # cells whose content is no number
    verified: list[CheckResult] = field(default_factory=list)  # failing, but marked 已核实: allowed

    @property
    def ok(self) -> bool:
        return not self.failures and not self.unreadable

    def verified_lines(self) -> list[str]:
        """The failures let through, by id (their reasons are not repeated: they stay with the workbook)."""
        return [f"{r.id}：{r.message}" for r in self.verified]

    def lines(self) -> list[str]:
        """One Chinese line per blocking problem, for the refusal message."""
        out = [f"{r.id}：{r.message}" for r in self.failures]
        out += [f"单元格不是数字：{w.message}" for w in self.unreadable]
        return out

    def summary(self) -> str:
        parts = []
        if self.failures:
            parts.append(f"{len(self.failures)} 项勾稽关系不成立")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} 个单元格不是数字")
        return "，".join(parts)


def verified_from_marks(marks: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Finding id -> reason, for the marks that allow publishing: 已核实无误 with a 说明."""
    return {fid: note.strip() for fid, (review, note) in marks.items() if review == CONFIRMED_ZH and note.strip()}


def gate(report: Report, verified: Mapping[str, str] | None = None) -> Gate:
    """What blocks publishing ``report``; ``verified`` are reviewer marks (id -> reason)."""
    verified = verified or {}
    g = Gate()
    for r in assess(report).hard_failures:
        if verified.get(r.id, "").strip():
            g.verified.append(r)
        else:
            g.failures.append(r)
    g.unreadable = [w for w in report.warnings if w.code == DROPPED_CELL]
    return g
