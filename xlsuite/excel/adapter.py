"""The workbook adapter: everything an action may do to a workbook and to the user.

Actions talk only to this protocol. ``OpenpyxlAdapter`` implements it on an
``.xlsx`` file (tests, the CLI); ``XlwingsAdapter`` on the workbook open in
Excel. Cells are found through workbook defined names (the form keys of docs/forms.md,
``meta.*``, ``narrative.*``, ``checks.*``), never through coordinates.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..readers.options import ReadOptions


@dataclass(frozen=True)
class Place:
    """Where a defined name points: its sheet and the rows/column of its first column."""

    sheet: str
    row: int
    col: int
    last_row: int


@runtime_checkable
class WorkbookAdapter(Protocol):
    #: The workbook file on disk (None for a workbook never saved).
    path: str | None
    #: How 导入 and 汇总 read report files (the CLI's ``--ocr``; Excel uses the defaults).
    read_options: ReadOptions

    # --- cells ------------------------------------------------------------
    def locate(self, name: str) -> Place | None:
        """The range a workbook-level defined name refers to, or None when undefined."""

    def define(self, name: str, sheet: str, row: int, col: int, last_row: int) -> None:
        """(Re)define a workbook-level name over one column of rows."""

    def get(self, sheet: str, row: int, col: int) -> Any:
        """A cell's value: number, text, or None for an empty cell."""

    def set(self, sheet: str, row: int, col: int, value: Any) -> None:
        """Write a value literally: text that looks like a formula stays text."""

    def get_fill(self, sheet: str, row: int, col: int) -> str | None:
        """The solid fill colour as ``RRGGBB``, or None."""

    def set_fill(self, sheet: str, row: int, col: int, rgb: str | None) -> None:
        """Give a cell a solid fill (``RRGGBB``), or none."""

    def copy_format(self, sheet: str, row: int, col: int, to_row: int, to_col: int) -> None:
        """Give a cell the look (font, wrap, borders) of another."""

    # --- the workbook ------------------------------------------------------
    def backup(self) -> str:
        """Copy the workbook as it is now to a new file beside it; return that path."""

    def save(self) -> None:
        """Keep the changes (the file adapter writes its file; Excel saves a saved book)."""

    def open(self, path: str) -> None:
        """Show another workbook to the user (Excel opens it; the file adapter records it)."""

    # --- the user -----------------------------------------------------------
    def alert(self, text: str, title: str = "xlsuite", level: str = "info") -> None:
        """Tell the user something; ``level`` is info, warning or error."""

    def status(self, text: str | None) -> None:
        """Show how far a long piece of work is (Excel's status bar); None clears it."""

    def ask_file(self, prompt: str, patterns: tuple[str, ...] = ()) -> str | None:
        """A file the user picks, or None when cancelled."""

    def ask_folder(self, prompt: str) -> str | None:
        """A folder the user picks, or None when cancelled."""

    def ask_save_path(self, prompt: str, suggested: str) -> str | None:
        """Where to save a new file, or None when cancelled."""

    def ask_text(self, prompt: str, default: str = "") -> str | None:
        """A line of text the user types, or None when cancelled."""

    def ask_choice(self, prompt: str, options: list[tuple[str, str]]) -> str | None:
        """One of ``options`` (id, Chinese label) by id, or None when cancelled."""


def status_progress(adapter: WorkbookAdapter, what: str) -> Callable[[int, int], None]:
    """An ``on_progress(done, total)`` callback that shows ``what：done/total`` in the status bar."""

    def on_progress(done: int, total: int) -> None:
        adapter.status(f"{what}：{done}/{total}……" if total else f"{what}……")

    return on_progress
