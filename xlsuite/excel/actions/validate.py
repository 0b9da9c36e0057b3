"""校验: run the relations on the open workbook, colour failing cells, refresh 校验, summarise."""
from __future__ import annotations

import os

from ..adapter import WorkbookAdapter
from .base import DONE, FAILED, Outcome, finish
from .checking import check_workbook, summary


def run(adapter: WorkbookAdapter) -> Outcome:
    checked = check_workbook(adapter)
    adapter.save()
    text = summary(checked, os.path.basename(adapter.path or "") or "当前工作簿")
    if checked.failures:
        return finish(adapter, FAILED, text, "warning")
    return finish(adapter, DONE, text)
