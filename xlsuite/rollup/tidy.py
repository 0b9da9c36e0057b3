"""The breakdown as a tidy CSV (agency, key, value): one line per agency and key, for pandas users.

Values are written exactly as read (``3``, ``12.34``), a blank cell as an empty
field, never 0. UTF-8 without a byte-order mark: ``pandas.read_csv`` reads it as is.
An agency name that Excel would take for a formula (``=…``, ``+…``) is written
with a leading ``'`` (``sanitize.csv_text``); numbers stay numbers.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

from ..atomic import atomic_path
from ..sanitize import csv_text
from .core import Rollup, RollupError, tidy_rows

HEADER = ("agency", "key", "value")


def _text(v) -> str:
    if v is None:
        return ""
    return str(v) if isinstance(v, int) else repr(float(v))


def write_csv(result: Rollup, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    path = Path(path)
    if path.resolve() in {Path(e.path).resolve() for e in result.entries}:
        raise RollupError(f"{path}：输出文件与输入文件相同，不能覆盖输入", [str(path)], "output_is_input")
    if path.exists() and not overwrite:
        raise RollupError(f"{path}：文件已存在，未覆盖", [str(path)], "output_exists", remedy="请换一个文件名，或选择覆盖")
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for agency, key, value in tidy_rows(result.form, result.entries):
            w.writerow((csv_text(agency), key, _text(value)))
    return path
