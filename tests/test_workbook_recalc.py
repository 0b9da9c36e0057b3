"""The 校验 formulas computed by a real spreadsheet engine (LibreOffice headless) agree with Python.

Every LibreOffice call converts a batch of files: start-up dominates its cost.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from click.testing import CliRunner

from xlsuite.checks import check
from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.forms import get_form
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report
from xlsuite.relations import instances
from xlsuite.workbook import layout as L
from xlsuite.workbook import write_workbook
from xlsuite.workbook.formulas import status_of
from xlsuite.workbook.reader import read_check_results
from xlsuite.workbook.recalc import recalculate
from xlsuite.workbook.templates import TEMPLATE_DIR

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

from .conftest import SEED_FILES as SEEDS  # noqa: E402
from .conftest import SEEDS as _SEED_DIR  # noqa: E402
TAMPER_KEY = "requests.new.natural"


def set_cell(src: Path, dst: Path, changes: dict[str, object]) -> Path:
    """A staff edit: open with openpyxl, write cells found by their defined names, save a copy."""
    wb = openpyxl.load_workbook(src)
    for key, value in changes.items():
        sheet, ref = next(iter(wb.defined_names[L.defined_name(key)].destinations))
        wb[sheet][ref.replace("$", "")] = value
    wb.save(dst)
    return dst


def python_statuses(path: Path) -> tuple[str, dict[str, str | None]]:
    report = read_report(path)
    results = {r.id: r.status for r in check(report)}
    return assess(report).verdict, {i.id: results.get(i.id) for i in instances(report.meta.form)}


def excel_statuses(path: Path) -> tuple[str, dict[str, str | None]]:
    v, texts = read_check_results(path)
    return v, {k: status_of(t) for k, t in texts.items()}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Every seed imported, plus a tampered copy of one, all recalculated in one soffice call."""
    src = tmp_path_factory.mktemp("books")
    books: dict[str, Path] = {}
    for seed in SEEDS:
        books[seed.name] = write_workbook(read_report(seed), src / f"{seed.name}.xlsx")
    books["tampered"] = set_cell(books["xiamen-city-2020.pdf.txt"], src / "tampered.xlsx", {TAMPER_KEY: 1535})
    for form_id in ("gov2019", "gov2021"):
        books[form_id] = shutil.copy(TEMPLATE_DIR / f"{form_id}.xlsx", src / f"template-{form_id}.xlsx")
    out = recalculate(list(books.values()), tmp_path_factory.mktemp("calc"))
    return {name: (book, calc) for (name, book), calc in zip(books.items(), out)}


@pytest.mark.parametrize("seed", [s.name for s in SEEDS])
def test_seed_checks_pass_in_libreoffice(recalculated, seed):
    book, calc = recalculated[seed]
    v, excel = excel_statuses(calc)
    report = read_report(book)
    py = {r.id: r.status for r in check(report)}
    assert v == "通过"
    assert "fail" not in excel.values()
    for inst in instances(report.meta.form):
        assert excel[inst.id] == py.get(inst.id), inst.id
    # Every relation whose cells are all filled is 通过; blank cells alone make a relation 无法校验.
    for inst in instances(report.meta.form):
        if all(report.number(k) is not None for k in inst.keys):
            assert excel[inst.id] == "pass", inst.id
    if seed == "xiamen-city-2020.pdf.txt":
        assert set(excel.values()) == {"pass"}


def test_tampered_value_fails_its_relations(recalculated):
    _, calc = recalculated["tampered"]
    v, excel = excel_statuses(calc)
    involved = {i.id for i in instances("gov2019") if TAMPER_KEY in i.keys and i.rule.per != "cell"}
    assert involved == {"R1.requests.natural", "R2.requests.new"}
    assert v == "不通过"
    assert {k for k, s in excel.items() if s == "fail"} == involved
    assert excel[f"R5.{TAMPER_KEY}"] == "pass"
    assert python_statuses(recalculated["tampered"][0]) == excel_statuses(calc)
    # `xlsuite check` on the edited workbook reports what the 校验 sheet shows.
    cli_run = CliRunner().invoke(cli, ["check", str(recalculated["tampered"][0]), "--json"])
    out = json.loads(cli_run.stdout)
    assert cli_run.exit_code == 1 and out["verdict"] == v
    assert {r["id"] for r in out["checks"] if r["status"] == "fail"} == involved
    # The recalculated values are visible to any reader, e.g. left and right of the failing row.
    ws = openpyxl.load_workbook(calc, data_only=True)["校验"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "R1.requests.natural")
    assert (ws.cell(row, 4).value, ws.cell(row, 5).value, ws.cell(row, 6).value) == (1562, 1561, 1)


@pytest.mark.parametrize("form_id", ["gov2019", "gov2021"])
def test_blank_template_computes(recalculated, form_id):
    v, excel = excel_statuses(recalculated[form_id][1])
    assert v == "通过"
    assert {s for k, s in excel.items() if not k.startswith("R5.")} == {"not_checkable"}
    assert {s for k, s in excel.items() if k.startswith("R5.")} == {None}  # 空白


# --- property: Excel and Python agree on random staff edits ------------------

_XIAMEN = _SEED_DIR / "xiamen-city-2020.pdf.txt"
_EDIT_VALUES = st.one_of(st.none(), st.integers(-3, 2000), st.sampled_from([0.5, 2.25, 1e-7, -0.5]),
                         st.just("文字"))


def _edits(form_id: str):
    keys = get_form(form_id).keys()
    return st.dictionaries(st.sampled_from(keys), _EDIT_VALUES, min_size=1, max_size=6)


@pytest.fixture(scope="module")
def bases() -> dict[str, Report]:
    xiamen = read_report(_XIAMEN)
    form = get_form("gov2021")
    # A gov2021 report with the same numbers where the keys coincide, to exercise the other form.
    other = Report(Meta(agency="测试机关", year=2024, form="gov2021"),
                   {k: Value(xiamen.number(k) if k in xiamen.values else 1) for k in form.keys()})
    return {"gov2019": xiamen, "gov2021": other}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(data=st.data())
def test_excel_agrees_with_python_on_random_edits(bases, tmp_path_factory, data):
    """Random cell contents (blanks, negatives, decimals, text) as staff might type them."""
    work = tmp_path_factory.mktemp("prop")
    books = []
    for n in range(8):  # one soffice call for the whole batch
        form_id = "gov2019" if n % 2 == 0 else "gov2021"
        edits = data.draw(_edits(form_id), label=f"edits{n}")
        base = bases[form_id]
        edited = replace(base, values={**base.values, **{k: Value(v) for k, v in edits.items()}})
        books.append(write_workbook(edited, work / f"edit{n}.xlsx", results=[]))
    calcs = recalculate(books, work / "calc")
    for book, calc in zip(books, calcs):
        py_verdict, py = python_statuses(book)
        xl_verdict, xl = excel_statuses(calc)
        assert {k: (py[k], xl[k]) for k in py if py[k] != xl[k]} == {}
        assert py_verdict == xl_verdict


def test_another_engine_keeps_names_and_conditional_formats(recalculated):
    """What docs/excel.md promises for WPS: a spreadsheet other than Excel (LibreOffice here) keeps
    every defined name and conditional format of the workbook when it saves it."""
    book, calc = recalculated["xiamen-city-2020.pdf.txt"]
    ours, theirs = openpyxl.load_workbook(book), openpyxl.load_workbook(calc)
    assert set(ours.defined_names) <= set(theirs.defined_names)
    for name in ours.defined_names:
        assert list(theirs.defined_names[name].destinations) == list(ours.defined_names[name].destinations), name

    def rules(wb):
        return {ws.title: sum(len(cf.rules) for cf in ws.conditional_formatting) for ws in wb.worksheets}

    assert any(rules(ours).values())
    assert rules(theirs) == rules(ours)
