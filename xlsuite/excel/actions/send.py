"""发送: check the open workbook, then send it upward by e-mail (or as an Outlook draft on Windows).

The mail settings are the e-mail feature's ``xlsuite.toml``, looked up beside
the workbook first, then in the user's settings folder.
"""
from __future__ import annotations

import os
import sys

from ...assessment import FAILED_EXPLAINED
from ...errors import XlsuiteError
from ..adapter import WorkbookAdapter
from .base import BAD_INPUT, DONE, NOT_SENT, REFUSED, Outcome, cancelled, finish, refused_by
from .checking import check_workbook, summary

SMTP, OUTLOOK = "smtp", "outlook"
METHODS = [(SMTP, "直接发送（按邮件配置 xlsuite.toml）"), (OUTLOOK, "生成 Outlook 邮件草稿，检查后自己点发送")]


def outlook_available() -> bool:
    """Outlook drafts need Windows and pywin32; elsewhere the choice is not offered."""
    if sys.platform != "win32":
        return False
    try:
        import win32com.client  # noqa: F401
    except ImportError:
        return False
    return True


def outlook_draft(message, attachment: str) -> None:  # pragma: no cover - needs Outlook on Windows
    """Open ``message`` as an Outlook draft with the workbook attached, for the user to send.

    Only reachable on Windows with Outlook and pywin32; it cannot run in the
    Linux test suite and is on the manual check-list of docs/excel.md.
    """
    import win32com.client

    item = win32com.client.Dispatch("Outlook.Application").CreateItem(0)  # 0: olMailItem
    item.To = "; ".join(a.strip() for a in str(message.get("To", "")).split(","))
    if message.get("Cc"):
        item.CC = "; ".join(a.strip() for a in str(message["Cc"]).split(","))
    item.Subject = str(message["Subject"])
    body = message.get_body(("html",))
    if body is not None:
        item.HTMLBody = body.get_content()
    else:
        item.Body = message.get_body(("plain",)).get_content()
    item.Attachments.Add(os.path.abspath(attachment))
    item.Display(False)


def run(adapter: WorkbookAdapter) -> Outcome:
    from ...mail import find_config, send_workbooks

    if not adapter.path:
        return finish(adapter, BAD_INPUT, "请先保存工作簿，再点“发送”。", "error")
    checked = check_workbook(adapter)
    adapter.save()
    name = os.path.basename(adapter.path)
    if checked.failures and checked.verdict != FAILED_EXPLAINED:
        return finish(adapter, REFUSED, "没有发送：工作簿未通过校验，请改正标红的单元格后再发送"
                      "（核实无误的，在“校验”表的“核实”列标记并写明说明）。\n\n" + summary(checked, name), "error")
    method = adapter.ask_choice("发送方式", METHODS) if outlook_available() else SMTP
    if method is None:
        return cancelled(adapter, "发送")
    try:
        config = find_config(None, cwd=os.path.dirname(adapter.path))
        outcomes = send_workbooks([adapter.path], config, dry_run=method == OUTLOOK)
    except XlsuiteError as e:
        return refused_by(adapter, e, "发送")
    outcome = outcomes[0]
    if method == OUTLOOK and outcome.message is not None:  # pragma: no cover - Windows only
        outlook_draft(outcome.message, adapter.path)
        return finish(adapter, DONE, f"已在 Outlook 中生成邮件草稿（{outcome.message['Subject']}），请检查后发送。")
    if outcome.ok:
        return finish(adapter, DONE, f"{outcome.line}\n校验结论：{checked.verdict}（邮件配置：{config}）")
    return finish(adapter, NOT_SENT, outcome.line, "error")
