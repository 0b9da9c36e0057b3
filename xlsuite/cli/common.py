"""What every command shares: the error boundary, expanding and reading inputs, the progress bar.

A command is a function that returns an ``ExitCode``. Library errors
(``XlsuiteError``) reach ``Command.invoke``, the one place that turns them
into a single line on stderr, with the flag that helps added from ``FLAG_HINTS``
by the error's code, and the error's exit code. Commands never print an error
and exit by hand.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitCode, SourceError, XlsuiteError

if TYPE_CHECKING:
    from ..model import Report
    from ..readers.options import ReadOptions

# The flag that helps, by error code: the library's remedies name no flag.
FLAG_HINTS: dict[str, str] = {
    "duplicate_agency": "加 --dedupe 保留导入时间最新的一份",
    "invalid_inputs": "或用 --on-invalid skip 剔除、--on-invalid include 照常计入",
    "missing_agencies": "或用 --on-missing warn 照常汇总并提示",
    "output_exists": "加 --force 覆盖",
    "no_config": "或用 --config 指定",
    "no_recipients": "用 --to 指定收件人",
    "no_host": "只导出邮件文件可用 --eml",
    "ocr_off": "去掉 --ocr never 即可读取",
    "queued": "可用 xlsuite send --outbox 重发",
}


class CliError(click.ClickException):
    """A library error as the CLI shows it: one line on stderr, and its exit code."""

    def __init__(self, line: str, exit_code: int = ExitCode.BAD_INPUT):
        super().__init__(line)
        self.exit_code = int(exit_code)  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class Command(click.Command):
    """A command whose function returns an ExitCode and whose library errors become one line.

    ``hints`` add or override flag hints by error code for this command.
    """

    def __init__(self, *args: Any, hints: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = {**FLAG_HINTS, **(hints or {})}

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except XlsuiteError as e:
            raise CliError(error_line(e, hints=self.hints), e.exit_code) from None
        if code:
            ctx.exit(int(code))
        return code


class Group(click.Group):
    """A group whose subcommands are ``Command``s."""

    command_class = Command


class ChoiceOf(click.Choice):
    """``click.Choice`` over names a library module declares, asked for only when the command runs
    or shows its own help: listing the commands (``xlsuite --help``) imports no library."""

    def __init__(self, names: Callable[[], Iterable[str]], case_sensitive: bool = True) -> None:
        self._names = names
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._names())
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[str]) -> None:
        self._choices = tuple(value)


def xlsuite_command(name: str, **kwargs: Any):
    """``@click.command`` with the error boundary (``Command``)."""
    return click.command(name, cls=Command, **kwargs)


def _ocr_modes() -> tuple[str, ...]:
    from ..readers.options import OCR_MODES

    return OCR_MODES


def _read_options(_ctx: click.Context, _param: click.Parameter, mode: str) -> ReadOptions:
    from ..readers.options import ReadOptions

    return ReadOptions.resolve(ocr=mode)


def ocr_option(f):
    """``--ocr auto|never|always``: passed to the command as ``options``, the resolved ReadOptions."""
    return click.option("--ocr", "options", type=ChoiceOf(_ocr_modes), default="auto", show_default=True,
                        callback=_read_options,
                        help="文字识别（OCR）: auto = only pages without a text layer (scans) and images; "
                             "always = every page; never = none. Needs `pip install xlsuite[ocr]`.")(f)


def expand_sources(sources: Iterable[str]) -> list[str]:
    """The report files named by ``sources`` (files, folders, patterns): ``xlsuite.readers.discover``'s one rule,
    imported when a command runs (``xlsuite --help`` loads no reader)."""
    from ..readers.discover import expand_sources

    return expand_sources(sources)


def error_line(err: BaseException, path: str | None = None, *, hints: Mapping[str, str] = FLAG_HINTS) -> str:
    """``错误：<file>：<reason>`` for any error, with the flag that helps; one line (a file name holding a
    line break or an escape sequence is shown escaped, ``SourceError`` does so itself)."""
    from ..sanitize import printable

    if isinstance(err, XlsuiteError):
        return "错误：" + err.text(hints.get(err.code))
    return f"错误：{printable(str(path))}：无法读取（{type(err).__name__}: {err}）"


class Bar:
    """The CLI's one progress bar: on stderr, for long work, when a person is watching.

    Call it as ``on_progress(done, total)``; ``echo`` prints a line above it while it runs.
    """

    def __init__(self, label: str, *, enabled: bool | None = None, minimum: int = 5) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.minimum = minimum
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Bar":
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if not self.enabled or total < self.minimum:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self._bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), transient=True, console=Console(stderr=True))
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def echo(self, line: str, err: bool = False) -> None:
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(line, err=err)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def read_each(sources: list[str], options: ReadOptions) -> Iterator[tuple[str, Report | str]]:
    """(path, report or its error line) for each source, in order (``read_many``: one bad file never
    stops the batch, many files are read in parallel), with the bar."""
    from ..readers import read_many

    with Bar("读取报告") as bar:
        for path, got in read_many(sources, options, on_progress=bar):
            yield path, error_line(got) if isinstance(got, SourceError) else got


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def echo_err(line: str) -> None:
    click.echo(line, err=True)
