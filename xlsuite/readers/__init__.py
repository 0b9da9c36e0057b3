"""Readers: one per kind of source, chosen by the file's content, never by its name.

Each reader turns a file into a ``Document`` (lines and table rows with their
place); ``xlsuite.recognize`` turns any Document into a Report. The standard
workbook is the exception: it already holds keyed values and is read directly.
"""
from __future__ import annotations

import importlib
import os
import zipfile

from ..document import Document
from ..errors import SourceError
from ..model import Report

MAX_BYTES = 200 * 1024 * 1024

# kind -> module holding ``load(path, **options) -> Document`` (or ``read_report`` for workbooks)
MODULES = {
    "pdf": "xlsuite.readers.pdf",
    "docx": "xlsuite.readers.docx",
    "workbook": "xlsuite.readers.workbook",
    "html": "xlsuite.readers.html",
    "markdown": "xlsuite.readers.markdown",
    "text": "xlsuite.readers.text",
    "image": "xlsuite.readers.ocr",
}


def sniff(path: str | os.PathLike) -> str:
    """The kind of source a file holds, from its bytes."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise SourceError(path, "文件不存在", "missing")
    if os.path.isdir(path):
        raise SourceError(path, "这是一个文件夹，不是报告文件", "directory")
    size = os.path.getsize(path)
    if size == 0:
        raise SourceError(path, "文件为空（0 字节）", "empty")
    if size > MAX_BYTES:
        raise SourceError(path, f"文件过大（{size // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）", "too_large")
    try:
        with open(path, "rb") as f:
            head = f.read(256 * 1024)
    except OSError as e:
        raise SourceError(path, f"无法读取文件：{e.strerror or e}", "unreadable") from None
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"  # a scan or a picture of a table: OCR
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise SourceError(path, "压缩包结构损坏，无法作为 Word/Excel 文件打开", "corrupt") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "workbook"
        raise SourceError(path, "这是一个压缩包，但既不是 Word 文档也不是 Excel 工作簿", "unsupported")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(path, "旧版 Office 二进制格式（.doc/.xls）不受支持，请另存为 .docx/.xlsx", "unsupported")
    text = decode(head, path, partial=True)
    low = text.lstrip("\ufeff \t\r\n").lower()
    if low.startswith(("<!doctype html", "<html", "<?xml")) or "<table" in low or "<body" in low or "<p" in low[:200]:
        return "html"
    lines = text.splitlines()
    if any(l.strip().startswith("|") and l.strip().endswith("|") and "---" in l for l in lines) or \
            sum(1 for l in lines if l.strip().startswith("|")) >= 3:
        return "markdown"
    return "text"


def decode(data: bytes, path: str, partial: bool = False) -> str:
    """Text files come as UTF-8 (with or without BOM), or GB18030 from older Windows tools."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(path, "文件是二进制数据，不是文本、网页、PDF 或 Word 报告", "binary")
    for enc in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as e:
            if partial and enc.startswith("utf-8") and e.start >= len(data) - 4 and e.start > 0:
                return data[:e.start].decode(enc)  # a character cut by the sniff window
    raise SourceError(path, "无法识别文本编码（既不是 UTF-8 也不是 GB18030）", "encoding")


def read_text_file(path: str) -> str:
    with open(path, "rb") as f:
        return decode(f.read(), path)


def load_document(path: str | os.PathLike, kind: str | None = None, **options) -> Document:
    path = os.fspath(path)
    kind = kind or sniff(path)
    if kind == "workbook":
        raise SourceError(path, "标准工作簿不经过文本识别，请用 read_report 读取", "workbook")
    module = importlib.import_module(MODULES[kind])
    return module.load(path, **options)


def read_report(path: str | os.PathLike, **options) -> Report:
    """Any supported source to a Report. Raises SourceError with a one-line reason."""
    from ..recognize import recognize

    path = os.fspath(path)
    kind = sniff(path)
    if kind == "workbook":
        module = importlib.import_module(MODULES["workbook"])
        return module.read_report(path, **options)
    doc = load_document(path, kind, **options)
    report = recognize(doc)
    if any(l.confidences for l in doc.lines):
        from ..ocr.review import flag_uncertain

        flag_uncertain(report)
    if not report.sections_found and all(v.value is None for v in report.values.values()):
        raise SourceError(path, "文件中没有找到政府信息公开年度报告的内容（没有“一、总体情况”等标题，也没有表格）", "no_report")
    return report
