"""Text going where other programs are strict: workbook cells, mail headers, file names, one-line messages.

A report's text can hold anything its source held: control characters from a
damaged PDF's text layer, U+FFFF, a NUL, a line break inside an agency name, a
right-to-left override that makes ``局\u202excod.exe.xlsx`` display as
``局xsl.exe.docx``. Each destination refuses or misreads different characters;
each has one function here. ``clean_report`` applies the workbook rule to a
whole report and says, in a warning, what it changed.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from . import codes
from .model import Finding, Report, Severity

# A cell starting with one of these is read as a formula by Excel (typed, or opened from CSV).
FORMULA_LEADERS = ("=", "+", "-", "@")
# OWASP adds tab and carriage return for CSV: some programs strip them and read what follows.
CSV_LEADERS = FORMULA_LEADERS + ("\t", "\r")

# XML 1.0 has no place for C0 controls other than tab and line breaks, for U+FFFE/U+FFFF
# or for lone surrogates: openpyxl or lxml refuse them when the workbook is saved.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Characters that change how a line or a name displays without being seen: C0/C1 controls,
# bidirectional overrides and isolates, zero-width characters, line/paragraph separators.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff\ufffe\uffff"
                        "\ud800-\udfff]")
# Windows refuses these in a file name; "/" is a folder separator everywhere.
_NAME_RESERVED = re.compile(r'[\\/:*?"<>|]')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# File systems allow 255 bytes (ext4) or 255 UTF-16 units (NTFS) per name; staying well under
# keeps room for a backup's ".备份-20250131-093000" and for paths under Windows' 260 limit.
MAX_NAME_BYTES = 150


def for_xml(text: str) -> str:
    """Text a workbook cell can hold (openpyxl, lxml and Excel accept it)."""
    return _XML_ILLEGAL.sub("", text)


def for_header(text: str) -> str:
    """One line for a mail header: controls and line breaks become spaces, invisible marks go."""
    text = re.sub("[\r\n\t\v\f\x85\u2028\u2029]+", " ", text)
    return " ".join(_INVISIBLE.sub("", text).split())


def printable(text: str) -> str:
    """A file name or path as it may appear inside a one-line message: invisible characters escaped."""
    return _INVISIBLE.sub(lambda m: m.group(0).encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def csv_text(text: str | None) -> str:
    """A text field of a CSV that Excel and LibreOffice open as text, never as a formula (OWASP):
    a leading = + - @ tab or CR gets a ``'`` before it. Number fields are written as they are."""
    if not text:
        return ""
    return "'" + text if text.startswith(CSV_LEADERS) else text


# The same rule for a whole text column (pyarrow compute, RE2 syntax).
CSV_LEADER_PATTERN = "^([=+\\-@\t\r])"


def for_filename(stem: str, suffix: str = "") -> str:
    """``stem + suffix`` safe as a file name on Windows, macOS and Linux.

    Invisible and control characters are removed, reserved ones become ``_``,
    Windows device names get a ``_`` prefix, and a stem too long is shortened,
    ending in a hash of the whole so that two long names stay different.
    """
    name = _NAME_RESERVED.sub("_", _INVISIBLE.sub("", stem)).strip(" .")
    name = re.sub(r"_{2,}", "_", name) or "_"
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = "_" + name
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    if len(name.encode("utf-8")) > room:
        tag = "~" + hashlib.sha1(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        keep = name.encode("utf-8")[:room - len(tag)].decode("utf-8", "ignore").rstrip(" .")
        name = keep + tag
    return name + suffix


def clean_report(report: Report) -> Report:
    """The report with every text a workbook stores made safe for it; the input is not changed.

    When anything was removed, the copy carries a warning naming where.
    """
    where: list[str] = []
    meta = report.meta
    changes: dict[str, Any] = {}
    for field, label in (("agency", "机关名称"), ("source", "来源文件名")):
        v = getattr(meta, field)
        if isinstance(v, str) and for_xml(v) != v:
            changes[field] = for_xml(v)
            where.append(label)
    narrative = {}
    for sid, text in report.narrative.items():
        clean = for_xml(text)
        if clean != text and "叙述文字" not in where:
            where.append("叙述文字")
        narrative[sid] = clean
    warnings = [replace(w, message=for_xml(w.message)) if for_xml(w.message) != w.message else w
                for w in report.warnings]
    if not where and warnings == report.warnings:
        return report
    out = replace(report, meta=replace(meta, **changes), narrative=narrative, warnings=warnings)
    if where:
        out.warnings = out.warnings + [Finding(
            codes.CONTROL_CHARACTERS, f"{'、'.join(where)}中含有 Excel 无法保存的控制字符，已删除；请核对原文",
            Severity.WARNING)]
    return out
