"""The dataset on disk: two tables (values, reports) as Parquet and CSV, plus the manifest.

Every file is written atomically; the Parquet files carry the run id of the
manifest written with them, so rows are only reused from a matching set.
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import XlsuiteError
from ..atomic import write_stream
from ..sanitize import CSV_LEADER_PATTERN
from .manifest import MANIFEST_NAME
from .tidy import METRIC_COLUMNS, REPORT_COLUMNS, VALUE_COLUMNS

VALUE_SCHEMA = pa.schema([
    ("source", pa.string()), ("agency", pa.string()), ("year", pa.int32()), ("form", pa.string()),
    ("key", pa.string()), ("value", pa.float64()),
    ("page", pa.int32()), ("line", pa.int32()), ("text", pa.string()), ("unit", pa.string()),
    ("confidence", pa.float64()), ("flags", pa.string()),
])
REPORT_SCHEMA = pa.schema([
    ("source", pa.string()), ("sha256", pa.string()), ("size", pa.int64()), ("status", pa.string()),
    ("error_code", pa.string()), ("error_reason", pa.string()),
    ("agency", pa.string()), ("year", pa.int32()), ("form", pa.string()), ("source_kind", pa.string()),
    ("pages", pa.int32()), ("sections_found", pa.string()),
    ("values_total", pa.int32()), ("values_null", pa.int32()),
    ("warnings", pa.int32()), ("warning_codes", pa.string()), ("warnings_json", pa.string()),
    ("verdict", pa.string()), ("checks_failed", pa.int32()), ("checks_warned", pa.int32()),
    ("checks_not_checkable", pa.int32()), ("failed_checks", pa.string()), ("checks_json", pa.string()),
    ("xlsuite_version", pa.string()),
] + [(c, pa.float64()) for c in METRIC_COLUMNS])
assert tuple(VALUE_SCHEMA.names) == VALUE_COLUMNS and tuple(REPORT_SCHEMA.names) == REPORT_COLUMNS

TABLES = ("values", "reports")
FORMATS = ("parquet", "csv")
RUN_ID_KEY = b"xlsuite.run_id"
CSV_BOM = b"\xef\xbb\xbf"  # so that Excel opens the Chinese text as UTF-8


def values_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=VALUE_SCHEMA)


def reports_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=REPORT_SCHEMA)


def output_paths(folder: str | os.PathLike) -> dict[str, Path]:
    return {f"{t}.{fmt}": Path(folder) / f"{t}.{fmt}" for t in TABLES for fmt in FORMATS}


def prepare_folder(folder: str | os.PathLike) -> None:
    """Create the output folder; refuse one whose files of our names are not ours to replace."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise XlsuiteError(f"{folder}：输出位置是一个文件，不是文件夹；请另选一个文件夹")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / MANIFEST_NAME).exists():
        return
    ours = [p.name for p in output_paths(folder).values() if p.exists()]
    if ours:
        raise XlsuiteError(f"{folder}：已有 {'、'.join(ours)}，但没有 {MANIFEST_NAME}，"
                           "看起来不是 xlsuite 生成的数据集；为免覆盖，请另选一个输出文件夹")


def write_tables(folder: str | os.PathLike, values: pa.Table, reports: pa.Table, run_id: str,
                 csv: bool = True) -> None:
    """Parquet always (the next run reuses rows from it), CSV unless ``csv`` is false."""
    paths = output_paths(folder)
    for name, table in (("values", values), ("reports", reports)):
        tagged = table.replace_schema_metadata({RUN_ID_KEY: run_id.encode()})
        write_stream(paths[f"{name}.parquet"], partial(pq.write_table, tagged))
        if csv:
            write_stream(paths[f"{name}.csv"], partial(_write_csv, table))
        else:  # a CSV of an earlier run would no longer match
            paths[f"{name}.csv"].unlink(missing_ok=True)


def _write_csv(table: pa.Table, f) -> None:
    f.write(CSV_BOM)
    pacsv.write_csv(csv_safe(table), f)


def csv_safe(table: pa.Table) -> pa.Table:
    """Text columns with a leading = + - @ tab or CR quoted by ``'`` (``sanitize.csv_text``), so that
    Excel opening the CSV sees text, never a formula; number columns are untouched."""
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            col = pc.replace_substring_regex(table.column(i), pattern=CSV_LEADER_PATTERN, replacement="'\\1")
            table = table.set_column(i, field, col)
    return table


def read_tables(folder: str | os.PathLike, run_id: str | None = None) -> tuple[pa.Table, pa.Table] | None:
    """The values and reports tables of a dataset; None when absent, unreadable or of another run."""
    paths = output_paths(folder)
    try:
        values = pq.read_table(paths["values.parquet"])
        reports = pq.read_table(paths["reports.parquet"])
    except (OSError, pa.ArrowException):
        return None
    if run_id is not None:
        for t in (values, reports):
            if (t.schema.metadata or {}).get(RUN_ID_KEY) != run_id.encode():
                return None
    if values.schema.remove_metadata() != VALUE_SCHEMA or reports.schema.remove_metadata() != REPORT_SCHEMA:
        return None  # written by an older layout: read everything again
    return values.replace_schema_metadata(None), reports.replace_schema_metadata(None)


def rows_by_source(values: pa.Table) -> dict[str, pa.Table]:
    """Each source's value rows; rows are written grouped by source, so each is one slice."""
    out: dict[str, pa.Table] = {}
    sources = values.column("source").to_pylist()
    start = 0
    for i in range(1, len(sources) + 1):
        if i == len(sources) or sources[i] != sources[start]:
            out[sources[start]] = values.slice(start, i - start)
            start = i
    return out
