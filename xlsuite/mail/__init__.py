"""Send validated workbooks upward by e-mail (the 发送 step).

``send_workbooks`` validates each standard workbook with the relation engine and
sends it as one message with the key figures and the verdict; ``resend_outbox``
delivers what an earlier failure left in the outbox. The CLI (``xlsuite send``)
and the Excel ribbon's 发送 button both call these two functions.

The names below load with their module on first use: reading where settings
live (``mail.config``) does not import the SMTP client and the message builder.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "batch": ("HELD", "INTERRUPTED", "PREVIEW", "QUEUED", "REFUSED", "SENT", "UNREADABLE", "WRITTEN", "Outcome",
              "exit_code", "resend_outbox", "send_workbooks"),
    "config": ("MailConfig", "MailConfigError", "find_config", "get_password", "load_config"),
    "message": ("Attachment", "build_message", "key_figures"),
    "smtp": ("SendError", "deliver"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "send_workbooks", "resend_outbox", "Outcome", "exit_code", "MailConfig", "MailConfigError", "load_config",
    "find_config", "get_password", "build_message", "key_figures", "Attachment", "deliver", "SendError",
    "SENT", "WRITTEN", "PREVIEW", "REFUSED", "UNREADABLE", "HELD", "QUEUED", "INTERRUPTED",
]

if TYPE_CHECKING:
    from .batch import (HELD, INTERRUPTED, PREVIEW, QUEUED, REFUSED, SENT, UNREADABLE, WRITTEN, Outcome, exit_code,
                        resend_outbox, send_workbooks)
    from .config import MailConfig, MailConfigError, find_config, get_password, load_config
    from .message import Attachment, build_message, key_figures
    from .smtp import SendError, deliver


def __getattr__(name: str) -> Any:
    if name in _MODULES or name in ("outbox", "vouch"):  # the submodules themselves
        return importlib.import_module(f"{__name__}.{name}")
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
