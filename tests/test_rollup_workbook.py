"""Acceptance: 40 synthetic agency workbooks roll up to the Xiamen golden values, live in Excel.

The agencies are the Xiamen 2020 golden values split 40 ways (each keeping
relations 1-5), written as standard workbooks. The total workbook is
recalculated by LibreOffice: its checks all show 通过, its values equal the
golden ones, and changing one agency's row in 明细 changes the total.
"""
from __future__ import annotations

import json
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from xlsuite.model import Meta, Report, Value
from xlsuite.rollup import RollupError, rollup, write_total
from xlsuite.rollup.synth import synthetic_reports
from xlsuite.rollup.workbook import DETAIL, DETAIL_HEAD, FIRST_ROW, KEY_ROW, key_column
from xlsuite.workbook import read_values, write_workbook
from xlsuite.relations import instances
from xlsuite.workbook.layout import VERDICT_NAME, cell_of, check_name
from xlsuite.workbook.recalc import recalculate

from .conftest import GOLDEN

XIAMEN = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]


def _write(args) -> str:
    report, path = args
    write_workbook(report, path)
    return path


@pytest.fixture(scope="module")
def agencies(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("agencies")
    total = Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    reports = synthetic_reports(total, 40, seed=2020)
    jobs = [(r, str(folder / f"2020-{r.meta.agency}.xlsx")) for r in reports]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_write, jobs))
    return folder


@pytest.fixture(scope="module")
def total(agencies, tmp_path_factory):
    result = rollup([str(agencies)], agency="厦门市", year=2020)
    path = tmp_path_factory.mktemp("total") / "2020-厦门市汇总.xlsx"
    write_total(result, path)
    return result, path


@pytest.fixture(scope="module")
def recalculated(total, tmp_path_factory) -> Path:
    _result, path = total
    [out] = recalculate([path], tmp_path_factory.mktemp("recalc"))
    return out


def _named_value(wb, name: str):
    [(sheet, ref)] = list(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")].value


def test_forty_workbooks_add_up_to_xiamen_exactly(total):
    result, _path = total
    assert len(result.entries) == 40
    assert all(e.report.meta.source_kind == "workbook" for e in result.entries)
    assert result.total.numbers() == XIAMEN
    assert result.total.warnings == []


def test_total_values_are_formulas_over_the_detail_columns(total):
    result, path = total
    wb = openpyxl.load_workbook(path)
    keys = result.form.keys()
    detail = wb[DETAIL]
    assert [detail.cell(1, c).value for c in range(1, len(DETAIL_HEAD) + 1)] == [h for h, _ in DETAIL_HEAD]
    for n, key in enumerate(keys):
        col = key_column(n)
        assert detail[f"{col}{KEY_ROW}"].value == key
        sheet, ref = cell_of("gov2019", key)
        assert wb[sheet][ref].value == f"=IF(COUNT('{DETAIL}'!${col}${FIRST_ROW}:${col}$42)=0,\"\",SUM('{DETAIL}'!${col}${FIRST_ROW}:${col}$42))"
    agencies = [detail.cell(r, 1).value for r in range(FIRST_ROW, FIRST_ROW + 40)]
    assert agencies == [e.agency for e in result.entries]
    col = key_column(keys.index("requests.new.total"))
    assert sum(detail[f"{col}{r}"].value for r in range(FIRST_ROW, FIRST_ROW + 40)) == 1609


def test_total_workbook_reads_back_without_recalculation(total):
    # The formulas carry their results, so the fast reader needs no spreadsheet engine.
    result, path = total
    meta, values = read_values(path)
    assert values == XIAMEN
    assert meta["agency"] == "厦门市" and meta["year"] == 2020 and meta["form"] == "gov2019"


def test_cover_records_the_rollup(total):
    _result, path = total
    wb = openpyxl.load_workbook(path)
    cover = {wb["封面"].cell(r, 1).value: wb["封面"].cell(r, 2).value for r in range(1, wb["封面"].max_row + 1)}
    assert "--on-invalid stop" in cover["未通过校验的报告"]
    assert "40 份报告" in cover["汇总方式"]
    overview = [c.value for c in wb["一、总体情况"]["A"] if c.value]
    assert any("40 个机关" in str(v) for v in overview)
    assert any("厦门市思明区人民政府" in str(v) for v in overview)


def test_libreoffice_recalculation_passes_every_check_and_equals_golden(recalculated):
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    assert _named_value(wb, VERDICT_NAME) == "通过"
    results = {i.id: _named_value(wb, check_name(i.id)) for i in instances("gov2019")}
    assert len(results) == len(instances("gov2019")) > 200
    assert set(results.values()) == {"通过"}
    for key, gold in XIAMEN.items():
        assert _named_value(wb, key) == gold, key


def test_a_corrected_agency_row_updates_the_total_live(total, tmp_path):
    result, path = total
    wb = openpyxl.load_workbook(path)
    keys = result.form.keys()
    detail = wb[DETAIL]
    row = FIRST_ROW + 5
    cell = detail[f"{key_column(keys.index('requests.new.natural'))}{row}"]
    cell.value += 10  # the agency's R1 and R2 no longer hold, so neither do the total's
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    [out] = recalculate([edited], tmp_path / "recalc")
    wb2 = openpyxl.load_workbook(out, data_only=True)
    assert _named_value(wb2, "requests.new.natural") == XIAMEN["requests.new.natural"] + 10
    assert _named_value(wb2, VERDICT_NAME) == "不通过"
    failed = {i.id for i in instances("gov2019") if _named_value(wb2, check_name(i.id)) == "不通过"}
    assert failed == {"R1.requests.natural", "R2.requests.new"}


def test_rollup_of_rollups_reads_the_city_total_as_one_agency(total, agencies, tmp_path):
    _result, path = total
    other = Report(Meta(agency="泉州市", year=2020, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    write_workbook(other, tmp_path / "quanzhou.xlsx")
    province = rollup([str(path), str(tmp_path / "quanzhou.xlsx")], agency="福建省")
    assert province.total.number("requests.new.total") == 2 * 1609
    assert list(province.breakdown.index) == ["厦门市", "泉州市"]


def _gov2021_report(agency: str) -> Report:
    from xlsuite.forms import get_form
    return Report(Meta(agency=agency, year=2020, form="gov2021"), {k: Value(0) for k in get_form("gov2021").keys()})


def test_mixing_gov2019_and_gov2021_workbooks_names_both_files(agencies, tmp_path):
    new_form = tmp_path / "2020-新表式机关.xlsx"
    write_workbook(_gov2021_report("新表式机关"), new_form)
    first = sorted(agencies.glob("*.xlsx"))[0]
    with pytest.raises(RollupError) as e:
        rollup([str(first), str(new_form)], agency="厦门市")
    assert str(first) in str(e.value) and str(new_form) in str(e.value)
    assert "gov2019" in str(e.value) and "gov2021" in str(e.value)


def test_mixing_2019_and_2020_workbooks_names_both_files(agencies, tmp_path):
    old = tmp_path / "2019-某局.xlsx"
    r = Report(Meta(agency="某局", year=2019, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    write_workbook(r, old)
    first = sorted(agencies.glob("*.xlsx"))[0]
    with pytest.raises(RollupError) as e:
        rollup([str(first), str(old)], agency="厦门市")
    assert str(first) in str(e.value) and str(old) in str(e.value)
    assert "2019年度" in str(e.value) and "2020年度" in str(e.value)


def test_an_xlsx_that_is_not_a_standard_workbook_is_named(agencies, tmp_path):
    stray = tmp_path / "统计表.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便什么表"
    wb.save(stray)
    with pytest.raises(RollupError) as e:
        rollup([str(agencies), str(stray)], agency="厦门市")
    assert e.value.code == "not_a_report" and str(stray) in str(e.value) and "不是 xlsuite 标准工作簿" in str(e.value)


def test_output_never_replaces_an_input_or_an_existing_file(total, agencies):
    result, path = total
    before = path.read_bytes()
    with pytest.raises(RollupError, match="文件已存在"):
        write_total(result, path)
    assert path.read_bytes() == before
    first = result.entries[0].path
    with pytest.raises(RollupError, match="输出文件与输入文件相同"):
        write_total(result, first, overwrite=True)
    assert zipfile.is_zipfile(first) and read_values(first)[0]["agency"] == result.entries[0].agency
