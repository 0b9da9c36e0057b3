"""Readers: one per kind of source, chosen by the file's content, never by its name.

Each reader turns a file into a ``Document`` (lines and table rows with their
place); ``xlsuite.recognize`` turns any Document into a Report. The standard
workbook is the exception: it already holds keyed values and is read directly.

Reading stays within the budgets of ``xlsuite.limits`` (``readers.guard``), and
whatever goes wrong inside a library comes out as a ``SourceError``: one line
naming the file and the reason (``library_errors``). How to read (OCR mode,
budgets …) is one ``ReadOptions``, resolved at the entry points and passed down
as it is; ``on_progress(done, total)`` reports pages of long work (OCR).
"""
from __future__ import annotations

import importlib
import logging
import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..errors import SourceError, XlsuiteError
from ..limits import Limits, current as current_limits
from ..model import Report, Value
from . import guard, ooxml
from .options import ReadOptions

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# kind -> module holding ``load(path, options, on_progress) -> Document``
# (``read_report(path, options)`` for workbooks)
MODULES = {
    "pdf": "xlsuite.readers.pdf",
    "docx": "xlsuite.readers.docx",
    "workbook": "xlsuite.readers.workbook",
    "html": "xlsuite.readers.html",
    "markdown": "xlsuite.readers.markdown",
    "text": "xlsuite.readers.text",
    "image": "xlsuite.readers.ocr",
}


def sniff(path: str | os.PathLike, limits: Limits | None = None) -> str:
    """The kind of source a file holds, from its bytes; refused when over its size budget."""
    path = os.fspath(path)
    limits = limits or current_limits()
    kind = _sniff(path, limits)
    guard.check_size(path, kind, limits)
    return kind


def _sniff(path: str, limits: Limits) -> str:
    if not os.path.exists(path):
        raise SourceError(path, "文件不存在", "missing")
    if os.path.isdir(path):
        raise SourceError(path, "这是一个文件夹，不是报告文件", "directory")
    size = os.path.getsize(path)
    if size == 0:
        raise SourceError(path, "文件为空（0 字节）", "empty")
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
        with guard.open_zip(path, limits) as z:  # a zip bomb stops here, before anything is inflated
            names = set(z.namelist())
            main = ooxml.word_main_part(z)
            if main:
                guard.check_xml_elements(path, z, main, limits)
        if main:
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


def load_document(path: str | os.PathLike, kind: str | None = None,
                  options: ReadOptions | Mapping[str, Any] | None = None, *, on_progress: Progress | None = None,
                  **overrides: Any) -> Document:
    """The lines of a report source (not a workbook). ``overrides`` are ReadOptions fields."""
    options = _with_budgets(ReadOptions.resolve(options, **overrides))
    path = os.fspath(path)
    limits = options.budgets()
    with guard.deadline(path, limits.seconds), library_errors(path):
        kind = kind or sniff(path, limits)
        if kind == "workbook":
            raise SourceError(path, "标准工作簿不经过文本识别，请用 read_report 读取", "workbook")
        module = importlib.import_module(MODULES[kind])
        doc = module.load(path, options, on_progress)
        guard.bound_lines(doc, limits)
        return doc


def _with_budgets(options: ReadOptions) -> ReadOptions:
    """The options with their budgets settled (``xlsuite.limits.current()`` when none were given)."""
    return options if options.limits is not None else replace(options, limits=current_limits())


def read_report(path: str | os.PathLike, options: ReadOptions | Mapping[str, Any] | None = None, *,
                on_progress: Progress | None = None, **overrides: Any) -> Report:
    """Any supported source to a Report. Raises SourceError with a one-line reason.

    ``options``: a ReadOptions (or a mapping of its fields); ``overrides`` are its
    fields as keywords (``ocr="never"``). An unknown option raises ``OptionError``.
    Reading stays within ``options.limits`` (default: ``xlsuite.limits.current()``);
    over one, or when the file's time is up, the SourceError names the limit.
    """
    from ..recognize import recognize

    path = os.fspath(path)
    options = _with_budgets(ReadOptions.resolve(options, **overrides))
    limits = options.budgets()
    with guard.deadline(path, limits.seconds), library_errors(path):
        kind = sniff(path, limits)
        if kind == "workbook":
            module = importlib.import_module(MODULES["workbook"])
            report = module.read_report(path, options)
        else:
            doc = load_document(path, kind, options, on_progress=on_progress)
            report = recognize(doc)
            if any(l.confidences for l in doc.lines):
                from ..ocr.review import flag_uncertain

                flag_uncertain(report)
            if not report.sections_found and all(v.value is None for v in report.values.values()):
                raise SourceError(path, "文件中没有找到政府信息公开年度报告的内容（没有“一、总体情况”等标题，也没有表格）",
                                  "no_report")
        bound_values(report)
    return report


# No count or amount of an annual report comes near this; a longer number is a misread.
MAX_ABS_VALUE = 10 ** 15


def bound_values(report: Report) -> None:
    """Values no report can hold (a 400-digit number, infinity) become blank, with a warning."""
    for key, v in report.values.items():
        x = v.value
        if x is None or isinstance(x, bool):
            continue
        if (isinstance(x, float) and not math.isfinite(x)) or abs(x) >= MAX_ABS_VALUE:
            digits = len(str(int(x))) if isinstance(x, int) else None
            shown = f"{digits} 位数字" if digits else str(x)
            report.values[key] = Value(None, v.provenance)
            report.warn("value_out_of_range", f"{key}：数值过大（{shown}），不可能是年报中的数字，按空白处理，请核对原文",
                        key=key)


@contextmanager
def library_errors(path: str) -> Iterator[None]:
    """Whatever a library raises while reading ``path`` becomes one SourceError line.

    The traceback goes to the log (``logging``), not to the screen.
    """
    try:
        yield
    except XlsuiteError:
        raise
    except MemoryError:
        raise SourceError(path, "读取时内存不足（文件内容过大或结构异常）", guard.TOO_LARGE) from None
    except RecursionError:
        raise SourceError(path, "文件结构嵌套过深，无法读取", "corrupt") from None
    except Exception as e:  # noqa: BLE001 - pdfminer, calamine, lxml, zlib … each raise their own types
        log.warning("reading %s failed", path, exc_info=True)
        name = type(e).__name__ if type(e).__name__ != "error" else f"{type(e).__module__}.error"  # zlib.error
        raise SourceError(path, f"文件已损坏或格式异常，无法读取（{name}）", "corrupt") from None


if TYPE_CHECKING:
    from .batch import read_many, read_one


def __getattr__(name: str) -> Any:
    """``read_many`` and ``read_one`` (``batch``), loaded on first use: the process pool they
    may start is not what reading one file needs."""
    if name in ("read_many", "read_one"):
        from . import batch

        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
