"""The workbooks' look, declared once: fonts, fills, borders, alignments and number formats.

The standard workbook, the roll-up's 明细 and 看板 and the comparison sheets all
style their cells from here (``Styles`` applies a combination fast).
"""
from __future__ import annotations

from copy import copy

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from . import colours

FONT = "宋体"
_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor=colours.HEADER)
INPUT_FILL = PatternFill("solid", fgColor=colours.INPUT)
RED_FILL = PatternFill("solid", fgColor=colours.RED)
YELLOW_FILL = PatternFill("solid", fgColor=colours.YELLOW)
GREEN_FILL = PatternFill("solid", fgColor=colours.GREEN)
REVIEW_FILL = PatternFill("solid", fgColor=colours.REVIEW)
EXPLAINED_FILL = PatternFill("solid", fgColor=colours.EXPLAINED)
RED_FONT = Font(name=FONT, color="9C0006", bold=True)
GREY_FONT = Font(name=FONT, color="808080")
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center")
MIDDLE = Alignment(vertical="center")
RIGHT = Alignment(horizontal="right", vertical="center")
BODY = Font(name=FONT, size=10)
BODY_BOLD = Font(name=FONT, size=10, bold=True)
TEXT = Font(name=FONT, size=11)
TEXT_BOLD = Font(name=FONT, size=11, bold=True)

NUMBER_FORMATS = {"count": "#,##0", "signed": "+#,##0;-#,##0;0", "money": "#,##0.00##"}
SMALL_GREY = Font(name=FONT, size=8, color="606060")
# The roll-up: computed cells (edit 明细 instead) and the 明细 sheet's key row.
FORMULA_FILL = PatternFill("solid", fgColor=colours.FORMULA)
KEY_FONT = Font(name=FONT, size=9, color="808080")


class Styles:
    """Style combinations applied by copying a finished style record.

    Setting font, fill, border and alignment one by one makes openpyxl hash each
    object per cell (the bulk of the build time); a workbook has a dozen
    combinations, so each is built once and copied. Keys hold module constants only.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple, object] = {}

    def apply(self, cell, **attrs) -> None:
        key = tuple((k, v if isinstance(v, str) else id(v)) for k, v in sorted(attrs.items()))
        style = self._cache.get(key)
        if style is None:
            for k, v in attrs.items():
                setattr(cell, k, v)
            self._cache[key] = copy(cell._style)
        else:
            cell._style = copy(style)
