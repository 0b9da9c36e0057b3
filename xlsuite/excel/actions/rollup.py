"""汇总: add up a folder of agency workbooks into a total workbook, and open it."""
from __future__ import annotations

import os

from ...errors import XlsuiteError
from ...forms import get_form
from ...forms.headline import headline_keys
from ..adapter import WorkbookAdapter, status_progress
from .base import DONE, Outcome, cancelled, finish, refused_by


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
            raise XlsuiteError(f"文件夹 {folder} 中没有找到报告文件（.xlsx、.pdf、.docx、.html、.txt、.md）",
                               code="no_inputs")
        # One process: Excel starts this Python with ``-c``, where worker processes gain little.
        result = rollup(paths, agency=agency, workers=1, options=adapter.read_options,
                        on_progress=status_progress(adapter, "汇总：读取各单位报告"))
        year = result.total.meta.year
        suggested = os.path.join(os.path.dirname(folder), f"{year or ''}-{agency}-汇总.xlsx".lstrip("-"))
        path = adapter.ask_save_path("保存汇总工作簿到", suggested)
        if not path:
            return cancelled(adapter, "汇总")
        write_total(result, path)
    except XlsuiteError as e:
        return refused_by(adapter, e, "汇总")
    adapter.open(os.path.abspath(path))
    total = result.total
    form = get_form(total.meta.form)
    lines = [f"已汇总 {len(result.entries)} 个单位（{total.meta.year or '年度未知'} 年度，{form.id}）→ {path}"]
    for key in headline_keys():
        v = total.number(key)
        lines.append(f"· {form.label_of(key)}：{'空白' if v is None else v}")
    for inv in result.invalid:
        lines.append("未通过校验的单位：" + inv.lines()[0])
    assessment = result.assessment()
    bad = assessment.hard_failures
    lines.append(f"汇总结果校验结论：{assessment.verdict}" + (f"（{len(bad)} 项不成立）" if bad else ""))
    lines.append("汇总工作簿打开即为“看板”：全市指标、各机关排名、热力图和图表，均随“明细”更新。")
    return finish(adapter, DONE, "\n".join(lines), output=os.path.abspath(path))
