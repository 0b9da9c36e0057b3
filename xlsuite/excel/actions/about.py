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


# What the buttons need, and what stops them on a locked-down PC (docs/excel.md has the details).
REQUIREMENTS = (
    "运行要求：Windows 上的 Microsoft Excel 2010 或更新版本（32/64 位均可），Python 3.11 或更新版本"
    "（因此不支持 Windows 7），xlwings 加载项；不需要勾选“信任对 VBA 工程对象模型的访问”。",
    "按钮没有反应或提示被拦截时：Microsoft Defender 的攻击面减少规则“阻止 Office 应用程序创建子进程”"
    "和部分国产安全软件会拦截 Excel 启动 Python，请信息中心把上面这个 Python 加入排除项（或信任 XLSTART 文件夹）；"
    "禁用受信任位置或只允许签名加载项的策略下，需要信息中心为加载项签名。"
    "不能用加载项的电脑可以运行 xlsuite shortcuts install，改用右键“发送到”。",
)


def run(adapter: WorkbookAdapter) -> Outcome:
    lines = [
        f"xlsuite {__version__}：政府信息公开工作年度报告 → 标准化、自校验的 Excel 工作簿",
        f"Python：{sys.executable}（{platform.python_version()}）",
        xlwings_line(),
        mail_config_line(os.path.dirname(adapter.path) if adapter.path else None),
        f"当前工作簿：{adapter.path or '（尚未保存）'}",
        f"工作目录：{os.getcwd()}",
        *REQUIREMENTS,
    ]
    return finish(adapter, DONE, "\n".join(lines))
