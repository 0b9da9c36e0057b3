"""Page images for the engine: PDF pages rendered with pypdfium2, image files as they are.

Words come back in PDF points (1/72 inch, ``top`` growing downwards) for PDF
pages, so an OCR'd page and a text page of the same file share one scale in the
layout reconstruction; image files keep pixels.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import numpy as np

from .engine import engine

# Rendering resolution: 150 dpi puts 10.5 pt body text at ~22 px, which PP-OCRv4 reads
# well; more pixels cost time (the detector is most of it) without better digits.
DEFAULT_DPI = 150

Progress = Callable[[int, int], None]


def pdf_page_words(path: str, pages: list[int], dpi: int = DEFAULT_DPI,
                   progress: bool | Progress | None = None) -> dict[int, list[dict]]:
    """OCR words of the given 1-based pages of a PDF, in PDF points."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        out: dict[int, list[dict]] = {}
        scale = dpi / 72
        for n in with_progress(pages, progress, "文字识别（OCR）"):
            page = doc[n - 1]
            try:
                image = page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
            finally:
                page.close()
            words = engine().words(np.asarray(image))
            for w in words:
                for k in ("x0", "x1", "top", "bottom"):
                    w[k] = w[k] / scale
            out[n] = words
        return out
    finally:
        doc.close()


def image_words(path: str) -> list[dict]:
    """OCR words of an image file (PNG, JPEG …), in pixels; EXIF rotation applied."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        rgb = im.convert("RGB")
    return engine().words(np.asarray(rgb))


def with_progress(items: list, progress: bool | Progress | None, label: str) -> Iterator:
    """Pages with a bar on stderr when a person watches (OCR takes seconds a page)."""
    if callable(progress):
        for i, item in enumerate(items):
            yield item
            progress(i + 1, len(items))
        return
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        yield from items
        return
    from rich.console import Console
    from rich.errors import LiveError
    from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TimeRemainingColumn

    bar = Bar("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
              TimeRemainingColumn(), transient=True, console=Console(stderr=True))
    try:
        bar.start()
    except LiveError:  # a batch bar is already showing: one live display at a time
        yield from items
        return
    try:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
    finally:
        bar.stop()


