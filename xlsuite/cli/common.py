"""What every command shares: expanding inputs, reading them, reporting file errors."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

import click

from ..errors import SourceError
from ..model import Report
from ..readers import read_report
from ..readers.discover import expand_sources  # noqa: F401 - the commands' import point
from ..sanitize import printable

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2

def ocr_option(f):
    """``--ocr auto|never|always``: passed to the readers as ``ocr=`` (scanned pages, images)."""
    return click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
                        help="文字识别（OCR）: auto = only pages without a text layer (scans) and images; "
                             "always = every page; never = none. Needs `pip install xlsuite[ocr]`.")(f)


def error_line(err: SourceError | Exception, path: str | None = None) -> str:
    """One line: a file name holding a line break or an escape sequence is shown escaped."""
    if isinstance(err, SourceError):
        return f"错误：{printable(err.path)}：{err.reason}"
    return f"错误：{printable(str(path))}：无法读取（{type(err).__name__}: {err}）"


def progress(items: list, label: str) -> Iterator:
    """Items with a progress bar on stderr when a person is watching a long batch."""
    if len(items) < 5 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), transient=True, console=_stderr_console()) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def read_each(sources: list[str], **options) -> Iterator[tuple[str, Report | None, str | None]]:
    """(path, report, error line) for each source; one bad file never stops the batch."""
    for path in progress(sources, "读取报告"):
        try:
            yield path, read_report(path, **options), None
        except SourceError as e:
            yield path, None, error_line(e)
        except Exception as e:  # noqa: BLE001 - a reader bug must not end a batch of hundreds
            yield path, None, error_line(e, path)


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def echo_err(line: str) -> None:
    click.echo(line, err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
