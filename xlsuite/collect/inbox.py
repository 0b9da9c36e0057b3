"""The collection folder (``-o``): current workbooks, their history, and the ledger.

Layout::

    收件/
      报送情况.xlsx                      the tracker, rewritten on every run
      2024/2024-某某局.xlsx               the current workbook of each listed agency
      历史/2024/2024-某某局.20250110-093000.xlsx   earlier versions (the latest one wins)
      名单外/2024/…                       reports of agencies not on the list, kept aside
      .xlsuite/ledger.jsonl               one line per message collected

The ledger is the state: a message is collected once its line is written
(appended and flushed to disk). Files are placed before that line, atomically
and idempotently, so a run killed at any point loses nothing and, run again,
places the same bytes without making a second copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..atomic import write_bytes
from ..errors import XlsuiteError

STATE_DIR = ".xlsuite"
LEDGER = "ledger.jsonl"
HISTORY = "历史"
OFF_LIST = "名单外"
TRACKER = "报送情况.xlsx"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# Outcomes of placing a workbook
NEW, REPLACED, SAME, OLDER = "new", "replaced", "same", "older"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(text: str) -> str:
    """An agency name as a file name on Windows too: no \\ / : * ? " < > |, no trailing dot or space."""
    s = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip().rstrip(". ")
    return s[:100] or "未命名"


def stamp(when: datetime) -> str:
    return when.astimezone().strftime("%Y%m%d-%H%M%S")


class Inbox:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.state = self.root / STATE_DIR
        self.ledger = self.state / LEDGER

    # --- ledger ------------------------------------------------------------------
    def records(self) -> list[dict]:
        """Every ledger line; a line cut short by a crash is skipped."""
        try:
            raw = self.ledger.read_bytes()
        except FileNotFoundError:
            return []
        out = []
        for line in raw.splitlines():
            try:
                rec = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict):
                out.append(rec)
        return out

    def append(self, record: dict) -> None:
        """Add one line and force it to disk: after this the record survives a crash."""
        self.state.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8") + b"\n"
        fd = os.open(self.ledger, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size:
                with open(self.ledger, "rb") as f:  # a line torn by a crash is closed, not continued
                    f.seek(size - 1)
                    if f.read(1) != b"\n":
                        line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextmanager
    def lock(self):
        """One collector at a time per folder; the lock goes with the process, even when killed."""
        self.state.mkdir(parents=True, exist_ok=True)
        f = open(self.state / "lock", "a+b")
        try:
            try:
                if os.name == "nt":  # pragma: no cover - Windows
                    import msvcrt
                    msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl
                    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise XlsuiteError(f"另一个收集（xlsuite collect）正在使用 {self.root}：请等它结束后再运行") from None
            yield self
        finally:
            f.close()

    def clean_leftovers(self) -> int:
        """Remove the temporary files a killed run left (hidden ``.name.xxxx.tmp`` files, scratch copies).

        Only called under the lock, when no other collector can be writing here.
        """
        n = 0
        if not self.root.is_dir():
            return 0
        leftovers = [p for p in self.root.rglob(".*.tmp") if p.is_file()]
        leftovers += [p for p in (self.state / "tmp").glob("*") if p.is_file()]
        for path in leftovers:
            path.unlink(missing_ok=True)
        return len(leftovers)

    # --- files -------------------------------------------------------------------
    def year_dir(self, year: int, off_list: bool = False) -> Path:
        return self.root / OFF_LIST / str(year) if off_list else self.root / str(year)

    def current(self, year: int, agency: str, suffix: str = ".xlsx", off_list: bool = False) -> Path:
        return self.year_dir(year, off_list) / f"{year}-{safe_name(agency)}{suffix}"

    def on_file(self, year: int, agency: str) -> Path | None:
        """The current workbook of a listed agency for ``year``, when one was collected."""
        return next((p for s in WORKBOOK_SUFFIXES if (p := self.current(year, agency, s)).is_file()), None)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def place(self, data: bytes, year: int, agency: str, suffix: str, when: datetime, *,
              latest: datetime | None, dates: dict[str, datetime], off_list: bool = False) -> tuple[str, Path]:
        """Put a workbook where it belongs; returns (NEW | REPLACED | SAME | OLDER, the file written or kept).

        ``latest`` is when the current version was sent (None when there is none yet);
        ``dates`` maps the SHA-256 of earlier versions to when they were sent, to name
        their history copies. A version older than the current one goes straight to history.
        """
        digest = sha256(data)
        here = [self.current(year, agency, s, off_list) for s in WORKBOOK_SUFFIXES]
        target = self.current(year, agency, suffix, off_list)
        existing = [p for p in here if p.is_file()]
        if target in existing and sha256(target.read_bytes()) == digest:
            return SAME, target
        if existing and latest is not None and when < latest:
            return OLDER, self._keep(data, digest, year, agency, suffix, when, off_list)
        for old in existing:  # the version being replaced goes to history first
            old_data = old.read_bytes()
            old_digest = sha256(old_data)
            old_when = dates.get(old_digest) or datetime.fromtimestamp(old.stat().st_mtime).astimezone()
            self._keep(old_data, old_digest, year, agency, old.suffix, old_when, off_list)
        write_bytes(target, data)
        for old in existing:
            if old != target:
                old.unlink()
        return (REPLACED if existing else NEW), target

    def history_dir(self, year: int, off_list: bool = False) -> Path:
        return self.root / HISTORY / (f"{OFF_LIST}-{year}" if off_list else str(year))

    def _keep(self, data: bytes, digest: str, year: int, agency: str, suffix: str, when: datetime,
              off_list: bool) -> Path:
        """A history copy named by when it was sent; the same bytes are kept once."""
        folder = self.history_dir(year, off_list)
        base = f"{year}-{safe_name(agency)}.{stamp(when)}"
        for n in range(1000):
            path = folder / (f"{base}{suffix}" if n == 0 else f"{base}-{n + 1}{suffix}")
            if path.is_file():
                if sha256(path.read_bytes()) == digest:
                    return path
                continue
            try:
                return write_bytes(path, data, overwrite=False)
            except FileExistsError:
                continue
        raise XlsuiteError(f"历史文件夹 {folder} 中同名文件过多：{base}")

    @contextmanager
    def scratch(self, data: bytes, suffix: str):
        """The attachment as a temporary file (readers read paths), removed afterwards."""
        tmp = self.state / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        path = tmp / f"{sha256(data)[:16]}-{os.getpid()}{suffix}"
        path.write_bytes(data)
        try:
            yield path
        finally:
            try:
                path.unlink()
            except OSError:
                pass
