"""The adapter over an ``.xlsx`` file (openpyxl): used by the tests and by ``xlsuite excel``.

Questions the Excel adapter would ask in a dialog are answered up front
(``answers``); alerts are collected in ``alerts`` for the caller to print.
"""
from __future__ import annotations

import os
import shutil
import zipfile
from copy import copy
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from ..atomic import save_atomic, write_bytes
from ..backups import BACKUP_TAG, backup_path  # noqa: F401 - the add-in's actions import them from here
from ..errors import SourceError
from ..workbook import layout as L
from ..workbook.writer import put_text
from ..readers.options import ReadOptions
from .adapter import Place

# Parts of an .xlsx that openpyxl does not keep when it saves (it keeps cells, styles, names,
# comments, validation and conditional formats), by where they live in the archive.
_LOST_ON_SAVE = (
    ("xl/drawings/", ".xml", "文本框、形状、图片或图表"),
    ("xl/charts/", "", "图表"),
    ("xl/media/", "", "图片"),
    ("xl/embeddings/", "", "嵌入的对象"),
    ("xl/activeX/", "", "控件"),
    ("xl/ctrlProps/", "", "表单控件"),
    ("xl/diagrams/", "", "SmartArt 图形"),
    ("xl/slicers/", "", "切片器"),
    ("xl/timelines/", "", "日程表"),
    ("xl/threadedComments/", "", "新版批注（对话式批注）"),
    ("customXml/", "", "自定义 XML 数据"),
)


def lost_on_save(path: str, keep_vba: bool) -> list[str]:
    """What saving ``path`` through openpyxl would drop, in staff's words (empty: nothing)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return []
    out: list[str] = []
    for prefix, suffix, what in _LOST_ON_SAVE:
        if what not in out and any(n.startswith(prefix) and n.endswith(suffix) for n in names):
            out.append(what)
    if not keep_vba and "xl/vbaProject.bin" in names:
        out.append("宏（VBA）")
    return out

class OpenpyxlAdapter:
    def __init__(self, path: str | os.PathLike | None, answers: dict[str, Any] | None = None,
                 read_options: ReadOptions | None = None):
        """``path`` None: no workbook is open (模板 and 关于 need none)."""
        self.answers = dict(answers or {})
        self.read_options = ReadOptions.resolve(read_options)
        self.alerts: list[tuple[str, str, str]] = []  # (level, title, text)
        self.statuses: list[str | None] = []  # what Excel's status bar would have shown
        self.opened: list[str] = []
        self.backups: list[str] = []
        self.path = None if path is None else os.path.abspath(os.fspath(path))
        self.wb: Any = None  # an openpyxl Workbook once a file is open
        self._places: dict[str, Place | None] = {}  # parsing a name's target is the slow part
        # Formula cells (a roll-up total's values) are read from their cached results, which
        # are written back on saving: openpyxl itself would drop them.
        self._computed: Any = None
        self._cached: dict[tuple[str, str], Any] = {}
        if self.path is None:
            return
        keep_vba = self.path.lower().endswith(".xlsm")
        self.lost_on_save = lost_on_save(self.path, keep_vba) if os.path.isfile(self.path) else []
        if os.path.isfile(self.path) and zipfile.is_zipfile(self.path):
            from ..limits import current
            from ..readers.guard import check_xlsx_for_openpyxl

            check_xlsx_for_openpyxl(self.path, current())  # a zip bomb or a million cells: one line, not the memory
        try:
            self.wb = load_workbook(self.path, keep_vba=keep_vba)
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
        assert self.path is not None, "backup() needs an open workbook"
        target = backup_path(self.path)
        shutil.copy2(self.path, target)
        self.backups.append(target)
        return target

    def save(self) -> None:
        """Save in place. Parts openpyxl cannot keep (a staff text box, a picture) are never lost
        silently: the workbook is backed up first and an alert says what and where."""
        if self.wb is None or self.path is None:
            return
        if self.lost_on_save:
            backup = self.backups[-1] if self.backups else self.backup()
            self.alert(f"注意：工作簿中的{'、'.join(self.lost_on_save)}无法由命令行版 xlsuite 保留，"
                       f"保存后的工作簿中不再有；修改前的完整工作簿已备份为：{backup}"
                       "（在 Excel 中用 xlsuite 加载项操作可保留这些内容）", level="warning")
        numbers = {k: v for k, v in self._cached.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if not numbers:
            save_atomic(self.wb, self.path, overwrite=True)
            return
        from ..rollup.workbook import with_cached_values

        buf = BytesIO()
        self.wb.save(buf)
        write_bytes(self.path, with_cached_values(buf.getvalue(), numbers))

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
