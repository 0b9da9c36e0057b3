"""Send validated workbooks upward by e-mail (the 发送 step).

``send_workbooks`` validates each standard workbook with the relation engine and
sends it as one message with the key figures and the verdict; ``resend_outbox``
delivers what an earlier failure left in the outbox. The CLI (``xlsuite send``)
and the Excel ribbon's 发送 button both call these two functions.
"""
from .batch import (HELD, INTERRUPTED, PREVIEW, QUEUED,
                    REFUSED, SENT, UNREADABLE, WRITTEN, Outcome, exit_code, resend_outbox, send_workbooks)
from .config import MailConfig, MailConfigError, find_config, get_password, load_config
from .message import Attachment, build_message, key_figures
from .smtp import SendError, deliver

__all__ = [
    "send_workbooks", "resend_outbox", "Outcome", "exit_code", "MailConfig", "MailConfigError", "load_config",
    "find_config", "get_password", "build_message", "key_figures", "Attachment", "deliver", "SendError",
    "SENT", "WRITTEN", "PREVIEW", "REFUSED", "UNREADABLE", "HELD", "QUEUED", "INTERRUPTED",
]
