"""Recalculate workbooks with LibreOffice headless: a real spreadsheet engine for tests and tools.

One ``soffice`` call converts many files (start-up dominates: ~1.3 s for one
file, ~0.12 s per file in a batch). LibreOffice keeps the cached results of an
.xlsx by default, so a changed input would keep its old totals: a private
profile sets OOXMLRecalcMode=0 (always recalculate). The profile is private to
this process, which also keeps parallel runs from colliding.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ..errors import XlsuiteError

SOFFICE_CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice")
TIMEOUT_BASE, TIMEOUT_PER_FILE = 120, 10

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""

_lock = threading.Lock()
_profile: Path | None = None


class SofficeMissing(XlsuiteError):
    """LibreOffice is not installed: say how to install it."""


def find_soffice() -> str:
    env = os.environ.get("XLSUITE_SOFFICE")
    for cand in ((env,) if env else ()) + SOFFICE_CANDIDATES:
        found = shutil.which(cand) or (cand if os.path.isfile(cand) and os.access(cand, os.X_OK) else None)
        if found:
            return found
    raise SofficeMissing(
        "找不到 LibreOffice（soffice），无法重新计算工作簿。请安装：apt-get install -y --no-install-recommends "
        "libreoffice-calc-nogui fonts-noto-cjk，或设置环境变量 XLSUITE_SOFFICE 指向 soffice。")


_PROFILE_PREFIX = "xlsuite-lo-"


def _private_profile() -> Path:
    global _profile
    if _profile is None or not _profile.exists():
        _remove_stale_profiles()
        _profile = Path(tempfile.mkdtemp(prefix=f"{_PROFILE_PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, _profile, True)
        (_profile / "user").mkdir()
        (_profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
    return _profile


def _remove_stale_profiles() -> None:
    """Profiles of processes that were killed before their exit handler ran."""
    from ..atomic import process_alive

    base = Path(tempfile.gettempdir())
    for d in base.glob(f"{_PROFILE_PREFIX}*-*"):
        pid = d.name[len(_PROFILE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            shutil.rmtree(d, ignore_errors=True)


def convert(paths: list[Path], outdir: Path, fmt: str) -> None:
    """Run one ``soffice --convert-to fmt`` over ``paths`` into ``outdir``."""
    soffice = find_soffice()
    profile = _private_profile()
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)]
    timeout = TIMEOUT_BASE + TIMEOUT_PER_FILE * len(paths)
    with _lock:  # one soffice per profile at a time
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise XlsuiteError(f"LibreOffice 转换失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-500:]}")


def recalculate(paths, outdir) -> list[Path]:
    """Recalculated copies of ``paths`` in ``outdir`` (same file names), in one soffice call.

    The inputs are never touched; inputs sharing a file name are refused (their
    copies would collide). Raises ``SofficeMissing`` without
    LibreOffice, ``XlsuiteError`` when a copy was not produced.
    """
    paths = [Path(p).resolve() for p in paths]
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    for p in paths:
        if p.parent == outdir:
            raise ValueError(f"outdir {outdir} holds the input {p.name}: the copy would replace it")
        if p.suffix.lower() not in (".xlsx", ".xlsm"):
            raise ValueError(f"{p}: only .xlsx/.xlsm workbooks can be recalculated")
    names = [p.name for p in paths]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"several inputs are named {', '.join(dup)}: their copies would collide in {outdir}")
    out = [outdir / p.name for p in paths]
    for o in out:
        if o.exists():
            o.unlink()
    if paths:
        convert(paths, outdir, "xlsx:Calc Office Open XML")
    missing = [str(o) for o in out if not o.exists()]
    if missing:
        raise XlsuiteError(f"LibreOffice 没有生成重新计算后的文件：{', '.join(missing)}")
    return out
