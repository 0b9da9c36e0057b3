"""Where library chatter goes: a log file, never the screen.

pdfminer, PIL, bs4 and friends report oddities of a damaged file through
``logging`` and ``warnings``; printed, they bury the one line that matters
(a damaged PDF gave 313 lines of "Could not get FontBBox"). The command line
sends them, and xlsuite's own tracebacks of files it could not read, to a
rotating log file in the user's cache folder; stderr keeps one line per problem.
``XLSUITE_LOG=stderr`` shows them on the screen instead, for debugging;
``XLSUITE_LOG=<file>`` names another log file.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ENV = "XLSUITE_LOG"
_HANDLER_TAG = "_xlsuite_cli"

logging.getLogger("xlsuite").addHandler(logging.NullHandler())  # a library prints nothing unless asked


def log_dir() -> Path:
    """%LOCALAPPDATA%\\xlsuite, ~/Library/Caches/xlsuite, $XDG_CACHE_HOME/xlsuite or ~/.cache/xlsuite."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xlsuite"


def log_file() -> Path | None:
    where = os.environ.get(ENV, "")
    if where == "stderr":
        return None
    return Path(where) if where else log_dir() / "xlsuite.log"


def setup_cli_logging() -> None:
    """Route every logger and every Python warning to the log file (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, _HANDLER_TAG, False) for h in root.handlers):
        return
    target = log_file()
    handler: logging.Handler
    if target is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handler = _LogFile(target)
        except OSError:
            handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    setattr(handler, _HANDLER_TAG, True)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.captureWarnings(True)


class _LogFile(logging.Handler):
    """A rotating log file (1 MB, two old ones kept), opened at the first record: most runs log nothing,
    and do not pay for importing ``logging.handlers``."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            self._file = logging.handlers.RotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=2,
                                                              encoding="utf-8", delay=True)
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def cli_logging_target() -> str | None:
    """``"stderr"`` or the log file's path when ``setup_cli_logging`` ran in this process; else None."""
    if not any(getattr(h, _HANDLER_TAG, False) for h in logging.getLogger().handlers):
        return None
    target = log_file()
    return "stderr" if target is None else str(target)


def worker_logging(target: str | None) -> None:
    """In a worker process of a command: log where the command logs (``cli_logging_target``), and
    send the worker's own stderr there too, so that whatever native code prints as it dies (a Rust
    panic, a C library's complaint) is kept in the log, not mixed into the command's one-line errors."""
    if target is None:
        return
    if target != "stderr":
        os.environ[ENV] = target
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 2)
        os.close(fd)
    setup_cli_logging()
