"""Chosen cells of an .xlsx, picked out of the sheets' XML as it streams past.

A spreadsheet library builds a grid over a sheet's extent: one stray cell at
XFD1048576 makes that 17 billion cells (python-calamine aborts the process
asking for 550 GB). Here only the cells asked for are kept, each sheet is read
once, element by element, and the shared strings table keeps only the strings
those cells use. The archive's sizes are checked first (``readers.guard``) and
the cells parsed count against ``Limits.xlsx_cells``.
"""
from __future__ import annotations

from contextlib import contextmanager

import functools
import posixpath
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from lxml import etree

from ..errors import SourceError
from ..limits import Limits

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _C, _V, _IS, _T, _SI, _RPH, _DATA = (_MAIN + t for t in ("row", "c", "v", "is", "t", "si", "rPh", "sheetData"))
_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as ``_xHHHH_``."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _parser_events(f, tags, events=("start", "end")):
    # No entities, no network, no DTD: a cell reader has no use for any of them.
    return etree.iterparse(f, events=events, tag=tags, resolve_entities=False, no_network=True,
                           load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)


# Sheets up to this size are parsed whole (a tree, then XPath); bigger ones stream cell by cell.
_WHOLE_SHEET_BYTES = 8 * 1024 * 1024
_NAMES_XPATH: dict[tuple[str, ...], etree.XPath] = {}


# workbook.xml and its relationships as parsed, by their bytes: the workbooks of a roll-up come from
# one template, so a thousand of them are parsed once (the tree is only read, never changed).
_BOOKS: dict[tuple[bytes, bytes], "_Book"] = {}
_BOOKS_KEPT = 8


class _Book:
    __slots__ = ("tree", "sheets", "names")

    def __init__(self, tree, sheets: list[tuple[str, str]]) -> None:
        self.tree = tree
        self.sheets = sheets  # (sheet name, its part in the archive)
        self.names: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # defined names, by what is skipped


@functools.lru_cache(maxsize=4096)
def _col_name(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


@functools.lru_cache(maxsize=16384)
def _ref_name(r: int, c: int) -> str:
    return f"{_col_name(c)}{r + 1}"


class SparseSheets:
    """``load`` the cells wanted, then ask for them with ``cell`` and ``column``."""

    def __init__(self, path: str, limits: Limits) -> None:
        from ..readers.guard import open_zip

        self.path = path
        self.limits = limits
        self._zip = open_zip(path, limits)
        try:
            self._parts = self._sheet_parts()
        except BaseException:
            self._zip.close()
            raise
        self._cells: dict[str, dict[tuple[int, int], Any]] = {}
        self._columns: dict[str, dict[int, dict[int, Any]]] = {}  # sheet -> col -> row -> value
        self._parsed = 0

    def close(self) -> None:
        self._zip.close()

    # --- asking ---------------------------------------------------------------------------------
    def has_sheet(self, sheet: str) -> bool:
        return sheet in self._parts

    def cell(self, t) -> Any:
        """The value at a Target's top-left cell (None when empty or absent)."""
        return self._cells.get(t.sheet, {}).get((t.row, t.col))

    def column(self, sheet: str, row: int, col: int) -> list[Any]:
        """The non-empty values of column ``col`` from ``row`` down, in order."""
        cells = self._columns.get(sheet, {}).get(col, {})
        return [cells[r] for r in sorted(cells) if r >= row]

    # --- reading --------------------------------------------------------------------------------
    def load(self, cells: list[tuple[str, int, int]], columns: Sequence[tuple[str, int, int]] = ()) -> None:
        """Read the given (sheet, row, col) cells, and the columns (sheet, from row, col), 0-based."""
        by_sheet: dict[str, tuple[set, dict]] = {}
        for sheet, r, c in cells:
            by_sheet.setdefault(sheet, (set(), {}))[0].add((r, c))
        for sheet, r, c in columns:
            cols = by_sheet.setdefault(sheet, (set(), {}))[1]
            cols[c] = min(r, cols.get(c, r))
        shared: dict[int, list[tuple[str, tuple[int, int], bool, bool]]] = {}
        with self._parsing():
            for sheet, (wanted, cols) in by_sheet.items():
                if sheet in self._parts:
                    self._read_sheet(sheet, wanted, cols, shared)
            if shared:
                self._resolve_shared(shared)

    @contextmanager
    def _parsing(self):
        """Parse sheets, then close the archive; a damaged part is one SourceError."""
        try:
            yield
        except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as e:
            raise SourceError(self.path, f"工作簿内容已损坏，无法读取（{type(e).__name__}）", "corrupt") from None
        finally:
            self._zip.close()

    def defined_names(self, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(name, reference text) of the workbook-level defined names, leaving out those starting with
        ``skip`` (selected in C: a standard workbook has about 450 names)."""
        found = self._book.names.get(skip)
        if found is None:
            xp = _NAMES_XPATH.get(skip)
            if xp is None:
                cond = "".join(f" and not(starts-with(@name, '{p}'))" for p in skip)
                xp = _NAMES_XPATH[skip] = etree.XPath(f"/m:workbook/m:definedNames/m:definedName"
                                                      f"[not(@localSheetId) and @name{cond}]",
                                                      namespaces={"m": _MAIN[1:-1]})
            found = self._book.names[skip] = [(el.get("name"), (el.text or "").strip())
                                              for el in xp(self._book.tree) if el.text]
        return list(found)

    def grid(self, sheet: str | None = None, max_rows: int = 10_000, max_cols: int = 50) -> list[list[Any]]:
        """The cells of ``sheet`` (default: the first) within the top-left ``max_rows`` × ``max_cols``,
        as rows of values (None where empty): a list of names, never a sheet's whole extent."""
        sheet = sheet if sheet is not None else next(iter(self._parts), None)
        if sheet is None:
            self._zip.close()
            return []
        shared: dict = {}
        with self._parsing():
            self._read_sheet(sheet, set(), {}, shared, box=(max_rows, max_cols))
            if shared:
                self._resolve_shared(shared)
        cells = self._cells.get(sheet, {})
        if not cells:
            return []
        rows = max(r for r, _ in cells) + 1
        cols = max(c for _, c in cells) + 1
        out = [[None] * cols for _ in range(rows)]
        for (r, c), v in cells.items():
            out[r][c] = v
        return out

    def _sheet_parts(self) -> dict[str, str]:
        """Sheet name -> its part in the archive, from workbook.xml and its relationships."""
        z = self._zip
        try:
            key = (z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels"))
            book = _BOOKS.get(key)
            if book is None:
                book = _parse_book(*key)
                if len(_BOOKS) >= _BOOKS_KEPT:
                    del _BOOKS[next(iter(_BOOKS))]
                _BOOKS[key] = book
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
            raise SourceError(self.path, f"无法作为 Excel 工作簿打开（{type(e).__name__}）", "corrupt") from None
        self._book = book
        self.book_key = key
        names = set(z.namelist())
        return {sheet: part for sheet, part in book.sheets if part in names}

    def _read_sheet(self, sheet: str, wanted: set, cols: dict[int, int], shared: dict,
                    box: tuple[int, int] | None = None) -> None:
        """One pass over a sheet's cells; most are passed over on one dictionary lookup of their ``r``."""
        store = self._cells.setdefault(sheet, {})
        col_store = self._columns.setdefault(sheet, {})
        cap = self.limits.xlsx_cells
        by_ref = {_ref_name(r, c): (r, c) for r, c in wanted}
        col_letters = {_col_name(c) for c in cols}
        only_named = box is None and not col_letters  # a cell not named by its r is of no use
        if only_named and self._zip.getinfo(self._parts[sheet]).file_size <= _WHOLE_SHEET_BYTES:
            return self._pick_cells(sheet, by_ref, store, shared)
        parsed = self._parsed
        found = 0
        row = col = -1
        with self._zip.open(self._parts[sheet]) as f:
            for _event, el in _parser_events(f, (_C, _ROW, _DATA), events=("end",)):
                if el.tag == _DATA:  # what follows the cells (formats, validation) is not read
                    break
                if el.tag == _ROW:  # the row is done with: drop it and those before it
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                    row, col = row + 1, -1
                    continue
                parsed += 1
                if parsed > cap:
                    from ..readers.guard import over

                    raise over(self.path, f"工作簿单元格过多（超过 {cap:,} 个）", "xlsx_cells", f"{cap:,} 个")
                ref = el.get("r")
                place = by_ref.get(ref) if ref else None
                if place is None:
                    if ref and only_named:
                        el.clear()
                        continue
                    m = _REF.match(ref) if ref else None
                    if m:
                        letters = m.group(1)
                        row = int(m.group(2)) - 1
                        if box is None and letters not in col_letters:
                            el.clear()
                            col = -2  # unknown: a following cell without r needs the slow way
                            continue
                        col = _col(letters)
                    else:  # no r: the cell after the previous one, in the row its parent names
                        parent_r = el.getparent().get("r") if el.getparent() is not None else None
                        if parent_r and parent_r.isdigit():
                            row = int(parent_r) - 1
                        col = col + 1 if col >= -1 else len(list(el.itersiblings(preceding=True)))
                    place = (row, col)
                else:
                    row, col = place
                    found += 1
                keep_cell = place in wanted or (box is not None and place[0] < box[0] and place[1] < box[1])
                first = cols.get(place[1])
                keep_col = first is not None and place[0] >= first
                if keep_cell or keep_col:
                    value, shared_index = _value(el)
                    if shared_index is not None:
                        shared.setdefault(shared_index, []).append((sheet, place, keep_cell, keep_col))
                    elif value is not None:
                        if keep_cell:
                            store[place] = value
                        if keep_col:
                            col_store.setdefault(place[1], {})[place[0]] = value
                el.clear()
                if only_named and found == len(by_ref):
                    break  # every cell asked for is read
        self._parsed = parsed

    def _pick_cells(self, sheet: str, by_ref: dict, store: dict, shared: dict) -> None:
        """A sheet of ordinary size: its cells parsed in one go (up to the end of sheetData, what
        follows is formats and validation), the named ones picked out by their r."""
        data = self._zip.read(self._parts[sheet])
        end = data.find(b"</sheetData>")
        root = None
        if end > 0:
            try:  # the worksheet up to its cells, closed again
                root = etree.fromstring(data[:end] + b"</sheetData></worksheet>", _safe_parser())
            except etree.XMLSyntaxError:
                root = None
        if root is None:
            root = etree.fromstring(data, _safe_parser())
        cells = list(root.iter(_C))
        self._parsed += len(cells)
        if self._parsed > self.limits.xlsx_cells:
            from ..readers.guard import over

            cap = self.limits.xlsx_cells
            raise over(self.path, f"工作簿单元格过多（超过 {cap:,} 个）", "xlsx_cells", f"{cap:,} 个")
        get = by_ref.get
        for el in cells:
            place = get(el.get("r"))
            if place is None or place in store:
                continue
            value, shared_index = _value(el)
            if shared_index is not None:
                shared.setdefault(shared_index, []).append((sheet, place, True, False))
            elif value is not None:
                store[place] = value

    def _resolve_shared(self, shared: dict) -> None:
        try:
            f = self._zip.open("xl/sharedStrings.xml")
        except KeyError:
            return
        index = -1
        last = max(shared)
        with f:
            for event, el in _parser_events(f, (_SI,)):
                if event == "start":
                    continue
                index += 1
                uses = shared.get(index)
                if uses:
                    text = _unescape("".join(t.text or "" for t in el.iter(_T) if not _in_phonetic(t, el)))
                    for sheet, (r, c), keep_cell, keep_col in uses:
                        if keep_cell:
                            self._cells[sheet][(r, c)] = text
                        if keep_col:
                            self._columns[sheet].setdefault(c, {})[r] = text
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if index >= last:
                    break


def _parse_book(book_xml: bytes, rels_xml: bytes) -> _Book:
    book = etree.fromstring(book_xml, _safe_parser())
    rels = etree.fromstring(rels_xml, _safe_parser())
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(_PKG_REL + "Relationship")}
    sheets = []
    for sh in book.iter(_MAIN + "sheet"):
        target = targets.get(sh.get(_REL + "id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets.append((sh.get("name"), part))
    return _Book(book, sheets)


def _in_phonetic(t, si) -> bool:
    p = t.getparent()
    while p is not None and p is not si:
        if p.tag == _RPH:
            return True
        p = p.getparent()
    return False


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _value(c) -> tuple[Any, int | None]:
    """(value, shared string index) of a ``<c>`` element; numbers as int or float."""
    t = c.get("t") or "n"
    # a loop over a cell's few children (<f>, <v>, <is>) costs less than find()'s path machinery
    if t == "inlineStr":
        for child in c:
            if child.tag == _IS:
                return _unescape("".join(x.text or "" for x in child.iter(_T))), None
        return None, None
    text = None
    for child in c:
        if child.tag == _V:
            text = child.text or ""
            break
    if text is None:
        return None, None
    if t == "s":
        try:
            return None, int(text)
        except ValueError:
            return None, None
    if t == "n":
        text = text.strip()
        try:
            return int(text), None
        except ValueError:
            try:
                return float(text), None
            except ValueError:
                return text, None
    if t == "b":
        return text.strip() in ("1", "true"), None
    return _unescape(text), None  # str (a formula's text result), e (an error such as #N/A), d (a date)
