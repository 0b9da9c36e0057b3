"""The mail the city office sends back: acknowledgements (回执) and reminders (催报). Pure: no I/O.

Built like ``send``'s messages (xlsuite.mail.message): the same subject prefix,
headers and base64 bodies, so any relay passes them unchanged.
"""
from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .. import __version__
from ..mail.message import SUBJECT_PREFIX
from .agencies import Agency
from ..assessment import FAILED_EXPLAINED
from .intake import DAMAGED, JUNK, KIND_ZH, OFF_LIST, STORED, finding_line, message_id
from .tracker import when

DEFAULT_OFFICE = "我办"


def _message(subject: str, body: str, *, sender: str, to: str, now: datetime | None,
             in_reply_to: str | None = None, kind: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid("xlsuite", domain=sender.rpartition("@")[2] or None)
    in_reply_to = message_id(in_reply_to)  # the ID alone, never a fold of the header it came from
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg["X-Mailer"] = f"xlsuite {__version__}"
    msg["X-Xlsuite-Notice"] = kind
    msg.set_content(body, cte="base64")
    return msg


def _footer() -> list[str]:
    return ["", f"（本邮件由 xlsuite {__version__} 自动发送。）"]


def _title(item: dict) -> str:
    return f"{item.get('agency') or '（未填机关）'} {item.get('year')}年度报告"


def ack_subject(record: dict) -> str | None:
    """The 回执 subject for a ledger message record; None when no reply is due."""
    items = record.get("items", [])
    reports = [i for i in items if i.get("outcome") in (STORED, OFF_LIST)]
    if reports:
        first = reports[0]
        failed = sum(len(i.get("failures", [])) for i in reports)
        verdict = f"未通过，{failed} 项勾稽关系不成立" if failed else "通过"
        if failed and all(i.get("verdict") == FAILED_EXPLAINED for i in reports if i.get("failures")):
            verdict += "，均已说明"
        if any(i.get("outcome") == OFF_LIST for i in reports) and not failed:
            verdict = "通过；机关不在名单中"
        return f"{SUBJECT_PREFIX}回执：已收到{_title(first)}（{verdict}）"
    junk = [i for i in items if i.get("outcome") == JUNK and i.get("agency")]
    if junk:
        return f"{SUBJECT_PREFIX}回执：来件未能收取（{KIND_ZH.get(junk[0].get('kind'), '未收取')}）"
    return None  # nothing from a listed sender and no report: no reply to strangers


def ack_message(record: dict, *, sender: str, office: str = DEFAULT_OFFICE, contact: str = "",
                now: datetime | None = None) -> EmailMessage | None:
    """The acknowledgement of one collected message, to its sender; None when none is due."""
    subject = ack_subject(record)
    to = record.get("reply_to") or record.get("from")
    if subject is None or not to:
        return None
    sent = when(record.get("date"))
    lines = [f"{contact}同志：" if contact else "您好：", "",
             f"{office}已于 {(now or datetime.now()).astimezone():%Y-%m-%d %H:%M} 收取贵单位"
             + (f" {sent.astimezone():%Y-%m-%d %H:%M} " if sent else "")
             + f"发来的邮件《{record.get('subject') or '（无主题）'}》。", ""]
    for it in record.get("items", []):
        name = it.get("attachment") or "（无附件）"
        if it.get("outcome") in (STORED, OFF_LIST):
            lines.append(f"附件 {name}：{_title(it)}，已收取。")
            if it.get("outcome") == OFF_LIST:
                lines.append(f"  注意：{it.get('reason')}，请确认机关名称与名单一致（工作簿“封面”的机关名称）。")
            failures = it.get("failures", [])
            if failures and it.get("verdict") == FAILED_EXPLAINED:
                lines.append(f"  校验结论：{FAILED_EXPLAINED}：下列 {len(failures)} 项勾稽关系不成立，"
                             "贵单位已核实并说明，我办将据此审核：")
                lines += [f"  [错误] {finding_line(f)}" for f in failures]
            elif failures:
                lines.append(f"  校验结论：未通过，下列 {len(failures)} 项勾稽关系不成立，请改正后重新报送"
                             "（可用 xlsuite send 发送；核实无误的，在“校验”表的“核实”列标记并写明说明）：")
                lines += [f"  [错误] {finding_line(f)}" for f in failures]
            else:
                lines.append("  校验结论：通过。")
            if it.get("warnings"):
                lines.append(f"  另有 {len(it['warnings'])} 项提示，请在工作簿“校验”表中查看。")
        else:
            lines.append(f"附件 {name}：未能收取（{KIND_ZH.get(it.get('kind'), '')}）：{it.get('reason')}。")
            lines.append("  请重新发送。" if it.get("kind") == DAMAGED else "  请核对后重新发送。")
        lines.append("")
    body = "\n".join(lines + _footer()[1:]) + "\n"
    return _message(subject, body, sender=sender, to=to, now=now, in_reply_to=record.get("message_id"), kind="ack")


def reminder_subject(agency: Agency, year: int) -> str:
    return f"{SUBJECT_PREFIX}催报：请报送{agency.name} {year}年度报告"


def reminder_message(agency: Agency, year: int, *, sender: str, office: str = DEFAULT_OFFICE,
                     deadline: date | None = None, now: datetime | None = None) -> EmailMessage:
    today = (now or datetime.now()).astimezone()
    lines = [f"{agency.contact}同志：" if agency.contact else f"{agency.name}：", "",
             f"您好！截至 {today:%Y年%m月%d日}，{office}尚未收到{agency.name} {year}年度政府信息公开工作年度报告"
             "（标准工作簿）。",
             f"请{f'于 {deadline:%Y年%m月%d日} 前' if deadline else '尽快'}将校验通过的标准工作簿报送至 {sender}"
             "（可在 Excel 中点“发送”，或用 xlsuite send 发送）。",
             "", "如已报送，请忽略本邮件，或回复告知发送时间，以便核查。"] + _footer()
    return _message(reminder_subject(agency, year), "\n".join(lines) + "\n", sender=sender,
                    to=", ".join(agency.emails), now=now, kind="remind")
