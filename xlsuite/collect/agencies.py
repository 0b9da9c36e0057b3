"""The agency list (名单): who is expected to report, and how to reach them.

A CSV (UTF-8 or the GBK that Excel on Chinese Windows saves) or a workbook whose
first sheet has a header row: 机关名称 (required), 联系人, 邮箱, 上级. The
header may sit below a title; the tracker 报送情况.xlsx is itself a valid list
(its 名单外来件 rows are left out). Names compare as the roll-up compares them
(full-width letters and spaces do not matter).
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import agency_key
from ..errors import XlsuiteError

# Column -> the header texts that name it (the first is the one we write).
COLUMNS = {
    "name": ("机关名称", "机关", "单位名称", "单位", "名称"),
    "contact": ("联系人", "联系人姓名"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件地址", "email", "e-mail"),
    "parent": ("上级", "上级机关", "上级单位", "主管部门"),
    "status": ("状态", "报送情况"),
}
HEADER_SEARCH_ROWS = 10
OFF_LIST_PREFIX = "名单外"
_EMAIL_SPLIT = re.compile(r"[;；,，、\s]+")


class ListError(XlsuiteError):
    """The agency list cannot be used: one line naming the file (and row) and the reason."""


@dataclass(frozen=True)
class Agency:
    name: str
    contact: str = ""
    emails: tuple[str, ...] = ()
    parent: str = ""
    row: int = 0  # the line or row of the list it came from

    @property
    def key(self) -> str:
        return agency_key(self.name)


@dataclass
class AgencyList:
    agencies: list[Agency]
    path: Path | None = None
    _by_key: dict[str, Agency] = field(default_factory=dict, repr=False)
    _by_email: dict[str, Agency] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {a.key: a for a in self.agencies}
        self._by_email = {e.lower(): a for a in self.agencies for e in a.emails}

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self):
        return iter(self.agencies)

    def find(self, name: str | None) -> Agency | None:
        return self._by_key.get(agency_key(name)) if name else None

    def by_email(self, address: str | None) -> Agency | None:
        return self._by_email.get(address.strip().lower()) if address else None

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.agencies]


def read_list(path: str | os.PathLike) -> AgencyList:
    """The agencies of a 名单.csv / 名单.xlsx (or a 报送情况.xlsx). Raises ListError."""
    path = Path(path)
    if not path.is_file():
        raise ListError(f"找不到机关名单：{path}")
    try:
        rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    except ListError:
        raise
    except Exception as e:  # noqa: BLE001 - any damage to the list file is one line, not a traceback
        raise ListError(f"无法读取机关名单 {path}（{type(e).__name__}: {e}）") from None
    return parse_rows(rows, path)


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ListError(f"机关名单 {path} 的编码无法识别（应为 UTF-8 或 GBK）")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    # The first sheet's top-left cells only, streamed: a stray cell at XFD1048576 costs nothing.
    from ..limits import current
    from ..workbook.cells import SparseSheets

    rows = SparseSheets(str(path), current()).grid(max_rows=20_000, max_cols=30)
    return [["" if v is None else _text(v) for v in row] for row in rows]


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for n, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c.strip().lower() for c in row]
        cols: dict[str, int] = {}
        for col, names in COLUMNS.items():
            for i, c in enumerate(cells):
                if c in names:
                    cols.setdefault(col, i)
        if "name" in cols:
            return n, cols
    return None


def parse_rows(rows: list[list[str]], path: Path | None = None) -> AgencyList:
    where = f"机关名单 {path}" if path else "机关名单"
    found = _header(rows)
    if found is None:
        raise ListError(f"{where} 中找不到“机关名称”列：第一行应为表头“机关名称,联系人,邮箱,上级”")
    head, cols = found

    def cell(row: list[str], col: str) -> str:
        i = cols.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    agencies: list[Agency] = []
    seen: dict[str, Agency] = {}
    for n, row in enumerate(rows[head + 1:], start=head + 2):
        name = cell(row, "name")
        if not name or cell(row, "status").startswith(OFF_LIST_PREFIX):
            continue
        emails = tuple(e for e in _EMAIL_SPLIT.split(cell(row, "email")) if e)
        bad = [e for e in emails if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", e)]
        if bad:
            raise ListError(f"{where} 第 {n} 行（{name}）的邮箱“{bad[0]}”不是邮件地址")
        a = Agency(name, cell(row, "contact"), emails, cell(row, "parent"), n)
        if a.key in seen:
            raise ListError(f"{where} 第 {seen[a.key].row} 行与第 {n} 行是同一机关“{name}”：请删去重复的一行")
        seen[a.key] = a
        agencies.append(a)
    if not agencies:
        raise ListError(f"{where} 中没有机关（表头下面是空的）")
    return AgencyList(agencies, path)


def write_csv(agencies: list[Agency], path: str | os.PathLike) -> Path:
    """A 名单.csv as staff would keep it (UTF-8 with BOM, which Excel opens correctly)."""
    from ..atomic import write_bytes
    from ..sanitize import csv_text  # a name starting with = + - @ stays text in Excel

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([COLUMNS[c][0] for c in ("name", "contact", "email", "parent")])
    for a in agencies:
        w.writerow([csv_text(a.name), csv_text(a.contact), ";".join(a.emails), csv_text(a.parent)])
    return write_bytes(path, out.getvalue().encode("utf-8-sig"))
