"""Saving workbooks without ever leaving a half-written or clobbered file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook


def save_atomic(wb: Workbook, path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Save to a temporary file in the target folder, then move it into place.

    With ``overwrite=False`` an existing file is never replaced, even one that
    appears while saving (the final step is a hard link, which fails if the name
    exists): raises ``FileExistsError``.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # file systems without hard links: best effort
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
