"""What every action returns and shares: the outcome, and how a cancelled dialog ends."""
from __future__ import annotations

from dataclasses import dataclass, field

DONE, FAILED, REFUSED, CANCELLED = "done", "failed", "refused", "cancelled"
# Exit codes of ``xlsuite excel``, as for the other commands: 1 checks fail, 2 bad input.
EXIT = {DONE: 0, CANCELLED: 0, FAILED: 1, REFUSED: 1}
TITLE = "政务公开年报"


@dataclass
class Outcome:
    status: str
    alert: str  # the Chinese text the user was shown
    files: dict[str, str] = field(default_factory=dict)  # role -> path (backup, output …)

    @property
    def exit_code(self) -> int:
        return EXIT.get(self.status, 2)


def finish(adapter, status: str, text: str, level: str | None = None, **files: str) -> Outcome:
    """Show ``text`` and return the outcome carrying it."""
    level = level or {DONE: "info", CANCELLED: "info"}.get(status, "warning")
    adapter.alert(text, TITLE, level)
    return Outcome(status, text, {k: v for k, v in files.items() if v})


def cancelled(adapter, what: str) -> Outcome:
    return finish(adapter, CANCELLED, f"已取消：{what}。没有做任何修改。")
