"""对比: compare the open workbook with last year's report, into a new comparison workbook, and open it.

The same library functions as ``xlsuite compare``: ``compare_reports`` and
``write_comparison``. The open workbook is read as it is now (unsaved edits
included) and is not changed.
"""
from __future__ import annotations

import os

from ...errors import SourceError, XlsuiteError
from .. import book
from ..adapter import WorkbookAdapter
from .base import BAD_INPUT, DONE, Outcome, cancelled, finish, refused_by

PATTERNS = ("*.xlsx", "*.pdf", "*.docx", "*.html", "*.htm", "*.txt", "*.md")
MAX_LINES = 24  # Excel's message box shows about 1000 characters


def run(adapter: WorkbookAdapter) -> Outcome:
    from ...compare import CompareError, compare_reports, write_comparison
    from ...compare.summary import summary_lines
    from ...readers import read_report

    current = book.read_report(adapter).report  # refuses a non-standard workbook before asking anything
    path = adapter.ask_file("选择上一年度的年度报告或标准工作簿", PATTERNS)
    if not path:
        return cancelled(adapter, "与上年对比")
    if adapter.path and os.path.abspath(path) == os.path.abspath(adapter.path):
        return finish(adapter, BAD_INPUT, "不能与当前工作簿自己对比，请选择上一年度的报告。", "error")
    try:
        previous = read_report(path)
    except SourceError as e:
        return refused_by(adapter, e, "对比")
    try:
        cmp = compare_reports(previous, current)
    except CompareError as e:
        if e.code == "no_form":
            return refused_by(adapter, e, "对比")
        choice = adapter.ask_choice(f"{e}", [("force", "仍然比较"), ("cancel", "取消")])
        if choice != "force":
            return cancelled(adapter, "与上年对比")
        cmp = compare_reports(previous, current, force=True)
    m = current.meta
    folder = os.path.dirname(adapter.path) if adapter.path else os.getcwd()
    name = f"{m.year or ''}-{m.agency or '本机关'}-上年对比.xlsx".lstrip("-")
    out = adapter.ask_save_path("保存对比工作簿到", os.path.join(folder, name))
    if not out:
        return cancelled(adapter, "与上年对比")
    try:
        write_comparison(cmp, out, overwrite=True)
    except (OSError, XlsuiteError) as e:
        return finish(adapter, BAD_INPUT, f"无法写入 {out}：{e}", "error")
    adapter.open(os.path.abspath(out))
    lines = summary_lines(cmp)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES] + ["……其余见对比工作簿"]
    lines.append(f"对比工作簿（上年对比、文字对比）已保存并打开：{out}")
    return finish(adapter, DONE, "\n".join(lines), output=os.path.abspath(out))
