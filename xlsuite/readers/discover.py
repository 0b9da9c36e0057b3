"""Which files of a folder are report sources (the one rule the CLI, roll-up and dataset share), and a source's identity (its SHA-256)."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

SOURCE_SUFFIXES = {".pdf", ".docx", ".xlsx", ".xlsm", ".html", ".htm", ".txt", ".md", ".markdown", ".text",
                   ".png", ".jpg", ".jpeg"}


def expand_sources(sources: Iterable[str]) -> list[str]:
    """Files as given; folders recursively, taking the files that look like reports.

    Inside folders the suffix decides (a folder also holds notes, scripts, images of
    logos …); a file named explicitly is always taken and its content decides.
    """
    out: list[str] = []
    for s in sources:
        p = Path(s)
        if p.is_dir():
            out.extend(str(f) for f in sorted(p.rglob("*"))
                       if f.is_file() and f.suffix.lower() in SOURCE_SUFFIXES and not is_scratch(f))
        else:
            out.append(str(s))
    return out


def is_scratch(f: Path) -> bool:
    """Excel lock files, hidden files (our temporary files among them) and the add-in's backups
    (``xlsuite.backups``: named 报告.备份-时间.xlsx *and* beside 报告.xlsx) are not reports."""
    from ..backups import is_backup

    return f.name.startswith(("~$", ".")) or is_backup(f)


def file_sha256(path: str | os.PathLike) -> tuple[str, int] | None:
    """The file's SHA-256 and size; None when it cannot be read (the reader will say why)."""
    import hashlib

    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except OSError:
        return None
    return h.hexdigest(), size
