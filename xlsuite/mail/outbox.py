"""The outbox: messages that could not be sent, kept as .eml files until they are.

A message is written once, with its Message-ID and Date, so a resend is the
same message and the receiving side can recognise a duplicate. A resend claims
a file by renaming it (``.eml`` -> ``.eml.sending``) so two resends cannot both
send it, and files it under ``sent/`` after the server accepted it.
"""
from __future__ import annotations

import os
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from ..atomic import write_bytes
from .smtp import message_bytes

SENT_DIR = "sent"
CLAIM_SUFFIX = ".sending"


def _slug(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_")[:60] or "message"


def save(msg: EmailMessage, outbox: Path, label: str = "", now: datetime | None = None) -> Path:
    """Keep ``msg`` in ``outbox`` under a new, unique name; returns the file."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{_slug(label)}" if label else stamp
    data = message_bytes(msg)
    for n in range(1000):
        path = outbox / (f"{base}.eml" if n == 0 else f"{base}-{n}.eml")
        try:
            return write_bytes(path, data, overwrite=False)
        except FileExistsError:
            continue
    raise FileExistsError(outbox / f"{base}.eml")


def pending(outbox: Path) -> list[Path]:
    """The unsent messages, oldest first."""
    if not outbox.is_dir():
        return []
    return sorted(p for p in outbox.glob("*.eml") if p.is_file())


def interrupted(outbox: Path) -> list[Path]:
    """Messages whose sending was cut off (the program stopped mid-send): delivery unknown."""
    if not outbox.is_dir():
        return []
    return sorted(outbox.glob("*.eml" + CLAIM_SUFFIX))


def load(path: Path) -> EmailMessage:
    with open(path, "rb") as f:
        return BytesParser(policy=policy.default).parse(f)


def claim(path: Path) -> Path | None:
    """Take ``path`` for sending; None when another run has taken it first."""
    claimed = path.with_name(path.name + CLAIM_SUFFIX)
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return None
    return claimed


def release(claimed: Path) -> Path:
    """Put a claimed message back for a later resend."""
    back = claimed.with_name(claimed.name[: -len(CLAIM_SUFFIX)])
    os.replace(claimed, back)
    return back


def mark_sent(claimed: Path) -> Path:
    """File a delivered message under ``sent/`` so it is never sent again."""
    sent = claimed.parent / SENT_DIR
    sent.mkdir(exist_ok=True)
    target = sent / claimed.name[: -len(CLAIM_SUFFIX)]
    n = 1
    while target.exists():
        target = sent / f"{target.stem.rsplit('~', 1)[0]}~{n}.eml"
        n += 1
    os.replace(claimed, target)
    return target
