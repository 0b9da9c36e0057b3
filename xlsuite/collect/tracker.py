"""Who has reported: one row per listed agency, and one per item from outside the list. No files here.

Built from the ledger alone, so the tracker can be regenerated at any time and
always agrees with what the collector stored.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..assessment import FAILED_EXPLAINED
from ..assessment import PASSED as PASSED_VERDICT
from ..text import agency_key
from .agencies import Agency, AgencyList
from .inbox import NEW, OLDER, REPLACED
from .intake import JUNK, KIND_ZH, OFF_LIST, STORED

PASSED, MISSING, OUTSIDE = "已报送（通过）", "未报送", "名单外来件"
FAILED_PREFIX = "已报送（未通过"
# state -> how the tracker names it (the failing count goes into FAILED's text)
STATES = ("pass", "fail", "missing", "outside")
STATE_ZH = {"pass": PASSED, "fail": "已报送（未通过）", "missing": MISSING, "outside": OUTSIDE}


def failed_text(n: int, explained: bool = False) -> str:
    """已报送（未通过，N 项）, or …，已说明） when the agency marked every failure 核实 (still 未通过)."""
    return f"{FAILED_PREFIX}，{n} 项" + ("，已说明）" if explained else "）")


@dataclass
class Row:
    name: str
    state: str
    agency: Agency | None = None
    date: datetime | None = None
    sender: str | None = None
    subject: str = ""
    path: str | None = None            # relative to the collection folder
    failures: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ref: str | None = None             # the message it came in
    reply: str | None = None           # 已发送 / 待发 …
    verdict: str = ""                  # 通过 / 不通过 / 不通过（已说明）

    @property
    def status(self) -> str:
        if self.state == "fail":
            return failed_text(len(self.failures), self.verdict == FAILED_EXPLAINED)
        return STATE_ZH[self.state]


@dataclass
class Status:
    year: int
    rows: list[Row]
    messages: list[dict]               # every message record of the ledger, for the 来件记录 sheet

    @property
    def counts(self) -> Counter:
        return Counter(r.state for r in self.rows)

    def of(self, state: str) -> list[Row]:
        return [r for r in self.rows if r.state == state]


def when(text) -> datetime | None:
    if isinstance(text, datetime):
        return text
    try:
        return datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def message_records(records: list[dict]) -> list[dict]:
    return [r for r in records if r.get("type", "message") == "message"]


def replies(records: list[dict]) -> dict[str, str]:
    """message ref -> the latest reply status (sent, queued …)."""
    out = {}
    for r in records:
        if r.get("type") == "reply":
            out[r["for"]] = r.get("status", "")
    return out


REPLY_ZH = {"sent": "已发送", "queued": "待发（见待发箱）", "interrupted": "发送中断"}


def build(records: list[dict], agencies: AgencyList | None, year: int) -> Status:
    """The tracker's rows for ``year`` from the ledger records."""
    messages = message_records(records)
    replied = replies(records)
    current: dict[str, Row] = {}        # agency key -> the row of its current version
    earlier: Counter = Counter()
    notes: dict[str, list[str]] = {}
    outside: list[Row] = []
    for rec in messages:
        date = when(rec.get("date"))
        for it in rec.get("items", []):
            if (it.get("year") if it.get("outcome") != JUNK else rec.get("year")) != year:
                continue  # another year's report, or an item from another year's collection
            row = Row(it.get("agency") or "", "pass" if it.get("verdict") == PASSED_VERDICT else "fail", None, date,
                      rec.get("from"), rec.get("subject", ""), it.get("path"), it.get("failures", []),
                      it.get("warnings", []), [], rec.get("ref"), REPLY_ZH.get(replied.get(rec.get("ref") or "", "")),
                      it.get("verdict", ""))
            outcome = it.get("outcome")
            listed = agencies.find(it.get("agency")) if agencies is not None else None
            if outcome == STORED:
                key = agency_key(row.name)
                if it.get("placed") == OLDER:
                    earlier[key] += 1
                elif it.get("placed") in (NEW, REPLACED):
                    old = current.get(key)
                    if old is None or old.date is None or (date is not None and date >= old.date):
                        if old is not None:
                            earlier[key] += 1
                        row.agency = listed
                        current[key] = row
                    else:
                        earlier[key] += 1
                continue
            if outcome == OFF_LIST:
                row.state = "outside"
                row.notes.append(f"{it.get('reason', '')}；文件存于 {it.get('path')}，校验{it.get('verdict')}")
                outside.append(row)
                continue
            # JUNK: a note on the agency's row when the sender is a listed agency, else a row of its own
            text = f"{_day(date)} 来件未收取（{KIND_ZH.get(it.get('kind'), '')}）：{it.get('reason', '')}"
            if listed is not None:
                notes.setdefault(listed.key, []).append(text)
                continue
            if it.get("unrelated"):
                continue  # ordinary mail of the office: only in 来件记录
            outside.append(Row(rec.get("from_name") or rec.get("from") or "（发件人不明）", "outside", None, date,
                               rec.get("from"), rec.get("subject", ""), None, notes=[text], ref=rec.get("ref")))
    for r in records:
        if r.get("type") == "remind" and r.get("year") == year and r.get("status") == "sent":
            notes.setdefault(agency_key(r.get("agency", "")), []).append(f"{_day(when(r.get('at')))} 已催报")
    rows: list[Row] = []
    listed_rows = agencies.agencies if agencies is not None else []
    for a in listed_rows:
        row = current.pop(a.key) if a.key in current else Row(a.name, "missing")
        row.name, row.agency = a.name, a
        rows.append(row)
    rows.extend(sorted(current.values(), key=lambda r: r.date.timestamp() if r.date else 0))  # no list: every agency
    for row in rows:
        key = agency_key(row.name)
        if earlier[key]:
            row.notes.insert(0, f"另有 {earlier[key]} 个较早版本，存于 历史/{year}/")
        row.notes.extend(notes.get(key, []))
    rows.extend(sorted(outside, key=lambda r: r.date.timestamp() if r.date else 0))
    return Status(year, rows, messages)


def _day(d: datetime | None) -> str:
    return d.strftime("%Y-%m-%d %H:%M") if d else "（时间不明）"
