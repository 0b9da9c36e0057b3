"""What a standard workbook holds, and the one conversion of it to a Report.

Two readers fill ``WorkbookContents``: the fast file reader (``reader.read_workbook``:
the zip and only the named cells, for check, send, roll-up and dataset) and the ribbon, through its
adapter on the workbook open in Excel (``xlsuite.excel.book``). Both hand it to
``to_report``, so a workbook means the same report whichever way it was read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import codes
from ..forms import get_form
from ..model import Meta, Number, Provenance, Report, Value

NO_SECTION = "（报告中没有找到这一部分）"  # the writer's placeholder for a narrative section the report lacked


@dataclass
class WorkbookContents:
    meta: dict[str, Any]  # the 封面 fields by id (layout.META_FIELDS); ``form`` is a known form id
    values: dict[str, Number | None]
    narrative: dict[str, str] = field(default_factory=dict)  # section id -> paragraphs joined by newlines
    problems: list[tuple[str, str]] = field(default_factory=list)  # (key, Chinese message): read as blank
    marks: dict[str, tuple[str, str]] = field(default_factory=dict)  # 校验's 核实/说明 by finding id (workbook.marks)


def cell_number(raw: Any) -> tuple[Number | None, str | None]:
    """A cell's number and, for a cell that holds something else, why it was read as blank.

    Whole floats (how spreadsheets return integers) come back as int.
    """
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, bool):
        return None, f"内容为逻辑值 {raw}，不是数字"
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, f"内容“{raw}”不是有效数字，按空白处理"
        return (int(raw) if raw.is_integer() else raw), None
    if isinstance(raw, str) and not raw.strip():
        return None, None
    return None, f"内容“{str(raw)[:30]}”不是数字，按空白处理"


def cell_problem(label: str, sheet: str, problem: str) -> str:
    return f"{label}（{sheet}）：{problem}"


def clean_meta(raw: dict[str, Any]) -> dict[str, Any]:
    """Cover fields as the model holds them: text stripped (blank is None), the year an int or None."""
    meta: dict[str, Any] = {}
    for k, v in raw.items():
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, str):
            v = v.strip() or None
        meta[k] = v
    year = meta.get("year")
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    meta["year"] = year if isinstance(year, int) and not isinstance(year, bool) else None
    return meta


def paragraphs_of(cells: list[Any]) -> list[str]:
    """A narrative section's paragraphs: its non-blank text cells, without the writer's placeholder."""
    out = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return [p for p in out if p != NO_SECTION]


def sections_from_cover(form_id: str, text: str | None) -> list[str]:
    """The cover lists the sections a report contained by number (一、二、三…)."""
    if not text:
        return []
    parts = set(re.split(r"[、,，\s]+", str(text)))
    return [s.id for s in get_form(form_id).sections if s.number in parts]


def to_report(contents: WorkbookContents, source: str | None) -> Report:
    """The workbook's report: values by key, narrative, the sections it holds, what could not be read.

    A section counts as found when the cover lists it or the workbook holds
    text or a number in it (a template filled in by hand lists nothing).
    """
    m = contents.meta
    form = get_form(m["form"])
    imported = m.get("imported_at")
    report = Report(Meta(agency=m.get("agency"), year=m.get("year"), form=form.id, source=source,
                         # A roll-up's total stays a total whichever file carries it (the roll-up
                         # must not add its own earlier total); any other workbook is a workbook.
                         source_kind="rollup" if m.get("source_kind") == "rollup" else "workbook",
                         imported_at=None if imported is None else str(imported)))
    report.values = {k: Value(contents.values.get(k), Provenance(source=source)) for k in form.keys()}
    report.narrative = {k: t for k, t in contents.narrative.items() if t}
    listed = set(sections_from_cover(form.id, m.get("sections")))
    filled = {k.split(".")[0] for k, v in report.values.items() if v.value is not None} | set(report.narrative)
    report.sections_found = [s.id for s in form.sections if s.id in listed | filled]
    report.reviews = dict(contents.marks)
    for key, message in contents.problems:
        report.warn(codes.WORKBOOK_CELL, message, key=key)
    if not m.get("agency"):
        report.warn(codes.NO_AGENCY, "工作簿封面没有填写机关名称")
    if m.get("year") is None:
        report.warn(codes.NO_YEAR, "工作簿封面没有填写报告年度")
    return report
