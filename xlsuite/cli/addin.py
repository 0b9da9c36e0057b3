"""xlsuite addin: build the Excel add-in (xlsuite.xlam), or install it for this user."""
from __future__ import annotations

import os

import click

from ..errors import XlsuiteError
from .common import Group


@click.group("addin", cls=Group)
def command() -> None:
    """Excel 加载项：生成 / 安装“政务公开年报”功能区选项卡。

    \b
    Example:
        xlsuite addin build -o xlsuite.xlam
        xlsuite addin install
    """


@command.command("build")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="xlsuite.xlam", show_default=True,
              help="The .xlam file to write.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def build(output: str, force: bool) -> None:
    """生成加载项 xlsuite.xlam（功能区 XML + VBA 工程，可在 Linux 上生成）。

    \b
    Example:
        xlsuite addin build -o dist/xlsuite.xlam
    """
    from ..excel.addin import build_addin

    if os.path.exists(output) and not force:
        raise XlsuiteError(f"{output}：文件已存在，未覆盖", code="output_exists")
    click.echo(f"已生成：{build_addin(output)}")


@command.command("install")
@click.option("--xlstart", type=click.Path(file_okay=False),
              help="Put the add-in in this folder instead of the user's XLSTART (e.g. Excel's alternate "
                   "startup folder prepared for others); Excel need not be installed here.")
@click.option("--server", is_flag=True,
              help="Buttons run in xlwings' persistent Python (its COM server): a click no longer starts "
                   "Python and imports xlsuite anew (see docs/excel.md).")
def install(xlstart: str | None, server: bool) -> None:
    """把加载项装进 Excel 的启动文件夹，并让 xlwings 使用当前的 Python（仅 Windows 版 Excel）。

    The add-in is built in a staging folder and moved into XLSTART in one step,
    so Excel never finds half a file there. A Python path that is not plain
    ASCII (a Chinese user name) is written to xlwings.conf as
    %LOCALAPPDATA%\\… so that xlwings reads it under any code page. Without
    Excel (Linux, macOS, WPS only) it prints what it would do and exits with 2;
    so does any file it cannot write (quit Excel first).

    \b
    Example:
        xlsuite addin install
        xlsuite addin install --xlstart D:\\共享\\Excel启动
        xlsuite addin install --server
    """
    from dataclasses import replace

    from ..excel.addin import install as inst

    plan = replace(inst.plan(xlstart=xlstart), server=server)
    for line in inst.install(plan, xlstart_given=xlstart is not None):
        click.echo(line)
