"""The standard workbook: one sheet per section, defined names, live formula checks.

``build_workbook``/``write_workbook`` make it from a Report, ``read_values``
reads it back fast, ``recalc.recalculate`` has LibreOffice compute its formulas.
"""
from ..atomic import save_atomic
from .reader import read_values
from .writer import blank_report, build_workbook, cover_meta, write_workbook

__all__ = ["build_workbook", "write_workbook", "save_atomic", "read_values", "blank_report", "cover_meta"]
