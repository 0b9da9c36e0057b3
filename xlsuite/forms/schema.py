"""The vocabulary in which the national forms are declared.

Everything here is plain, frozen data: the readers match labels against it, the
relation engine expands its rules, and the workbook lays out sheets and writes
Excel formulas from it. Nothing in this module reads files or knows Excel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["count", "signed", "money"]


# How much a failed relation weighs: an error decides the verdict, a warning informs (model.Severity).
RuleSeverity = Literal["error", "warning"]

@dataclass(frozen=True)
class Column:
    id: str
    label: str
    kind: Kind = "count"
    # For money: the unit values are stored in, and printed units with their factor to it.
    unit: str | None = None
    units: tuple[tuple[str, float], ...] = ()
    group: str | None = None  # merged header above the column (法人或其他组织)


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    # Normalised fragments, any of which identifies the row's printed label.
    fragments: tuple[str, ...]
    columns: tuple[str, ...] | None = None  # None: every column of the table
    group: str | None = None  # printed group heading (第二十条第（一）项, （三）不予公开 …)


@dataclass(frozen=True)
class Table:
    section: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    # "rows": labelled rows; "flat": one run of numbers in key order (the appeals table).
    layout: Literal["rows", "flat"] = "rows"

    def column(self, col_id: str) -> Column:
        for c in self.columns:
            if c.id == col_id:
                return c
        raise KeyError(col_id)

    def row_columns(self, row: Row) -> tuple[Column, ...]:
        if row.columns is None:
            return self.columns
        return tuple(self.column(c) for c in row.columns)

    def keys(self) -> list[str]:
        return [f"{self.section}.{r.id}.{c.id}" for r in self.rows for c in self.row_columns(r)]


@dataclass(frozen=True)
class Section:
    id: str
    number: str  # 一 … 六
    title: str
    kind: Literal["narrative", "table"]
    heading: str  # regex on a normalised line that starts the section
    optional: bool = False


@dataclass(frozen=True)
class Rule:
    """A declared relation, expanded into instances by ``relations.expand``.

    ``per`` says what the rule ranges over: each column of ``rows`` ("column"),
    each row of the table ("row"), each row of ``rows`` ("listed_rows"), or each
    key ("cell"). ``left``/``right`` name rows (per column) or columns (per row);
    a name prefixed with ``-`` is subtracted; ``prev:`` reads last year's report.
    """

    id: str
    title: str
    section: str
    per: Literal["column", "row", "listed_rows", "cell"]
    op: Literal["==", "<=", ">="]
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    severity: RuleSeverity = "error"
    cross_year: bool = False
    message: str = ""  # Chinese, for staff; {label} is filled with the instance's label


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    years: tuple[int, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    rules: tuple[Rule, ...]
    # Label fragments seen only in this form; they decide form detection.
    markers: tuple[str, ...] = field(default=())

    def table(self, section_id: str) -> Table:
        for t in self.tables:
            if t.section == section_id:
                return t
        raise KeyError(section_id)

    def keys(self) -> list[str]:
        return [k for t in self.tables for k in t.keys()]

    def column_of(self, key: str) -> Column:
        section, _row, col = key.split(".")
        return self.table(section).column(col)

    def row_of(self, key: str) -> Row:
        section, row_id, _col = key.split(".")
        for r in self.table(section).rows:
            if r.id == row_id:
                return r
        raise KeyError(key)

    def label_of(self, key: str) -> str:
        """A readable Chinese name for a key, used in messages and sheets."""
        section, row_id, col = key.split(".")
        table = self.table(section)
        row = self.row_of(key)
        column = table.column(col)
        row_label = f"{row.group}·{row.label}" if row.group and table.layout == "flat" else row.label
        return f"{row_label}·{column.label}"
