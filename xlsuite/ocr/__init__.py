"""Offline OCR for scanned PDF pages and table images.

``engine`` wraps RapidOCR (models inside its wheel), ``pages`` renders pages and
runs it, ``review`` holds the confidence rules every consumer shares. The OCR'd
words go through the same layout reconstruction as PDF words
(``xlsuite.layout``): there is no second table reader.

Only ``review`` works without the ``ocr`` extra; check ``available()`` first.
"""
from .engine import available, unavailable_reason

EXTRA = "ocr"
INSTALL_HINT = "pip install xlsuite[ocr]"

__all__ = ["EXTRA", "INSTALL_HINT", "available", "unavailable_reason"]
