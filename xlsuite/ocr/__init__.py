"""Offline OCR for scanned PDF pages and table images.

``engine`` wraps RapidOCR (models inside its wheel), ``pages`` renders pages and
runs it, ``review`` holds the confidence rules every consumer shares. The OCR'd
words go through the same layout reconstruction as PDF words
(``xlsuite.layout``): there is no second table reader.

Only ``review`` works without the ``ocr`` extra; check ``available()`` first.
"""
from __future__ import annotations

EXTRA = "ocr"
INSTALL_HINT = "pip install xlsuite[ocr]"


def available() -> bool:
    return unavailable_reason() is None


def unavailable_reason() -> str | None:
    """Why OCR cannot run here (the extra, or a system library OpenCV needs), or None.

    Here rather than in ``engine``: asking must not load numpy (``review`` is
    imported by every report's assessment).
    """
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except (ImportError, OSError) as e:  # OSError: e.g. libGL.so.1 missing for OpenCV
        return f"{type(e).__name__}: {e}"
    return None


__all__ = ["EXTRA", "INSTALL_HINT", "available", "unavailable_reason"]
