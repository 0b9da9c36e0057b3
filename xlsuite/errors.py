"""The few exceptions xlsuite raises on purpose. Messages are Chinese, for staff."""
from __future__ import annotations

import os


class XlsuiteError(Exception):
    """Any problem with an input or output that the user can act on."""


class SourceError(XlsuiteError):
    """A source file cannot be read as a report: one line naming the file and the reason."""

    def __init__(self, path: str | os.PathLike, reason: str, code: str = "unreadable"):
        self.path = os.fspath(path)
        self.reason = reason
        self.code = code
        super().__init__(f"{self.path}: {reason}")
