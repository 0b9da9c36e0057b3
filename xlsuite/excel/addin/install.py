"""``xlsuite addin install``: put the add-in where Excel loads it and point xlwings at this Python.

Excel opens every workbook in the user's XLSTART folder at start-up; the
xlwings add-in reads the interpreter from ``%USERPROFILE%\\.xlwings\\xlwings.conf``
(lines of ``"KEY","VALUE"``). Only ``INTERPRETER_WIN`` is changed there; other
settings the user has are kept.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ...errors import XlsuiteError
from .package import build_addin

ADDIN_NAME = "xlsuite.xlam"
XLWINGS_ADDIN = "xlwings.xlam"
INTERPRETER_KEY = "INTERPRETER_WIN"


@dataclass(frozen=True)
class Plan:
    xlstart: Path
    addin: Path
    xlwings_conf: Path
    interpreter: str

    def lines(self) -> list[str]:
        return [f"1. 生成加载项并复制到 Excel 启动文件夹：{self.addin}",
                f"2. 在 xlwings 配置 {self.xlwings_conf} 中写入 \"{INTERPRETER_KEY}\",\"{self.interpreter}\"",
                f"3. 检查 xlwings 加载项 {self.xlstart / XLWINGS_ADDIN} 是否已安装（没有则提示运行 xlwings addin install）"]


def plan(appdata: str | None = None, userprofile: str | None = None, interpreter: str | None = None) -> Plan:
    appdata = appdata or os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    userprofile = userprofile or os.environ.get("USERPROFILE") or str(Path.home())
    xlstart = Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    return Plan(xlstart, xlstart / ADDIN_NAME, Path(userprofile) / ".xlwings" / "xlwings.conf",
                interpreter or sys.executable)


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
    """xlwings.conf text with ``key`` set to ``value``, other lines kept in order."""
    entries = [(k, v) for k, v in read_conf(text) if k.upper() != key.upper()]
    entries.append((key, value))
    return "".join(f'"{k}","{v}"\n' for k, v in entries)


def excel_present() -> bool:
    return sys.platform == "win32"


def install(p: Plan) -> list[str]:
    """Carry out the plan; returns Chinese lines describing what was done."""
    if not excel_present():
        raise XlsuiteError("这台电脑不是 Windows，没有可安装加载项的 Excel。安装时将会：\n" + "\n".join(p.lines()))
    p.xlstart.mkdir(parents=True, exist_ok=True)
    build_addin(p.addin)
    p.xlwings_conf.parent.mkdir(parents=True, exist_ok=True)
    old = p.xlwings_conf.read_text(encoding="utf-8") if p.xlwings_conf.exists() else ""
    tmp = p.xlwings_conf.with_suffix(".conf.tmp")
    tmp.write_text(conf_with(old, INTERPRETER_KEY, p.interpreter), encoding="utf-8")
    os.replace(tmp, p.xlwings_conf)
    done = [f"已安装加载项：{p.addin}", f"已设置 xlwings 使用的 Python：{p.interpreter}（{p.xlwings_conf}）"]
    if not (p.xlstart / XLWINGS_ADDIN).exists():
        done.append("注意：还没有安装 xlwings 加载项，请运行 xlwings addin install")
    done.append("请重新启动 Excel，功能区将出现“政务公开年报”选项卡。")
    return done
