"""The city office's mailbox for the collect tests: 28 listed agencies and the 30 messages they send.

Messages are built with ``send``'s own code (``xlsuite.mail.message.build_message``,
serialised by ``xlsuite.mail.smtp.message_bytes``) around standard workbooks of
synthetic agencies (``xlsuite.rollup.synth``). Writing a workbook takes over a
second on a busy machine, so only three are written, and read once each as
``send`` reads what it attaches; the other agencies' are byte-level copies with
the agency's name put in place of a placeholder (the cover's name and the
narrative are the only places it appears), read as the copy with that name.

The 30 messages: 25 agencies with a valid workbook (agency 1 resubmits: its first
message, days earlier, carried a broken workbook), 2 agencies with a workbook
failing relations R1/R2, 1 agency whose attachment was damaged in transit, and
1 stranger mailing a workbook that is not a report.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import openpyxl

from xlsuite.assessment import assess
from xlsuite.collect.agencies import Agency, write_csv
from xlsuite.mail.message import Attachment, build_message
from xlsuite.mail.smtp import message_bytes
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report
from xlsuite.rollup.synth import agency_names, synthetic_reports
from xlsuite.workbook import write_workbook

from .conftest import GOLDEN

YEAR = 2020
CITY = "city-gkb@xm.gov.cn"
STRANGER = "zhaoliu@example.com"
PLACEHOLDERS = ("占位机关甲", "占位机关乙")
CONTACTS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷")
TZ = timezone(timedelta(hours=8))
T0 = datetime(2021, 1, 10, 9, 0, tzinfo=TZ)


@dataclass
class Corpus:
    folder: Path
    agencies: list[Agency]
    list_csv: Path
    messages: list[bytes]                       # in mailbox order
    workbooks: dict[str, bytes]                 # agency -> the bytes it should have on file at the end
    first_version: bytes                        # agency 1's earlier (broken) workbook
    valid: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    damaged: str = ""                           # the agency whose attachment arrived damaged
    reports: dict[str, Report] = field(default_factory=dict)  # agency -> that workbook as read

    @property
    def resubmitter(self) -> str:
        return self.valid[0]


def _ncr(text: str) -> bytes:
    return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text).encode("ascii")


def retarget(src: Path, agency: str, placeholder: str) -> bytes:
    """The workbook ``src`` as if imported for ``agency``: every XML part with the name replaced."""
    out = src.with_name(f"{agency}.xlsx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".xml"):  # openpyxl writes CJK text as character references
                data = data.replace(_ncr(placeholder), _ncr(agency)).replace(placeholder.encode(), agency.encode())
            zout.writestr(info, data)
    return out.read_bytes()


def report_message(report: Report, data: bytes, filename: str, sender: str, when: datetime,
                   damage: bool = False) -> bytes:
    """What ``xlsuite send`` would put on the wire for this workbook, read as ``report`` (``damage``: cut
    in half on the way)."""
    attached = data[: len(data) // 2] if damage else data
    msg = build_message(assess(report), Attachment(filename, attached), sender=sender, to=[CITY], now=when)
    return message_bytes(msg)


def as_read(template: Report, agency: str, placeholder: str) -> Report:
    """``template`` (a workbook read back) as ``retarget`` makes it for ``agency``: only the name differs."""
    narrative = {k: v.replace(placeholder, agency) for k, v in template.narrative.items()}
    return replace(template, meta=replace(template.meta, agency=agency), narrative=narrative)


def stranger_message(when: datetime, folder: Path) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["赵六", "0592-1234567"])
    path = folder / "联系人信息.xlsx"
    wb.save(path)
    msg = EmailMessage()
    msg["Subject"] = "报送联系人信息"
    msg["From"] = f"赵六 <{STRANGER}>"
    msg["To"] = CITY
    msg["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S %z")
    msg["Message-ID"] = "<contact-info-1@example.com>"
    msg.set_content("您好，附件是我单位联系人信息。")
    msg.add_attachment(path.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=path.name)
    return message_bytes(msg)


def build_corpus(folder: Path) -> Corpus:
    folder.mkdir(parents=True, exist_ok=True)
    values = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]
    total = Report(Meta(agency="厦门市人民政府", year=YEAR, form="gov2019"), {k: Value(v) for k, v in values.items()})
    a, b = synthetic_reports(total, 2, seed=13, names=list(PLACEHOLDERS))
    broken = Report(a.meta, dict(a.values), narrative=dict(a.narrative), sections_found=list(a.sections_found))
    broken.values["requests.new.total"] = Value(a.number("requests.new.total") + 5)  # breaks R1 and R2
    src = folder / "src"
    src.mkdir()
    good = [write_workbook(a, src / "a.xlsx"), write_workbook(b, src / "b.xlsx")]
    bad = write_workbook(broken, src / "broken.xlsx")
    # send reads the workbook it attaches, then checks it: each of the three is read once, as send reads it
    read = {p: read_report(p) for p in (*good, bad)}

    names = agency_names(28)
    agencies = [Agency(n, CONTACTS[i % len(CONTACTS)], (f"gkb{i + 1:02d}@agency{i + 1:02d}.xm.gov.cn",),
                       "厦门市人民政府" if i < 20 else "") for i, n in enumerate(names)]
    list_csv = write_csv(agencies, folder / "名单.csv")
    wire = folder / "wire"
    wire.mkdir()
    c = Corpus(folder, agencies, list_csv, [], {}, b"", valid=names[:25], invalid=names[25:27], damaged=names[27])

    def mail(i: int, src: Path, placeholder: str, when: datetime, damage: bool = False) -> bytes:
        data = retarget(src, names[i], placeholder)
        if not damage:
            c.workbooks[names[i]] = data
            c.reports[names[i]] = as_read(read[src], names[i], placeholder)
        return report_message(as_read(read[src], names[i], placeholder), data, f"{YEAR}-{names[i]}.xlsx", agencies[i].emails[0],
                              when, damage)

    c.messages.append(mail(0, bad, PLACEHOLDERS[0], T0 - timedelta(days=5)))
    c.first_version = c.workbooks[names[0]]
    for i in range(27):
        n = i % 2
        src, placeholder = (good[n], PLACEHOLDERS[n]) if i < 25 else (bad, PLACEHOLDERS[0])
        c.messages.append(mail(i, src, placeholder, T0 + timedelta(minutes=7 * i)))
        if i == 12:
            c.messages.append(stranger_message(T0 + timedelta(minutes=7 * i + 3), wire))
    c.messages.append(mail(27, good[1], PLACEHOLDERS[1], T0 + timedelta(hours=6), damage=True))
    assert len(c.messages) == 30
    return c


def write_eml(messages: list[bytes], folder: Path) -> Path:
    """The messages as a mail program exports them: one .eml file each."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, raw in enumerate(messages, 1):
        (folder / f"{n:03d}.eml").write_bytes(raw)
    return folder


def office_mail(subject: str, sender: str, n: int, attachments: list[tuple[str, bytes]] = ()) -> bytes:
    """A message as an ordinary mail program sends it (file names in RFC 2231, as Python writes them)."""
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"], msg["Message-ID"] = subject, sender, CITY, f"<office{n}@example.cn>"
    msg["Date"] = (T0 + timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S %z")
    msg.set_content("请查收。")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message_bytes(msg)


# How older Chinese mail programs name an attachment: raw GBK or UTF-8 bytes, RFC 2047 or RFC 2231 in GBK
NAMINGS = ("raw-gbk", "raw-utf8", "rfc2047-gbk", "rfc2231-gbk")


def legacy_mail(subject: str, sender: str, n: int, filename: str, data: bytes, naming: str) -> bytes:
    """A message with one workbook whose file name (and, when raw, subject) are written as ``naming``."""
    import base64
    from urllib.parse import quote

    charset = "utf-8" if naming == "raw-utf8" else "gbk"
    if naming.startswith("raw"):
        name_param = b'filename="' + filename.encode(charset) + b'"'
        subject_line = subject.encode(charset)
    elif naming == "rfc2047-gbk":
        name_param = f'filename="=?GBK?B?{base64.b64encode(filename.encode("gbk")).decode()}?="'.encode()
        subject_line = f"=?GBK?B?{base64.b64encode(subject.encode('gbk')).decode()}?=".encode()
    else:
        name_param = f"filename*=gbk''{quote(filename.encode('gbk'))}".encode()
        subject_line = f"=?GBK?B?{base64.b64encode(subject.encode('gbk')).decode()}?=".encode()
    when = (T0 + timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S %z")
    return b"\r\n".join([
        b"From: " + sender.encode(), b"To: " + CITY.encode(), b"Subject: " + subject_line,
        f"Message-ID: <legacy{n}@example.cn>".encode(), f"Date: {when}".encode(), b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="part"', b"", b"--part", b"Content-Type: text/plain; charset=GBK",
        b"", "请查收。".encode("gbk"), b"--part",
        b"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"Content-Disposition: attachment; " + name_param, b"Content-Transfer-Encoding: base64", b"",
        base64.encodebytes(data).replace(b"\n", b"\r\n") + b"--part--", b""])
