"""The adapter over an ``.xlsx`` file (openpyxl): used by the tests and by ``xlsuite excel``.

Questions the Excel adapter would ask in a dialog are answered up front
(``answers``); alerts are collected in ``alerts`` for the caller to print.
"""
from __future__ import annotations

import os
import shutil
from copy import copy
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from ..atomic import write_bytes
from ..errors import SourceError
from ..workbook import layout as L
from ..workbook.atomic import save_atomic
from ..workbook.writer import put_text
from .adapter import Place

BACKUP_TAG = "备份"


def write_atomic(path: str, data: bytes) -> None:
    write_bytes(path, data)


def backup_path(path: str, now: datetime | None = None) -> str:
    """``报告.xlsx`` -> ``报告.备份-20250131-093000.xlsx`` beside it (never an existing name)."""
    stem, ext = os.path.splitext(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate, n = f"{stem}.{BACKUP_TAG}-{stamp}{ext}", 2
    while os.path.exists(candidate):
        candidate, n = f"{stem}.{BACKUP_TAG}-{stamp}-{n}{ext}", n + 1
    return candidate


class OpenpyxlAdapter:
    def __init__(self, path: str | os.PathLike | None, answers: dict[str, Any] | None = None):
        """``path`` None: no workbook is open (模板 and 关于 need none)."""
        self.answers = dict(answers or {})
        self.alerts: list[tuple[str, str, str]] = []  # (level, title, text)
        self.statuses: list[str | None] = []  # what Excel's status bar would have shown
        self.opened: list[str] = []
        self.backups: list[str] = []
        self.path = None if path is None else os.path.abspath(os.fspath(path))
        self.wb = None
        self._places: dict[str, Place | None] = {}  # parsing a name's target is the slow part
        # Formula cells (a roll-up total's values) are read from their cached results, which
        # are written back on saving: openpyxl itself would drop them.
        self._computed = None
        self._cached: dict[tuple[str, str], Any] = {}
        if self.path is None:
            return
        try:
            self.wb = load_workbook(self.path, keep_vba=self.path.lower().endswith(".xlsm"))
        except FileNotFoundError:
            raise SourceError(self.path, "文件不存在", "missing") from None
        except Exception as e:  # noqa: BLE001 - any parse failure is one line for the user
            raise SourceError(self.path, f"无法作为 Excel 工作簿打开（{type(e).__name__}）", "corrupt") from None

    # --- cells ------------------------------------------------------------
    def locate(self, name: str) -> Place | None:
        if self.wb is None:
            return None
        if name not in self._places:
            self._places[name] = None
            dn = self.wb.defined_names.get(name)
            for sheet, ref in (dn.destinations if dn is not None else ()):
                min_col, min_row, _max_col, max_row = range_boundaries(ref.replace("$", ""))
                self._places[name] = Place(sheet, min_row, min_col, max_row)
                break
        return self._places[name]

    def define(self, name: str, sheet: str, row: int, col: int, last_row: int) -> None:
        c = get_column_letter(col)
        ref = f"{c}{row}" if last_row == row else f"{c}{row}:{c}{last_row}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=L.absolute(sheet, ref))
        self._places.pop(name, None)

    def get(self, sheet: str, row: int, col: int) -> Any:
        cell = self.wb[sheet].cell(row, col)
        if cell.data_type != "f":
            return cell.value
        if self._computed is None:
            self._computed = load_workbook(self.path, data_only=True)
        value = self._computed[sheet].cell(row, col).value
        self._cached[(sheet, cell.coordinate)] = value
        return value

    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        cell = self.wb[sheet].cell(row, col)
        self._cached.pop((sheet, cell.coordinate), None)
        if isinstance(value, str):
            put_text(cell, value)
        else:
            cell.value = value

    def get_fill(self, sheet: str, row: int, col: int) -> str | None:
        fill = self.wb[sheet].cell(row, col).fill
        if fill is None or fill.fill_type != "solid" or fill.fgColor is None or fill.fgColor.type != "rgb":
            return None
        return fill.fgColor.rgb[-6:].upper()

    def set_fill(self, sheet: str, row: int, col: int, rgb: str | None) -> None:
        self.wb[sheet].cell(row, col).fill = PatternFill("solid", fgColor=rgb) if rgb else PatternFill()

    def copy_format(self, sheet: str, row: int, col: int, to_row: int, to_col: int) -> None:
        ws = self.wb[sheet]
        ws.cell(to_row, to_col)._style = copy(ws.cell(row, col)._style)

    # --- the workbook ------------------------------------------------------
    def backup(self) -> str:
        target = backup_path(self.path)
        shutil.copy2(self.path, target)
        self.backups.append(target)
        return target

    def save(self) -> None:
        if self.wb is None:
            return
        numbers = {k: v for k, v in self._cached.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if not numbers:
            save_atomic(self.wb, self.path, overwrite=True)
            return
        from ..rollup.workbook import with_cached_values

        buf = BytesIO()
        self.wb.save(buf)
        write_atomic(self.path, with_cached_values(buf.getvalue(), numbers))

    def open(self, path: str) -> None:
        self.opened.append(os.path.abspath(path))

    # --- the user -----------------------------------------------------------
    def alert(self, text: str, title: str = "xlsuite", level: str = "info") -> None:
        self.alerts.append((level, title, text))

    def status(self, text: str | None) -> None:
        self.statuses.append(text)

    def ask_file(self, prompt: str, patterns: tuple[str, ...] = ()) -> str | None:
        return self.answers.get("file")

    def ask_folder(self, prompt: str) -> str | None:
        return self.answers.get("folder")

    def ask_save_path(self, prompt: str, suggested: str) -> str | None:
        return self.answers.get("save_path")

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        return self.answers.get("text", default)

    def ask_choice(self, prompt: str, options: list[tuple[str, str]]) -> str | None:
        choice = self.answers.get("choice")
        return choice if choice in {o for o, _ in options} else None
