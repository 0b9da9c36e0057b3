"""The standard workbook: one sheet per section, defined names, live formula checks.

``build_workbook``/``write_workbook`` make it from a Report, ``read_values``
reads it back fast, ``recalc.recalculate`` has LibreOffice compute its formulas.
Each name loads its module (and openpyxl) on first use: ``layout``, ``colours``
and the other submodules stay light for the add-in, which works on a workbook
open in Excel.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module defining it
_EXPORTS = {
    "build_workbook": "xlsuite.workbook.writer",
    "write_workbook": "xlsuite.workbook.writer",
    "blank_report": "xlsuite.workbook.writer",
    "cover_meta": "xlsuite.workbook.writer",
    "read_values": "xlsuite.workbook.reader",
    "save_atomic": "xlsuite.atomic",
}

__all__ = ["build_workbook", "write_workbook", "save_atomic", "read_values", "blank_report", "cover_meta"]

if TYPE_CHECKING:
    from ..atomic import save_atomic
    from .reader import read_values
    from .writer import blank_report, build_workbook, cover_meta, write_workbook


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
