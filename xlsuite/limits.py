"""The budgets every reader works within: declared here once, enforced at the readers.

A real annual report is a few MB with tens of pages; these defaults leave a wide
margin above that, yet keep a hostile or broken file (a zip bomb, a 200-inch page,
a picture of 30,000 × 30,000 pixels) from taking the machine's memory or an hour.
A file over a budget is refused with one line naming the file and the limit
(``SourceError``, code ``too_large`` or ``too_slow``), and a batch goes on.

The rare real giant: raise a budget in the ``[limits]`` table of ``xlsuite.toml``
(./xlsuite.toml, else the user's settings folder, as for mail)::

    [limits]
    pdf_pages = 2000
    seconds = 1800
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from .errors import XlsuiteError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # --- file size, by kind (MB) ---
    pdf_mb: int = 200
    docx_mb: int = 100
    workbook_mb: int = 100
    html_mb: int = 20
    text_mb: int = 10  # text and Markdown: a long report is well under 1 MB
    image_mb: int = 50
    # --- ZIP containers (Word, Excel) and compressed PDF streams: bytes after inflating (MB) ---
    unzipped_member_mb: int = 100
    unzipped_total_mb: int = 400
    xml_elements: int = 2_000_000  # in a Word document's body: a long report has tens of thousands
    # --- PDF ---
    pdf_pages: int = 500
    page_area_pt2: int = 10_000_000  # A0 is 8.0 million square points (2384 × 3370 pt)
    ocr_pages: int = 100
    ocr_pixels: int = 40_000_000  # per rendered page; A4 at 150 dpi is 2.2 million
    # --- pictures ---
    image_pixels: int = 80_000_000  # a 600-dpi A3 scan is 70 million
    # --- Excel: cells parsed in the sheets holding the defined names ---
    xlsx_cells: int = 2_000_000
    # --- HTML ---
    html_nodes: int = 300_000
    html_depth: int = 1_000
    # --- text handed to pattern matching: longer lines are cut (with a warning) ---
    line_chars: int = 20_000
    # --- time per file: seconds of CPU time, and more for each page or picture OCR reads ---
    seconds: int = 120
    ocr_seconds_per_page: int = 60

    def file_bytes(self, kind: str) -> int:
        """The size budget of a source of ``kind`` (a reader's kind: pdf, docx, workbook, html …)."""
        mb = {"pdf": self.pdf_mb, "docx": self.docx_mb, "workbook": self.workbook_mb, "html": self.html_mb,
              "markdown": self.text_mb, "text": self.text_mb, "image": self.image_mb}.get(kind, self.pdf_mb)
        return mb * MB


DEFAULT = Limits()
SETTINGS_TABLE = "limits"
_loaded: Limits | None = None


class LimitsSettingError(XlsuiteError):
    """The ``[limits]`` table of the settings is wrong: one line saying which entry."""


def from_settings(data: dict, where: str = "xlsuite.toml") -> Limits:
    """The defaults with the ``[limits]`` table of a parsed settings file applied."""
    table = data.get(SETTINGS_TABLE, {})
    if not isinstance(table, dict):
        raise LimitsSettingError(f"{where}：[{SETTINGS_TABLE}] 应为一个表（section）")
    known = {f.name for f in fields(Limits)}
    changes = {}
    for key, value in table.items():
        if key not in known:
            raise LimitsSettingError(f"{where}：[{SETTINGS_TABLE}] 中没有 {key} 这一项（可用：{'、'.join(sorted(known))}）")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise LimitsSettingError(f"{where}：[{SETTINGS_TABLE}] {key} 应为正整数，现为 {value!r}")
        changes[key] = value
    return replace(DEFAULT, **changes)


def load(cwd: str | os.PathLike | None = None) -> Limits:
    """The budgets of this run: the first xlsuite.toml found (see ``mail.config.candidate_paths``)."""
    from .mail.config import candidate_paths  # the one rule for where settings live

    for p in candidate_paths(cwd):
        if not p.is_file():
            continue
        import tomllib  # only when there is a settings file

        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return DEFAULT  # the mail settings report a broken file; reading goes on with the defaults
        return from_settings(data, str(p))
    return DEFAULT


def current() -> Limits:
    """The budgets of this process, read once."""
    global _loaded
    if _loaded is None:
        _loaded = load()
    return _loaded


def mb(n_bytes: int) -> str:
    return f"{n_bytes / MB:.0f} MB" if n_bytes >= MB else f"{max(1, round(n_bytes / 1024))} KB"
