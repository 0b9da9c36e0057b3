"""What ``xlsuite import`` accepts beside report files: the JSON that ``extract --json`` writes.

The JSON route lets any pipeline produce standard workbooks: one object per
line (or one document, or a list), each with ``meta`` and ``values`` keyed by
the form keys (docs/forms.md). Also the workbook's file name, ``<year>-<agency>.xlsx``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .. import codes
from ..errors import SourceError
from ..forms import FORMS, get_form
from ..model import Finding, Meta, Provenance, Report, Severity, Value
from ..readers import bound_values
from ..sanitize import for_filename

BAD_JSON = "不是 xlsuite extract --json 的输出"


def is_json(path: str | os.PathLike) -> bool:
    p = Path(path)
    if p.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        return True
    try:
        with open(p, "rb") as f:
            head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith((b'{"', b"[{", b"{\n", b"[\n"))


def is_json_source(path: str | os.PathLike) -> bool:
    """A file of ``extract --json`` output rather than a report document."""
    return os.path.isfile(path) and is_json(path)


def reports_from_json(path: str) -> list[Report]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError(path, f"无法读取 JSON 文件（{type(e).__name__}）", "unreadable") from None
    try:
        doc = json.loads(text)
        objs = doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        try:  # extract --json writes one object per line
            objs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise SourceError(path, f"JSON 格式错误（第 {e.lineno} 行）：{e.msg}", "bad_json") from None
    if not objs:
        raise SourceError(path, "JSON 文件中没有报告", "bad_json")
    reports = [report_from_dict(o, path, n) for n, o in enumerate(objs, start=1)]
    for r in reports:
        bound_values(r)  # a 400-digit number in hand-made JSON: blank, with a warning
    return reports


def report_from_dict(obj, path: str, n: int = 1) -> Report:
    where = f"第 {n} 个对象" if n > 1 else "内容"
    if not isinstance(obj, dict) or not isinstance(obj.get("meta"), dict) or not isinstance(obj.get("values"), dict):
        raise SourceError(path, f"{BAD_JSON}（{where}缺少 meta 或 values）", "bad_json")
    m = obj["meta"]
    form_id = m.get("form")
    if form_id not in FORMS:
        raise SourceError(path, f"{BAD_JSON}（{where}的表式“{form_id}”无法识别，应为 {'、'.join(FORMS)}）", "bad_json")
    form = get_form(form_id)
    keys = set(form.keys())
    unknown = sorted(set(obj["values"]) - keys)
    if unknown:
        raise SourceError(path, f"{BAD_JSON}（{where}有表式 {form_id} 中没有的键：{', '.join(unknown[:5])}）", "bad_json")
    year = m.get("year")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool)):
        raise SourceError(path, f"{BAD_JSON}（{where}的年度“{year}”不是整数）", "bad_json")
    source = obj.get("source") or m.get("source") or path
    report = Report(Meta(agency=m.get("agency"), year=year, form=form_id, source=source,
                         source_kind=m.get("source_kind") or "json"))
    for key in form.keys():
        v = obj["values"].get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise SourceError(path, f"{BAD_JSON}（{where}的 {key} 值“{v}”不是数字）", "bad_json")
        report.values[key] = Value(v, Provenance(source=source))
    narrative = obj.get("narrative")
    if isinstance(narrative, dict):
        report.narrative = {k: str(t) for k, t in narrative.items() if t}
    sections = obj.get("sections_found") or m.get("sections_found")
    report.sections_found = list(sections) if isinstance(sections, list) else [
        s.id for s in form.sections if s.kind == "table" or s.id in report.narrative]
    for w in obj.get("warnings") or []:
        if isinstance(w, dict) and w.get("message"):
            report.warnings.append(Finding(str(w.get("code", "json")), str(w["message"]),
                                           Severity(w.get("severity", "warning")) if w.get("severity") in
                                           tuple(Severity) else Severity.WARNING,
                                           key=w.get("key"), section=w.get("section")))
    _facts(report, obj, form.keys())
    return report


def _facts(report: Report, obj: dict, keys: list[str]) -> None:
    """Absent tables and blank cells: as recorded, or (older JSON) from the warnings that say so."""
    sections = {s.id for s in get_form(report.meta.form).sections}
    absent, blank = obj.get("tables_absent"), obj.get("blank_cells")
    if isinstance(absent, dict):
        report.tables_absent = {str(s): str(why) for s, why in absent.items() if s in sections}
    else:
        report.tables_absent = {w.section: codes.UNKNOWN for w in report.warnings
                                if w.code == codes.TABLE_ABSENT and w.section in sections}
    if isinstance(blank, dict):
        report.blank_cells = {str(k): str(v) for k, v in blank.items() if k in keys}
    else:
        report.blank_cells = {w.key: "" for w in report.warnings if w.code == codes.BLANK_CELL and w.key in keys}


def workbook_filename(report: Report) -> str:
    """``<year>-<agency>.xlsx``; what the title did not say is named so, never guessed.

    The name is safe on every file system (``sanitize.for_filename``): no control or
    invisible characters, a long agency shortened with a hash so names stay distinct.
    """
    year = str(report.meta.year) if report.meta.year else "年度未知"
    agency = report.meta.agency or "机关未知"
    return for_filename(f"{year}-{agency}", ".xlsx")
