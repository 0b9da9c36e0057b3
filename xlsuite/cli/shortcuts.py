"""xlsuite shortcuts: Explorer "发送到" entries that run the ribbon's actions without Excel or macros.

``install`` writes the entries (xlsuite.shortcuts). ``run`` is what an entry
calls: the same commands as on the command line, on the selected files, then
the result is opened.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import ExitCode
from .common import Group

IMPORT_FOLDER = "标准工作簿"


@click.group("shortcuts", cls=Group)
def command() -> None:
    """资源管理器“发送到”菜单：不用 Excel 加载项、不用宏，也能导入、校验、汇总、报送。

    For WPS and PCs where macros are blocked: right-click files → 发送到 →
    年报-导入为标准工作簿 / 年报-校验 / 年报-汇总 / 年报-报送.

    \b
    Example:
        xlsuite shortcuts install
        xlsuite shortcuts run validate 2024-某某局.xlsx
    """


@command.command("install")
@click.option("--sendto", "folder", type=click.Path(file_okay=False),
              help="Write the entries to this folder instead of the user's SendTo folder.")
def install(folder: str | None) -> None:
    """在“发送到”菜单中添加 年报-导入为标准工作簿 / 校验 / 汇总 / 报送。

    Each entry is a small ASCII batch file that runs this Python:
    python -m xlsuite shortcuts run ACTION <selected files>. Elsewhere than
    on Windows it prints what it would write and exits with 2 (unless
    --sendto is given).

    \b
    Example:
        xlsuite shortcuts install
        xlsuite shortcuts install --sendto D:\\分发\\发送到
    """
    from .. import shortcuts

    for line in shortcuts.install(shortcuts.plan(folder), folder_given=folder is not None):
        click.echo(line)


def _invoke(args: list[str]) -> int:
    """Run another xlsuite command in this process; its exit code."""
    from . import cli

    click.echo("> xlsuite " + " ".join(f'"{a}"' if " " in a else a for a in args))
    try:
        code = cli.main(args=args, prog_name="xlsuite", standalone_mode=False)
    except click.ClickException as e:
        e.show()
        return e.exit_code
    return int(code) if isinstance(code, int) else ExitCode.OK


def _open(path: Path) -> None:
    """Show a result: Excel (or WPS) opens a workbook, Explorer a folder."""
    if hasattr(os, "startfile"):
        os.startfile(path)  # noqa: S606 - the user's own file, in the program they chose for it
    click.echo(f"已打开：{path}")


def _workbooks(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.glob("*.xlsx")} if folder.is_dir() else {}


def _free_name(folder: Path, stem: str) -> Path:
    candidate, n = folder / f"{stem}.xlsx", 2
    while candidate.exists():
        candidate, n = folder / f"{stem}-{n}.xlsx", n + 1
    return candidate


def run_action(action: str, paths: list[str], agency: str | None = None,
               invoke: Callable[[list[str]], int] = _invoke, show: Callable[[Path], None] = _open,
               ask: Callable[[str], str] = input) -> int:
    """Carry out one 发送到 entry on the selected files; the worst exit code."""
    first = Path(paths[0]).resolve()
    here = first if first.is_dir() else first.parent
    if action == "import":
        out = here / IMPORT_FOLDER
        before = _workbooks(out)
        code = invoke(["import", *paths, "-o", str(out)])
        new = [p for p, t in _workbooks(out).items() if before.get(p) != t]
        if len(new) == 1:
            show(new[0])
        elif new:
            show(out)
        return code
    if action == "validate":
        code = 0
        for path in paths:
            if path.lower().endswith(".xlsx"):
                result = invoke(["excel", "validate", "--workbook", path])
                show(Path(path).resolve())
            else:
                result = invoke(["check", path])
            code = max(code, result)
        return code
    if action == "rollup":
        if not agency:
            default = here.name
            agency = ask(f"汇总单位名称（直接回车用“{default}”）：").strip() or default
        # One level up, never among the inputs: a later 汇总 of the same folder must not add it again.
        output = _free_name(here.parent, f"{agency}-汇总")
        code = invoke(["rollup", *paths, "--agency", agency, "-o", str(output)])
        if output.exists():
            show(output)
        return code
    if action == "send":
        return invoke(["send", *paths])
    raise click.BadParameter(action)


@command.command("run")
@click.argument("action", type=click.Choice(["import", "validate", "rollup", "send"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--agency", help="汇总: the name of the total (asked when not given).")
def run(action: str, paths: tuple[str, ...], agency: str | None) -> int:
    """运行一个“发送到”菜单项：ACTION 是 import、validate、rollup 或 send。

    import writes one standard workbook per report into a 标准工作簿 folder
    beside the first file; validate checks workbooks (marking the cells, as
    the ribbon's 校验 does) and reports; rollup adds the selected workbooks up
    into <汇总单位>-汇总.xlsx in the folder above theirs (never among the
    inputs, so a second 汇总 cannot count it); send checks and sends. The result
    is opened; the exit code is the worst of the commands run.

    \b
    Example:
        xlsuite shortcuts run validate 2024-某某局.xlsx
        xlsuite shortcuts run rollup 各单位/ --agency 某某市
    """
    from ..shortcuts import BY_ACTION

    click.echo(f"xlsuite · {BY_ACTION[action].name}：{len(paths)} 项")
    code = run_action(action, list(paths), agency)
    click.echo("完成。" if code == 0 else f"完成，但有问题（退出码 {code}），请查看上面的提示。")
    sys.stdout.flush()
    return code
