"""The standard workbook without a spreadsheet engine: layout, names, formulas, text, round trip, CLI."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite.checks import check
from xlsuite.cli import cli
from xlsuite.errors import SourceError
from xlsuite.forms import FORMS, get_form
from xlsuite.model import Meta, Provenance, Report, Value
from xlsuite.readers import read_report
from xlsuite.relations import instances
from xlsuite.workbook import read_values, write_workbook
from xlsuite.workbook import layout as L
from xlsuite.workbook.narrative import paragraphs
from xlsuite.workbook.templates import TEMPLATE_DIR, build_template

from .conftest import GOLDEN, SEED_FILES, SEEDS  # noqa: E402 - ../shared, or the copies in a lone clone

XIAMEN = SEEDS / "xiamen-city-2020.pdf.txt"


@pytest.fixture(scope="module")
def xiamen() -> Report:
    return read_report(XIAMEN)


@pytest.fixture(scope="module")
def xiamen_book(xiamen, tmp_path_factory) -> Path:
    return write_workbook(xiamen, tmp_path_factory.mktemp("wb") / "xiamen.xlsx", cover_extra={"备注": "=抽查"})


def _target(wb, name):
    return next(iter(wb.defined_names[name].destinations))


# --- layout -----------------------------------------------------------------

def test_cells_follow_the_official_form():
    assert L.cell_of("gov2021", "requests.new.natural") == ("三、依申请公开", "D6")
    assert L.cell_of("gov2021", "requests.new.total") == ("三、依申请公开", "J6")
    assert L.cell_of("gov2021", "requests.carried_out.total") == ("三、依申请公开", "J30")
    assert L.cell_of("gov2019", "requests.carried_out.total") == ("三、依申请公开", "J28")
    assert L.cell_of("gov2021", "appeals.review.upheld") == ("四、复议诉讼", "A6")
    assert L.cell_of("gov2021", "appeals.suit_after_review.total") == ("四、复议诉讼", "O6")
    assert L.cell_of("gov2019", "active.procurement.amount_yuan") == ("二、主动公开", "C20")
    assert L.defined_name("requests.new.natural") == "requests.new.natural"
    with pytest.raises(KeyError):
        L.cell_of("gov2021", "active.procurement.projects")  # a gov2019-only row


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_key_has_its_own_cell(form_id):
    cells = [L.cell_of(form_id, k) for k in get_form(form_id).keys()]
    assert len(set(cells)) == len(cells) == len(get_form(form_id).keys())


def test_column_letters_are_excels():
    """``layout.column_letter`` (the add-in's, without openpyxl) is openpyxl's, over all of Excel's 16,384 columns."""
    from openpyxl.utils import get_column_letter

    assert [L.column_letter(n) for n in range(1, 16385)] == [get_column_letter(n) for n in range(1, 16385)]


def test_requests_header_merges_like_the_printed_form():
    lay = L.table_layout("gov2021", "requests")
    refs = {b.text: b.ref for b in lay.blocks}
    assert refs["申请人情况"] == "D3:J3"
    assert refs["法人或其他组织"] == "E4:I4"
    assert refs["自然人"] == "D4:D5"
    assert refs["三、本年度办理结果"] == "A8:A29"
    assert refs["（三）不予公开"] == "B10:B17"
    assert refs["（六）其他处理"] == "B26:B28"


# --- the built workbook -----------------------------------------------------

def test_sheets_names_and_values(xiamen, xiamen_book):
    wb = openpyxl.load_workbook(xiamen_book)
    assert wb.sheetnames == ["封面", "一、总体情况", "二、主动公开", "三、依申请公开", "四、复议诉讼",
                             "五、问题及改进", "六、其他事项", "校验"]
    form = get_form("gov2019")
    for key in form.keys():
        sheet, ref = _target(wb, key)
        assert (sheet, ref.replace("$", "")) == L.cell_of("gov2019", key)
        assert wb[sheet][ref.replace("$", "")].value == xiamen.number(key)
    # Printed totals stay typed values, never SUM formulas.
    assert wb["三、依申请公开"]["J6"].value == 1609
    assert wb["封面"][_target(wb, "meta.agency")[1].replace("$", "")].value == "厦门市人民政府"
    assert _target(wb, "checks.verdict") == ("校验", "$B$3")
    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(min_row=3, max_col=2, values_only=True) if r[0]}
    assert cover["备注"] == "=抽查" and cover["校验结论"] == "=checks.verdict"
    assert cover["识别提示（1 条）"] is None and cover["requests"].startswith("“3.要求提供公开出版物”")
    assert wb["三、依申请公开"].freeze_panes == "D6" and wb["三、依申请公开"].print_title_rows == "$3:$5"


def test_check_sheet_has_one_formula_row_per_instance(xiamen_book):
    wb = openpyxl.load_workbook(xiamen_book)
    ws = wb["校验"]
    insts = instances("gov2019")
    ids = [ws.cell(r, 1).value for r in range(5, 5 + len(insts))]
    assert sorted(ids) == sorted(i.id for i in insts)
    # Relations between cells come first (warnings R6 included), the per-cell rule 5 rows last.
    assert ids[ids.index("R6.active.normative_docs") + 1].startswith("R5.")
    assert ws.cell(5 + len(insts), 1).value is None
    row = 5 + ids.index("R1.requests.natural")
    assert ws[f"D{row}"].value == ('=IF(COUNT(requests.new.natural,requests.carried_in.natural)=0,"",'
                                   'SUM(requests.new.natural,requests.carried_in.natural))')
    assert ws[f"G{row}"].value == (f'=IF(OR(D{row}="",E{row}=""),"无法校验",'
                                   f'IF(ABS(D{row}-E{row})<=0.000001,"通过","不通过"))')
    assert _target(wb, "checks.R1.requests.natural") == ("校验", f"$G${row}")
    r5 = 5 + ids.index("R5.active.licensing.change")
    assert ws[f"G{r5}"].value == ('=IF(ISNUMBER(active.licensing.change),IF(active.licensing.change='
                                  'INT(active.licensing.change),"通过","不通过"),"空白")')
    assert ws["B3"].value == ('=IF(COUNTIFS($G$5:$G$244,"不通过",$H$5:$H$244,"错误")>0,'
                              'IF(COUNTIFS($G$5:$G$244,"不通过",$H$5:$H$244,"错误",$J$5:$J$244,"<>已核实无误",'
                              '$J$5:$J$244,"<>已更正")>0,"不通过","不通过（已说明）"),"通过")')


def test_value_cells_turn_red_with_their_relations(xiamen_book):
    wb = openpyxl.load_workbook(xiamen_book)
    ws = wb["三、依申请公开"]
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    assert rules["D6"] == ['OR(checks.R1.requests.natural="不通过",checks.R2.requests.new="不通过",'
                           'checks.R5.requests.new.natural="不通过")']
    checks = wb["校验"]
    row_rules = [r.formula[0] for cf in checks.conditional_formatting for r in cf.rules]
    assert 'AND($G5="不通过",$H5="错误")' in row_rules


def test_data_validation_in_chinese(xiamen_book):
    wb = openpyxl.load_workbook(xiamen_book)
    dvs = {(dv.type, dv.operator, dv.formula1): dv for dv in wb["二、主动公开"].data_validations.dataValidation}
    count = dvs[("whole", "greaterThanOrEqual", "0")]
    assert "B5" in str(count.sqref) and "整数" in count.error and count.showErrorMessage
    signed = dvs[("whole", "between", "-999999999")]
    assert "C9" in str(signed.sqref)  # active.licensing.change
    money = dvs[("decimal", "greaterThanOrEqual", "0")]
    assert str(money.sqref) == "C20" and "元" in money.prompt
    assert L.cell_of("gov2019", "active.licensing.change") == ("二、主动公开", "C9")


def test_provenance_as_comment(xiamen, xiamen_book):
    wb = openpyxl.load_workbook(xiamen_book)
    p = xiamen.values["requests.new.total"].provenance
    comment = wb["三、依申请公开"]["J6"].comment
    assert comment is not None and f"第{p.line}行" in comment.text and "1609" in comment.text


def test_source_text_never_becomes_a_formula(tmp_path):
    form = get_form("gov2021")
    nasty = ["=HYPERLINK(\"http://x\",\"y\")", "+86 10 1234", "-减少 3 件", "@SUM(A1)"]
    report = Report(Meta(agency=nasty[0], year=2024, form="gov2021", source="x.txt"),
                    {k: Value(None) for k in form.keys()},
                    narrative={"overview": "\n".join(t + "。" for t in nasty)}, sections_found=["overview"])
    report.values["requests.new.natural"] = Value(3, Provenance(text="=cmd|' /C calc'!A0", line=4))
    path = write_workbook(report, tmp_path / "n.xlsx")
    with zipfile.ZipFile(path) as z:
        formulas = [f for n in z.namelist() if n.startswith("xl/worksheets/sheet")
                    for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode())]
    assert formulas and not [f for f in formulas if "HYPERLINK" in f or "SUM(A1)" in f or "1234" in f or "cmd" in f]
    wb = openpyxl.load_workbook(path)
    cover = wb["封面"]["B3"]
    assert cover.value == nasty[0] and cover.data_type == "s"
    texts = [c.value for c in wb["一、总体情况"]["A"][2:6]]
    assert texts == [t + "。" for t in nasty]
    assert all(c.data_type == "s" for c in wb["一、总体情况"]["A"][2:6])
    meta, values = read_values(path)
    assert meta["agency"] == nasty[0] and values["requests.new.natural"] == 3
    assert read_report(path).narrative["overview"].split("\n") == [t + "。" for t in nasty]


def test_write_refuses_to_overwrite(xiamen, tmp_path):
    path = write_workbook(xiamen, tmp_path / "a.xlsx")
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_workbook(xiamen, path)
    assert path.read_bytes() == before
    write_workbook(xiamen, path, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left behind


# --- reading back -----------------------------------------------------------

@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_round_trip(seed, tmp_path):
    report = read_report(seed)
    path = write_workbook(report, tmp_path / "r.xlsx")
    meta, values = read_values(path)
    assert values == report.numbers()
    assert all(type(v) is type(report.number(k)) for k, v in values.items())  # ints stay ints
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text()) if (GOLDEN / f"{seed.stem}.json").exists() \
        else json.loads((GOLDEN / f"{seed.name.split('.')[0]}.json").read_text())
    assert values == golden["values"]
    assert (meta["agency"], meta["year"], meta["form"]) == (golden["meta"]["agency"], golden["meta"]["year"],
                                                           golden["meta"]["form"])
    assert meta["source"] == str(seed) and len(meta["source_sha256"]) == 64 and meta["imported_at"]
    back = read_report(path)
    assert back.numbers() == report.numbers()
    assert (back.meta.agency, back.meta.year, back.meta.form) == (report.meta.agency, report.meta.year,
                                                                  report.meta.form)
    assert back.sections_found == report.sections_found
    for section, text in report.narrative.items():
        assert back.narrative[section].split("\n") == paragraphs(text)
    assert [r.status for r in check(back)] == [r.status for r in check(report)]


def test_staff_edits_are_read(xiamen_book, tmp_path):
    wb = openpyxl.load_workbook(xiamen_book)
    sheet, ref = L.cell_of("gov2019", "appeals.review.upheld")
    wb[sheet][ref] = 13
    sheet, ref = L.cell_of("gov2019", "requests.granted.natural")
    wb[sheet][ref] = "六百"  # text typed over a number
    wb.save(tmp_path / "edited.xlsx")
    report = read_report(tmp_path / "edited.xlsx")
    assert report.number("appeals.review.upheld") == 13
    assert report.number("requests.granted.natural") is None
    assert any(w.key == "requests.granted.natural" and "不是数字" in w.message for w in report.warnings)


def test_not_a_standard_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "自然人"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(SourceError) as e:
        read_report(tmp_path / "other.xlsx")
    assert e.value.code == "wrong_workbook" and "不是 xlsuite 标准工作簿" in e.value.reason
    with pytest.raises(SourceError):
        read_values(tmp_path / "other.xlsx")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "other.xlsx")])
    assert result.exit_code == 2 and "不是 xlsuite 标准工作簿" in result.output


# --- templates --------------------------------------------------------------

def _parts(data) -> dict[str, bytes]:
    with zipfile.ZipFile(data) as z:
        # docProps/core.xml carries the save time; everything else must match byte for byte.
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_committed_templates_match_the_generator(form_id, tmp_path):
    fresh = tmp_path / "t.xlsx"
    build_template(form_id).save(fresh)
    assert _parts(TEMPLATE_DIR / f"{form_id}.xlsx") == _parts(fresh), \
        f"run: xlsuite template --form {form_id} -o workbook_templates/{form_id}.xlsx --overwrite"


def test_template_is_blank_and_readable():
    meta, values = read_values(TEMPLATE_DIR / "gov2021.xlsx")
    assert meta["form"] == "gov2021" and meta["agency"] is None and meta["year"] is None
    assert set(values) == set(get_form("gov2021").keys()) and set(values.values()) == {None}


# --- CLI --------------------------------------------------------------------

def test_import_cli(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是报告。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["import", str(XIAMEN), str(bad), str(SEEDS / "shishi-commerce-2019.md"),
                                 "-o", str(out)])
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["2019-石狮市商务局.xlsx", "2020-厦门市人民政府.xlsx"]
    assert f"错误：{bad}" in result.stderr and result.stderr.count("错误") == 1
    first = (out / "2020-厦门市人民政府.xlsx").read_bytes()
    again = runner.invoke(cli, ["import", str(XIAMEN), "-o", str(out), "--json"])
    assert again.exit_code == 2
    summary = json.loads(again.stdout)
    assert summary["written"] == 0 and "--overwrite" in summary["files"][0]["error"]
    assert (out / "2020-厦门市人民政府.xlsx").read_bytes() == first
    over = runner.invoke(cli, ["import", str(XIAMEN), "-o", str(out), "--json", "--overwrite"])
    assert over.exit_code == 0
    assert json.loads(over.stdout)["files"][0]["verdict"] == "通过"


def test_import_same_agency_twice_in_one_run(tmp_path):
    result = CliRunner().invoke(cli, ["import", str(SEEDS / "fj-commerce-2020.pdf.txt"),
                                      str(SEEDS / "fj-commerce-2020.web.txt"), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "同一机关同一年度" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["2020-福建省商务厅.xlsx"]


def test_import_from_extract_json(tmp_path):
    runner = CliRunner()
    extracted = runner.invoke(cli, ["extract", str(XIAMEN), str(SEEDS / "shishi-commerce-2019.md"), "--json"])
    assert extracted.exit_code == 0
    src = tmp_path / "reports.json"
    src.write_text(extracted.stdout, encoding="utf-8")
    result = runner.invoke(cli, ["import", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    _, values = read_values(tmp_path / "out" / "2020-厦门市人民政府.xlsx")
    assert values == read_report(XIAMEN).numbers()
    broken = tmp_path / "broken.json"
    broken.write_text('{"meta": {"form": "gov2030"}, "values": {}}', encoding="utf-8")
    result = runner.invoke(cli, ["import", str(broken), "-o", str(tmp_path / "out2")])
    assert result.exit_code == 2 and "gov2030" in result.stderr


def test_template_cli(tmp_path):
    runner = CliRunner()
    target = tmp_path / "blank.xlsx"
    assert runner.invoke(cli, ["template", "--form", "gov2019", "-o", str(target)]).exit_code == 0
    assert read_values(target)[0]["form"] == "gov2019"
    again = runner.invoke(cli, ["template", "--form", "gov2019", "-o", str(target)])
    assert again.exit_code == 2 and "已存在" in again.stderr


def test_check_cli_on_a_workbook(xiamen, xiamen_book):
    result = CliRunner().invoke(cli, ["check", str(xiamen_book), "--json"])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["verdict"] == "通过"
    assert {r["id"]: r["status"] for r in out["checks"]} == \
        {r.id: r.status for r in check(xiamen) if r.rule != "R5" or r.failed}


def test_pdf_line_breaks_become_paragraphs():
    text = ("（一）基本情况\n2020 年，我厅全面贯彻《中华人民共和国政府信息公开条\n例》，认真落实。\n"
            "1.加大政府信息公开力度\n（1）加强权力配置信息公开。梳理本机关\n权责清单。\nGDP growth\nrate 5%")
    assert paragraphs(text) == ["（一）基本情况", "2020 年，我厅全面贯彻《中华人民共和国政府信息公开条例》，认真落实。",
                                "1.加大政府信息公开力度", "（1）加强权力配置信息公开。梳理本机关权责清单。",
                                "GDP growth rate 5%"]


def test_recalculate_refuses_unsafe_calls(tmp_path, monkeypatch, xiamen_book):
    from xlsuite.workbook import recalc

    with pytest.raises(ValueError, match="would replace it"):
        recalc.recalculate([xiamen_book], xiamen_book.parent)
    twin = tmp_path / "x" / xiamen_book.name
    twin.parent.mkdir()
    twin.write_bytes(xiamen_book.read_bytes())
    with pytest.raises(ValueError, match="collide"):
        recalc.recalculate([xiamen_book, twin], tmp_path / "out")
    monkeypatch.setenv("XLSUITE_SOFFICE", str(tmp_path / "no-such-soffice"))
    monkeypatch.setattr(recalc, "SOFFICE_CANDIDATES", ())
    with pytest.raises(recalc.SofficeMissing, match="libreoffice-calc-nogui"):
        recalc.recalculate([xiamen_book], tmp_path / "out")


def test_ocr_values_to_review_are_highlighted_with_the_reason(tmp_path):
    from dataclasses import replace

    import openpyxl

    report = read_report(XIAMEN)
    sure = report.values["requests.new.natural"]
    report.values["requests.new.natural"] = replace(sure, provenance=replace(sure.provenance, confidence=0.99))
    shaky = report.values["requests.new.total"]
    report.values["requests.new.total"] = replace(shaky, provenance=replace(shaky.provenance, confidence=0.62))
    path = write_workbook(report, tmp_path / "ocr.xlsx")
    wb = openpyxl.load_workbook(path)

    def cell(key):
        sheet, ref = L.cell_of("gov2019", key)
        return wb[sheet][ref]

    flagged, clean = cell("requests.new.total"), cell("requests.new.natural")
    assert flagged.fill.fgColor.rgb.endswith("F8CBAD") and "请核对" in flagged.comment.text
    assert "0.62" in flagged.comment.text
    assert not clean.fill.fgColor.rgb.endswith("F8CBAD") and "请核对" not in clean.comment.text
