"""Year-over-year comparison: the real 洪泽区 pair, the narrative diff, 重复率, LibreOffice recalculation."""
from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.compare import CompareError, compare_reports
from xlsuite.compare.text import ADDED, CHANGED, FIGURES, REMOVED, SAME, diff_section, figure_changes
from xlsuite.compare.workbook import COMPARE, KEY_COL, NOTE_COL, PREVIOUS, TEXT
from xlsuite.metrics import NOTE_DEN_ZERO
from xlsuite.model import Meta, Report
from xlsuite.readers import read_report

from .conftest import REALPDF, golden_for

PDF23, PDF24 = REALPDF / "huaian-hongze-2023.pdf", REALPDF / "huaian-hongze-2024.pdf"
# 重复率 of the pair, pinned: 一、五、六, the text overall and the tables' unchanged cells.
REPETITION = {"sections": {"overview": 0.1359, "issues": 0.0, "other": 1.0}, "text": 0.1289,
              "tables": {"active": 0.3, "requests": 0.9086, "appeals": 0.5333, "all": 0.85}}


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture(scope="module")
def pair():
    return read_report(PDF23), read_report(PDF24)


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """`compare -o --pdf --json` once: the workbook, its PDF (one soffice call) and the JSON."""
    out = tmp_path_factory.mktemp("compare") / "对比.xlsx"
    result = run("compare", PDF23, PDF24, "-o", out, "--pdf", "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.fixture(scope="module")
def recalculated(cli_run, tmp_path_factory):
    """The produced workbook and a copy with one of this year's values corrected, in one soffice call."""
    from xlsuite.workbook.recalc import recalculate

    book, _ = cli_run
    work = tmp_path_factory.mktemp("recalc")
    edited = work / "edited.xlsx"
    wb = openpyxl.load_workbook(book)
    dest = wb.defined_names["requests.new.total"].destinations
    sheet, ref = next(iter(dest))
    wb[sheet][ref.replace("$", "")].value = 100
    wb.save(edited)
    plain = work / "plain.xlsx"
    shutil.copyfile(book, plain)
    calc = recalculate([plain, edited], work / "calc")
    return {p.stem: p for p in calc}


def rows_by_key(path):
    ws = openpyxl.load_workbook(path, data_only=True)[COMPARE]
    out = {}
    for row in ws.iter_rows(min_row=5):
        key = row[KEY_COL - 1].value
        if isinstance(key, str) and key and not key.startswith(("R8", "R9", "R10")):
            out[key] = [c.value for c in row[:NOTE_COL]]
    return out


def blank(v):
    return None if v in ("", None) else v


# --- the real pair ---------------------------------------------------------------------------

def test_previous_and_current_equal_the_goldens(cli_run):
    _, d = cli_run
    old, new = golden_for(PDF23)["values"], golden_for(PDF24)["values"]
    assert {k: v["previous"] for k, v in d["values"].items()} == old
    assert {k: v["current"] for k, v in d["values"].items()} == new
    assert d["values"]["requests.new.total"] == {"label": "一、本年新收政府信息公开申请数量·总计", "previous": 21,
                                                 "current": 95, "change": 74, "change_rate": pytest.approx(74 / 21)}
    assert (d["previous"]["year"], d["current"]["year"]) == (2023, 2024)


def test_narrative_diff_lists_the_changed_request_figures(cli_run):
    _, d = cli_run
    changed = [f for s in d["narrative"]["overview"]["sentences"] for f in s.get("figures", [])]
    request = [f for f in changed if "申请" in f["context"]]
    assert request == [{"previous": 21, "current": 17, "context": "政府受理政府信息公开申请"}]
    assert {"previous": 1136, "current": 2428, "context": "平台主动发布各类政府信息"} in changed
    # The audit's reading of the same figure, with this year's table beside it (the text says 17, the table 95).
    fig = next(f for f in d["figures"] if f["rule"] == "R11.narrative.requests.new.total")
    assert (fig["previous"], fig["current"], fig["table"]) == ([21], [17], 95)
    counts = d["narrative"]["overview"]["counts"]
    assert counts == {"same": 6, "figures": 0, "changed": 5, "added": 4, "removed": 5}
    # 六 is last year's sentence with the year moved on: repeated, and no figure worth listing.
    other = d["narrative"]["other"]["sentences"]
    assert [s["status"] for s in other] == ["figures"] and "figures" not in other[0]


def test_repetition_rates_are_pinned_printed_and_in_the_json(cli_run, pair):
    _, d = cli_run
    assert d["repetition"] == REPETITION
    result = run("compare", PDF23, PDF24)
    assert result.exit_code == 0
    out = result.stdout
    assert "重复率：文字 12.9%；表格未变单元格 85.0%" in out
    assert "一、总体情况：13.6%" in out and "五、存在的主要问题及改进情况：0.0%" in out and "六、其他需要报告的事项：100.0%" in out
    assert "政府受理政府信息公开申请：21 → 17" in out


def test_zero_denominator_is_blank_with_a_note_in_json(cli_run):
    _, d = cli_run
    m = d["metrics"]["review_correction_rate"]  # no reviews in 2023
    assert m["previous"] is None and m["change"] is None and m["notes"] == {"previous": NOTE_DEN_ZERO}
    assert m["current"] == 0.5


def test_libreoffice_changes_equal_the_json(cli_run, recalculated):
    _, d = cli_run
    rows = rows_by_key(recalculated["plain"])
    expected = {**d["values"], **d["metrics"]}
    assert set(expected) <= set(rows)
    for key, e in expected.items():
        _, _, prev, cur, change, rate, _ = rows[key]
        assert blank(prev) == pytest.approx(e["previous"]), key
        assert blank(cur) == pytest.approx(e["current"]), key
        assert blank(change) == pytest.approx(e["change"]), key
        assert blank(rate) == pytest.approx(e["change_rate"]), key
    # Zero denominator: a blank cell and a note in Excel too, never 0 or #DIV/0!.
    assert rows["review_correction_rate"][2] in ("", None)
    assert rows["review_correction_rate"][6] == "上年" + NOTE_DEN_ZERO
    ws = openpyxl.load_workbook(recalculated["plain"], data_only=True)[COMPARE]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("#") for v in values)
    # Relations 8-10 inline: every one passes for this pair, as in Python.
    cross = {r[1].value: r[5].value for r in ws.iter_rows() if isinstance(r[1].value, str) and r[1].value[:3] in ("R8.", "R10")}
    assert cross == {r["id"]: "通过" for r in d["cross_year"]}


def test_a_corrected_value_updates_the_comparison(recalculated):
    rows = rows_by_key(recalculated["edited"])
    assert rows["requests.new.total"][3:6] == [100, 79, pytest.approx(79 / 21)]
    assert rows["requests_new"][3:5] == [100, 79]


def test_pdf_prints_both_sheets_with_the_header(cli_run):
    import pypdfium2 as pdfium

    book, _ = cli_run
    pdf = pdfium.PdfDocument(str(book.with_suffix(".pdf")))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "上年对比" in text and "文字对比" in text and "文字重复率 12.9%" in text
    assert "淮安市洪泽区人民政府" in text
    assert "封面" not in text and "标准工作簿" not in text  # the year's own sheets are not printed
    w, h = pdf[0].get_size()
    assert w > h  # landscape A4
    assert round(w) in (841, 842) and round(h) in (595, 596)


def test_workbook_sheets_and_previous_names(cli_run):
    book, _ = cli_run
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[:2] == [COMPARE, TEXT] and wb.sheetnames[-1] == PREVIOUS
    assert "prev.requests.carried_out.total" in wb.defined_names
    assert "requests.new.total" in wb.defined_names  # this year's standard workbook underneath
    ws = wb[COMPARE]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert "重复率" in ws.oddHeader.right.text and "淮安市洪泽区人民政府" in ws.oddHeader.left.text


# --- refusing, forcing, import --previous --------------------------------------------------------

def test_different_agencies_and_year_gaps_are_refused_unless_forced(pair, tmp_path):
    old, new = pair
    other = Report(Meta(agency="厦门市人民政府", year=2024, form="gov2021"), dict(new.values))
    with pytest.raises(CompareError) as e:
        compare_reports(old, other)
    assert e.value.code == "different_agency"
    gap = Report(Meta(agency=new.meta.agency, year=2025, form="gov2021"), dict(new.values))
    with pytest.raises(CompareError) as e:
        compare_reports(old, gap)
    assert e.value.code == "year_gap"
    forced = compare_reports(old, gap, force=True)
    assert forced.warnings == ["两份报告不是相邻两年：上年为2023年度，本年为2025年度"]
    # A shortened name of the same agency pairs, as the audit pairs years.
    short = Report(Meta(agency="洪泽区人民政府", year=2024, form="gov2021"), dict(new.values))
    assert compare_reports(old, short).warnings == []
    result = run("compare", PDF24, PDF23)  # swapped
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "上年报告应放在前面" in result.stderr


def test_import_previous_adds_the_comparison_sheets(tmp_path):
    result = run("import", PDF24, "--previous", PDF23, "-o", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)["files"][0]["output"]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "封面" and {COMPARE, TEXT, PREVIOUS} <= set(wb.sheetnames)
    assert wb[PREVIOUS]["C4"].value is not None and "prev.active.regulations.issued" in wb.defined_names


# --- the narrative diff on small texts ---------------------------------------------------------

def _report(year: int, text: str) -> Report:
    return Report(Meta(agency="某局", year=year, form="gov2021"), narrative={"overview": text})


def test_sentence_classes_and_repetition():
    old = _report(2023, "我局高度重视。2023年共收到申请21件。加强平台建设。原有的一句话。")
    new = _report(2024, "我局高度重视。2024年共收到申请17件。持续加强平台网站建设。全新的内容在这里！")
    d = diff_section(old, new, "overview")
    assert [s.status for s in d.sentences] == [SAME, FIGURES, CHANGED, ADDED, REMOVED]
    assert [f.text() for f in d.sentences[1].figures] == ["2024年共收到申请：21 → 17"]
    repeated = len("我局高度重视。") + len("2024年共收到申请17件。")
    assert d.repetition == pytest.approx(repeated / (repeated + len("持续加强平台网站建设。全新的内容在这里!")))
    assert diff_section(_report(2023, ""), _report(2024, ""), "overview").repetition is None


def test_figure_pairing_follows_the_words_before_each_figure():
    before = "我区主动公开政府信息1136条。"
    after = "我区主动发布各类政府信息2428条，公开常务会议7期，解读信息发布7条。"
    assert [(f.previous, f.current) for f in figure_changes(before, after)] == [("1136", "2428")]


def test_a_change_of_form_compares_what_both_forms_have():
    # 2020 (gov2019) → 2021 (gov2021): only relation 8 lines up; keys new in 2021 have no 上年.
    old = report_of("xiamen-city-2020.pdf", agency="厦门市人民政府", year=2020, form="gov2019")
    new = report_of("huaian-hongze-2024", agency="厦门市人民政府", year=2021, form="gov2021")
    cmp = compare_reports(old, new)
    assert {r.rule for r in cmp.cross_year} == {"R8"}
    d = cmp.to_dict()
    assert d["values"]["active.normative_docs.in_force"]["note"] == "上年表式无此项"
    assert d["metrics"]["normative_docs_in_force"]["notes"] == {"previous": "上年表式无此项"}
    assert d["metrics"]["requests_new"]["previous"] == 1609
    from xlsuite.compare.workbook import build_comparison

    ws = build_comparison(cmp)[COMPARE]
    row = next(r for r in ws.iter_rows() if r[KEY_COL - 1].value == "active.normative_docs.in_force")
    assert row[2].value is None and row[NOTE_COL - 1].value == "上年表式无此项"


def report_of(stem: str, **meta) -> Report:
    from xlsuite.model import Value
    from .conftest import GOLDEN

    g = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    return Report(Meta(**meta), {k: Value(v) for k, v in g["values"].items()})


def test_an_existing_output_is_kept_without_overwrite(cli_run):
    book, _ = cli_run
    before = book.read_bytes()
    result = run("compare", PDF23, PDF24, "-o", book)
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert book.read_bytes() == before
