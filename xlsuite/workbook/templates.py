"""Blank standard workbooks, one per form: what staff fill in by hand.

The committed files under ``workbook_templates/`` are made by ``write_template``
(``xlsuite template --form gov2021 -o workbook_templates/gov2021.xlsx --overwrite``);
a test fails when they drift from this generator.
"""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from ..atomic import save_atomic
from .writer import blank_report, build_workbook

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "workbook_templates"


def build_template(form_id: str) -> Workbook:
    return build_workbook(blank_report(form_id), [], template=True)


def write_template(form_id: str, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    return save_atomic(build_template(form_id), path, overwrite=overwrite)
