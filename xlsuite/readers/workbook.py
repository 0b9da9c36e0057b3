"""The standard workbook as a source: values by defined name, including staff edits."""
from __future__ import annotations

import os

from ..limits import Limits
from ..model import Meta, Provenance, Report, Value
from ..workbook.reader import read_workbook, sections_from_cover


def read_report(path: str | os.PathLike, *, limits: Limits | None = None, **_options) -> Report:
    """A standard workbook back to a Report; any other .xlsx raises SourceError (wrong_workbook)."""
    path = os.fspath(path)
    c = read_workbook(path, limits=limits)
    m = c.meta
    form = m["form"]
    report = Report(Meta(agency=m.get("agency"), year=m.get("year"), form=form, source=path,
                         source_kind="workbook"))
    report.values = {k: Value(v, Provenance(source=path)) for k, v in c.values.items()}
    report.narrative = dict(c.narrative)
    report.sections_found = sections_from_cover(form, m.get("sections"))
    for key, message in c.problems:
        report.warn("workbook_cell", message, key=key)
    if not m.get("agency"):
        report.warn("no_agency", "工作簿封面没有填写机关名称")
    if m.get("year") is None:
        report.warn("no_year", "工作簿封面没有填写报告年度")
    return report
