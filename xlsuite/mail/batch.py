"""Send workbooks upward: validate every one, then send, export or preview them.

All or nothing before sending: when any workbook cannot be read or fails a hard
relation (without ``force``), no message leaves, so a corrected rerun never
duplicates the ones that were fine. A message the server does not take is kept
in the outbox, never lost.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..assessment import FAILED_EXPLAINED, Assessment, assess
from ..atomic import write_bytes
from ..checks import CheckResult
from ..errors import ExitCode, SourceError, XlsuiteError
from ..model import Finding, Report
from ..readers import read_report, sniff
from . import outbox as box
from .config import MailConfig, get_password, load_config
from .message import Attachment, build_message, recipients_of, title_of
from .smtp import FATAL_KINDS, SendError, deliver, message_bytes
from .vouch import concerns

# Outcome statuses
SENT = "sent"              # the server accepted it
WRITTEN = "written"        # saved as an .eml file for the user's own mail program (--eml)
PREVIEW = "preview"        # dry run: built, shown, not sent
REFUSED = "refused"        # a hard relation fails; nothing sent
UNREADABLE = "unreadable"  # not a readable standard workbook
HELD = "held"              # fine, but not sent because another workbook of the batch was refused
QUEUED = "queued"          # sending failed; the message waits in the outbox
INTERRUPTED = "interrupted"  # an outbox message whose earlier sending was cut off: delivery unknown

@dataclass
class Outcome:
    source: Path                  # the workbook, or the outbox file
    status: str
    line: str                     # one Chinese line for staff
    subject: str | None = None
    failures: list[CheckResult] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # what reading the workbook noticed (bad cells …)
    message: EmailMessage | None = None
    file: Path | None = None      # the .eml written, or where the outbox message now is
    error_kind: str | None = None  # SendError.kind when sending failed

    @property
    def ok(self) -> bool:
        return self.status in (SENT, WRITTEN, PREVIEW)


def exit_code(outcomes: list[Outcome]) -> ExitCode:
    """BAD_INPUT unreadable input, CHECKS_FAILED refused, NOT_SENT kept in the outbox, else OK."""
    statuses = {o.status for o in outcomes}
    if UNREADABLE in statuses:
        return ExitCode.BAD_INPUT
    if REFUSED in statuses:
        return ExitCode.CHECKS_FAILED
    if statuses & {QUEUED, INTERRUPTED}:
        return ExitCode.NOT_SENT
    return ExitCode.OK


@dataclass
class _Prepared:
    path: Path
    assessment: Assessment
    attachment: Attachment
    carries: list[str] = field(default_factory=list)  # what send does not vouch for (mail.vouch)

    @property
    def report(self) -> Report:
        return self.assessment.report

    @property
    def failures(self) -> list[CheckResult]:
        return self.assessment.hard_failures

    def outcome(self, status: str, line: str, msg: EmailMessage | None = None, **kw) -> Outcome:
        return Outcome(self.path, status, line, subject=str(msg["Subject"]) if msg is not None else None,
                       failures=self.failures, warnings=self.report.warnings, message=msg, **kw)


def _prepare(path: Path) -> _Prepared:
    if sniff(path) != "workbook":
        raise SourceError(path, "不是 Excel 工作簿：只能发送 xlsuite 标准工作簿（先用 xlsuite import 生成）", "not_workbook")
    data = path.read_bytes()
    report = read_report(path)
    if path.read_bytes() != data:  # the attachment must be exactly the workbook that was checked
        raise SourceError(path, "文件在读取过程中被修改（可能正在 Excel 中保存）：请保存关闭后重试", "changed")
    return _Prepared(path, assess(report), Attachment(path.name, data), concerns(data))


def _config(config: MailConfig | str | os.PathLike | None) -> MailConfig:
    return config if isinstance(config, MailConfig) else load_config(config)


def send_workbooks(paths: list[str | os.PathLike], config: MailConfig | str | os.PathLike | None = None, *,
                   to: list[str] | tuple[str, ...] = (), cc: list[str] | tuple[str, ...] = (),
                   force: bool = False, dry_run: bool = False, eml: str | os.PathLike | None = None,
                   password: str | None = None, now: datetime | None = None) -> list[Outcome]:
    """Validate each workbook and send it as one message (or write it to ``eml``, or only build it).

    ``config`` is a MailConfig, a config file, or None to search ./xlsuite.toml then the user's
    config folder. ``to``/``cc`` replace the configured recipients. ``force`` sends failing
    workbooks marked 未通过校验. Raises XlsuiteError (MailConfigError …) for a problem with the
    settings or the output path; everything about one workbook is in its Outcome.
    """
    cfg = _config(config)
    to = tuple(to) or cfg.to
    cc = tuple(cc) or cfg.cc
    if not to:
        raise XlsuiteError("没有收件人", code="no_recipients",
                           remedy=f"请在邮件配置 {cfg.source or ''} 的 [send] to 中填写")
    files = [Path(p) for p in paths]
    eml_targets = _eml_targets(files, Path(eml)) if eml is not None else None

    outcomes: list[Outcome | None] = []
    maybe: list[_Prepared | None] = []
    for path in files:
        try:
            p = _prepare(path)
        except SourceError as e:
            outcomes.append(Outcome(path, UNREADABLE, f"错误：{e.path}：{e.reason}"))
            maybe.append(None)
            continue
        except OSError as e:
            outcomes.append(Outcome(path, UNREADABLE, f"错误：{path}：无法读取（{e.strerror or e}）"))
            maybe.append(None)
            continue
        maybe.append(p)
        if p.failures and p.assessment.verdict != FAILED_EXPLAINED and not force:
            # A failure the agency has marked 核实 (with its reason) does not block: the mail says 不通过（已说明）.
            outcomes.append(p.outcome(REFUSED, f"拒绝发送：{path}（{title_of(p.report)}）未通过校验，"
                                               f"{len(p.failures)} 项勾稽关系不成立（核实无误的，可在“校验”表的"
                                               "“核实”列标记并写明说明后再发送）"))
        elif p.carries and not force:
            outcomes.append(p.outcome(REFUSED, f"拒绝发送：{path}（{title_of(p.report)}）{'、'.join(p.carries)}，"
                                               "标准工作簿不应含有这些内容；确需发送可强制发送，邮件主题会注明"))
        else:
            outcomes.append(None)
    if any(o is not None for o in outcomes):
        return [o or Outcome(path, HELD, f"未发送：{path}（同批其他工作簿未通过，全部改正后一起发送）")
                for o, path in zip(outcomes, files)]
    prepared = [p for p in maybe if p is not None]  # every one: none was refused

    messages = [build_message(p.assessment, p.attachment, sender=cfg.sender, to=to, cc=cc, now=now,
                              carries=p.carries) for p in prepared]
    if eml_targets is not None:
        return [_write_eml(p, msg, target) for p, msg, target in zip(prepared, messages, eml_targets)]
    if dry_run:
        return [p.outcome(PREVIEW, f"演示：将把 {p.path.name} 发给 {', '.join(to + cc)}，主题 {msg['Subject']}", msg)
                for p, msg in zip(prepared, messages)]

    if cfg.user and password is None:
        password = get_password(cfg)
    results = []
    fatal: SendError | None = None  # the server is unreachable or refuses us: do not knock again per message
    for p, msg in zip(prepared, messages):
        subject = str(msg["Subject"])
        try:
            if fatal is not None:
                raise fatal
            deliver(msg, cfg, password)
        except SendError as e:
            fatal = e if e.kind in FATAL_KINDS else fatal
            saved = box.save(msg, cfg.outbox, title_of(p.report), now=now)
            results.append(p.outcome(QUEUED, f"发送失败：{p.path.name}：{e.message}；邮件已存入待发箱 {saved}，"
                                             "稍后可重发", msg, file=saved, error_kind=e.kind))
            continue
        results.append(p.outcome(SENT, f"已发送：{p.path.name} → {', '.join(recipients_of(msg))}（{subject}）", msg))
    return results


def _eml_targets(paths: list[Path], eml: Path) -> list[Path]:
    """One workbook: ``eml`` is the file. Several: ``eml`` is a folder, one ``<name>.eml`` each."""
    if len(paths) == 1 and not eml.is_dir():
        targets = [eml]
    else:
        if eml.suffix.lower() == ".eml" and not eml.is_dir():
            raise XlsuiteError(f"多个工作簿时邮件文件的位置应为文件夹，而不是 {eml}", code="eml_not_folder")
        targets = [eml / (p.stem + ".eml") for p in paths]
    for t in targets:
        if t.exists():
            raise XlsuiteError(f"{t} 已存在，不会覆盖", code="eml_exists", remedy="请换一个文件名或先移走它")
    return targets


def _write_eml(p: _Prepared, msg: EmailMessage, target: Path) -> Outcome:
    # Outlook opens a message carrying X-Unsent as a draft ready to send, not as a received mail.
    msg["X-Unsent"] = "1"
    write_bytes(target, message_bytes(msg), overwrite=False)
    return p.outcome(WRITTEN, f"已生成：{target}（{msg['Subject']}），可用 Outlook 打开后发送", msg, file=target)


def resend_outbox(config: MailConfig | str | os.PathLike | None = None, *,
                  password: str | None = None) -> list[Outcome]:
    """Send every message waiting in the outbox once; delivered ones move to ``outbox/sent/``."""
    cfg = _config(config)
    outcomes = [Outcome(p, INTERRUPTED, f"注意：{p} 上次发送中途中断，无法确定对方是否已收到；"
                                        f"确认未收到后把文件名末尾的 {box.CLAIM_SUFFIX} 删去再重发")
                for p in box.interrupted(cfg.outbox)]
    return outcomes + deliver_saved(box.pending(cfg.outbox), cfg, password=password)


def deliver_saved(paths: list[Path], config: MailConfig, *, password: str | None = None,
                  verb: str = "重发") -> list[Outcome]:
    """Send messages already kept in the outbox, each at most once: claimed, sent, filed under sent/.

    Messages are saved before they are sent, so a run killed mid-send leaves a
    ``.sending`` file (reported, never sent twice) rather than losing or doubling a message.
    """
    cfg = config
    outcomes: list[Outcome] = []
    if paths and cfg.user and password is None:
        password = get_password(cfg)
    fatal: SendError | None = None
    for path in paths:
        claimed = box.claim(path)
        if claimed is None:
            continue  # another resend took it
        try:
            msg = box.load(claimed)
        except (OSError, ValueError) as e:
            box.release(claimed)
            outcomes.append(Outcome(path, QUEUED, f"错误：{path}：无法读取待发邮件（{e}）"))
            continue
        subject = str(msg["Subject"] or "")
        try:
            if fatal is not None:
                raise fatal
            deliver(msg, cfg, password)
        except SendError as e:
            box.release(claimed)
            outcomes.append(Outcome(path, QUEUED, f"{verb}失败：{path.name}：{e.message}", subject=subject,
                                    message=msg, file=path, error_kind=e.kind))
            if e.kind in FATAL_KINDS:
                fatal = e
            continue
        except BaseException:
            box.release(claimed)
            raise
        sent = box.mark_sent(claimed)
        outcomes.append(Outcome(path, SENT, f"已{verb}：{path.name} → {', '.join(recipients_of(msg))}（{subject}）",
                                subject=subject, message=msg, file=sent))
    return outcomes
