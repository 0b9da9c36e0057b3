"""What every action returns and shares: the outcome, how a cancelled dialog ends, how an error reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ...errors import ExitCode, XlsuiteError


class Status(StrEnum):
    """How an action ended."""

    DONE = "done"
    FAILED = "failed"  # the checks fail
    REFUSED = "refused"  # not sent: the checks fail
    CANCELLED = "cancelled"  # the user cancelled a dialog
    BAD_INPUT = "bad_input"  # a file cannot be read or written, a setting is wrong
    NOT_SENT = "not_sent"  # kept in the outbox


DONE, FAILED, REFUSED, CANCELLED, BAD_INPUT, NOT_SENT = (Status.DONE, Status.FAILED, Status.REFUSED, Status.CANCELLED,
                                                         Status.BAD_INPUT, Status.NOT_SENT)
# ``xlsuite excel`` ends with these codes, as the other commands do.
EXIT = {DONE: ExitCode.OK, CANCELLED: ExitCode.OK, FAILED: ExitCode.CHECKS_FAILED, REFUSED: ExitCode.CHECKS_FAILED,
        BAD_INPUT: ExitCode.BAD_INPUT, NOT_SENT: ExitCode.NOT_SENT}
TITLE = "政务公开年报"


@dataclass
class Outcome:
    status: Status
    alert: str  # the Chinese text the user was shown
    files: dict[str, str] = field(default_factory=dict)  # role -> path (backup, output …)

    @property
    def exit_code(self) -> ExitCode:
        return EXIT.get(self.status, ExitCode.BAD_INPUT)


def finish(adapter, status: Status, text: str, level: str | None = None, **files: str) -> Outcome:
    """Show ``text`` and return the outcome carrying it."""
    level = level or {DONE: "info", CANCELLED: "info"}.get(status, "warning")
    adapter.alert(text, TITLE, level)
    return Outcome(status, text, {k: v for k, v in files.items() if v})


def cancelled(adapter, what: str) -> Outcome:
    return finish(adapter, CANCELLED, f"已取消：{what}。没有做任何修改。")


def ribbon_text(err: XlsuiteError, button: str) -> str:
    """A library error as the ribbon says it: the message and remedy, then the button to click again."""
    return err.text(f"处理好后再点“{button}”")


def refused_by(adapter, err: XlsuiteError, button: str, what: str = "") -> Outcome:
    """End an action on a library error: one message box naming the button; the status follows the error."""
    status = FAILED if err.exit_code == ExitCode.CHECKS_FAILED else BAD_INPUT
    return finish(adapter, status, f"没有{what or button}：" + ribbon_text(err, button), "error")
