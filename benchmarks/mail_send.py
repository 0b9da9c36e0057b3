"""How long `send` takes per workbook, against floors measured in the same run.

Floors: reading + checking the workbook (what validation must do at least) and a
bare smtplib send of the same bytes to the same loopback server (what delivery
must do at least). Run: .venv/bin/python benchmarks/mail_send.py
"""
from __future__ import annotations

import smtplib
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import median_of  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402

from xlsuite.checks import check  # noqa: E402
from xlsuite.mail import MailConfig, send_workbooks  # noqa: E402
from xlsuite.mail.smtp import message_bytes  # noqa: E402
from xlsuite.readers import read_report  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

SEED = ROOT / "examples" / "xiamen-city-2020.pdf.txt"
RUNS = 15


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def timed(fn) -> float:
    """Median of RUNS runs, in milliseconds."""
    return median_of(RUNS, fn) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        wb = write_workbook(read_report(SEED), Path(d) / "2020-厦门市人民政府.xlsx")
        size_kb = wb.stat().st_size / 1024
        sink = Sink()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        ctl = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=5)
        ctl.start()
        try:
            cfg = MailConfig(sender="gkb@example.gov.cn", host="127.0.0.1", port=port, security="none",
                             to=("city-gkb@example.gov.cn",), outbox=Path(d) / "outbox", timeout=5)
            read_check = timed(lambda: check(read_report(wb)))
            dry = timed(lambda: send_workbooks([wb], cfg, dry_run=True))
            data = message_bytes(send_workbooks([wb], cfg, dry_run=True)[0].message)  # the very bytes sent

            def bare():
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as s:
                    s.sendmail(cfg.sender, list(cfg.to), data)
            bare_ms = timed(bare)
            full = timed(lambda: send_workbooks([wb], cfg))
        finally:
            ctl.stop()
    assert sink.count == 2 * RUNS
    print(f"workbook {wb.name}: {size_kb:.0f} KB, median of {RUNS} runs")
    print(f"floor  read + check:             {read_check:7.1f} ms")
    print(f"       send --dry-run (validate + build message): {dry:7.1f} ms  ({dry / read_check:.2f}x floor)")
    print(f"floor  bare smtplib send, loopback: {bare_ms:7.1f} ms")
    print(f"       send (validate + build + SMTP): {full:7.1f} ms  ({full / (read_check + bare_ms):.2f}x sum of floors)")


if __name__ == "__main__":
    main()
