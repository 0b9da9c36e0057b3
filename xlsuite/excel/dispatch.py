"""The ribbon's buttons and the actions they run: one list drives both.

The add-in's ribbon XML is generated from ``BUTTONS`` and every button's tag
is dispatched through the same list, so a button without an action (or an
action without a button) cannot exist. Actions are named by module and loaded
only when clicked: each click starts a fresh Python, so importing less is
answering sooner.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .actions.base import Outcome
    from .adapter import WorkbookAdapter


@dataclass(frozen=True)
class Button:
    tag: str  # machine id: the VBA callback passes it to Python
    label: str  # Chinese, on the ribbon
    screentip: str
    supertip: str
    image: str  # an Office built-in icon (imageMso)
    module: str  # module under xlsuite.excel.actions defining ``run(adapter) -> Outcome``


BUTTONS: tuple[Button, ...] = (
    Button("reimport", "导入", "导入报告到当前工作簿",
           "选择一份年度报告（PDF、Word、网页、文本或标准工作簿），识别其中的数字和文字，"
           "按名称写入当前标准工作簿。修改前自动备份，完成后列出改动。",
           "ImportTextFile", "reimport"),
    Button("validate", "校验", "校验勾稽关系",
           "按国家表式的勾稽关系逐条校验当前工作簿，将不通过的单元格标红，刷新“校验”表，并弹出中文小结。",
           "AcceptInvitation", "validate"),
    Button("publish", "生成年报", "生成 Word / PDF 年度报告",
           "先校验当前工作簿，再按国家表式生成可发布的年度报告（Word，装有 LibreOffice 时同时生成 PDF）："
           "标题、六个部分和三张表格，数字与工作簿一致。未通过校验时只能生成标注“未通过校验”的草稿。",
           "FileSaveAs", "publish"),
    Button("rollup", "汇总", "汇总各单位工作簿",
           "选择存放各单位标准工作簿的文件夹，逐项相加生成汇总工作簿并打开。",
           "AutoSum", "rollup"),
    Button("compare", "对比", "与上年报告对比",
           "选择上一年度的报告或标准工作簿，逐项列出上年、本年、增减和增减率，比较文字部分（新增、删除、改写的句子）"
           "并计算重复率，生成“上年对比”工作簿并打开。",
           "QueryBuilder", "compare"),
    Button("send", "发送", "校验后发送给上级",
           "先校验当前工作簿，全部通过后按邮件配置发送给上级政务公开办；也可生成 Outlook 草稿。",
           "FileSendAsAttachment", "send"),
    Button("collect", "收集", "收取各单位报送的工作簿",
           "（市、省政务公开办）从邮箱或导出的邮件文件夹收取各单位报送的标准工作簿，逐份校验后存入收件文件夹，"
           "生成并打开“报送情况”表（谁已报送、谁未通过、谁未报送）。",
           "FileOpen", "collect"),
    Button("template", "模板", "新建空白年报工作簿",
           "选择表式（2019 版或 2021 版），新建一份空白的标准工作簿。",
           "FileNew", "template"),
    Button("about", "关于", "关于 xlsuite",
           "显示 xlsuite 版本、配置文件位置和所用的 Python。",
           "Help", "about"),
)

BY_TAG = {b.tag: b for b in BUTTONS}


class UnknownAction(KeyError):
    pass


def action_of(tag: str):
    """The ``run(adapter)`` function behind a button tag."""
    try:
        button = BY_TAG[tag]
    except KeyError:
        raise UnknownAction(f"没有名为“{tag}”的功能（可用：{'、'.join(BY_TAG)}）") from None
    return importlib.import_module(f"{__package__}.actions.{button.module}").run


def dispatch(tag: str, adapter: "WorkbookAdapter") -> "Outcome":
    """Run the action behind ``tag`` on ``adapter``; the action shows its own alert."""
    return action_of(tag)(adapter)
