"""The typefaces of a government document, or the nearest installed fallback.

党政机关公文格式 (GB/T 9704-2012) sets the title in 方正小标宋 (二号), headings in
黑体 (三号) and the body in 仿宋_GB2312 (三号). A document names its fonts; the
machine that renders it (LibreOffice for the PDF, Word at the agency)
substitutes any it lacks, so the official font is named only where it is
installed, and a free CJK font otherwise: Noto Serif CJK SC for the title and
body, Noto Sans CJK SC for headings (Debian/Ubuntu: ``fonts-noto-cjk``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Role:
    official: tuple[str, ...]  # names to write, best first, as the document should name them
    aliases: dict[str, tuple[str, ...]]  # other names the same font is installed under
    fallback: str
    fallback_bold: bool = False  # the fallback needs bold to look like the official face


ROLES: dict[str, Role] = {
    "title": Role(("方正小标宋简体", "方正小标宋_GBK"),
                  {"方正小标宋简体": ("FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"),
                   "方正小标宋_GBK": ("FZXiaoBiaoSong-B05",)},
                  "Noto Serif CJK SC", fallback_bold=True),
    "heading": Role(("黑体",), {"黑体": ("SimHei",)}, "Noto Sans CJK SC"),
    "body": Role(("仿宋_GB2312", "仿宋"),
                 {"仿宋_GB2312": ("FangSong_GB2312",), "仿宋": ("FangSong",)},
                 "Noto Serif CJK SC"),
}


@dataclass(frozen=True)
class Face:
    name: str
    bold: bool = False
    official: bool = True


@dataclass(frozen=True)
class Fonts:
    title: Face
    heading: Face
    body: Face

    def describe(self) -> dict[str, str]:
        return {role: getattr(self, role).name for role in ROLES}


def choose(installed: set[str]) -> Fonts:
    """The face for each role given the installed family names."""
    faces = {}
    for role_id, role in ROLES.items():
        face = None
        for name in role.official:
            if name in installed or any(a in installed for a in role.aliases.get(name, ())):
                face = Face(name)
                break
        faces[role_id] = face or Face(role.fallback, role.fallback_bold, official=False)
    return Fonts(**faces)


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font family names this machine has (fontconfig; on Windows the registry's font list)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return frozenset(_windows_families())
    fc = shutil.which("fc-list")
    if not fc:
        return frozenset()
    try:
        out = subprocess.run([fc, ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def _windows_families() -> set[str]:  # pragma: no cover - Windows only
    names: set[str] = set()
    if sys.platform != "win32":
        return names
    import winreg

    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            key = winreg.OpenKey(hive, r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts")
        except OSError:
            continue
        with key:
            i = 0
            while True:
                try:
                    value_name = winreg.EnumValue(key, i)[0]
                except OSError:
                    break
                i += 1
                # "SimHei & 黑体 (TrueType)", "FangSong (TrueType)"
                base = value_name.rsplit(" (", 1)[0]
                names.update(part.strip() for part in base.split("&") if part.strip())
    windir = os.environ.get("WINDIR", r"C:\Windows")
    files = {f.lower() for f in os.listdir(os.path.join(windir, "Fonts"))} if os.path.isdir(windir) else set()
    for file_name, family in (("simhei.ttf", "SimHei"), ("simfang.ttf", "FangSong")):
        if file_name in files:
            names.add(family)
    return names


def resolve() -> Fonts:
    """The faces for this machine."""
    return choose(set(installed_families()))
