"""Explorer "发送到" (Send to) entries: the ribbon's work without Excel, add-ins or macros.

For WPS (信创 machines) and PCs whose policy blocks macros: ``xlsuite shortcuts
install`` writes one small batch file per action into the user's SendTo folder.
Right-click report files or workbooks → 发送到 → 年报-校验 runs
``python -m xlsuite shortcuts run validate <the selected files>`` in a console
window, which shows what happened and opens the result.

A batch file is read by ``cmd.exe`` in the system code page, so it is kept
ASCII: the Python path is written as ``%LOCALAPPDATA%\\…`` where the real one
holds a Chinese user name (see :mod:`xlsuite.winpath`); the entries' Chinese
names live only in their file names, which Windows stores as Unicode.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import winpath
from .atomic import write_bytes
from .errors import XlsuiteError


@dataclass(frozen=True)
class Entry:
    action: str  # the argument of `xlsuite shortcuts run`
    name: str  # the file name in SendTo, without ".cmd": what the 发送到 menu shows
    what: str


ENTRIES = (
    Entry("import", "年报-导入为标准工作簿", "把选中的报告（PDF、Word、网页、文本）各生成一份标准工作簿，放在同一文件夹的“标准工作簿”里"),
    Entry("validate", "年报-校验", "校验选中的工作簿（标红不成立的单元格）或报告，并打开工作簿"),
    Entry("rollup", "年报-汇总", "把选中的各单位工作簿（或一个文件夹）汇总成一份汇总工作簿并打开"),
    Entry("send", "年报-报送", "先校验选中的工作簿，全部通过后按邮件配置发给上级"),
)
BY_ACTION = {e.action: e for e in ENTRIES}
SUFFIX = ".cmd"


class ShortcutError(XlsuiteError):
    """One Chinese line: the file, what went wrong, what to do."""


def sendto_folder(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    appdata = env.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    return Path(appdata) / "Microsoft" / "Windows" / "SendTo"


def batch_text(entry: Entry, python: str) -> str:
    """The batch file of one entry (CRLF). ``python`` as written: ``%VAR%\\…`` is expanded by cmd."""
    if "%" in python and not python.startswith("%"):
        python = python.replace("%", "%%")  # a literal percent sign in a real path
    return "\r\n".join([
        "@echo off",
        'rem xlsuite "Send to" entry, written by "xlsuite shortcuts install".',
        f'rem It runs the action "{entry.action}" on the files selected in Explorer.',
        f'"{python}" -m xlsuite shortcuts run {entry.action} %*',
        "pause",
        "",
    ])


@dataclass(frozen=True)
class Plan:
    folder: Path
    python: str  # as written into the batch files

    def files(self) -> dict[Path, Entry]:
        return {self.folder / f"{e.name}{SUFFIX}": e for e in ENTRIES}

    def lines(self) -> list[str]:
        return [f"{path}：{entry.what}" for path, entry in self.files().items()]


def plan(folder: str | os.PathLike | None = None, python: str | None = None,
         environ: Mapping[str, str] | None = None) -> Plan:
    env = os.environ if environ is None else environ
    return Plan(Path(folder) if folder else sendto_folder(env), winpath.portable(python or sys.executable, env))


def install(p: Plan, folder_given: bool = False, platform: str = sys.platform) -> list[str]:
    """Write the entries; returns Chinese lines of what was done. Raises ShortcutError."""
    if platform != "win32" and not folder_given:
        raise ShortcutError("“发送到”菜单只在 Windows 上有；这里没有写入任何文件。在 Windows 上将会写入：\n"
                            + "\n".join(p.lines()))
    for path, entry in p.files().items():
        try:
            data = winpath.encode(batch_text(entry, p.python))
        except UnicodeEncodeError:
            raise ShortcutError(f"{path}：Python 的路径 {p.python} 含有{winpath.ANSI_NAME}无法表示的字符，"
                                "命令提示符会读错。请把 Python 装到只含英文字母和数字的文件夹（如 C:\\Python311）。"
                                ) from None
        try:
            write_bytes(path, data)
        except OSError as e:
            raise ShortcutError(f"{path}：无法写入（{e.strerror or e}）。请检查这个文件夹的权限。") from None
    return [f"已添加“发送到”菜单项：{path.stem}（{path}）" for path in p.files()] + [
        "在资源管理器中右键选中的文件 → 发送到 → 年报-……；结果在弹出的窗口中显示。"]
