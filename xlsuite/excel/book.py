"""The standard workbook seen through an adapter: values, meta, narrative and colours by name.

This is the only place that knows which defined names the standard workbook
carries (from ``xlsuite.workbook.layout``); actions call these functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import XlsuiteError
from ..forms import FORMS, Form, get_form
from ..model import Number, Report
from ..workbook import layout as L
from ..workbook.contents import WorkbookContents, cell_number, cell_problem, clean_meta, paragraphs_of, to_report
from ..workbook.narrative import paragraphs
from .adapter import WorkbookAdapter

NOT_STANDARD = ("当前工作簿不是标准年报工作簿（找不到名为 {name} 的单元格）。"
                "请打开用 xlsuite 生成的工作簿，或点“模板”新建一份。")


class NotStandardWorkbook(XlsuiteError):
    pass


def value(adapter: WorkbookAdapter, name: str) -> Any:
    place = adapter.locate(name)
    return None if place is None else adapter.get(place.sheet, place.row, place.col)


def set_value(adapter: WorkbookAdapter, name: str, v: Any) -> bool:
    """Write ``v`` to the cell named ``name``; False when the workbook has no such name."""
    place = adapter.locate(name)
    if place is None:
        return False
    adapter.set(place.sheet, place.row, place.col, v)
    return True


def fill_of(adapter: WorkbookAdapter, name: str) -> str | None:
    place = adapter.locate(name)
    return None if place is None else adapter.get_fill(place.sheet, place.row, place.col)


def set_fill(adapter: WorkbookAdapter, name: str, rgb: str | None) -> None:
    place = adapter.locate(name)
    if place is not None:
        adapter.set_fill(place.sheet, place.row, place.col, rgb)


def form_of(adapter: WorkbookAdapter) -> Form:
    """The form of the open standard workbook, from ``meta.form`` or, failing that, its names."""
    declared = value(adapter, L.meta_name("form"))
    if isinstance(declared, str) and declared.strip() in FORMS:
        return get_form(declared.strip())
    # A workbook whose cover lost the form id: the keys only one form has decide.
    for form in FORMS.values():
        others = {k for f in FORMS.values() if f.id != form.id for k in f.keys()}
        own = [k for k in form.keys() if k not in others]
        if own and all(adapter.locate(L.defined_name(k)) is not None for k in own[:3]):
            return form
    raise NotStandardWorkbook(NOT_STANDARD.format(name=L.meta_name("form")))


def as_number(v: Any) -> tuple[Number | None, bool]:
    """(number, ok): a cell value as the report model holds it; ok=False for text that is no number."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, True
    if isinstance(v, bool):
        return None, False
    if isinstance(v, (int, float)):
        return (int(v) if float(v).is_integer() else float(v)), True
    return None, False


@dataclass
class BookReport:
    report: Report
    text_cells: list[str] = field(default_factory=list)  # keys holding text instead of a number


def read_contents(adapter: WorkbookAdapter) -> WorkbookContents:
    """What the workbook holds now, including the staff's unsaved edits (as the file reader sees a file)."""
    form = form_of(adapter)
    meta = clean_meta({field_id: value(adapter, L.meta_name(field_id)) for field_id, _ in L.META_FIELDS})
    meta["form"] = form.id
    contents = WorkbookContents(meta, {})
    for key in form.keys():
        place = adapter.locate(L.defined_name(key))
        if place is None:
            raise NotStandardWorkbook(NOT_STANDARD.format(name=key))
        number, problem = cell_number(adapter.get(place.sheet, place.row, place.col))
        contents.values[key] = number
        if problem:
            contents.problems.append((key, cell_problem(form.label_of(key), place.sheet, problem)))
    for section in form.sections:
        if section.kind == "narrative":
            paras = paragraphs_of(read_paragraphs(adapter, section.id))
            if paras:
                contents.narrative[section.id] = "\n".join(paras)
    return contents


def read_report(adapter: WorkbookAdapter) -> BookReport:
    """The report the workbook holds now (``workbook.contents.to_report``, as for a file)."""
    contents = read_contents(adapter)
    return BookReport(to_report(contents, adapter.path), [key for key, _ in contents.problems])


def read_paragraphs(adapter: WorkbookAdapter, section_id: str) -> list[str]:
    place = adapter.locate(L.narrative_name(section_id))
    if place is None:
        return []
    out = []
    for row in range(place.row, place.last_row + 1):
        v = adapter.get(place.sheet, row, place.col)
        if isinstance(v, str) and v.strip():
            out.append(v)
    return out


def write_paragraphs(adapter: WorkbookAdapter, section_id: str, paras: list[str]) -> bool:
    """Replace a narrative section's paragraphs (one per row) and re-aim its name; False if absent."""
    name = L.narrative_name(section_id)
    place = adapter.locate(name)
    if place is None:
        return False
    for row in range(place.row, place.last_row + 1):
        adapter.set(place.sheet, row, place.col, None)
    for i, text in enumerate(paras):
        row = place.row + i
        if row > place.last_row:
            adapter.copy_format(place.sheet, place.row, place.col, row, place.col)
        adapter.set(place.sheet, row, place.col, text)
    adapter.define(name, place.sheet, place.row, place.col, place.row + max(len(paras), 1) - 1)
    return True


def narrative_paragraphs(report: Report, section_id: str) -> list[str]:
    """A report's narrative section as the workbook stores it (one paragraph per row)."""
    return paragraphs(report.narrative.get(section_id))
