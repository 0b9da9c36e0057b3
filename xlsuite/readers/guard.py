"""The readers' budgets, enforced (``xlsuite.limits`` declares them).

Every check runs before the expensive step it protects: a ZIP member's size is
read from the archive's directory before it is inflated (Python's ``zipfile``
never inflates past the declared size), a PDF's compressed streams are inflated
here with a cap before pdfium sees them, a picture's size is read from its
header before it is decoded. Over a budget: ``SourceError`` with one line naming
the file, the measure and the limit, and how to raise it.
"""
from __future__ import annotations

import mmap
import os
import re
import signal
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..document import Document, Line
from ..errors import SourceError
from ..limits import Limits, mb
from ..model import Finding, Severity

if TYPE_CHECKING:
    import zipfile

TOO_LARGE, TOO_SLOW = "too_large", "too_slow"
KIND_NAMES = {"pdf": "PDF", "docx": "Word 文档", "workbook": "Excel 工作簿", "html": "网页", "markdown": "Markdown 文本",
              "text": "文本文件", "image": "图片"}


def over(path: str, what: str, limit_name: str, limit: str, code: str = TOO_LARGE) -> SourceError:
    """The one wording of an exceeded budget."""
    return SourceError(path, f"{what}，超过上限 {limit}（如确属正常，可在 xlsuite.toml 的 [limits] 中调大 {limit_name}）",
                       code)


def check_size(path: str, kind: str, limits: Limits) -> None:
    size = os.path.getsize(path)
    cap = limits.file_bytes(kind)
    if size > cap:
        name = {"markdown": "text", "text": "text"}.get(kind, kind)
        raise over(path, f"{KIND_NAMES.get(kind, '文件')}过大（{mb(size)}）", f"{name}_mb", mb(cap))


# --- time ------------------------------------------------------------------------------------------


class BudgetTimeout(BaseException):
    """Raised inside a reader when its time is up. A BaseException, so that a library's
    ``except Exception`` cannot swallow it; ``deadline`` turns it into a SourceError."""


_active = threading.local()


@contextmanager
def deadline(path: str, seconds: int) -> Iterator[None]:
    """Raise SourceError(too_slow) when the block has used ``seconds`` of CPU time.

    CPU time, not the clock: a busy machine (two cores shared by a whole office)
    slows a file down without making it hostile. A profiling timer interrupts
    Python code (regular expressions included); native code is interrupted when it
    returns. OCR adds its allowance per page (``allow_more``). Only the main thread
    receives signals: elsewhere, and inside an outer deadline, this does nothing
    (the batch's worker boundary stops a stuck process from outside).
    """
    if (threading.current_thread() is not threading.main_thread() or getattr(_active, "on", False)
            or not hasattr(signal, "setitimer")):
        yield
        return

    def ring(_signum, _frame):
        if getattr(_active, "on", False):
            _active.on = False
            raise BudgetTimeout()

    previous = signal.signal(signal.SIGPROF, ring)
    _active.on, _active.limit = True, seconds
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    except BudgetTimeout:
        limit = _active.limit
        raise over(path, f"读取用去的处理器时间超过 {limit} 秒", "seconds", f"{limit} 秒", TOO_SLOW) from None
    finally:
        _active.on = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def allow_more(seconds: float) -> None:
    """Extend the running deadline (OCR: so many seconds per page to recognise)."""
    if getattr(_active, "on", False) and threading.current_thread() is threading.main_thread():
        remaining, _ = signal.getitimer(signal.ITIMER_PROF)
        signal.setitimer(signal.ITIMER_PROF, remaining + seconds)
        _active.limit += int(seconds)


# --- ZIP containers (docx, xlsx) ----------------------------------------------------------------------

_EOCD, _EOCD64 = b"PK\x05\x06", b"PK\x06\x06"
# The archive's directory: about 100 bytes an entry; a Word or Excel file has tens to hundreds.
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024


def _directory_size(path: str) -> int | None:
    """The size of a ZIP's central directory from its end record, before ``zipfile`` reads it all."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(max(0, size - 65_557))
        tail = f.read()
    at = tail.rfind(_EOCD)
    if at < 0:
        return None
    cd_size = struct.unpack_from("<I", tail, at + 12)[0]
    if cd_size == 0xFFFFFFFF:
        at64 = tail.rfind(_EOCD64, 0, at)
        if at64 >= 0 and at64 + 48 <= len(tail):
            cd_size = struct.unpack_from("<Q", tail, at64 + 40)[0]
    return cd_size


def open_zip(path: str, limits: Limits) -> zipfile.ZipFile:
    """The archive, after its members' inflated sizes are checked against the budgets."""
    import zipfile  # a text report opens no archive

    cd = _directory_size(path)
    if cd is not None and cd > MAX_DIRECTORY_BYTES:
        raise over(path, f"压缩包目录过大（{mb(cd)}，条目过多）", "unzipped_total_mb", mb(MAX_DIRECTORY_BYTES))
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise SourceError(path, f"压缩包结构损坏，无法作为 Word/Excel 文件打开（{type(e).__name__}）", "corrupt") from None
    try:
        check_members(path, z.infolist(), limits)
    except BaseException:
        z.close()
        raise
    return z


def check_members(path: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    member_cap, total_cap = limits.unzipped_member_mb * 1024 * 1024, limits.unzipped_total_mb * 1024 * 1024
    total = 0
    for info in infos:
        if info.file_size > member_cap:
            raise over(path, f"压缩包中的 {info.filename[:80]} 解压后过大（{mb(info.file_size)}）",
                       "unzipped_member_mb", mb(member_cap))
        total += info.file_size
    if total > total_cap:
        raise over(path, f"压缩包解压后总计过大（{mb(total)}）", "unzipped_total_mb", mb(total_cap))


def check_xml_elements(path: str, z: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Elements of an XML member, counted by their start tags while streaming it (before a tree is built)."""
    import zipfile

    n = 0
    try:
        with z.open(name) as f:
            while chunk := f.read(1 << 20):
                n += chunk.count(b"<") - chunk.count(b"</")
                if n > limits.xml_elements:
                    raise over(path, f"{name} 中的 XML 元素过多（超过 {limits.xml_elements:,} 个）", "xml_elements",
                               f"{limits.xml_elements:,} 个")
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return  # a missing or broken member: the reader says so in its own words


def check_xlsx_for_openpyxl(path: str, limits: Limits) -> None:
    """Before a whole workbook is loaded (openpyxl keeps every cell as an object): the archive's
    sizes, then the cells of all sheets counted while streaming them."""
    with open_zip(path, limits) as z:
        n = 0
        for info in z.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with z.open(info) as f:
                tail = b""
                while chunk := f.read(1 << 20):
                    block = tail + chunk
                    n += block.count(b"<c ") + block.count(b"<c>")
                    tail = block[-2:] if not block.endswith((b"<c ", b"<c>")) else b""
            if n > limits.xlsx_cells:
                raise over(path, f"工作簿单元格过多（超过 {limits.xlsx_cells:,} 个）", "xlsx_cells",
                           f"{limits.xlsx_cells:,} 个")


# --- PDF -------------------------------------------------------------------------------------------------

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE_DICT = re.compile(rb"/Subtype\s*/Image")
_CHUNK = 1 << 16


def _inflated_size(data, start: int, cap: int) -> int:
    """Bytes a Flate stream starting at ``start`` inflates to, counting no further than ``cap + 1``."""
    d = zlib.decompressobj()
    out = 0
    pos = start
    end = len(data)
    try:
        while (pos < end or d.unconsumed_tail) and not d.eof and out <= cap:
            chunk = d.unconsumed_tail or data[pos:pos + _CHUNK]
            if not d.unconsumed_tail:
                pos += len(chunk)
            out += len(d.decompress(chunk, _CHUNK * 16))
    except zlib.error:
        pass  # the end of a damaged stream: what inflated so far counts
    return out


def check_pdf_streams(path: str, limits: Limits) -> None:
    """Inflate every Flate stream of a PDF with a cap: a stream bomb is refused before pdfium parses it.

    Pictures are counted against the picture budget (they are decoded one page at a
    time, when a page is rendered); other streams (page contents, fonts, object
    streams) against the unzipped budgets.
    """
    member_cap, total_cap = limits.unzipped_member_mb * 1024 * 1024, limits.unzipped_total_mb * 1024 * 1024
    image_cap = limits.image_pixels * 4
    total = 0
    with open(path, "rb") as f:
        try:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file: sniff refused it already
            return
    with data:
        for m in _STREAM.finditer(data):
            at = m.end()
            if at + 1 >= len(data) or data[at] & 0x0F != 8 or (data[at] * 256 + data[at + 1]) % 31:
                continue  # no zlib header: another filter, or not compressed
            obj = data.rfind(b"obj", max(0, m.start() - 4096), m.start())
            is_image = bool(_IMAGE_DICT.search(data, max(0, obj, m.start() - 4096), m.start()))
            cap = image_cap if is_image else min(member_cap, total_cap - total)
            size = _inflated_size(data, at, cap)
            if size > cap:
                if is_image:
                    raise over(path, "PDF 中的一张图片解压后过大（超过 " + mb(cap) + "）", "image_pixels",
                               f"{limits.image_pixels:,} 像素")
                if total + size > total_cap:
                    raise over(path, "PDF 的压缩内容解压后总计过大", "unzipped_total_mb", mb(total_cap))
                raise over(path, "PDF 中的一段压缩内容解压后过大（超过 " + mb(cap) + "）", "unzipped_member_mb",
                           mb(member_cap))
            if not is_image:
                total += size


def check_pages(path: str, sizes: list[tuple[float, float]], limits: Limits) -> None:
    """Page count and page area, from pdfium's page sizes (points)."""
    if len(sizes) > limits.pdf_pages:
        raise over(path, f"PDF 共 {len(sizes)} 页", "pdf_pages", f"{limits.pdf_pages} 页")
    for n, (w, h) in enumerate(sizes, start=1):
        if w * h > limits.page_area_pt2:
            raise over(path, f"第 {n} 页尺寸过大（{w:.0f} × {h:.0f} 点，约 {w / 72 * 2.54:.0f} × {h / 72 * 2.54:.0f} 厘米）",
                       "page_area_pt2", f"{limits.page_area_pt2:,} 平方点（约 A0 幅面）")


def check_ocr_pages(path: str, pages: list[int], limits: Limits) -> None:
    if len(pages) > limits.ocr_pages:
        raise over(path, f"需要文字识别（OCR）的页面有 {len(pages)} 页", "ocr_pages", f"{limits.ocr_pages} 页")


def ocr_scale(width_pt: float, height_pt: float, scale: float, limits: Limits) -> float:
    """The rendering scale, lowered when the page would exceed the OCR pixel budget."""
    pixels = width_pt * height_pt * scale * scale
    if pixels <= limits.ocr_pixels:
        return scale
    return scale * (limits.ocr_pixels / pixels) ** 0.5


# --- pictures ----------------------------------------------------------------------------------------------


def check_image(path: str, limits: Limits) -> tuple[int, int]:
    """A picture's size from its header, refused over the pixel budget before it is decoded."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = limits.image_pixels  # PIL's own guard, set on purpose for everything else
    try:
        with Image.open(path) as im:
            w, h = im.size
    except Image.DecompressionBombError:
        raise over(path, "图片像素过多", "image_pixels", f"{limits.image_pixels:,} 像素") from None
    except (OSError, ValueError, SyntaxError) as e:
        raise SourceError(path, f"图片文件损坏或格式无法识别（{type(e).__name__}）", "corrupt") from None
    if w * h > limits.image_pixels:
        raise over(path, f"图片过大（{w} × {h} 像素）", "image_pixels", f"{limits.image_pixels:,} 像素")
    return w, h


# --- HTML ----------------------------------------------------------------------------------------------------

_START_TAG = re.compile(r"<[A-Za-z]")


def check_html_nodes(path: str, html: str, limits: Limits) -> None:
    """Elements counted by their start tags, before the page is parsed into a tree."""
    n = sum(1 for _ in _START_TAG.finditer(html))
    if n > limits.html_nodes:
        raise over(path, f"网页元素过多（{n:,} 个）", "html_nodes", f"{limits.html_nodes:,} 个")


def html_too_deep(path: str, limits: Limits) -> SourceError:
    return over(path, "网页元素嵌套过深", "html_depth", f"{limits.html_depth:,} 层")


# --- text handed to the recognisers ----------------------------------------------------------------------------

_BREAKS = "。；;！？!?，,、 "


def bound_lines(doc: Document, limits: Limits) -> None:
    """Split text lines longer than ``line_chars`` (at a sentence end where one is near) and cut
    table cells to that length, so that no pattern meets an unbounded line; a note says so."""
    cap = limits.line_chars
    if not any(len(ln.text) > cap for ln in doc.lines):
        return
    out: list[Line] = []
    split = cut = 0
    for ln in doc.lines:
        if len(ln.text) <= cap:
            out.append(ln)
        elif ln.cells is not None:
            cells = [c[:cap] for c in ln.cells]
            cut += sum(1 for c in ln.cells if len(c) > cap)
            row = Line.row(cells, ln.page, ln.line, confidences=ln.confidences)
            row.text = row.text[:cap * 2]
            out.append(row)
        else:
            split += 1
            text = ln.text
            while text:
                piece = text[:cap]
                if len(text) > cap:
                    at = max(piece.rfind(ch) for ch in _BREAKS)
                    if at > cap // 2:
                        piece = text[:at + 1]
                out.append(Line(piece, None, ln.page, ln.line, ln.confidences))
                text = text[len(piece):]
    doc.lines[:] = out
    if split:
        doc.notes.append(Finding("long_lines", f"有 {split} 行文字超过 {cap:,} 字，已按句分开识别", Severity.INFO))
    if cut:
        doc.notes.append(Finding("long_cells", f"有 {cut} 个表格单元格超过 {cap:,} 字，只识别了前 {cap:,} 字", Severity.WARNING))
