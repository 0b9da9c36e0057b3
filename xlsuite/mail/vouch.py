"""What ``send`` will not vouch for: a workbook that carries more than the standard workbook does.

A message subject says 已校验: the office above trusts the attachment. The
relations say nothing about code or links riding along, so a workbook holding
any of these is refused unless the sender insists (``--force``), and then the
subject says what it carries:

- macros (``xl/vbaProject.bin``, or a macro-enabled workbook renamed .xlsx);
- external links (a formula reaching into ``\\\\host\\share\\x.xlsx`` on opening);
- ActiveX controls or embedded objects;
- hidden sheets the standard layout does not have (its only one is a roll-up
  total's 看板数据).

Pure: bytes in, Chinese phrases out.
"""
from __future__ import annotations

import io
import re
import zipfile

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^<>]*>")  # [^<>]: linear, a tag holds no <
_ATTR = re.compile(rb'\b(name|state)="([^"]*)"')


def standard_hidden_sheets() -> set[str]:
    from ..rollup.dashboard import HELPER

    return {HELPER}


def concerns(data: bytes) -> list[str]:
    """What the workbook carries beyond the standard layout, as short phrases (empty: nothing)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = set(z.namelist())
        types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        book = z.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        return []  # reading the workbook has already failed with its own message
    out: list[str] = []
    if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
        out.append("含宏")
    if any(n.startswith("xl/externalLinks/") for n in names):
        out.append("含外部链接")
    if any(n.startswith(("xl/activeX/", "xl/embeddings/")) for n in names):
        out.append("含控件或嵌入对象")
    hidden = []
    for tag in _SHEET.findall(book[:4_000_000]):
        attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
        if attrs.get("state") in ("hidden", "veryHidden") and attrs.get("name") not in standard_hidden_sheets():
            hidden.append(attrs.get("name", "?"))
    if hidden:
        out.append("含隐藏工作表“" + "、".join(hidden[:3]) + "”")
    return out
