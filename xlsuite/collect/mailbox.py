"""Where submissions come from: the IMAP mailbox, or a folder of exported messages.

Both give ``Envelope``s: a stable reference to one message, its Message-ID when
known before fetching, and a way to fetch its bytes. The collector skips the
envelopes its ledger already holds, so a message is fetched once.
"""
from __future__ import annotations

from functools import partial
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.parser import BytesHeaderParser
from pathlib import Path

from ..errors import XlsuiteError
from .intake import message_id

MAILDIR_SUBDIRS = ("cur", "new")
EML_SUFFIXES = (".eml",)


@dataclass
class Envelope:
    ref: str                      # where the message is: imap:<host>/<folder>;UIDVALIDITY=..;UID=.. or file:<path>
    message_id: str | None
    fetch: Callable[[], tuple[bytes, datetime | None]]  # the message bytes and when it was received
    uid: int | None = None


def imap_ref(host: str, folder: str, uidvalidity: int | None, uid: int) -> str:
    return f"imap:{host}/{folder};UIDVALIDITY={uidvalidity};UID={uid}"


def imap_envelopes(box, known_refs: set[str], known_ids: set[str], since: date | None) -> Iterator[Envelope]:
    """The folder's messages the ledger does not hold yet (bodies fetched on demand)."""
    cfg = box.config
    uids = box.search(since)
    fresh = [u for u in uids if imap_ref(cfg.host, cfg.folder, box.uidvalidity, u) not in known_refs]
    ids = box.message_ids(fresh)
    for uid in fresh:
        mid = ids.get(uid)
        if mid and mid in known_ids:
            continue
        yield Envelope(imap_ref(cfg.host, cfg.folder, box.uidvalidity, uid), mid, partial(box.fetch, uid), uid)


def folder_files(folder: Path) -> list[Path]:
    """The messages of an export: .eml files (any depth), and the cur/new files of Maildirs."""
    if not folder.is_dir():
        raise XlsuiteError(f"找不到邮件文件夹：{folder}")
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "tmp")
        in_maildir = Path(dirpath).name in MAILDIR_SUBDIRS and (Path(dirpath).parent / "cur").is_dir()
        for name in sorted(filenames):
            if name.startswith(".") or name.startswith("~$"):
                continue
            if in_maildir or name.lower().endswith(EML_SUFFIXES):
                out.append(Path(dirpath) / name)
    return out


def folder_envelopes(folder: Path, known_refs: set[str], known_ids: set[str]) -> Iterator[Envelope]:
    for path in folder_files(folder):
        ref = f"file:{path.resolve()}"
        if ref in known_refs:
            continue
        try:
            with open(path, "rb") as f:
                mid = BytesHeaderParser().parse(f).get("Message-ID")
        except OSError as e:
            raise XlsuiteError(f"无法读取邮件文件 {path}（{e.strerror or e}）") from None
        mid = message_id(mid)
        if mid and mid in known_ids:
            continue

        def fetch(p=path) -> tuple[bytes, datetime | None]:
            return p.read_bytes(), datetime.fromtimestamp(p.stat().st_mtime).astimezone()
        yield Envelope(ref, mid, fetch)
