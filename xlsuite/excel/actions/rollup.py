"""汇总: add up a folder of agency workbooks into a total workbook, and open it."""
from __future__ import annotations

import os

from ...checks import hard_failures, verdict
from ...errors import XlsuiteError
from ...forms import get_form
from ..adapter import WorkbookAdapter
from .base import DONE, FAILED, Outcome, cancelled, finish

# (key, label) of the figures the summary shows; everything else is in the workbook.
HEADLINE = (("requests.new.total", "本年新收申请"), ("requests.carried_in.total", "上年结转"),
            ("requests.total.total", "办理结果总计"), ("requests.carried_out.total", "结转下年度"),
            ("appeals.review.total", "行政复议"))


def inputs_of(folder: str) -> list[str]:
    """The report files in ``folder`` (the folder rule leaves out the backups the 导入 button makes)."""
    from ...rollup import collect

    return collect([folder])


def run(adapter: WorkbookAdapter) -> Outcome:
    from ...rollup import rollup, write_total

    folder = adapter.ask_folder("选择存放各单位标准工作簿（或报告）的文件夹")
    if not folder:
        return cancelled(adapter, "汇总")
    folder = os.path.abspath(folder)
    agency = adapter.ask_text("汇总后的单位名称（写在汇总工作簿的封面上）", os.path.basename(folder))
    if not agency:
        return cancelled(adapter, "汇总")
    paths = inputs_of(folder)
    try:
        if not paths:
            raise XlsuiteError(f"文件夹 {folder} 中没有找到报告文件（.xlsx、.pdf、.docx、.html、.txt、.md）")
        # One process: Excel starts this Python with ``-c``, where worker processes gain little.
        result = rollup(paths, agency=agency, workers=1)
        year = result.total.meta.year
        suggested = os.path.join(os.path.dirname(folder), f"{year or ''}-{agency}-汇总.xlsx".lstrip("-"))
        path = adapter.ask_save_path("保存汇总工作簿到", suggested)
        if not path:
            return cancelled(adapter, "汇总")
        write_total(result, path)
    except XlsuiteError as e:
        return finish(adapter, FAILED, f"没有汇总：{e}", "error")
    adapter.open(os.path.abspath(path))
    total = result.total
    form = get_form(total.meta.form)
    lines = [f"已汇总 {len(result.entries)} 个单位（{total.meta.year or '年度未知'} 年度，{form.id}）→ {path}"]
    for key, label in HEADLINE:
        if key in form.keys():
            v = total.number(key)
            lines.append(f"· {label}：{'空白' if v is None else v}")
    for inv in result.invalid:
        lines.append("未通过校验的单位：" + inv.lines()[0])
    results = result.checks()
    lines.append(f"汇总结果校验结论：{verdict(results)}" +
                 (f"（{len(hard_failures(results))} 项不成立）" if hard_failures(results) else ""))
    lines.append("汇总工作簿打开即为“看板”：全市指标、各机关排名、热力图和图表，均随“明细”更新。")
    return finish(adapter, DONE, "\n".join(lines), output=os.path.abspath(path))
