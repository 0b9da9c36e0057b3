"""The e-mail that carries one validated workbook upward: pure, no I/O.

Everything the recipient reads is decided here: subject, the key figures with
their form labels, the assessment (``xlsuite.assessment``: verdict, failed
relations, audit findings, reading notes) and the attachment. Sending and
saving live in ``smtp`` and ``outbox``.
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from .. import __version__
from ..assessment import FAILED_EXPLAINED, Assessment
from ..checks import Status
from ..forms import get_form
from ..forms.headline import HEADLINE
from ..model import Number, Report
from ..sanitize import for_header

SUBJECT_PREFIX = "【政府信息公开年报】"
MARK_CHECKED = "已校验"
MARK_FAILED = "未通过校验"
MARK_EXPLAINED = FAILED_EXPLAINED  # every failing relation marked 核实 by the agency, with its reason
MISSING = "空缺"  # a blank cell is shown as such, never as 0

# What the office above looks at first (the one headline list, beside the forms).
KEY_FIGURES = HEADLINE

MIME_TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
}


@dataclass(frozen=True)
class Figure:
    heading: str
    key: str
    label: str
    value: Number | None

    @property
    def text(self) -> str:
        return format_number(self.value)


def format_number(v: Number | None) -> str:
    if v is None:
        return MISSING
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a workbook cell read back as 12.0 is the count 12
    return str(v)


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def key_figures(report: Report) -> list[Figure]:
    """The key figures of a report, labelled by its form; an unknown form gives none."""
    if not report.meta.form:
        return []
    form = get_form(report.meta.form)
    return [Figure(heading, key, form.label_of(key), report.number(key))
            for heading, keys in KEY_FIGURES for key in keys]


def title_of(report: Report) -> str:
    """Agency and year as one line: it goes into the subject, so no line break or control character
    from the workbook can add a header (``某机关\r\nBcc: …``)."""
    m = report.meta
    return for_header(f"{m.agency or '（未识别机关）'} {f'{m.year}年度' if m.year else '（年度未识别）'}")


def subject_for(assessment: Assessment, carries: list[str] | tuple[str, ...] = ()) -> str:
    """``carries``: what the attachment holds beyond the standard workbook (``vouch.concerns``), sent on --force."""
    mark = (MARK_CHECKED if assessment.passed else
            MARK_EXPLAINED if assessment.verdict == FAILED_EXPLAINED else MARK_FAILED)
    if carries:
        mark += "；" + "、".join(carries)
    return f"{SUBJECT_PREFIX}{title_of(assessment.report)}（{mark}）"


def _marked(line: str, assessment: Assessment, finding_id: str) -> str:
    """A finding's line with the agency's 核实 mark, when it has one."""
    m = assessment.marks.get(finding_id)
    return f"{line}——核实：{m.text}" if m is not None and (m.explained or m.note) else line


MAX_NOTES = 10


def verdict_lines(assessment: Assessment) -> list[str]:
    """The verdict in words, then one line per failing relation (hard ones first), audit findings, reading notes."""
    a = assessment
    failed, soft, flagged, warnings = a.hard_failures, a.soft_failures, a.flagged, a.warnings
    counts = a.counts()
    passed, unchecked = counts[Status.PASS], counts[Status.NOT_CHECKABLE]
    summary = f"{passed} 项通过" + (f"，{unchecked} 项因数据空缺无法校验" if unchecked else "")
    if failed and a.verdict == FAILED_EXPLAINED:
        head = f"校验结论：{MARK_EXPLAINED}（{len(failed)} 项勾稽关系不成立，均已由报送单位核实说明；{summary}）"
    elif failed:
        head = f"校验结论：{MARK_FAILED}（{len(failed)} 项勾稽关系不成立；{summary}）"
    elif not a.relations:
        head = "校验结论：无法校验（未识别报告表式）"
    else:
        notes = len(soft) + len(flagged)
        head = f"校验结论：通过（{summary}" + (f"，{notes} 项提示" if notes else "") + "）"
    lines = [head]
    lines += [_marked(f"[错误] {r.id} {r.message}", a, r.id) for r in failed]
    lines += [_marked(f"[提示] {r.id} {r.message}", a, r.id) for r in soft]
    lines += [_marked(f"[审核] {r.id} {r.message}", a, r.id) for r in flagged[:MAX_NOTES]]
    if len(flagged) > MAX_NOTES:
        lines.append(f"[审核] ……另有 {len(flagged) - MAX_NOTES} 项")
    lines += [f"[提示] {w.message}" for w in warnings[:MAX_NOTES]]
    if len(warnings) > MAX_NOTES:
        lines.append(f"[提示] ……另有 {len(warnings) - MAX_NOTES} 条，见工作簿")
    return lines


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes

    @property
    def mime(self) -> tuple[str, str]:
        suffix = "." + self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        return MIME_TYPES.get(suffix, MIME_TYPES[".xlsx"])

    @property
    def size_text(self) -> str:
        return human_size(len(self.data))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _intro(assessment: Assessment) -> str:
    if assessment.passed:
        return "已经 xlsuite 校验。"
    if assessment.verdict == FAILED_EXPLAINED:
        return "经 xlsuite 校验未通过，不成立的勾稽关系均已由本单位核实，说明附后。"
    return "经 xlsuite 校验未通过，按发送人要求仍予报送，请注意下列问题。"


def plain_body(assessment: Assessment, attachment: Attachment) -> str:
    report = assessment.report
    lines = [
        "您好：",
        "",
        f"随信附上{title_of(report)}政府信息公开工作年度报告标准工作簿，" + _intro(assessment),
        "",
    ]
    lines += verdict_lines(assessment)
    lines += ["", "主要数据："]
    heading = None
    for f in key_figures(report):
        if f.heading != heading:
            heading = f.heading
            lines.append(f"{heading}")
        lines.append(f"    {f.label}：{f.text}")
    lines += [
        "",
        f"附件：{attachment.filename}（{attachment.size_text}，SHA-256 {attachment.sha256}）",
        "",
        f"（本邮件由 xlsuite {__version__} 生成。）",
    ]
    return "\n".join(lines) + "\n"


def html_body(assessment: Assessment, attachment: Attachment) -> str:
    e = html.escape
    report = assessment.report
    failed = not assessment.passed
    verdict = verdict_lines(assessment)
    colour = "#c00000" if failed else "#006100"
    figures = key_figures(report)
    rows = []
    for i, f in enumerate(figures):
        first = i == 0 or figures[i - 1].heading != f.heading
        span = sum(1 for g in figures if g.heading == f.heading)
        cell = f'<td rowspan="{span}">{e(f.heading)}</td>' if first else ""
        rows.append(f"<tr>{cell}<td>{e(f.label)}</td><td style=\"text-align:right\">{e(f.text)}</td></tr>")
    details = "".join(f"<li>{e(line)}</li>" for line in verdict[1:])
    intro = e(_intro(assessment)).replace("未通过", "<b>未通过</b>")
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
        "<body style=\"font-family:'Microsoft YaHei',SimSun,sans-serif\">"
        f"<p>您好：</p><p>随信附上{e(title_of(report))}政府信息公开工作年度报告标准工作簿，{intro}</p>"
        f"<p style=\"color:{colour};font-weight:bold\">{e(verdict[0])}</p>"
        + (f"<ul>{details}</ul>" if details else "")
        + "<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\" style=\"border-collapse:collapse\">"
        "<tr><th>类别</th><th>项目</th><th>数量</th></tr>" + "".join(rows) + "</table>"
        f"<p>附件：{e(attachment.filename)}（{e(attachment.size_text)}，SHA-256 {e(attachment.sha256)}）</p>"
        f"<p style=\"color:#808080\">（本邮件由 xlsuite {e(__version__)} 生成。）</p>"
        "</body></html>\n"
    )


def build_message(assessment: Assessment, attachment: Attachment, *,
                  sender: str, to: list[str] | tuple[str, ...], cc: list[str] | tuple[str, ...] = (),
                  now: datetime | None = None, carries: list[str] | tuple[str, ...] = ()) -> EmailMessage:
    """One message for one assessed workbook. Bodies are base64 so any relay passes them unchanged."""
    msg = EmailMessage()
    msg["Subject"] = subject_for(assessment, carries)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = format_datetime((now or datetime.now()).astimezone())
    msg["Message-ID"] = make_msgid("xlsuite", domain=sender.rpartition("@")[2] or None)
    msg["X-Mailer"] = f"xlsuite {__version__}"
    msg["X-Xlsuite-Verdict"] = "pass" if assessment.passed else "fail"
    msg.set_content(plain_body(assessment, attachment), cte="base64")
    msg.add_alternative(html_body(assessment, attachment), subtype="html", cte="base64")
    maintype, subtype = attachment.mime
    # The filename goes out RFC 2231-encoded (filename*=utf-8''…), which the email package does for non-ASCII.
    msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=for_header(attachment.filename))
    return msg


def recipients_of(msg: EmailMessage) -> list[str]:
    """Envelope recipients from the To and Cc headers (an outbox message keeps its own)."""
    return [addr for _name, addr in getaddresses(
        [str(v) for h in ("To", "Cc") for v in msg.get_all(h, [])]) if addr]
