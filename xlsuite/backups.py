"""The copies the 导入/校验 buttons keep of a workbook before changing it: named once, recognised once.

A backup is ``报告.备份-20250131-093000.xlsx`` (``-2``, ``-3`` … when a second one
is made within the same second) beside ``报告.xlsx``. A folder scan recognises one
by both marks of how it is made: that exact name, and the workbook it was copied
from still beside it. An agency whose name merely contains ".备份-" is a report.
"""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

BACKUP_TAG = "备份"
_BACKUP_NAME = re.compile(rf"^(?P<stem>.+)\.{BACKUP_TAG}-\d{{8}}-\d{{6}}(?:-\d{{1,4}})?(?P<ext>\.xlsx|\.xlsm)$",
                          re.IGNORECASE)


def backup_path(path: str, now: datetime | None = None) -> str:
    """``报告.xlsx`` -> ``报告.备份-20250131-093000.xlsx`` beside it (never an existing name)."""
    stem, ext = os.path.splitext(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate, n = f"{stem}.{BACKUP_TAG}-{stamp}{ext}", 2
    while os.path.exists(candidate):
        candidate, n = f"{stem}.{BACKUP_TAG}-{stamp}-{n}{ext}", n + 1
    return candidate


def original_of(f: str | os.PathLike) -> Path | None:
    """The workbook a backup was copied from, when ``f`` is named as a backup; else None."""
    f = Path(f)
    m = _BACKUP_NAME.match(f.name)
    return f.with_name(m.group("stem") + m.group("ext")) if m else None


def is_backup(f: str | os.PathLike) -> bool:
    """Named as a backup, and its original is still beside it."""
    original = original_of(f)
    return original is not None and original.is_file()
