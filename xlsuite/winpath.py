"""Windows paths written for programs that read text in the ANSI code page.

xlwings' VBA reads ``xlwings.conf`` with ``Open … For Input`` and ``cmd.exe``
reads batch files: both decode bytes with the system's code page (GBK, code
page 936, on Chinese Windows), not UTF-8. A per-user Python under a Chinese
user name (``C:\\Users\\张伟\\AppData\\Local\\…``) is therefore written the way
both expand it themselves, ``%LOCALAPPDATA%\\…``, which is plain ASCII. Only
where no such form exists is the text encoded in the ANSI code page, as
xlwings' own ``config create`` does.
"""
from __future__ import annotations

import ntpath
import os
import sys
from collections.abc import Mapping

# Per-user folders, the usual homes of a Chinese user name in a path. xlwings expands
# them (WScript.Shell's ExpandEnvironmentStrings), and so does cmd.exe.
USER_FOLDERS = ("LOCALAPPDATA", "APPDATA", "USERPROFILE")

# The ANSI code page: Windows' own codec there; elsewhere (tests, building on Linux) the one
# of Chinese Windows, for which everything here is made.
ANSI = "mbcs" if sys.platform == "win32" else "cp936"
ANSI_NAME = "本机代码页" if sys.platform == "win32" else "GBK（代码页 936）"


def portable(path: str, environ: Mapping[str, str] | None = None) -> str:
    """``path``, or the ASCII ``%VAR%\\rest`` form of it when ``path`` is not ASCII and one exists."""
    if path.isascii():
        return path
    env = os.environ if environ is None else environ
    best = None
    for var in USER_FOLDERS:
        folder = (env.get(var) or "").rstrip("\\/")
        if folder and ntpath.normcase(path).startswith(ntpath.normcase(folder) + "\\"):
            candidate = f"%{var}%{path[len(folder):]}"
            if candidate.isascii() and (best is None or len(candidate) < len(best)):
                best = candidate
    return best or path


def expand(text: str, environ: Mapping[str, str]) -> str:
    """``%VAR%`` expanded as Windows does (names case-insensitive; unknown ones left as they are)."""
    upper = {k.upper(): v for k, v in environ.items()}
    out, i = [], 0
    while i < len(text):
        j = text.find("%", i)
        k = text.find("%", j + 1) if j >= 0 else -1
        if j < 0 or k < 0:
            out.append(text[i:])
            break
        name = text[j + 1:k]
        if name.upper() in upper:
            out.append(text[i:j] + upper[name.upper()])
            i = k + 1
        else:
            out.append(text[i:k])
            i = k
    return "".join(out)


def encode(text: str) -> bytes:
    """ASCII when it is; otherwise the ANSI code page (``UnicodeEncodeError`` if it cannot)."""
    return text.encode("ascii") if text.isascii() else text.encode(ANSI)


def decode(data: bytes) -> str:
    """Text written by us (ASCII), by an older xlsuite (UTF-8) or by xlwings (ANSI code page)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(ANSI)
