"""Scanned reports and images of tables: OCR words into the shared layout reconstruction.

Images (PNG, JPEG …) are read here directly; the PDF reader calls
``scanned_page_words`` for the pages that need OCR (``--ocr auto``: pages
without a text layer; ``always``: every page), so a scanned PDF and a text PDF
become the same kind of Document. Every OCR'd cell keeps its confidence.

The mode (``ReadOptions.ocr``: ``auto``, ``never``, ``always``) and the
rendering resolution (``ReadOptions.ocr_dpi``) come resolved from the caller;
``on_progress(done, total)`` hears of each page or picture read.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import unquote

from .. import codes
from ..document import Document
from ..errors import SourceError
from ..layout import read_words
from ..limits import Limits
from ..model import Finding, Severity
from ..text import listing
from ..ocr import INSTALL_HINT, available
from . import guard
from .options import ReadOptions

Progress = Callable[[int, int], None]


def load(path: str, options: ReadOptions | None = None, on_progress: Progress | None = None) -> Document:
    """An image file holding a report page or a table."""
    options = options or ReadOptions()
    limits = options.budgets()
    guard.check_image(path, limits)
    if options.ocr == "never":
        raise SourceError(path, "这是图片文件，需要文字识别（OCR）才能读取，但本次设定为不做文字识别", "ocr_off")
    require_engine(path, "这是图片文件，需要文字识别（OCR）才能读取")
    guard.allow_more(limits.ocr_seconds_per_page)
    from ..ocr.pages import image_words

    try:
        words = image_words(path, max_pixels=limits.ocr_pixels)
    except (OSError, ValueError, SyntaxError) as e:  # PIL's ways of saying "not a readable image"
        raise SourceError(path, f"图片文件损坏或格式无法识别（{type(e).__name__}）", "corrupt") from None
    if on_progress is not None:
        on_progress(1, 1)
    doc = Document(path, "image", read_words([words]), pages=1)
    doc.notes.append(ocr_note(path, [1]))
    return doc


def scanned_page_words(path: str, pages: list[int], options: ReadOptions,
                       on_progress: Progress | None = None) -> dict[int, list[dict]]:
    """OCR words (text, x0, x1, top, bottom in PDF points, confidence) of 1-based PDF pages.

    The PDF reader's hook: it feeds these words to the same layout functions as
    the words of its text pages.
    """
    from ..ocr.pages import DEFAULT_DPI, pdf_page_words

    limits = options.budgets()
    return pdf_page_words(path, pages, dpi=options.ocr_dpi or DEFAULT_DPI, on_progress=on_progress,
                          scale_for=lambda w, h, scale: guard.ocr_scale(w, h, scale, limits))


def require_engine(path: str, what: str) -> None:
    """Raise the scanned-document error naming the extra to install, when OCR is missing."""
    if not available():
        raise SourceError(path, f"{what}；本机未安装文字识别组件，请先安装：{INSTALL_HINT}", "scanned")


def scanned_reason(pages: int) -> str:
    """The PDF reader's message for a scan it cannot OCR (no extra, or OCR turned off)."""
    return f"这是扫描件（共 {pages} 页，没有文字层），需要先做文字识别（OCR）才能读取"


def ocr_note(path: str, pages: list[int]) -> Finding:
    return Finding(codes.OCR_PAGES, f"第 {listing(pages)} 页没有文字层，已用文字识别（OCR）读取，数字请以勾稽校验和核对提示为准",
                   Severity.INFO)




def plan_pages(path: str, text_chars: list[int], mode: str = "auto") -> tuple[list[int], list[Finding]]:
    """Which 1-based pages of a PDF to OCR, from each page's count of text-layer characters.

    Raises the "scanned" SourceError when no page has text and OCR cannot run, the
    "ocr_off" one when it may not (mode ``never``). A partly scanned file without the
    extra is read as far as it has text, with a note naming the pages left unread.
    """
    bare = [n for n, chars in enumerate(text_chars, start=1) if not chars]
    if mode == "never" or (mode == "auto" and not bare):
        if len(bare) == len(text_chars):
            raise SourceError(path, scanned_reason(len(text_chars)) + "，但本次设定为不做文字识别", "ocr_off")
        return [], []
    if mode == "always":
        require_engine(path, f"设定为每页都做文字识别（共 {len(text_chars)} 页）")
        return list(range(1, len(text_chars) + 1)), []
    if not available():
        if len(bare) == len(text_chars):
            require_engine(path, scanned_reason(len(text_chars)))
        return [], [Finding(codes.OCR_UNAVAILABLE,
                            f"第 {listing(bare)} 页没有文字层（可能是扫描页），未安装文字识别组件，"
                            f"这些页未读取；安装：{INSTALL_HINT}", Severity.WARNING)]
    return bare, []


# Pictures smaller than this on both sides are icons and logos, not tables.
_MIN_TABLE_IMAGE_PX = 200


def read_page_images(doc: Document, path: str, refs: list[tuple[int, str]], options: ReadOptions,
                     on_progress: Progress | None = None) -> None:
    """OCR the pictures of a saved web page that sit next to it, in place.

    ``refs`` are (index in ``doc.lines``, ``src``) of its ``<img>`` elements; the
    lines read from each local picture go in at its place, so a table published
    as a picture lands under its heading like a table printed as text. Only
    pictures inside the page's own folder are read: a page cannot make xlsuite
    read a file elsewhere (``../``, an absolute path, a link out of the folder).
    """
    limits = options.budgets()
    files: list[tuple[int, str]] = []
    outside: list[str] = []
    too_big: list[str] = []
    for pos, src in refs:
        f = _local_image(path, src)
        if f is None:
            continue
        if not _inside(f, os.path.dirname(os.path.abspath(path))):
            outside.append(src)
        elif not _within_budget(f, limits):
            too_big.append(os.path.basename(f))
        else:
            files.append((pos, f))
    if outside:
        doc.notes.append(Finding(codes.IMAGE_OUTSIDE, f"网页引用了页面所在文件夹以外的 {len(outside)} 张图片"
                                                      f"（如 {outside[0][:60]}），未读取", Severity.WARNING))
    if too_big:
        doc.notes.append(Finding(codes.IMAGE_TOO_LARGE, f"网页旁的图片 {'、'.join(too_big[:3])} 过大"
                                                        f"（超过 {limits.image_pixels:,} 像素），未读取", Severity.WARNING))
    if len(files) > limits.ocr_pages:
        raise guard.over(path, f"网页中需要文字识别的图片有 {len(files)} 张", "ocr_pages", f"{limits.ocr_pages} 张")
    if not files or options.ocr == "never":
        return
    if not available():
        doc.notes.append(Finding(codes.OCR_UNAVAILABLE, f"网页旁有 {len(files)} 张图片（可能是以图片发布的表格），"
                                                    f"未安装文字识别组件，未读取；安装：{INSTALL_HINT}", Severity.WARNING))
        return
    from ..ocr.pages import image_words

    guard.allow_more(len(files) * limits.ocr_seconds_per_page)
    read: list[tuple[int, list]] = []
    for done, (pos, f) in enumerate(files, start=1):
        lines = read_words([image_words(f, max_pixels=limits.ocr_pixels)])
        for ln in lines:
            ln.page = None
        read.append((pos, lines))
        if on_progress is not None:
            on_progress(done, len(files))
    for pos, lines in reversed(read):
        doc.lines[pos:pos] = lines
    for n, ln in enumerate(doc.lines, start=1):
        ln.line = n
    names = "、".join(os.path.basename(f) for _, f in files[:5]) + ("……" if len(files) > 5 else "")
    doc.notes.append(Finding(codes.OCR_IMAGES, f"网页中的 {len(files)} 张图片已用文字识别（OCR）读取：{names}；"
                                           "数字请以勾稽校验和核对提示为准", Severity.INFO))


def _inside(f: str, folder: str) -> bool:
    real, base = os.path.realpath(f), os.path.realpath(folder)
    try:
        return os.path.commonpath([real, base]) == base
    except ValueError:  # different drives (Windows)
        return False


def _within_budget(f: str, limits: Limits) -> bool:
    try:
        guard.check_image(f, limits)
    except SourceError:
        return False
    return True


def _local_image(page: str, src: str | None) -> str | None:
    """The picture file an ``<img src>`` names next to the saved page, if it is there and big enough."""
    if not src or "://" in src or src.startswith(("data:", "//")):
        return None
    f = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(page)), unquote(src.split("?")[0])))
    if not os.path.isfile(f):
        return None
    try:
        from PIL import Image

        with Image.open(f) as im:
            if max(im.size) < _MIN_TABLE_IMAGE_PX:
                return None
    except Image.DecompressionBombError:
        return f  # the budget check names it
    except (OSError, ValueError, SyntaxError):
        return None
    return f
