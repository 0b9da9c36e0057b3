"""模板: a new blank standard workbook of the form the user picks, opened for them."""
from __future__ import annotations

import os

from ...forms import FORMS
from ...workbook.templates import write_template
from ..adapter import WorkbookAdapter
from .base import BAD_INPUT, DONE, Outcome, cancelled, finish


def run(adapter: WorkbookAdapter) -> Outcome:
    options = [(f.id, f"{f.id}（{f.title}）") for f in FORMS.values()]
    form_id = adapter.ask_choice("新建哪种表式的空白工作簿？", options)
    if form_id is None:
        return cancelled(adapter, "新建空白工作簿")
    folder = os.path.dirname(adapter.path) if adapter.path else os.getcwd()
    path = adapter.ask_save_path("保存新工作簿到", os.path.join(folder, f"{form_id}-空白.xlsx"))
    if not path:
        return cancelled(adapter, "新建空白工作簿")
    if os.path.exists(path):
        return finish(adapter, BAD_INPUT, f"没有新建：{path} 已经存在。为免覆盖已有文件，请换一个文件名。", "error")
    write_template(form_id, path)
    adapter.open(path)
    return finish(adapter, DONE, f"已新建 {form_id} 空白工作簿：{path}\n黄色单元格可以填写；填好后点“校验”。",
                  output=path)
