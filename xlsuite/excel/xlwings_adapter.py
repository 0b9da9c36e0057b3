"""The adapter over the workbook open in Excel, through xlwings (the free, BSD-licensed part).

Used only inside Excel: the add-in's button runs ``xlsuite.excel.run(tag)``,
which binds ``xw.Book.caller()``. Dialogs use Excel's own (GetOpenFilename,
the folder picker, InputBox), so they look like Excel to staff. This module
needs Excel on Windows; on Linux it is exercised only against a stand-in
book, and docs/excel.md lists what must be checked by hand.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from ..backups import backup_path
from ..readers.options import ReadOptions
from ..sanitize import FORMULA_LEADERS
from ..workbook import layout as L
from .adapter import Place

MSO_FILE_DIALOG_FOLDER_PICKER = 4
MSGBOX_LIMIT = 1000  # VBA's MsgBox shows at most 1024 characters
INPUTBOX_NUMBER = 1
# Win32 MessageBox styles. xlwings' own alert knows only "info" and "critical", and shows the
# latter with the warning icon, so messages go to MessageBox with the icon of their level.
MB_ICONS = {"info": 0x40, "warning": 0x30, "error": 0x10}  # INFORMATION, WARNING, ERROR (stop sign)
MB_SETFOREGROUND = 0x10000


def win32_message_box(hwnd: int, text: str, title: str, style: int) -> None:
    import win32api  # pywin32: installed with xlwings on Windows

    win32api.MessageBox(hwnd, text, title, style | MB_SETFOREGROUND)


def rgb_hex(color) -> str | None:
    """xlwings colours are (r, g, b) tuples; the adapter speaks ``RRGGBB``."""
    if not color:
        return None
    r, g, b = color
    return f"{r:02X}{g:02X}{b:02X}"


def rgb_tuple(hex_color: str | None):
    if not hex_color:
        return None
    return tuple(int(hex_color[i:i + 2], 16) for i in (0, 2, 4))


def fit_message_box(text: str, limit: int = MSGBOX_LIMIT) -> str:
    """Whole lines up to Excel's message-box limit, saying that some were left out."""
    if len(text) <= limit:
        return text
    tail = "\n……（内容较长，其余从略）"
    kept: list[str] = []
    for line in text.splitlines():
        if len("\n".join(kept + [line])) + len(tail) > limit:
            break
        kept.append(line)
    if not kept:  # one very long first line
        return text[:limit - len(tail)] + tail
    return "\n".join(kept) + tail


def literal(value: Any) -> Any:
    """Excel turns a string starting with = into a formula; a leading apostrophe keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value


class XlwingsAdapter:
    read_options = ReadOptions()

    def __init__(self, book, message_box=win32_message_box):
        self.book = book
        self.app = book.app
        self._message_box = message_box
        full = book.fullname
        self.path = full if os.path.isabs(full) and os.path.exists(full) else None
        self._places: dict[str, Place | None] = {}

    @classmethod
    def caller(cls) -> "XlwingsAdapter":
        import xlwings as xw

        return cls(xw.Book.caller())

    def _range(self, sheet: str, row: int, col: int):
        return self.book.sheets[sheet].range((row, col))

    # --- cells ------------------------------------------------------------
    def locate(self, name: str) -> Place | None:
        if name not in self._places:
            try:
                rng = self.book.names[name].refers_to_range
            except Exception:  # noqa: BLE001 - xlwings raises COM or key errors for an unknown name
                self._places[name] = None
            else:
                self._places[name] = Place(rng.sheet.name, rng.row, rng.column, rng.last_cell.row)
        return self._places[name]

    def define(self, name: str, sheet: str, row: int, col: int, last_row: int) -> None:
        ref = self._range(sheet, row, col).get_address(False, False)
        if last_row != row:
            ref += ":" + self._range(sheet, last_row, col).get_address(False, False)
        self.book.names.add(name, "=" + L.absolute(sheet, ref))  # Names.Add redefines an existing name
        self._places.pop(name, None)

    def get(self, sheet: str, row: int, col: int) -> Any:
        return self._range(sheet, row, col).value

    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        self._range(sheet, row, col).value = literal(value)

    def get_fill(self, sheet: str, row: int, col: int) -> str | None:
        return rgb_hex(self._range(sheet, row, col).color)

    def set_fill(self, sheet: str, row: int, col: int, rgb: str | None) -> None:
        self._range(sheet, row, col).color = rgb_tuple(rgb)

    def copy_format(self, sheet: str, row: int, col: int, to_row: int, to_col: int) -> None:
        # Paste Special → Formats: the look only, never the value, comment or validation.
        self._range(sheet, row, col).copy()
        self._range(sheet, to_row, to_col).paste("formats")
        self.app.cut_copy_mode = False  # no marching ants left behind

    # --- the workbook ------------------------------------------------------
    def backup(self) -> str:
        target = backup_path(self.path)
        if sys.platform == "win32":
            self.book.api.SaveCopyAs(target)  # the workbook as it is now, unsaved edits included
        else:
            shutil.copy2(self.path, target)
        return target

    def save(self) -> None:
        if self.path:
            self.book.save()

    def open(self, path: str) -> None:
        self.app.books.open(path)

    # --- the user -----------------------------------------------------------
    def alert(self, text: str, title: str = "xlsuite", level: str = "info") -> None:
        self._message_box(self.app.hwnd, fit_message_box(text), title, MB_ICONS.get(level, MB_ICONS["info"]))

    def status(self, text: str | None) -> None:
        # Excel is frozen while Python runs; its status bar still shows how far the work is.
        self.app.status_bar = text if text else False  # False gives the status bar back to Excel

    def ask_file(self, prompt: str, patterns: tuple[str, ...] = ()) -> str | None:
        spec = ";".join(patterns) or "*.*"
        answer = self.app.api.GetOpenFilename(f"年度报告 ({spec}),{spec}", 1, prompt)
        return answer if isinstance(answer, str) and answer else None

    def ask_folder(self, prompt: str) -> str | None:
        dialog = self.app.api.FileDialog(MSO_FILE_DIALOG_FOLDER_PICKER)
        dialog.Title = prompt
        if dialog.Show() != -1:
            return None
        return dialog.SelectedItems(1)

    def ask_save_path(self, prompt: str, suggested: str) -> str | None:
        answer = self.app.api.GetSaveAsFilename(suggested, "Excel 工作簿 (*.xlsx),*.xlsx", 1, prompt)
        return answer if isinstance(answer, str) and answer else None

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        answer = self.app.api.InputBox(prompt, "政务公开年报", default)
        return answer if isinstance(answer, str) and answer.strip() else None

    def ask_choice(self, prompt: str, options: list[tuple[str, str]]) -> str | None:
        menu = "\n".join(f"{i}. {label}" for i, (_id, label) in enumerate(options, 1))
        answer = self.app.api.InputBox(f"{prompt}\n{menu}\n请输入序号：", "政务公开年报", "1",
                                       Type=INPUTBOX_NUMBER)
        if isinstance(answer, bool) or answer is None:
            return None
        index = int(answer) - 1
        return options[index][0] if 0 <= index < len(options) else None
