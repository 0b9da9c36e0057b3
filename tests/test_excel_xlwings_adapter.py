"""The xlwings adapter against a stand-in for xlwings' Book (backed by openpyxl).

Real Excel is not available here (see docs/excel.md for the manual check-list);
this exercises the adapter's own logic: names to places, Excel's apostrophe for
literal text, colour tuples, dialogs' cancel values, and that an action run
through it leaves the same workbook as through the openpyxl adapter.
"""
from __future__ import annotations

import re
import shutil
from copy import copy

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from xlsuite.excel import book
from xlsuite.excel.dispatch import dispatch
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
from xlsuite.excel.xlwings_adapter import MB_ICONS, XlwingsAdapter, fit_message_box, literal, rgb_hex, rgb_tuple
from xlsuite.readers import read_report
from xlsuite.workbook import write_workbook

from .conftest import SEEDS
from .test_excel_actions import _snapshot, tamper


def _paste_types() -> set[str]:
    """The ``paste=`` names the installed xlwings documents for Range.paste."""
    import xlwings

    doc = xlwings.main.Range.paste.__doc__
    return set(re.findall(r"`(\w+)`", doc[doc.index("paste:"):doc.index("operation:")]))


PASTE_TYPES = _paste_types() | {None}


class Sheet:
    def __init__(self, wb, name):
        self.wb, self.name = wb, name

    def range(self, cell, last=None):
        return Range(self, *cell, last_row=(last or cell)[0])


class Range:
    def __init__(self, sheet, row, col, last_row=None):
        self.sheet, self.row, self.column = sheet, row, col
        self._last = last_row or row
        self._cell = sheet.wb[sheet.name].cell(row, col)

    @property
    def last_cell(self):
        return Range(self.sheet, self._last, self.column)

    @property
    def value(self):
        return self._cell.value

    @value.setter
    def value(self, v):
        if isinstance(v, str) and v.startswith("'"):  # Excel: apostrophe means "this is text"
            self._cell.value = v[1:]
            self._cell.data_type = "s"
        else:
            self._cell.value = v  # a string starting with = becomes a formula, as in Excel

    @property
    def color(self):
        f = self._cell.fill
        if f.fill_type != "solid":
            return None
        return rgb_tuple(f.fgColor.rgb[-6:])

    @color.setter
    def color(self, rgb):
        self._cell.fill = PatternFill("solid", fgColor=rgb_hex(rgb)) if rgb else PatternFill()

    def copy(self, destination=None):  # xlwings: to a range (everything) or, without one, to the clipboard
        if destination is None:
            self.sheet.wb.clipboard = self
            return
        destination._cell._style = copy(self._cell._style)
        destination._cell.value = self._cell.value

    def paste(self, paste=None, operation=None, skip_blanks=False, transpose=False):
        source = self.sheet.wb.clipboard
        assert source is not None, "nothing on the clipboard"
        assert paste in PASTE_TYPES, paste
        if paste in ("formats", "all", None):
            self._cell._style = copy(source._cell._style)
        if paste in ("values", "all", None):
            self._cell.value = source._cell.value
        if paste in ("comments", "all", None):
            self._cell.comment = copy(source._cell.comment)

    def get_address(self, row_absolute=True, column_absolute=True):
        return f"{get_column_letter(self.column)}{self.row}"


class Names:
    def __init__(self, book):
        self.book = book

    def __getitem__(self, name):
        dn = self.book.wb.defined_names[name]  # KeyError, as xlwings raises for an unknown name
        sheet, ref = next(iter(dn.destinations))
        c1, r1, _c2, r2 = range_boundaries(ref.replace("$", ""))
        return type("Name", (), {"refers_to_range": Sheet(self.book.wb, sheet).range((r1, c1), (r2, c1))})()

    def add(self, name, refers_to):
        assert refers_to.startswith("=")
        self.book.wb.defined_names[name] = DefinedName(name, attr_text=refers_to[1:])


class Api:
    def __init__(self, answers):
        self.answers = answers

    def GetOpenFilename(self, file_filter, index, title):
        assert re.fullmatch(r"年度报告 \(([^)]*)\),\1", file_filter)
        return self.answers.get("file", False)

    def GetSaveAsFilename(self, initial, file_filter, index, title):
        return self.answers.get("save", False)

    def InputBox(self, prompt, title, default, Type=None):
        return self.answers.get("input", False)


class App:
    hwnd = 4242

    def __init__(self, answers, wb):
        self.api = Api(answers)
        self.wb = wb
        self.alerts, self.opened, self.statuses = [], [], []
        self.books = type("Books", (), {"open": lambda _self, p: self.opened.append(p)})()

    def message_box(self, hwnd, text, title, style):
        assert hwnd == self.hwnd
        self.alerts.append((style, text))

    @property
    def status_bar(self):
        return self.statuses[-1] if self.statuses else False

    @status_bar.setter
    def status_bar(self, value):
        self.statuses.append(value)

    @property
    def cut_copy_mode(self):
        return "copy" if self.wb.clipboard is not None else None

    @cut_copy_mode.setter
    def cut_copy_mode(self, value):
        assert value is False
        self.wb.clipboard = None


class Book:
    def __init__(self, path, answers=None):
        self.path = str(path)
        self.wb = openpyxl.load_workbook(path)
        self.wb.clipboard = None
        self.app = App(answers or {}, self.wb)
        self.fullname = self.path
        self.names = Names(self)
        self.sheets = {ws.title: Sheet(self.wb, ws.title) for ws in self.wb.worksheets}

    def save(self):
        self.wb.save(self.path)


def adapter_of(book) -> XlwingsAdapter:
    return XlwingsAdapter(book, message_box=book.app.message_box)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    d = tmp_path_factory.mktemp("xw")
    return write_workbook(read_report(SEEDS / "xiamen-city-2020.pdf.txt"), d / "xiamen.xlsx")


def test_helpers():
    assert rgb_hex((255, 199, 206)) == "FFC7CE" and rgb_tuple("FFC7CE") == (255, 199, 206)
    assert rgb_hex(None) is None and rgb_tuple(None) is None
    assert literal("=SUM(A1)") == "'=SUM(A1)" and literal("-5 件") == "'-5 件" and literal(5) == 5
    assert literal("正常文字") == "正常文字"


def test_long_alerts_fit_excels_message_box():
    text = "\n".join(f"第 {i} 行：" + "很长的说明" * 10 for i in range(60))
    fitted = fit_message_box(text)
    assert len(fitted) <= 1000 and fitted.endswith("其余从略）")
    assert fitted.startswith("第 0 行") and all(line in text.splitlines() for line in fitted.splitlines()[:-1])
    assert fit_message_box("短") == "短"
    assert len(fit_message_box("长" * 5000)) <= 1000


@pytest.mark.parametrize("tag", ["validate", "reimport"])
def test_an_action_through_xlwings_leaves_the_same_workbook(seed, tmp_path, tag):
    a_path = shutil.copy(seed, tmp_path / "a.xlsx")
    b_path = shutil.copy(seed, tmp_path / "b.xlsx")
    for p in (a_path, b_path):
        tamper(p, "requests.new.natural", 5)
    report = str(SEEDS / "fj-industry-2020.pdf.txt")
    fake = Book(a_path, {"file": report})
    outcome = dispatch(tag, adapter_of(fake))
    reference = dispatch(tag, OpenpyxlAdapter(b_path, {"file": report}))
    assert outcome.status == reference.status
    assert fake.app.alerts[-1] == (MB_ICONS["info" if outcome.status == "done" else "warning"], outcome.alert)
    assert _snapshot(a_path) == _snapshot(b_path)


def test_text_that_looks_like_a_formula_stays_text(seed, tmp_path):
    path = shutil.copy(seed, tmp_path / "c.xlsx")
    fake = Book(path)
    a = adapter_of(fake)
    book.write_paragraphs(a, "overview", ["=1+1 不是公式", "-3 也不是"])
    fake.save()
    reread = OpenpyxlAdapter(path)
    assert book.read_paragraphs(reread, "overview") == ["=1+1 不是公式", "-3 也不是"]
    place = reread.locate("narrative.overview")
    assert reread.wb[place.sheet].cell(place.row, place.col).data_type == "s"  # text, not a formula


def test_dialog_answers_and_cancels(seed, tmp_path):
    path = shutil.copy(seed, tmp_path / "d.xlsx")
    a = adapter_of(Book(path, {"file": "C:\\报告.pdf", "input": 2.0}))
    assert a.ask_file("选择", ("*.pdf", "*.docx")) == "C:\\报告.pdf"
    assert a.ask_choice("表式", [("gov2019", "2019 版"), ("gov2021", "2021 版")]) == "gov2021"
    assert a.ask_save_path("保存", "x.xlsx") is None  # Excel returns False on cancel
    cancelled = adapter_of(Book(path, {}))
    assert cancelled.ask_file("选择") is None and cancelled.ask_text("名称", "厦门市") is None
    assert cancelled.ask_choice("表式", [("gov2019", "2019 版")]) is None
    assert cancelled.locate("no.such.name") is None


def test_only_the_free_xlwings_is_used_and_only_when_excel_calls():
    import subprocess
    import sys
    from pathlib import Path

    import xlsuite.excel

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(xlsuite.excel.__file__).parent.rglob("*.py"))
    assert "xlwings.pro" not in source and "xlwings.server" not in source  # licence-key parts
    probe = ("import sys, xlsuite.excel, xlsuite.excel.dispatch, xlsuite.excel.actions.validate, "
             "xlsuite.excel.xlwings_adapter; print('xlwings' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_alerts_carry_the_icon_of_their_level(seed, tmp_path):
    fake = Book(shutil.copy(seed, tmp_path / "e.xlsx"))
    a = adapter_of(fake)
    for level in ("info", "warning", "error"):
        a.alert(f"{level} 提示", "政务公开年报", level)
    assert fake.app.alerts == [(0x40, "info 提示"), (0x30, "warning 提示"), (0x10, "error 提示")]


def test_copy_format_pastes_formats_only(seed, tmp_path):
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    path = shutil.copy(seed, tmp_path / "f.xlsx")
    fake = Book(path)
    ws = fake.wb.worksheets[0]
    src, dst = ws.cell(200, 2), ws.cell(201, 2)
    src.value, src.font, src.comment = "源", Font(bold=True, color="FF0000"), Comment("源的批注", "xlsuite")
    dst.value, dst.comment = 7, Comment("目标的批注", "xlsuite")
    dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    dv.add("B201")
    ws.add_data_validation(dv)
    adapter_of(fake).copy_format(ws.title, 200, 2, 201, 2)
    assert dst.font.bold and dst.font.color.rgb == src.font.color.rgb  # the look came over
    assert dst.value == 7 and dst.comment.text == "目标的批注"  # the value and comment stayed
    assert any("B201" in str(v.sqref) for v in ws.data_validations.dataValidation)
    assert fake.app.cut_copy_mode is None  # the clipboard's marching ants are gone


def test_status_bar_shows_progress_and_is_given_back(seed, tmp_path):
    from xlsuite.excel.adapter import status_progress

    fake = Book(shutil.copy(seed, tmp_path / "g.xlsx"))
    a = adapter_of(fake)
    on_progress = status_progress(a, "导入：正在识别 报告.pdf")
    on_progress(3, 12)
    a.status(None)
    assert fake.app.statuses == ["导入：正在识别 报告.pdf：3/12……", False]


def test_the_xlwings_calls_exist_in_the_installed_xlwings():
    import inspect

    import xlwings

    assert inspect.signature(xlwings.main.Range.copy).parameters["destination"].default is None
    assert "formats" in PASTE_TYPES
    for prop in ("status_bar", "cut_copy_mode"):
        assert getattr(xlwings.main.App, prop).fset is not None, prop
    assert isinstance(xlwings.main.App.hwnd, property)


def test_run_shows_it_is_working_and_gives_the_status_bar_back(seed, tmp_path, monkeypatch):
    import xlsuite.excel

    fake = Book(shutil.copy(seed, tmp_path / "h.xlsx"), {"file": str(tmp_path / "不存在.pdf")})
    monkeypatch.setattr(XlwingsAdapter, "caller", classmethod(lambda cls: adapter_of(fake)))
    xlsuite.excel.run("reimport")  # a file that cannot be read: a Chinese error, with the error icon
    assert fake.app.statuses[0].startswith("政务公开年报：正在处理") and fake.app.statuses[-1] is False
    style, text = fake.app.alerts[-1]
    assert style == MB_ICONS["error"] and "不存在.pdf" in text
