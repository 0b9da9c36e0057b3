"""The collector: mailbox -> checked workbooks in the collection folder -> tracker -> replies.

``collect`` is what ``xlsuite collect`` and the ribbon's 收集 button call;
``remind`` is ``xlsuite remind``. Each message is fetched once: the ledger
remembers it by its place in the mailbox (UID) and by its Message-ID.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from ..atomic import write_bytes
from ..assessment import FAILED_EXPLAINED
from ..errors import XlsuiteError
from ..model import Report
from .agencies import AgencyList
from .config import CollectConfig, get_imap_password
from .inbox import NEW, OLDER, REPLACED, SAME, TRACKER, Inbox, safe_name, sha256
from .intake import DAMAGED, JUNK, KIND_ZH, OFF_LIST, STORED, Item, examine, parse
from .mailbox import Envelope, folder_envelopes, imap_envelopes
from .notices import DEFAULT_OFFICE, ack_message, reminder_message
from .tracker import Status, build, message_records, when


@dataclass
class Received:
    """One message collected in this run, with one Chinese line per item."""

    ref: str
    sender: str | None
    subject: str
    items: list[Item]
    lines: list[str]

    @property
    def junk(self) -> bool:
        return all(i.outcome == JUNK for i in self.items)

    @property
    def unrelated(self) -> bool:
        """Ordinary mail (no workbook, not about reports, from a stranger): counted, not listed."""
        return all(i.unrelated for i in self.items)


@dataclass
class CollectResult:
    out: Path
    year: int
    received: list[Received] = field(default_factory=list)
    status: Status | None = None
    tracker: Path | None = None
    tracker_error: str | None = None
    moved: int = 0
    replies: list = field(default_factory=list)  # xlsuite.mail Outcome per acknowledgement

    @property
    def junk(self) -> list[Received]:
        """Submissions not collected (ordinary mail left out)."""
        return [r for r in self.received if r.junk and not r.unrelated]

    @property
    def unrelated(self) -> list[Received]:
        return [r for r in self.received if r.unrelated]


def default_year(today: date | None = None) -> int:
    """Annual reports of year N are collected early in N+1."""
    return (today or date.today()).year - 1


def collect(out: str | os.PathLike, *, year: int, agencies: AgencyList | None = None,
            config: CollectConfig | None = None, from_dir: str | os.PathLike | None = None,
            password: str | None = None, move_to: str | None = None, since: date | None = None,
            reply=None, reply_password: str | None = None, office: str = DEFAULT_OFFICE,
            on_message: Callable[[Received], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None, now: datetime | None = None) -> CollectResult:
    """Fetch new submissions into ``out`` and regenerate its tracker.

    Source: ``from_dir`` (a folder of .eml files or a Maildir) when given, else the
    IMAP mailbox of ``config``. ``move_to`` moves collected messages to that IMAP
    folder (nothing is deleted otherwise). ``reply`` (a MailConfig) acknowledges
    each new message to its sender. ``on_message`` hears of each message collected,
    ``on_progress(done, total)`` of how many of the new messages are done. Raises
    XlsuiteError (MailboxError …) when the mailbox cannot be read; everything about
    one message is in its ``Received``.
    """
    if from_dir is not None and not Path(from_dir).is_dir():
        raise XlsuiteError(f"找不到邮件文件夹：{from_dir}")
    inbox = Inbox(out)
    result = CollectResult(inbox.root, year)
    with inbox.lock():
        inbox.clean_leftovers()
        records = inbox.records()
        index = _Index(records)
        if from_dir is not None:
            envelopes = folder_envelopes(Path(from_dir), index.refs, index.ids)
            result.received = _ingest(inbox, envelopes, index, agencies, year, on_message, on_progress)
        else:
            from .imap import ImapMailbox

            cfg = config or CollectConfig()
            pw = password if password is not None else (get_imap_password(cfg) if cfg.host else None)
            if since is None and cfg.window_days:
                since = (now or datetime.now()).date() - timedelta(days=cfg.window_days)
            move_to = move_to or cfg.move_to
            with ImapMailbox(cfg, pw, writable=bool(move_to)) as box:
                envelopes = imap_envelopes(box, index.refs, index.ids, since)
                result.received = _ingest(inbox, envelopes, index, agencies, year, on_message, on_progress)
                if move_to:
                    result.moved = _move_collected(box, index, move_to, since)
        if reply is not None:
            result.replies = send_replies(inbox, year, reply, password=reply_password, office=office,
                                          agencies=agencies, now=now)
        result.status, result.tracker, result.tracker_error = update_tracker(inbox, agencies, year, now=now)
    return result


class _Index:
    """What the ledger knows: collected messages, and per agency-year when the current version was sent."""

    def __init__(self, records: list[dict]):
        self._previous: dict[str, Report | None] = {}
        self.refs: set[str] = set()
        self.ids: set[str] = set()
        self.latest: dict[tuple, datetime] = {}
        self.dates: dict[str, datetime] = {}
        for rec in message_records(records):
            self.add(rec)

    def previous(self, inbox: Inbox, year: int) -> Callable[[str], Report | None]:
        """agency -> its report of ``year`` on file in the collection folder (read once a run), or None."""
        def of(agency: str) -> Report | None:
            if agency not in self._previous:
                self._previous[agency] = _read_quietly(inbox.on_file(year, agency))
            return self._previous[agency]
        return of

    def add(self, rec: dict) -> None:
        self.refs.add(rec["ref"])
        if rec.get("message_id"):
            self.ids.add(rec["message_id"])
        sent = when(rec.get("date"))
        for it in rec.get("items", []):
            if it.get("sha256") and sent:
                self.dates.setdefault(it["sha256"], sent)
            if it.get("placed") in (NEW, REPLACED) and sent:
                key = (it.get("year"), safe_name(it.get("agency") or ""), it.get("outcome"))
                if key not in self.latest or sent > self.latest[key]:
                    self.latest[key] = sent


def _read_quietly(path: Path | None) -> Report | None:
    """A workbook collected earlier, or None when it cannot be read now (its own run said why)."""
    from ..readers import read_report

    if path is None:
        return None
    try:
        return read_report(path)
    except Exception:  # noqa: BLE001 - last year's file never stops this year's collection
        return None


def _ingest(inbox: Inbox, envelopes, index: _Index, agencies: AgencyList | None, year: int,
            on_message, on_progress) -> list[Received]:
    out = []
    todo = list(envelopes)  # only what the ledger does not hold: the count of new messages
    for n, env in enumerate(todo, 1):
        if not (env.ref in index.refs or (env.message_id and env.message_id in index.ids)):
            got = _one(inbox, env, index, agencies, year)  # (else the same message twice in this listing)
            out.append(got)
            if on_message:
                on_message(got)
        if on_progress:
            on_progress(n, len(todo))
    return out


def _one(inbox: Inbox, env: Envelope, index: _Index, agencies, year: int) -> Received:
    raw, received = env.fetch()
    letter = parse(raw, received)
    items = examine(letter, agencies, year, inbox.scratch, index.previous(inbox, year - 1))
    lines = []
    for it in items:
        placed = path = None
        if it.outcome in (STORED, OFF_LIST):
            assert it.data is not None and it.year is not None and it.agency is not None  # examine() stored it
            off = it.outcome == OFF_LIST
            key = (it.year, safe_name(it.agency), it.outcome)
            placed, path = inbox.place(it.data, it.year, it.agency, it.suffix, letter.date,
                                       latest=index.latest.get(key), dates=index.dates, off_list=off)
        it.placed, it.path = placed, inbox.rel(path) if path else None
        it.sha256 = sha256(it.data) if it.data and placed else None
        lines.append(_line(it, letter.sender, letter.subject))
    record = {"type": "message", "ref": env.ref, "message_id": letter.message_id, "from": letter.sender,
              "from_name": letter.sender_name, "reply_to": letter.reply_to, "subject": letter.subject,
              "date": letter.date.isoformat(), "received": received.isoformat() if received else None,
              "collected_at": datetime.now().astimezone().isoformat(timespec="seconds"), "year": year,
              "items": [it.to_dict() for it in items]}
    inbox.append(record)  # from here on the message counts as collected
    index.add(record)
    return Received(env.ref, letter.sender, letter.subject, items, lines)


def _line(it: Item, sender: str | None, subject: str) -> str:
    who = sender or "（发件人不明）"
    if it.outcome == JUNK:
        again = "，请对方重新发送" if it.kind == DAMAGED else ""
        return f"未收取（{KIND_ZH.get(it.kind or '', '')}）：《{subject or '无主题'}》← {who}：{it.reason}{again}"
    verdict = ("通过" if not it.failures else f"未通过，{len(it.failures)} 项勾稽关系不成立"
               + ("，均已核实说明" if it.verdict == FAILED_EXPLAINED else ""))
    path = it.path
    if it.outcome == OFF_LIST:
        return f"名单外：{it.attachment} ← {who}：{it.reason}，存于 {path}（{verdict}）"
    head = {NEW: "收取", REPLACED: "收取（替换旧版，旧版存入历史）", SAME: "重复（与已收文件相同）",
            OLDER: "收取（比已收版本旧，存入历史）"}[it.placed or NEW]
    return f"{head}：{path} ← {who}（{verdict}）"


def _move_collected(box, index: _Index, folder: str, since: date | None) -> int:
    from .mailbox import imap_ref

    cfg = box.config
    uids = [u for u in box.search(since) if imap_ref(cfg.host, cfg.folder, box.uidvalidity, u) in index.refs]
    box.move(uids, folder)
    return len(uids)


def update_tracker(inbox: Inbox, agencies: AgencyList | None, year: int, *,
                   now: datetime | None = None) -> tuple[Status, Path | None, str | None]:
    """Rebuild 报送情况.xlsx from the ledger; an error (the file open in Excel) is returned, not raised."""
    from .tracker_xlsx import write_tracker

    status = build(inbox.records(), agencies, year)
    target = inbox.root / TRACKER
    try:
        list_name = agencies.path.name if agencies is not None and agencies.path else (
            "名单" if agencies is not None else None)
        return status, write_tracker(status, target, list_name=list_name, now=now), None
    except OSError as e:
        return status, None, (f"无法更新 {target}（{e.strerror or e}）：若它正在 Excel 中打开，请关闭后重新运行 "
                              "xlsuite collect（已收取的邮件不会重复收取）")


# --- replies and reminders ---------------------------------------------------------

def _outbox_name(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.eml"


def _queue(msg: EmailMessage, outbox: Path, name: str) -> Path | None:
    """Keep ``msg`` in the outbox under a fixed name, once: None when it is there already (or was sent)."""
    from ..mail import outbox as box
    from ..mail.smtp import message_bytes

    path = outbox / name
    if path.exists() or path.with_name(name + box.CLAIM_SUFFIX).exists() or (outbox / box.SENT_DIR / name).exists():
        return None
    try:
        return write_bytes(path, message_bytes(msg), overwrite=False)
    except FileExistsError:
        return None


def send_replies(inbox: Inbox, year: int, mail, *, password: str | None = None, office: str = DEFAULT_OFFICE,
                 agencies: AgencyList | None = None, now: datetime | None = None) -> list:
    """Acknowledge each collected message of ``year`` once (kept in the outbox when it cannot go)."""
    from ..mail.batch import SENT, deliver_saved

    records = inbox.records()
    done = {r["for"] for r in records if r.get("type") == "reply"}
    pending = {r["for"]: Path(r["file"]) for r in records if r.get("type") == "reply" and r.get("status") == "queued"}
    for r in records:
        if r.get("type") == "reply" and r.get("status") == "sent":
            pending.pop(r["for"], None)
    paths: dict[Path, str] = {p: ref for ref, p in pending.items() if p.exists()}
    for rec in message_records(records):
        if rec.get("year") != year or rec["ref"] in done:
            continue
        listed = agencies.by_email(rec.get("from")) if agencies is not None else None
        msg = ack_message(rec, sender=mail.sender, office=office, contact=listed.contact if listed else "", now=now)
        if msg is None:
            continue
        name = _outbox_name("回执", rec["ref"])
        path = _queue(msg, mail.outbox, name) or mail.outbox / name
        inbox.append({"type": "reply", "for": rec["ref"], "status": "queued", "file": str(path),
                      "subject": str(msg["Subject"]), "at": datetime.now().astimezone().isoformat(timespec="seconds")})
        if path.exists():
            paths[path] = rec["ref"]
    outcomes = deliver_saved(list(paths), mail, password=password, verb="发送回执") if paths else []
    for o in outcomes:
        if o.status == SENT:
            inbox.append({"type": "reply", "for": paths[o.source], "status": "sent", "file": str(o.file),
                          "at": datetime.now().astimezone().isoformat(timespec="seconds")})
    return outcomes


@dataclass
class Reminder:
    agency: str
    status: str          # preview / sent / queued / no_email / already
    line: str
    message: EmailMessage | None = None


def remind(out: str | os.PathLike, agencies: AgencyList, year: int, mail, *, send: bool = False,
           deadline: date | None = None, office: str = DEFAULT_OFFICE, password: str | None = None,
           now: datetime | None = None) -> list[Reminder]:
    """Mail the listed agencies that have not reported ``year`` (only shown unless ``send``)."""
    from ..mail.batch import SENT, deliver_saved

    inbox = Inbox(out)
    status = build(inbox.records(), agencies, year)
    today = (now or datetime.now()).astimezone()
    result: list[Reminder] = []
    queued: dict[Path, Reminder] = {}
    for row in status.of("missing"):
        a = row.agency
        assert a is not None  # a missing row is an agency of the list
        if not a.emails:
            result.append(Reminder(a.name, "no_email", f"无法催报：{a.name} 在名单中没有邮箱"))
            continue
        msg = reminder_message(a, year, sender=mail.sender, office=office, deadline=deadline, now=now)
        if not send:
            result.append(Reminder(a.name, "preview", f"演示：将催报 {a.name} → {', '.join(a.emails)}"
                                                      f"（{msg['Subject']}）", msg))
            continue
        name = f"催报-{year}-{safe_name(a.name)}-{today:%Y%m%d}.eml"
        path = _queue(msg, mail.outbox, name)
        if path is None:
            result.append(Reminder(a.name, "already", f"今天已催报过 {a.name}（待发箱 {mail.outbox / name}），不再重复"))
            continue
        r = Reminder(a.name, "queued", "", msg)
        queued[path] = r
        result.append(r)
    if queued:
        with inbox.lock():
            for o in deliver_saved(list(queued), mail, password=password, verb="催报"):
                r = queued[o.source]
                r.status = "sent" if o.status == SENT else "queued"
                r.line = (f"已催报：{r.agency} → {o.line.rsplit('→', 1)[-1].strip()}" if o.status == SENT
                          else f"催报未发出：{r.agency}：{o.line}（邮件在待发箱，可用 xlsuite send --outbox 重发）")
                inbox.append({"type": "remind", "agency": r.agency, "year": year, "status": r.status,
                              "at": today.isoformat(timespec="seconds")})
            update_tracker(inbox, agencies, year, now=now)
    return result
