"""The `xlsuite` command: a thin skin over the library.

Each command module opens its inputs, calls one library function and formats
the result. Commands register here; the library never imports this package.
"""
from __future__ import annotations

import importlib

import click

from .. import __version__
from .common import Group

# Command modules, each defining ``command`` (a click.Command).
COMMANDS = [
    "xlsuite.cli.extract",
    "xlsuite.cli.check",
    "xlsuite.cli.forms",
    "xlsuite.cli.send",
    "xlsuite.cli.collect",
    "xlsuite.cli.remind",
    "xlsuite.cli.dataset",
    "xlsuite.cli.rollup",
    "xlsuite.cli.compare",
    "xlsuite.cli.importcmd",
    "xlsuite.cli.publish",
    "xlsuite.cli.template",
    "xlsuite.cli.excel",
    "xlsuite.cli.addin",
    "xlsuite.cli.shortcuts",
]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="xlsuite")
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


for _name in COMMANDS:
    cli.add_command(importlib.import_module(_name).command)


def main() -> None:
    cli(prog_name="xlsuite")
