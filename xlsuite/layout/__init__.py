"""Page geometry to lines: words with positions become text lines and table rows.

The functions here take plain word dicts (``text``, ``x0``, ``x1``, ``top``,
``bottom``) and know nothing of files, so the PDF reader and an OCR reader feed
them the same way and share the one table reconstruction.
"""
from .rows import RuledRow, TextLine, read_words, text_lines, to_lines

__all__ = ["RuledRow", "TextLine", "read_words", "text_lines", "to_lines"]
