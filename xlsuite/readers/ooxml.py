"""Which part of an Office package holds a Word document's body, without loading a library."""
from __future__ import annotations

import re
import zipfile
import zlib

_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>")
_ATTR = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# the main part of a document, a template, and their macro-enabled kinds
_WORD_MAIN = re.compile(rb"application/vnd\.(openxmlformats-officedocument\.wordprocessingml|ms-word)\.[\w.]+\.main\+xml")


def word_main_part(z: zipfile.ZipFile) -> str | None:
    """``word/document.xml``, or the part ``[Content_Types].xml`` declares as a Word main
    document: Office 365 and SharePoint save some files with ``word/document2.xml``, and
    templates (.dotx) and macro-enabled files (.docm) declare their own types. None: not Word."""
    names = set(z.namelist())
    if "word/document.xml" in names:
        return "word/document.xml"
    try:
        with z.open("[Content_Types].xml") as f:
            types = f.read(1 << 20)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return None  # a broken package: not recognisably Word
    for m in _OVERRIDE.finditer(types):
        attrs = {k: a or b for k, a, b in _ATTR.findall(m.group(0))}
        name = attrs.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/")
        if _WORD_MAIN.fullmatch(attrs.get(b"ContentType", b"")) and name in names:
            return name
    return None
