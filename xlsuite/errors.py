"""The exceptions xlsuite raises on purpose, and the one vocabulary of exit codes.

Messages are Chinese, for staff. A library error says what is wrong and, in
``remedy``, what to do about it in words that fit every front-end: it never
names a command-line flag or a ribbon button. The CLI adds the flag
(``xlsuite.cli.common.Command``), the ribbon the button's name
(``xlsuite.excel.actions.base.refused_by``), each in one place, keyed by ``code``.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    """How a command, a ribbon action or a batch ended; the process exit status of the CLI."""

    OK = 0
    CHECKS_FAILED = 1  # a hard relation fails (or, with --strict, any finding); sending refused
    BAD_INPUT = 2  # an input cannot be read, an output cannot be written, a setting is wrong
    NOT_SENT = 3  # mail kept in the outbox: the server did not take it


class XlsuiteError(Exception):
    """Any problem with an input, an output or a setting that the user can act on.

    ``code`` is a stable machine word (``duplicate_agency``); ``remedy`` what to
    do, naming no flag or button; ``details`` lines listed below (one per file);
    ``paths`` the files concerned; ``exit_code`` how a front-end ends because of it.
    """

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None, remedy: str | None = None,
                 details: Iterable[str] = (), paths: Iterable[str | os.PathLike] = (),
                 exit_code: ExitCode = ExitCode.BAD_INPUT):
        self.message = message
        self.code = code or self.default_code
        self.remedy = remedy
        self.details = tuple(details)
        self.paths = tuple(os.fspath(p) for p in paths)
        self.exit_code = exit_code
        super().__init__(self.text())

    def text(self, hint: str | None = None) -> str:
        """The message, then the remedy, then a front-end's own ``hint`` (a flag, a button), then the details."""
        out = self.message
        for extra in (self.remedy, hint):
            if extra:
                out += ("" if out.endswith(("。", "：")) else "；") + extra
        return "\n".join((out + ("：" if self.details else ""), *self.details))

    def __str__(self) -> str:
        return self.text()


class SourceError(XlsuiteError):
    """A source file cannot be read as a report: one line naming the file and the reason."""

    default_code = "unreadable"

    def __init__(self, path: str | os.PathLike, reason: str, code: str = "unreadable", *,
                 remedy: str | None = None):
        from .sanitize import printable  # a name with a line break or an escape sequence stays one line

        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{printable(self.path)}：{reason}", code=code, remedy=remedy, paths=(self.path,))

    def __reduce__(self):  # worker processes send these back: rebuild from the constructor's arguments
        return (_source_error, (self.path, self.reason, self.code, self.remedy))


def _source_error(path: str, reason: str, code: str, remedy: str | None) -> SourceError:
    return SourceError(path, reason, code, remedy=remedy)
