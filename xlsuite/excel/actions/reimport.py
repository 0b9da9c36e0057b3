"""导入: read a report file into the open standard workbook, by defined name.

The workbook is copied beside itself before the first change; the user is
told exactly which cells and sections changed, and the relations are checked
again on the new values.
"""
from __future__ import annotations

import os

from ...errors import SourceError
from ...readers import read_report
from ...workbook import layout as L
from ...workbook.writer import cover_meta
from .. import book
from ..adapter import WorkbookAdapter, status_progress
from .base import BAD_INPUT, DONE, Outcome, cancelled, finish, ribbon_text
from .checking import check_workbook

PATTERNS = ("*.pdf", "*.docx", "*.xlsx", "*.html", "*.htm", "*.txt", "*.md")
MAX_LISTED = 8


def _fmt(v) -> str:
    return "空白" if v is None else str(v)


def run(adapter: WorkbookAdapter) -> Outcome:
    form = book.form_of(adapter)  # refuse a non-standard workbook before asking anything
    path = adapter.ask_file("选择要导入的年度报告（PDF、Word、网页、文本或标准工作簿）", PATTERNS)
    if not path:
        return cancelled(adapter, "导入报告")
    if adapter.path and os.path.abspath(path) == os.path.abspath(adapter.path):
        return finish(adapter, BAD_INPUT, "不能把当前工作簿导入它自己，请选择另一份报告。", "error")
    try:
        report = read_report(path, adapter.read_options, on_progress=status_progress(adapter, "文字识别（OCR）"))
    except SourceError as e:
        return finish(adapter, BAD_INPUT, "无法导入（当前工作簿没有改动）：" + ribbon_text(e, "导入"), "error")
    if report.meta.form and report.meta.form != form.id:
        return finish(adapter, BAD_INPUT,
                      f"无法导入：报告 {os.path.basename(path)} 使用 {report.meta.form} 表式，"
                      f"当前工作簿是 {form.id} 表式。\n请点“模板”新建一份 {report.meta.form} 工作簿后再导入。"
                      "当前工作簿没有改动。", "error")

    changes: list[tuple[str, object, object]] = []
    plan: dict[str, object] = {}
    for key in form.keys():
        old, _ = book.as_number(book.value(adapter, L.defined_name(key)))
        new = report.number(key)
        if old != new:
            changes.append((key, old, new))
            plan[L.defined_name(key)] = new
    sections = []
    for section in form.sections:
        if section.kind != "narrative":
            continue
        new_paras = book.narrative_paragraphs(report, section.id)
        if new_paras != book.read_paragraphs(adapter, section.id):
            sections.append((section, new_paras))

    backup = adapter.backup() if adapter.path and os.path.exists(adapter.path) else None
    for name, v in plan.items():
        book.set_value(adapter, name, v)
    for section, paras in sections:
        book.write_paragraphs(adapter, section.id, paras)
    # The cover as a new workbook of this report would have it; the form stays, and so do the
    # agency and year when the report does not say them.
    meta = cover_meta(report, os.path.abspath(path))
    del meta["form"]
    for field_id in ("agency", "year"):
        if not meta[field_id]:
            del meta[field_id]
    for field_id, v in meta.items():
        book.set_value(adapter, L.meta_name(field_id), v)
    checked = check_workbook(adapter)
    adapter.save()

    # The essentials come first: Excel's message box shows only about 1000 characters.
    lines = [f"已导入：{os.path.basename(path)} → {os.path.basename(adapter.path or '当前工作簿')}",
             f"校验结论：{checked.verdict}" +
             (f"（{len(checked.failures)} 项勾稽关系不成立，涉及的单元格已标红）" if checked.failures else "")]
    if backup:
        lines.append(f"修改前的工作簿已备份为：{backup}")
    if sections:
        lines.append("更新了文字部分：" + "、".join(f"{s.number}、{s.title}" for s, _ in sections))
    if report.warnings:
        lines.append(f"识别提示 {len(report.warnings)} 条，例如：" +
                     "；".join(w.message for w in report.warnings[:2]))
    if changes:
        lines.append(f"改动了 {len(changes)} 个数值单元格：")
        for key, before, after in changes[:MAX_LISTED]:
            lines.append(f"· {form.label_of(key)}（{key}）：{_fmt(before)} → {_fmt(after)}")
        if len(changes) > MAX_LISTED:
            lines.append(f"……另有 {len(changes) - MAX_LISTED} 个")
    else:
        lines.append("数值没有变化。")
    return finish(adapter, DONE, "\n".join(lines), backup=backup or "", source=os.path.abspath(path))
