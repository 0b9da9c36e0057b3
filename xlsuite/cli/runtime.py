"""What the command line sets up for the process before any command runs."""
from __future__ import annotations

import signal
import sys
import threading

from ..logs import setup_cli_logging


def _terminate(signum, _frame) -> None:
    # SIGTERM (a closed terminal, `kill`, a job scheduler) as a normal exit: ``finally`` blocks
    # run, so no temporary file stays behind and no output is left half-written.
    raise SystemExit(128 + signum)


def setup() -> None:
    setup_cli_logging()  # library chatter to the log file: stderr keeps one line per problem
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not valid UTF-8 is shown escaped rather than ending the run.
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "") == "strict":
            stream.reconfigure(errors="backslashreplace")
