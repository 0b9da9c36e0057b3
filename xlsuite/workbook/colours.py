"""The workbooks' fill colours as RGB hex, without openpyxl.

``styles`` makes its fills from these; the add-in colours cells in open Excel
with the same values, in a fresh interpreter per click that loads no openpyxl.
"""
from __future__ import annotations

HEADER = "DDEBF7"
INPUT = "FFFDE7"
RED = "FFC7CE"
YELLOW = "FFEB9C"
GREEN = "C6EFCE"
REVIEW = "F8CBAD"  # OCR'd values a person must compare with the original: orange, apart from the checks' red/yellow
EXPLAINED = "FCE4D6"  # a failure a reviewer has explained: still not 通过
FORMULA = "E2EFDA"  # the roll-up's computed cells (edit 明细 instead)
