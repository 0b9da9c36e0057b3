"""Page images for the engine: PDF pages rendered with pypdfium2, image files as they are.

Words come back in PDF points (1/72 inch, ``top`` growing downwards) for PDF
pages, so an OCR'd page and a text page of the same file share one scale in the
layout reconstruction; image files keep pixels.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine import engine

# Rendering resolution: 150 dpi puts 10.5 pt body text at ~22 px, which PP-OCRv4 reads
# well; more pixels cost time (the detector is most of it) without better digits.
DEFAULT_DPI = 150

Progress = Callable[[int, int], None]


def pdf_page_words(path: str, pages: list[int], dpi: int = DEFAULT_DPI,
                   on_progress: Progress | None = None,
                   scale_for: Callable[[float, float, float], float] | None = None) -> dict[int, list[dict]]:
    """OCR words of the given 1-based pages of a PDF, in PDF points.

    ``scale_for(width_pt, height_pt, scale)`` may lower a page's rendering scale
    (the OCR pixel budget); a page without ink is not sent to the engine.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        out: dict[int, list[dict]] = {}
        for done, n in enumerate(pages, start=1):
            page = doc[n - 1]
            scale = dpi / 72
            if scale_for is not None:
                scale = scale_for(page.get_width(), page.get_height(), scale)
            try:
                gray = np.asarray(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
            words = engine().words(gray) if has_ink(gray) else []
            for w in words:
                for k in ("x0", "x1", "top", "bottom", "border_x"):
                    if k in w:
                        w[k] = w[k] / scale
            out[n] = words
            if on_progress is not None:
                on_progress(done, len(pages))
        return out
    finally:
        doc.close()


# A page is blank when fewer pixels than this are darker than mid-grey: nothing to read.
_INK_PIXELS = 20


def has_ink(gray: np.ndarray) -> bool:
    return int(np.count_nonzero(gray < 128)) >= _INK_PIXELS


def image_words(path: str, max_pixels: int | None = None) -> list[dict]:
    """OCR words of an image file (PNG, JPEG …), in pixels of the file; EXIF rotation applied.

    A picture over ``max_pixels`` is read at a reduced size (words are scaled back).
    """
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        im = ImageOps.exif_transpose(opened)
        factor = 1.0
        if max_pixels and im.width * im.height > max_pixels:
            factor = (max_pixels / (im.width * im.height)) ** 0.5
            im = im.resize((max(1, int(im.width * factor)), max(1, int(im.height * factor))))
        rgb = im.convert("RGB")
    words = engine().words(np.asarray(rgb))
    if factor != 1.0:
        for w in words:
            for k in ("x0", "x1", "top", "bottom", "border_x"):
                if k in w:
                    w[k] = w[k] / factor
    return words
