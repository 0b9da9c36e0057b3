"""Saving workbooks without ever leaving a half-written or clobbered file."""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from ..atomic import atomic_path


def save_atomic(wb: Workbook, path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Save through a temporary file in the target folder (see ``xlsuite.atomic``).

    With ``overwrite=False`` an existing file is never replaced, even one that
    appears while saving: raises ``FileExistsError``.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        wb.save(tmp)
    return Path(path)
