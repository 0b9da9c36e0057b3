"""The total as a standard workbook with a 明细 sheet.

明细 holds one row per agency and one column per key. The total's value cells
are formulas summing their 明细 column, so a corrected agency row updates the
total and its 校验 sheet live. Each of those formulas is saved with its value
as the cached result: fast readers (calamine, ``read_values``) see the numbers
without a spreadsheet engine, and Excel recomputes on opening anyway.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from copy import copy
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from ..atomic import write_bytes
from ..model import Number
from ..sanitize import FORMULA_LEADERS, for_xml
from ..workbook import build_workbook
from ..workbook.layout import cell_of
from ..workbook.styles import BODY, BODY_BOLD, BORDER, FORMULA_FILL, HEADER_FILL, KEY_FONT, NUMBER_FORMATS
from ..workbook.styles import RED_FILL as FAILED_FILL
from .core import ON_INVALID_ZH, Rollup, RollupError

DETAIL = "明细"
# Columns before the keys; the keys follow from column len(DETAIL_HEAD) + 1 in form order.
DETAIL_HEAD = (("机关", 28), ("来源文件", 30), ("导入时间", 20), ("校验", 8))
LABEL_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3



# ---------------------------------------------------------------- writing the total

def key_column(index: int) -> str:
    """The 明细 column letter of the ``index``-th key of the form."""
    return get_column_letter(len(DETAIL_HEAD) + 1 + index)


def total_formula(column: str, rows: int) -> str:
    """Sum of a 明细 column; blank (not 0) when every agency left it blank, as the Python sum."""
    rng = f"'{DETAIL}'!${column}${FIRST_ROW}:${column}${FIRST_ROW + max(rows, 1) - 1}"
    return f'=IF(COUNT({rng})=0,"",SUM({rng}))'


def cover_extra(result: Rollup) -> dict[str, str]:
    """What the 封面 records about the roll-up: inputs, the --on-invalid choice, what was left out."""
    extra = {
        "汇总方式": f"{len(result.entries)} 份报告逐项相加（计数与金额相加，文字部分不相加）；"
                    f"各机关数值见“{DETAIL}”工作表，改正其中的数字，汇总数与校验即时更新",
        "未通过校验的报告": f"--on-invalid {result.on_invalid}：{ON_INVALID_ZH[result.on_invalid]}",
    }
    if result.invalid:
        verb = "仍计入" if result.on_invalid == "include" else "已剔除"
        extra["未通过校验的机关"] = "；".join(
            f"{inv.entry.agency}（{verb}；{'、'.join(r.id for r in inv.failures)}）" for inv in result.invalid)
    if result.dropped:
        extra["重复报告（未计入）"] = "；".join(f"{e.agency}：{e.path}" for e in result.dropped)
    if result.previous:
        extra["上年报告（用于跨年度比对，未计入）"] = "；".join(
            f"{name}：{e.path}" for name, e in result.previous.items())
    return extra


def _skeleton(result: Rollup, dashboard: bool = True, previous=None) -> Workbook:
    """The total through openpyxl, with 明细 numbers in its first agency row only.

    openpyxl spends ~20 µs per cell on saving alone; 1000 agencies x 200 keys
    would take longer than reading them. The other rows' numbers are written
    straight into the sheet's XML afterwards (``_detail_numbers``).
    """
    form = result.form
    wb = build_workbook(result.total, result.assessment().relations, cover_extra=cover_extra(result))
    detail = wb.create_sheet(DETAIL)
    _detail(detail, result)
    if dashboard:
        from .dashboard import add_dashboard, heat_map

        heat_map(detail, form, len(result.entries))
        add_dashboard(wb, result, previous)
    for n, key in enumerate(form.keys()):
        sheet, ref = cell_of(form.id, key)
        cell = wb[sheet][ref]
        cell.value = total_formula(key_column(n), len(result.entries))
        cell.fill = FORMULA_FILL
    return wb


def _detail(ws, result: Rollup) -> None:
    form = result.form
    keys = form.keys()
    for col, (label, width) in enumerate(DETAIL_HEAD, 1):
        ws.cell(LABEL_ROW, col, label)
        ws.cell(KEY_ROW, col, "键" if col == 1 else None)
        ws.column_dimensions[get_column_letter(col)].width = width
    for n, key in enumerate(keys):
        col = len(DETAIL_HEAD) + 1 + n
        ws.cell(LABEL_ROW, col, form.label_of(key))
        ws.cell(KEY_ROW, col, key).font = KEY_FONT
        ws.column_dimensions[get_column_letter(col)].width = 12
    for row in (LABEL_ROW, KEY_ROW):
        for col in range(1, len(DETAIL_HEAD) + len(keys) + 1):
            c = ws.cell(row, col)
            c.fill = HEADER_FILL
            c.border = BORDER
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if row == LABEL_ROW:
                c.font = BODY_BOLD
    ws.row_dimensions[LABEL_ROW].height = 60
    # Every style assignment hashes openpyxl's style objects: style the first row, copy its arrays.
    invalid = {id(inv.entry) for inv in result.invalid}
    protos: list = []
    for r, entry in enumerate(result.entries, FIRST_ROW):
        imported = entry.imported_at.astimezone().strftime("%Y-%m-%d %H:%M") if entry.imported_at else None
        head = [entry.agency, os.path.basename(entry.path), imported, "不通过" if id(entry) in invalid else "通过"]
        cells = head + [entry.report.number(k) for k in keys] if r == FIRST_ROW else head
        for col, value in enumerate(cells, 1):
            c = ws.cell(r, col)
            c.value = for_xml(value) if isinstance(value, str) else value
            if col <= len(DETAIL_HEAD) and value is not None:
                c.data_type = "s"  # agency and file names are text, never formulas
            if len(protos) < col:
                c.font, c.border = BODY, BORDER
                if col > len(DETAIL_HEAD):
                    c.number_format = NUMBER_FORMATS[form.column_of(keys[col - len(DETAIL_HEAD) - 1]).kind]
                protos.append(copy(c._style))  # a copy: setting a style later edits the array in place
            else:
                c._style = copy(protos[col - 1])
            if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
                c.quotePrefix = True  # stays text when someone edits the cell in Excel
        if id(entry) in invalid:
            ws.cell(r, len(DETAIL_HEAD)).fill = FAILED_FILL
    ws.freeze_panes = f"{get_column_letter(len(DETAIL_HEAD) + 1)}{FIRST_ROW}"
    last = get_column_letter(len(DETAIL_HEAD) + len(keys))
    ws.auto_filter.ref = f"A{KEY_ROW}:{last}{FIRST_ROW + max(len(result.entries), 1) - 1}"


_ROW = re.compile(r'<row r="(\d+)"[^>]*>.*?</row>', re.S)
_CELL_STYLE = re.compile(r'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?')


def _detail_numbers(result: Rollup) -> Callable[[str], str]:
    """An edit of the 明细 sheet XML: each later agency row gets its numbers, styled as the first row."""
    keys = result.form.keys()
    first_key_col = len(DETAIL_HEAD) + 1
    letters = [get_column_letter(first_key_col + n) for n in range(len(keys))]

    def edit(xml: str) -> str:
        first = next(m for m in _ROW.finditer(xml) if int(m.group(1)) == FIRST_ROW)
        styles = {c: st for c, row, st in _CELL_STYLE.findall(first.group(0))}
        attrs = [f' s="{styles[c]}"' if styles.get(c) else "" for c in letters]
        rows = {r: e for r, e in enumerate(result.entries, FIRST_ROW) if r > FIRST_ROW}

        def fill(m: re.Match) -> str:
            entry = rows.get(int(m.group(1)))
            if entry is None:
                return m.group(0)
            r = m.group(1)
            cells = []
            for letter, attr, key in zip(letters, attrs, keys):
                v = entry.report.number(key)
                cells.append(f'<c r="{letter}{r}"{attr}/>' if v is None else
                             f'<c r="{letter}{r}"{attr} t="n"><v>{_number_text(v)}</v></c>')
            row = m.group(0)
            return row[:-len("</row>")] + "".join(cells) + "</row>"

        return _ROW.sub(fill, xml)

    return edit


def write_total(result: Rollup, path: str | os.PathLike, *, overwrite: bool = False, dashboard: bool = True,
                previous=None) -> Path:
    """Save the total atomically. Never replaces an input, nor an existing file unless ``overwrite``.

    ``dashboard``: add the 看板 sheet (``dashboard.add_dashboard``); ``previous``: last year's
    ``dashboard.PreviousYear`` for its year-over-year column and chart.
    """
    path = Path(path)
    inputs = {Path(e.path).resolve() for e in result.entries + result.dropped + list(result.previous.values())}
    if path.resolve() in inputs:
        raise RollupError(f"{path}：输出文件与输入文件相同，不能覆盖输入", [str(path)], "output_is_input",
                          remedy="请换一个输出文件名")
    if path.exists() and not overwrite:
        raise RollupError(f"{path}：文件已存在，未覆盖", [str(path)], "output_exists", remedy="请换一个文件名，或选择覆盖")
    try:
        write_bytes(path, total_bytes(result, dashboard=dashboard, previous=previous), overwrite=overwrite)
    except FileExistsError:  # it appeared while the total was being made
        raise RollupError(f"{path}：文件已存在，未覆盖", [str(path)], "output_exists") from None
    return path


def total_bytes(result: Rollup, *, dashboard: bool = True, previous=None) -> bytes:
    """The finished total workbook as .xlsx bytes."""
    buf = BytesIO()
    _skeleton(result, dashboard, previous).save(buf)
    form = result.form
    cached: dict[str, dict[str, Number]] = {}
    for key, v in result.total.numbers().items():
        if v is not None:
            sheet, ref = cell_of(form.id, key)
            cached.setdefault(sheet, {})[ref] = v
    edits = {sheet: [_cached_results(cells, sheet)] for sheet, cells in cached.items()}
    edits[DETAIL] = [_detail_numbers(result)]
    return patch_sheets(buf.getvalue(), edits)


# ---------------------------------------------------------------- editing the saved package

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> its part name inside the package."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for s in book.findall("m:sheets/m:sheet", _NS):
        target = targets[s.get(f"{{{_NS['r']}}}id")]
        out[s.get("name") or ""] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return out


def _number_text(v: Number) -> str:
    return str(v) if isinstance(v, int) else repr(float(v))


def patch_sheets(xlsx: bytes, edits: dict[str, list[Callable[[str], str]]]) -> bytes:
    """The package with each named sheet's XML passed through its edits; other parts as they were."""
    src = zipfile.ZipFile(BytesIO(xlsx))
    parts = _sheet_parts(src)
    by_part = {parts[sheet]: fns for sheet, fns in edits.items()}
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            fns = by_part.get(info.filename)
            if fns:
                xml = data.decode("utf-8")
                for fn in fns:
                    xml = fn(xml)
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def with_cached_values(xlsx: bytes, values: dict[tuple[str, str], Number]) -> bytes:
    """The package with ``values`` stored as the cached results of the formulas at (sheet, ref)."""
    by_sheet: dict[str, dict[str, Number]] = {}
    for (sheet, ref), v in values.items():
        by_sheet.setdefault(sheet, {})[ref] = v
    return patch_sheets(xlsx, {sheet: [_cached_results(cells, sheet)] for sheet, cells in by_sheet.items()})


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f><v(?:></v>|\s*/>)</c>')


def _cached_results(cells: dict[str, Number], sheet: str) -> Callable[[str], str]:
    """An edit storing ``cells`` as the cached results of their formulas.

    openpyxl writes every formula cell as ``<c r="D6"><f>…</f><v></v></c>``; only those
    cells are touched, and every requested cell must be found.
    """
    def edit(xml: str) -> str:
        done = set()

        def sub(m: re.Match) -> str:
            ref = m.group(1)
            if ref not in cells:
                return m.group(0)
            done.add(ref)
            attrs = re.sub(r'\s+t="[^"]*"', "", m.group(2))  # a number needs no type attribute
            return f'<c r="{ref}"{attrs}><f>{m.group(3)}</f><v>{_number_text(cells[ref])}</v></c>'

        xml = _FORMULA_CELL.sub(sub, xml)
        missing = set(cells) - done
        if missing:
            raise RuntimeError(f"{sheet}: formula cells not found for cached values: {sorted(missing)[:5]}")
        return xml

    return edit

