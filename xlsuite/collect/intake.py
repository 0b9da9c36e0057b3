"""One message in, its verdict out: which attachments are reports, of which agency, and how they check.

Pure apart from reading each attachment through a temporary file (the readers
read paths). Placing files and writing the ledger is the collector's business.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_string, policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from ..assessment import assess
from ..errors import SourceError
from ..model import Report
from .agencies import AgencyList

# What became of one attachment (or of a message with none)
STORED = "stored"       # a report of a listed agency (or of any agency, without a list): kept as current
OFF_LIST = "off_list"   # a report of an agency not on the list: kept aside under 名单外/
JUNK = "junk"           # not collected
# Why a message or attachment was not collected
NOT_REPORT, WRONG_YEAR, DAMAGED = "not_report", "wrong_year", "damaged"
KIND_ZH = {NOT_REPORT: "不是年报", WRONG_YEAR: "年度不符", DAMAGED: "附件损坏", OFF_LIST: "名单外机关"}

SPREADSHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "application/vnd.ms-excel.sheet.macroEnabled.12", "application/vnd.ms-excel")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
DAMAGED_CODES = ("corrupt", "empty", "binary", "encoding")
# A message without a workbook that mentions none of these, from a sender off the list, is ordinary mail.
REPORT_WORDS = ("年报", "年度报告", "政府信息公开", "政务公开", "报送")


@dataclass
class Item:
    """One attachment's outcome, or the whole message's when it carries no workbook."""

    outcome: str
    reason: str = ""                 # Chinese, for staff: why it was not collected, or what to note
    kind: str | None = None          # NOT_REPORT / WRONG_YEAR / DAMAGED / OFF_LIST
    attachment: str | None = None
    agency: str | None = None        # the list's name of the agency (the workbook's when off the list)
    year: int | None = None
    form: str | None = None
    suffix: str = ".xlsx"
    data: bytes | None = field(default=None, repr=False)
    verdict: str | None = None       # 通过 / 不通过
    failures: list[dict] = field(default_factory=list)   # failing hard relations: id, message
    warnings: list[str] = field(default_factory=list)    # failing warnings and reading notes
    placed: str | None = None        # what the collection folder did with it (xlsuite.collect.inbox)
    path: str | None = None          # where it is kept, relative to the collection folder
    sha256: str | None = None
    unrelated: bool = False          # no workbook, a stranger, nothing about annual reports: ordinary mail

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items()
             if k != "data" and v is not False and v not in (None, [], "")}
        d["outcome"] = self.outcome
        return d


@dataclass
class Letter:
    """The parts of a message the collector and the tracker use."""

    message_id: str | None
    sender: str | None           # address
    sender_name: str
    reply_to: str | None
    subject: str
    date: datetime               # when it was sent (the Date header), else when received
    message: Message             # the whole message (compat32: three times faster to parse than the default)


def message_id(value) -> str | None:
    """A Message-ID as an ID: a header folded onto its next line keeps the fold's whitespace, an ID has none."""
    text = "".join(str(value).split()) if value is not None else ""
    return text or None


def _escaped(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def text8(value: str) -> str:
    """A header sent as raw 8-bit bytes (older Chinese mail programs send a file name or a subject in
    GBK, unencoded), decoded: UTF-8 when it is, else GB18030 (a superset of GBK). The parser keeps such
    bytes as surrogate escapes; a header without them is returned as it is."""
    if not _escaped(value):
        return value
    data = value.encode("ascii", "surrogateescape")
    for charset in ("utf-8", "gb18030"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def parse(raw: bytes, received: datetime | None) -> Letter:
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    if any(_escaped(v) for _k, v in message.raw_items() if isinstance(v, str)):
        head = message_from_string("".join(f"{k}: {text8(v) if isinstance(v, str) else v}\n"
                                           for k, v in message.raw_items()) + "\n", policy=policy.default)
    else:
        head = BytesHeaderParser(policy=policy.default).parsebytes(raw)  # headers decoded (RFC 2047)
    name, sender = _address(head, "From")
    _n, reply_to = _address(head, "Reply-To")
    try:
        date = parsedate_to_datetime(str(head["Date"])) if head["Date"] else None
    except (TypeError, ValueError, IndexError):
        date = None
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=timezone.utc)
    date = date or received or datetime.now().astimezone()
    return Letter(message_id(head["Message-ID"]), sender, name, reply_to, _header(head, "Subject"), date, message)


def _header(msg: Message, name: str) -> str:
    try:
        v = msg[name]
    except Exception:  # noqa: BLE001 - a mangled header must not stop the batch
        return ""
    return " ".join(str(v).split()) if v is not None else ""


def _address(msg: Message, header: str) -> tuple[str, str | None]:
    try:
        pairs = getaddresses([str(v) for v in msg.get_all(header, [])])
    except Exception:  # noqa: BLE001
        return "", None
    for name, addr in pairs:
        if addr and "@" in addr:
            return name, addr.strip()
    return "", None


def _filename(part: Message) -> str | None:
    """The attachment's name: RFC 2231 (``filename*=``) or, as many Chinese mail programs send it, RFC 2047."""
    try:
        name = part.get_filename()
        if name is None or _escaped(name) or "\ufffd" in name:  # sent as raw GBK or UTF-8 bytes
            fixed = Message()
            for k, v in part.raw_items():
                if k.lower() in ("content-disposition", "content-type") and isinstance(v, str):
                    fixed[k] = text8(v)
            name = fixed.get_filename() or name
        if name and "=?" in name:
            name = str(make_header(decode_header(name)))
    except Exception:  # noqa: BLE001 - an undecodable name is still an attachment
        return "（文件名无法识别）"
    return name


def attachments(msg: Message) -> list[tuple[str, str, bytes | None]]:
    """(file name, content type, bytes or None when undecodable) of every attachment, forwarded ones too."""
    out = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        filename = _filename(part)
        if not filename and part.get_content_disposition() != "attachment":
            continue
        try:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else None
        except Exception:  # noqa: BLE001
            data = None
        out.append((str(filename or "（未命名附件）"), part.get_content_type(), data))
    return out


def is_workbook(filename: str, ctype: str) -> bool:
    return Path(filename).suffix.lower() in WORKBOOK_SUFFIXES or (
        ctype in SPREADSHEET_TYPES and Path(filename).suffix.lower() not in (".xls", ".csv"))


def examine(letter: Letter, agencies: AgencyList | None, year: int,
            scratch: Callable[[bytes, str], AbstractContextManager[Path]],
            previous: Callable[[str], Report | None] | None = None) -> list[Item]:
    """What each workbook attachment of ``letter`` is; one JUNK item when it carries none.

    ``previous(agency)`` is that agency's report of the year before when there is one
    (the cross-year relations are then checked too, as ``xlsuite check --previous`` does).
    """
    found = attachments(letter.message)
    books = [(n, t, d) for n, t, d in found if is_workbook(n, t)]
    sender_agency = agencies.by_email(letter.sender) if agencies else None
    own = sender_agency.name if sender_agency else None
    if not books:
        names = "、".join(n for n, _t, _d in found)
        reason = (f"邮件中没有 Excel 工作簿附件（附件：{names}）" if found else "邮件没有附件")
        if any(Path(n).suffix.lower() == ".xls" for n, _t, _d in found):
            reason += "；旧版 .xls 不是标准工作簿，请用 xlsuite import 生成 .xlsx"
        item = Item(JUNK, reason, NOT_REPORT, names or None, own)
        item.unrelated = own is None and not any(w in letter.subject + names for w in REPORT_WORDS)
        return [item]
    return [_book(name, data, agencies, year, scratch, own, previous) for name, _t, data in books]


def finding_line(f: dict) -> str:
    """A finding as the tracker and the replies show it, with the agency's 核实 mark."""
    line = f"{f['id']} {f['message']}"
    if f.get("review"):
        line += f"——核实：{f['review']}" + (f"：{f['note']}" if f.get("note") else "")
    return line


def _book(name: str, data: bytes | None, agencies: AgencyList | None, year: int, scratch,
          own: str | None, previous: Callable[[str], Report | None] | None) -> Item:
    from ..readers import read_report, sniff

    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
    if not data:
        return Item(JUNK, f"附件 {name} 已损坏（无法解码或为空）", DAMAGED, name, own)
    with scratch(data, suffix) as path:
        try:
            if sniff(path) != "workbook":
                return Item(JUNK, f"附件 {name} 已损坏（扩展名是 Excel 工作簿，内容却不是）",
                            DAMAGED, name, own)
            report = read_report(path)
        except SourceError as e:
            if e.code in DAMAGED_CODES:
                return Item(JUNK, f"附件 {name} 已损坏（{e.reason}）", DAMAGED, name, own)
            return Item(JUNK, f"附件 {name} 不是年报标准工作簿（{e.reason}）", NOT_REPORT, name, own)
        except Exception as e:  # noqa: BLE001 - a reader bug on one attachment must not stop the batch
            return Item(JUNK, f"附件 {name} 无法读取（{type(e).__name__}: {e}）",
                        DAMAGED, name, own)
    m = report.meta
    if m.year != year:
        got = f"{m.year} 年度" if m.year else "封面没有填写年度"
        return Item(JUNK, f"附件 {name} 是{m.agency or '（未填机关）'}的报告，{got}，不是 {year} 年度", WRONG_YEAR,
                    name, own, m.year, m.form)
    if not m.agency:
        return Item(JUNK, f"附件 {name} 的封面没有填写机关名称，无法确定报送单位", NOT_REPORT, name, own, m.year)
    listed = agencies.find(m.agency) if agencies is not None else None
    before = previous(listed.name if listed else m.agency) if previous is not None else None
    # as xlsuite check and the 校验 button assess it, 核实 marks included
    assessment = assess(report, before if before is not None and before.meta.year == year - 1 else None)

    def marked(r) -> dict:
        d = {"id": r.id, "message": r.message}
        mark = assessment.marks.get(r.id)
        if mark is not None and (mark.explained or mark.note):
            d["review"], d["note"] = str(mark.review), mark.note
        return d

    failures = [marked(r) for r in assessment.hard_failures]
    warnings = [finding_line(marked(r)) for r in assessment.soft_failures + assessment.flagged]
    warnings += [w.message for w in report.warnings]
    item = Item(STORED, "", None, name, listed.name if listed else m.agency, m.year, m.form, suffix, data,
                assessment.verdict, failures, warnings)
    if agencies is not None and listed is None:
        item.outcome, item.kind = OFF_LIST, OFF_LIST
        item.reason = f"机关“{m.agency}”不在名单中" + (f"（发件邮箱属于名单中的{own}）" if own else "")
    return item
