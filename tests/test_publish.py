"""Publishing the annual report from the workbook, tested by reading it back.

Every sample with tables is imported, published as .docx and, in one
LibreOffice call for all of them, as PDF; ``xlsuite extract`` of both must give
the golden values exactly, and pdfplumber must find the three tables with the
national form's row and column counts.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
from docx.oxml.ns import qn
import pdfplumber
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsuite.cli import cli
from xlsuite.excel.actions import publish as publish_action
from xlsuite.excel.actions.base import DONE, REFUSED
from xlsuite.excel.dispatch import dispatch
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
from xlsuite.forms import get_form
from xlsuite.forms.grid import grid
from xlsuite.model import Meta, Report, Value
from xlsuite.publish import Refused, gate, publish, publish_report, to_pdf
from xlsuite.publish.fonts import choose
from xlsuite.publish.tables import number_text
from xlsuite.readers import read_report
from xlsuite.workbook import layout as L
from xlsuite.workbook import write_workbook
from xlsuite.workbook.writer import CHECK_HEADERS

from .conftest import GOLDEN, REALPDF, SEED_FILES, golden_for

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

# Every sample with tables: the seeds but the web page text (it has none), and the real PDFs.
SAMPLES = [p for p in SEED_FILES if ".web." not in p.name] + sorted(REALPDF.glob("huaian-hongze-*.pdf"))
HONGZE_2023 = "huaian-hongze-2023"  # printed its appeal totals as 0: fails R4
EDITED = ("huaian-hongze-2024", "active.licensing.decisions", 551)  # the golden has 550

# The national forms' tables as pdfplumber sees them: (rows, columns), counted by hand from
# 国办公开办函〔2019〕60号 and 〔2021〕30号 (docs/publish.md), not derived from the code.
OFFICIAL = {
    "gov2019": [(18, 4), (26, 10), (4, 15)],  # 二: five 第二十条 groups, each a heading, a header, its rows
    "gov2021": [(14, 4), (28, 10), (4, 15)],  # 三: 3 header rows + 25 rows (（六） has 3 sub-rows)
}


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def _set(src: Path, dst: Path, key: str, value) -> Path:
    """A staff edit: the cell found by its defined name, saved as a copy."""
    wb = openpyxl.load_workbook(src)
    sheet, ref = next(iter(wb.defined_names[L.defined_name(key)].destinations))
    wb[sheet][ref.replace("$", "")] = value
    wb.save(dst)
    return dst


def _ruled_pages(pdf_path: Path) -> list[int]:
    """Pages that draw lines at all (pdfium, fast): pdfplumber needs a second a page to look."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [n for n in range(len(doc))
                if any(o.type == pdfium_c.FPDF_PAGEOBJ_PATH for o in doc[n].get_objects())]
    finally:
        doc.close()


def _cell_texts(table) -> list[str]:
    """The text of each printed cell of a docx table: merged cells once, covered cells not at all."""
    return ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tr in table._tbl.tr_lst for tc in tr.tc_lst
            if tc.tcPr is None or tc.tcPr.find(qn("w:vMerge")) is None
            or tc.tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"]


def _widest() -> dict[str, Report]:
    """Per form, the widest content: 8-digit counts, long money, the longest agency name, every cell."""
    out = {}
    for form_id, year in (("gov2019", 2020), ("gov2021", 2024)):
        form = get_form(form_id)
        kinds = {"count": 87654321, "signed": -7654321, "money": 98765432.12}
        values = {k: Value(kinds[form.column_of(k).kind] - i) for i, k in enumerate(form.keys())}
        report = Report(Meta(agency="广西壮族自治区南宁市青秀区人民政府办公室", year=year, form=form_id), values)
        report.narrative = {"overview": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》。" * 20}
        out[form_id] = report
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, dict]:
    """stem -> {workbook, docx, pdf, result}: every sample imported and published, PDFs in one soffice call."""
    d = tmp_path_factory.mktemp("publish")
    out = {}
    for src in SAMPLES:
        stem = _stem(src)
        wb = write_workbook(read_report(src), d / f"{stem}.xlsx")
        done = publish(wb, d / f"{stem}.docx", force=stem == HONGZE_2023)
        out[stem] = {"workbook": wb, "docx": done.docx, "result": done}
    stem, key, value = EDITED
    edited = _set(out[stem]["workbook"], d / "edited.xlsx", key, value)
    out["edited"] = {"workbook": edited, "docx": publish(edited, d / "edited.docx").docx}
    for form_id, report in _widest().items():
        wb = write_workbook(report, d / f"{form_id}-widest.xlsx")
        out[form_id] = {"workbook": wb, "docx": publish(wb, d / f"{form_id}-widest.docx", force=True).docx,
                        "report": report}
    pdfs = to_pdf([v["docx"] for v in out.values()])
    for v, pdf in zip(out.values(), pdfs):
        v["pdf"] = pdf
    return out


@pytest.fixture(scope="module")
def extracted(published) -> dict[Path, dict]:
    """``xlsuite extract --json`` of every published .docx and .pdf, in one run."""
    files = [str(v[kind]) for v in published.values() for kind in ("docx", "pdf")]
    result = CliRunner().invoke(cli, ["extract", *files, "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return {Path(r["source"]): r for r in rows}


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.name)
def test_published_report_reads_back_as_the_golden_values(published, extracted, src, kind):
    gold = golden_for(src)
    got = extracted[Path(published[_stem(src)][kind])]
    assert {k: got["meta"][k] for k in gold["meta"]} == gold["meta"]
    assert got["values"] == gold["values"]  # all keys, exact; blanks (上海: 135 of them) stay null


@pytest.mark.parametrize("src", SAMPLES, ids=lambda p: p.name)
def test_a_generic_extractor_finds_the_official_tables_and_their_values(published, src):
    form = golden_for(src)["meta"]["form"]
    path = published[_stem(src)]["pdf"]
    with pdfplumber.open(path) as pdf:
        tables = [t for n in _ruled_pages(path) for t in pdf.pages[n].extract_tables()]
    assert [(len(t), len(t[0])) for t in tables] == OFFICIAL[form]
    assert all(len(row) == len(t[0]) for t in tables for row in t)
    # ... and reads every value back from the cell the form's grid puts it in (blank: '').
    gold = golden_for(src)["values"]
    f = get_form(form)
    for table, section in zip(tables, ("active", "requests", "appeals")):
        got = {k: table[r][c] or "" for k, (r, c) in grid(form, section).cells.items()}
        assert got == {k: number_text(gold[k], f.column_of(k).kind) for k in got}


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("form_id", ["gov2019", "gov2021"])
def test_the_widest_numbers_neither_wrap_nor_push_a_table_off_its_page(published, extracted, form_id, kind):
    """8-digit numbers widen the columns of 三 and shrink the type of 四; every table stays whole."""
    report = published[form_id]["report"]
    got = extracted[Path(published[form_id][kind])]
    assert (got["meta"]["agency"], got["meta"]["year"]) == (report.meta.agency, report.meta.year)
    assert got["values"] == {k: v.value for k, v in report.values.items()}
    if kind == "pdf":
        path = published[form_id]["pdf"]
        with pdfplumber.open(path) as pdf:
            tables = [t for n in _ruled_pages(path) for t in pdf.pages[n].extract_tables()]
        assert [(len(t), len(t[0])) for t in tables] == OFFICIAL[form_id]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_changing_one_number_changes_exactly_that_cell(published, extracted, kind):
    stem, key, value = EDITED
    before = extracted[Path(published[stem][kind])]["values"]
    after = extracted[Path(published["edited"][kind])]["values"]
    assert {k for k in before if before[k] != after[k]} == {key}
    assert after[key] == value


def test_docx_table_three_has_the_official_merges(published):
    d = docx.Document(published["huaian-hongze-2024"]["docx"])
    outer = [t for t in d.tables]
    assert len(outer) == 3 and all(len(t.rows) == 1 for t in outer)  # borderless frames, one per table
    requests = outer[1].cell(0, 0).tables[0]
    tcs = [list(tr.tc_lst) for tr in requests._tbl.tr_lst]
    first_col = [row[0] for row in tcs[5:]]  # below the header and 一、二

    def vmerge(tc):
        v = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
        return None if v is None else (v.get(qn("w:val")) or "continue")

    assert "".join(p.text for p in requests.rows[5].cells[0].paragraphs) == "三、本年度办理结果"
    assert [vmerge(tc) for tc in first_col] == ["restart"] + ["continue"] * 21 + [None]  # to （七）总计
    header = [requests.cell(0, c).text for c in range(10)]
    assert header[0].startswith("（本列数据的勾稽关系") and header[3:] == ["申请人情况"] * 7
    assert requests.cell(1, 4).text == requests.cell(1, 8).text == "法人或其他组织"
    groups = {requests.cell(r, 1).text for r in range(7, 27)}
    assert {"（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"} <= groups
    appeals = outer[2].cell(0, 0).tables[0]
    assert len(appeals.columns) == 15 and appeals.cell(0, 5).text == appeals.cell(0, 14).text == "行政诉讼"


def test_blank_cells_print_blank_not_zero(published):
    gold = json.loads((GOLDEN / "shanghai-office-2019.json").read_text(encoding="utf-8"))
    d = docx.Document(published["shanghai-office-2019"]["docx"])
    cells = [text for t in d.tables for inner in t.cell(0, 0).tables for text in _cell_texts(inner)]
    zeros = sum(1 for v in gold["values"].values() if v == 0)
    assert cells.count("0") == zeros  # every printed 0 is a real 0
    assert sum(1 for v in gold["values"].values() if v is None) == 135
    assert number_text(None, "count") == "" and number_text(0, "count") == "0"
    assert number_text(7730.28, "money") == "7730.28" and number_text(2.0, "money") == "2"


def test_forced_document_says_unchecked_on_every_page(published):
    done = published[HONGZE_2023]["result"]
    assert done.forced and [r.id for r in done.gate.failures] == ["R4.appeals.review",
                                                                  "R4.appeals.suit_after_review"]
    header = docx.Document(done.docx).sections[0].header.paragraphs[0].text
    assert header.startswith("未通过校验（2 项勾稽关系不成立）")
    with pdfplumber.open(published[HONGZE_2023]["pdf"]) as pdf:
        assert all("未通过校验" in (page.extract_text() or "") for page in pdf.pages)
    clean = docx.Document(published["huaian-hongze-2024"]["docx"]).sections[0].header.paragraphs[0].text
    assert "未通过校验" not in clean


def test_title_and_sections_in_order(published):
    d = docx.Document(published["huaian-hongze-2024"]["docx"])
    texts = [p.text for p in d.paragraphs if p.text.strip()]
    assert texts[0] == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    headings = [t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、"}]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert d.sections[0].page_width.mm == pytest.approx(210, abs=0.1)
    assert d.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)


def test_narrative_is_published_as_staff_edited_it(published, tmp_path):
    src = published["huaian-hongze-2024"]["workbook"]
    wb = openpyxl.load_workbook(src)
    sheet = wb[L.SECTION_SHEETS["other"]]
    sheet.cell(L.NARRATIVE_FIRST_ROW, 1).value = "本年度未收取信息处理费。（经办人改写）"
    wb.save(tmp_path / "edited.xlsx")
    done = publish(tmp_path / "edited.xlsx", tmp_path / "edited.docx")
    texts = [p.text for p in docx.Document(done.docx).paragraphs]
    assert texts[texts.index("六、其他需要报告的事项") + 1] == "本年度未收取信息处理费。（经办人改写）"


# --- refusing ---------------------------------------------------------------

def test_cli_refuses_hongze_2023_and_lists_the_failing_relations(published, tmp_path):
    out = tmp_path / "年报.docx"
    result = CliRunner().invoke(cli, ["publish", str(published[HONGZE_2023]["workbook"]), "-o", str(out)])
    assert result.exit_code == 1
    assert "未通过校验" in result.output and "R4.appeals.review" in result.output
    assert "R4.appeals.suit_after_review" in result.output and "--force" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_json_and_exit_codes(published, tmp_path):
    wb = str(published["shishi-commerce-2019"]["workbook"])
    out = tmp_path / "年报.docx"
    first = CliRunner().invoke(cli, ["publish", wb, "-o", str(out), "--json"])
    assert first.exit_code == 0
    row = json.loads(first.output)
    assert row["published"] and row["docx"] == str(out) and row["forced"] is False
    again = CliRunner().invoke(cli, ["publish", wb, "-o", str(out)])
    assert again.exit_code == 2 and "已存在" in again.output
    not_a_workbook = CliRunner().invoke(cli, ["publish", str(SEED_FILES[0]), "-o", str(tmp_path / "x.docx")])
    assert not_a_workbook.exit_code == 2 and "不是标准工作簿" in not_a_workbook.output
    refused = CliRunner().invoke(cli, ["publish", str(published[HONGZE_2023]["workbook"]), "-o",
                                       str(tmp_path / "y.docx"), "--json"])
    assert refused.exit_code == 1 and json.loads(refused.output)["failures"][0].startswith("R4.appeals.review")


def test_text_in_a_number_cell_is_refused(published, tmp_path):
    wb = _set(published["huaian-hongze-2024"]["workbook"], tmp_path / "text.xlsx", "active.penalty.decisions", "四千")
    with pytest.raises(Refused) as e:
        publish(wb, tmp_path / "text.docx")
    assert e.value.gate.unreadable and "行政处罚" in e.value.gate.lines()[0]


def _mark(path: Path, marks: dict[str, tuple[str, str]]) -> Path:
    """What a reviewer does in Excel: pick 核实 from the drop-down, type 说明 (on the 校验 sheet)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[L.CHECKS]
    review, note = CHECK_HEADERS.index("核实") + 1, CHECK_HEADERS.index("说明") + 1
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value in marks:
            ws.cell(row, review).value, ws.cell(row, note).value = marks[ws.cell(row, 1).value]
    wb.save(path)
    return path


def test_failures_marked_verified_on_the_checks_sheet_are_published_without_their_reasons(published, tmp_path):
    why = "原报告如此印刷，已与复议机关核实"
    src = published[HONGZE_2023]["workbook"]
    one = _mark(Path(shutil.copy(src, tmp_path / "one.xlsx")), {"R4.appeals.review": ("已核实无误", why)})
    with pytest.raises(Refused) as e:  # the other R4 failure still blocks
        publish(one, tmp_path / "one.docx")
    assert [r.id for r in e.value.gate.failures] == ["R4.appeals.suit_after_review"]
    no_reason = _mark(Path(shutil.copy(src, tmp_path / "bare.xlsx")),
                      {"R4.appeals.review": ("已核实无误", ""), "R4.appeals.suit_after_review": ("已更正", why)})
    with pytest.raises(Refused):  # a mark without 说明, or 已更正 while it still fails, is no 核实
        publish(no_reason, tmp_path / "bare.docx")
    both = _mark(Path(shutil.copy(src, tmp_path / "both.xlsx")),
                 {"R4.appeals.review": ("已核实无误", why), "R4.appeals.suit_after_review": ("已核实无误", why)})
    result = CliRunner().invoke(cli, ["publish", str(both), "-o", str(tmp_path / "both.docx")])
    assert result.exit_code == 0 and "已核实，不阻止发布：R4.appeals.review" in result.output
    assert why not in result.output
    with zipfile.ZipFile(tmp_path / "both.docx") as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert why not in xml and "未通过校验" not in xml


def test_verified_failures_pass_and_their_reasons_stay_out_of_the_document(tmp_path):
    gold = json.loads((GOLDEN / f"{HONGZE_2023}.json").read_text(encoding="utf-8"))
    report = Report(Meta(agency=gold["meta"]["agency"], year=2023, form="gov2021"),
                    {k: Value(v) for k, v in gold["values"].items()})
    with pytest.raises(Refused):
        publish_report(report, tmp_path / "a.docx")
    reason = "原报告如此印刷，已与复议机关核实"
    marks = {"R4.appeals.review": reason, "R4.appeals.suit_after_review": reason}
    assert gate(report, {"R4.appeals.review": "  "}).failures  # a mark without a reason is no mark
    done = publish_report(report, tmp_path / "b.docx", verified=marks)
    assert not done.forced and [r.id for r in done.gate.verified] == list(marks)
    with zipfile.ZipFile(done.docx) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert reason not in xml and "未通过校验" not in xml


def test_fonts_official_where_installed_else_noto():
    official = choose({"方正小标宋简体", "SimHei", "仿宋_GB2312"})
    assert official.describe() == {"title": "方正小标宋简体", "heading": "黑体", "body": "仿宋_GB2312"}
    assert choose({"FangSong"}).body.name == "仿宋"
    fallback = choose(set())
    assert fallback.describe() == {"title": "Noto Serif CJK SC", "heading": "Noto Sans CJK SC",
                                   "body": "Noto Serif CJK SC"}
    assert fallback.title.bold and not fallback.body.official


# --- the ribbon -------------------------------------------------------------

def test_ribbon_button_publishes_the_open_workbook(published, tmp_path, monkeypatch):
    wb = Path(shutil.copy(published["huaian-hongze-2024"]["workbook"], tmp_path / "hz.xlsx"))
    out = tmp_path / "年报.docx"
    adapter = OpenpyxlAdapter(wb, {"save_path": str(out)})
    outcome = dispatch("publish", adapter)
    assert outcome.status == DONE and out.exists() and Path(outcome.files["pdf"]).exists()
    got = read_report(out)
    assert {k: v.value for k, v in got.values.items()} == golden_for(REALPDF / "huaian-hongze-2024.pdf")["values"]
    monkeypatch.setattr(publish_action, "pdf_available", lambda: False)  # one LibreOffice run is enough
    again = dispatch("publish", OpenpyxlAdapter(wb, {"save_path": str(out)}))
    assert again.status == DONE and "已备份" in again.alert and "没有生成 PDF" in again.alert
    assert len(list(tmp_path.glob("年报.备份-*.docx"))) == 1


def test_ribbon_button_refuses_unless_the_user_chooses_a_draft(published, tmp_path, monkeypatch):
    monkeypatch.setattr(publish_action, "pdf_available", lambda: False)
    wb = Path(shutil.copy(published[HONGZE_2023]["workbook"], tmp_path / "hz23.xlsx"))
    out = tmp_path / "年报.docx"
    refused = dispatch("publish", OpenpyxlAdapter(wb, {"save_path": str(out)}))
    assert refused.status == REFUSED and not out.exists() and "行政复议" in refused.alert
    draft = dispatch("publish", OpenpyxlAdapter(wb, {"save_path": str(out), "choice": "force"}))
    assert draft.status == DONE and "未通过校验" in draft.alert
    assert docx.Document(out).sections[0].header.paragraphs[0].text.startswith("未通过校验")
    why = "原报告如此印刷，已核实"
    _mark(wb, {"R4.appeals.review": ("已核实无误", why), "R4.appeals.suit_after_review": ("已核实无误", why)})
    marked = dispatch("publish", OpenpyxlAdapter(wb, {"save_path": str(out)}))  # no question asked
    assert marked.status == DONE and "核实说明" in marked.alert and why not in marked.alert
    assert docx.Document(out).sections[0].header.paragraphs[0].text == ""


# --- any values ---------------------------------------------------------------

def _value(kind: str):
    if kind == "money":
        return st.one_of(st.none(), st.integers(0, 10**9), st.decimals(0, 10**7, places=2).map(float))
    if kind == "signed":
        return st.one_of(st.none(), st.integers(-10**6, 10**6))
    return st.one_of(st.none(), st.integers(0, 10**8))


@st.composite
def _reports(draw) -> Report:
    form = get_form(draw(st.sampled_from(["gov2019", "gov2021"])))
    values = {k: Value(draw(_value(form.column_of(k).kind))) for k in form.keys()}
    year = 2020 if form.id == "gov2019" else draw(st.integers(2021, 2030))
    return Report(Meta(agency=draw(st.sampled_from(["某某局", "福建省泉州市石狮市商务局"])), year=year,
                       form=form.id), values)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=_reports())
def test_any_values_read_back_from_the_docx(tmp_path, report):
    done = publish_report(report, tmp_path / "r.docx", force=True, overwrite=True)
    got = read_report(done.docx)
    assert (got.meta.agency, got.meta.year, got.meta.form) == (report.meta.agency, report.meta.year, report.meta.form)
    assert {k: v.value for k, v in got.values.items()} == {k: v.value for k, v in report.values.items()}
