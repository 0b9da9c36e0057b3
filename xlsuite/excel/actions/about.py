"""关于: version, configuration and the Python that runs the buttons."""
from __future__ import annotations

import os
import platform
import sys

from ... import __version__
from ..adapter import WorkbookAdapter
from .base import DONE, Outcome, finish


def mail_config_line(folder: str | None) -> str:
    try:
        from ...mail import find_config
    except ImportError:
        return "邮件配置：（本版本未包含发送功能）"
    try:
        return f"邮件配置：{find_config(None, cwd=folder)}"  # where 发送 looks: beside the workbook first
    except Exception as e:  # noqa: BLE001 - "not found" is an answer here, not a failure
        return f"邮件配置：未找到（{e}）"


def xlwings_line() -> str:
    try:
        from importlib.metadata import version
        return f"xlwings：{version('xlwings')}"
    except Exception:  # noqa: BLE001
        return "xlwings：未安装"


def run(adapter: WorkbookAdapter) -> Outcome:
    lines = [
        f"xlsuite {__version__}：政府信息公开工作年度报告 → 标准化、自校验的 Excel 工作簿",
        f"Python：{sys.executable}（{platform.python_version()}）",
        xlwings_line(),
        mail_config_line(os.path.dirname(adapter.path) if adapter.path else None),
        f"当前工作簿：{adapter.path or '（尚未保存）'}",
        f"工作目录：{os.getcwd()}",
    ]
    return finish(adapter, DONE, "\n".join(lines))
