"""``xlsuite addin install``: put the add-in where Excel loads it and point xlwings at this Python.

Excel opens every file in the user's XLSTART folder at start-up, so nothing
half-written may ever appear there: the add-in is built in a staging folder
beside XLSTART (same volume) and renamed into place in one step. xlwings' VBA
reads the interpreter from ``%USERPROFILE%\\.xlwings\\xlwings.conf`` (lines of
``"KEY","VALUE"``) in the ANSI code page; the path is written so that it reads
back right there (see :mod:`xlsuite.winpath`). Only ``INTERPRETER_WIN`` is
changed; other settings the user has are kept.

Every failure becomes one Chinese line naming the file and what to do.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ... import winpath
from ...atomic import write_bytes
from ...errors import XlsuiteError
from .package import build_addin

ADDIN_NAME = "xlsuite.xlam"
XLWINGS_ADDIN = "xlwings.xlam"
INTERPRETER_KEY = "INTERPRETER_WIN"
# xlwings' RunPython through its COM server: one Python stays up between clicks, so a click no
# longer pays for starting the interpreter and importing xlsuite (benchmarks/ribbon.py, docs/excel.md).
SERVER_KEY = "USE UDF SERVER"
QUIT_EXCEL = "请先退出 Excel 再安装"
NO_MACROS_ROUTE = "不能使用加载项的电脑（WPS、禁止宏）可以运行 xlsuite shortcuts install，改用资源管理器右键“发送到”。"


class InstallError(XlsuiteError):
    """One Chinese line: the file, what went wrong, what to do (the CLI puts 错误： before it)."""


@dataclass(frozen=True)
class Plan:
    xlstart: Path
    addin: Path
    xlwings_conf: Path
    interpreter: str  # as written to xlwings.conf: %LOCALAPPDATA%\… where the real path is not ASCII
    server: bool = False  # RunPython through xlwings' COM server (SERVER_KEY)

    def lines(self) -> list[str]:
        return [f"1. 生成加载项并放入 Excel 启动文件夹：{self.addin}",
                f"2. 在 xlwings 配置 {self.xlwings_conf} 中写入 \"{INTERPRETER_KEY}\",\"{self.interpreter}\"",
                f"3. 检查 xlwings 加载项 {self.xlstart / XLWINGS_ADDIN} 是否已安装（没有则提示运行 xlwings addin install）"] + \
            ([f"4. 在 xlwings 配置中写入 \"{SERVER_KEY}\",\"True\"（按钮经常驻的 Python 运行）"] if self.server else [])


def plan(appdata: str | None = None, userprofile: str | None = None, interpreter: str | None = None,
         xlstart: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Plan:
    env = os.environ if environ is None else environ
    appdata = appdata or env.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    userprofile = userprofile or env.get("USERPROFILE") or str(Path.home())
    folder = Path(xlstart) if xlstart else Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    return Plan(folder, folder / ADDIN_NAME, Path(userprofile) / ".xlwings" / "xlwings.conf",
                winpath.portable(interpreter or sys.executable, env))


def read_conf(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, value = line.partition(",")
        out.append((key.strip().strip('"'), value.strip().strip('"')))
    return out


def conf_with(text: str, key: str, value: str) -> str:
    """xlwings.conf text with ``key`` set to ``value``, other lines kept in order (CRLF, as VBA writes)."""
    entries = [(k, v) for k, v in read_conf(text) if k.upper() != key.upper()]
    entries.append((key, value))
    return "".join(f'"{k}","{v}"\r\n' for k, v in entries)


# Where Windows records an installed Microsoft Excel (WPS registers ET/KET instead).
EXCEL_KEYS = (r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe", r"Excel.Application\CurVer")


def _registry_has(key: str) -> bool:
    if sys.platform != "win32":
        return False
    import winreg

    root = winreg.HKEY_CLASSES_ROOT if key.startswith("Excel.") else winreg.HKEY_LOCAL_MACHINE
    try:
        winreg.OpenKey(root, key).Close()
    except OSError:
        return False
    return True


def excel_present(platform: str = sys.platform, has_key: Callable[[str], bool] | None = None) -> bool:
    """Whether Microsoft Excel for Windows is installed here (not merely: is this Windows)."""
    if platform != "win32":
        return False
    has_key = has_key or _registry_has
    return any(has_key(k) for k in EXCEL_KEYS)


def check_platform(p: Plan, xlstart_given: bool, platform: str = sys.platform,
                   has_key: Callable[[str], bool] | None = None) -> None:
    if platform == "darwin":
        raise InstallError("“政务公开年报”加载项仅支持 Windows 版 Excel；Mac 上请使用命令行 xlsuite"
                           "（例如 xlsuite excel validate --workbook 工作簿.xlsx）。")
    if not xlstart_given and not excel_present(platform, has_key):
        raise InstallError("这台电脑上没有找到 Windows 版 Microsoft Excel，未安装。安装时将会：\n"
                           + "\n".join(p.lines()) + "\n" + NO_MACROS_ROUTE)


def place_addin(target: Path) -> None:
    """Build the add-in in a staging folder beside XLSTART, then rename it into XLSTART."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".xlsuite-install-", dir=target.parent.parent))
    except OSError as e:
        raise InstallError(f"{target.parent}：无法创建文件夹（{e.strerror or e}）。"
                           "请检查这个文件夹的权限，或请信息中心协助。") from None
    try:
        built = build_addin(staging / ADDIN_NAME)
        os.replace(built, target)
    except PermissionError as e:
        raise InstallError(f"{target}：无法替换，文件正被使用或没有写入权限（{e.strerror or e}）。"
                           f"{QUIT_EXCEL}。") from None
    except OSError as e:
        raise InstallError(f"{target}：无法写入（{e.strerror or e}）。{QUIT_EXCEL}；"
                           "仍然失败时请检查这个文件夹的权限。") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def set_interpreter(conf: Path, interpreter: str, server: bool = False) -> None:
    """xlwings.conf names this Python (and, with ``server``, turns on its persistent server)."""
    try:
        old = winpath.decode(conf.read_bytes()) if conf.exists() else ""
    except UnicodeDecodeError:
        raise InstallError(f"{conf}：无法识别这个文件的编码（既不是 UTF-8 也不是 {winpath.ANSI_NAME}）。"
                           "请检查或删除这个文件后重新安装。") from None
    except OSError as e:
        raise InstallError(f"{conf}：无法读取（{e.strerror or e}）。{QUIT_EXCEL}。") from None
    try:
        text = conf_with(old, INTERPRETER_KEY, interpreter)
        data = winpath.encode(conf_with(text, SERVER_KEY, "True") if server else text)
    except UnicodeEncodeError:
        raise InstallError(f"{conf}：Python 的路径 {interpreter} 含有{winpath.ANSI_NAME}无法表示的字符，"
                           "xlwings 会读不出。请把 Python 装到只含英文字母和数字的文件夹（如 C:\\Python311），"
                           "或在“控制面板 → 区域 → 管理 → 非 Unicode 程序的语言”中选择“中文（简体，中国）”。") from None
    try:
        write_bytes(conf, data)
    except OSError as e:
        raise InstallError(f"{conf}：无法写入（{e.strerror or e}）。{QUIT_EXCEL}；"
                           "仍然失败时请检查这个文件夹的权限。") from None


def install(p: Plan, xlstart_given: bool = False) -> list[str]:
    """Carry out the plan; returns Chinese lines describing what was done. Raises InstallError."""
    check_platform(p, xlstart_given)
    place_addin(p.addin)
    set_interpreter(p.xlwings_conf, p.interpreter, p.server)
    done = [f"已安装加载项：{p.addin}", f"已设置 xlwings 使用的 Python：{p.interpreter}（{p.xlwings_conf}）"]
    if p.server:
        done.append("已设置按钮经 xlwings 常驻的 Python 运行（第一次点击后不再每次启动 Python；"
                    "升级 xlsuite 后请重新启动 Excel）")
    if not (p.xlstart / XLWINGS_ADDIN).exists():
        done.append("注意：还没有安装 xlwings 加载项，请运行 xlwings addin install")
    done.append("请重新启动 Excel，功能区将出现“政务公开年报”选项卡。")
    return done
