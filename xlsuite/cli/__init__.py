"""The `xlsuite` command: a thin skin over the library.

Each command module opens its inputs, calls one library function and formats
the result. Commands register here; the library never imports this package.
A command's module loads only when that command runs (or ``--help`` lists
them all, ``Commands``): command modules import the library inside their functions, so
start-up pays for click and nothing else (tests/test_startup.py).
"""
from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

import click

from .common import Group

# Command name -> the module defining it as ``command`` (a click.Command).
COMMANDS = {
    "extract": "xlsuite.cli.extract",
    "check": "xlsuite.cli.check",
    "forms": "xlsuite.cli.forms",
    "send": "xlsuite.cli.send",
    "collect": "xlsuite.cli.collect",
    "remind": "xlsuite.cli.remind",
    "dataset": "xlsuite.cli.dataset",
    "rollup": "xlsuite.cli.rollup",
    "compare": "xlsuite.cli.compare",
    "import": "xlsuite.cli.importcmd",
    "publish": "xlsuite.cli.publish",
    "template": "xlsuite.cli.template",
    "excel": "xlsuite.cli.excel",
    "addin": "xlsuite.cli.addin",
    "shortcuts": "xlsuite.cli.shortcuts",
}


class Commands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported from its module on first use."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            self._loaded[name] = importlib.import_module(self._modules[name]).command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._modules.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter({**self._modules, **self._loaded})

    def __len__(self) -> int:
        return len({**self._modules, **self._loaded})


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .. import __version__

        click.echo(f"xlsuite, version {__version__}")
        ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version and exit.")
def cli() -> None:
    """xlsuite：政府信息公开工作年度报告 → 标准化、自校验的 Excel 工作簿。

    Turn Chinese government information-disclosure annual reports (PDF, Word,
    web pages, text, Markdown, the standard workbook) into exact numbers,
    checked against the national form's reconciliation relations.

    \b
    Example:
        xlsuite extract examples/ --json            # numbers, warnings, checks
        xlsuite check examples/xiamen-city-2020.pdf.txt
        xlsuite import examples/ -o 工作簿/           # standard workbooks
        xlsuite publish 工作簿/2020-厦门市人民政府.xlsx -o 年报.docx --pdf   # the report, from the workbook
        xlsuite rollup 工作簿/ -o 全市.xlsx --agency 厦门市 --year 2020
        xlsuite send 工作簿/2020-厦门市人民政府.xlsx --dry-run
    """
    from .runtime import setup

    setup()  # library chatter to a log file, SIGTERM as a clean exit


cli.commands = Commands(COMMANDS)


def main() -> None:
    cli(prog_name="xlsuite")
