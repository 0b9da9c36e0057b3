"""Every red-team finding (F01 … F17) as a regression test, each command under 2.5 GB and 60 s.

The inputs are the red team's own files (``tests/fixtures/hostile.tar.xz``) and,
for the giants (3 GB zip and PDF bombs, 200 MiB pages), the same files rebuilt
from their recipe (``tests/fixtures/hostile.py``). Each command runs as
``xlsuite`` does, in a child process capped at 2.5 GB of address space and
killed after 60 s (``tests/capped.py``). A hostile input must end with one line
naming the file and exit 2, or with a correct result; never a traceback, a hang,
a crash of the batch, or the user's data lost.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from .capped import AS_LIMIT, TIMEOUT, CappedCli
from .conftest import ROOT
from .fixtures import hostile as recipes

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def h(tmp_path_factory) -> Path:
    root = recipes.unpack(tmp_path_factory.mktemp("hostile"))
    recipes.make_giants(root, EXAMPLES)
    return root


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "xlsuite.log"
    with CappedCli(env={"XLSUITE_LOG": str(log)}) as runner:
        yield runner


def ok_run(r, code=0):
    """Ended in time, no traceback, the expected exit code."""
    assert r.killed is None, f"killed ({r.killed}) after {r.seconds} s: {r.err[-500:]}"
    assert "Traceback" not in r.err, r.err[-2000:]
    assert r.code == code, (r.code, r.out[-500:], r.err[-500:])
    assert r.seconds < TIMEOUT


def refused(r, name: str, *words: str) -> str:
    """Exit 2 and exactly one line on stderr, naming the file (and the words given)."""
    ok_run(r, 2)
    assert len(r.err_lines) == 1, r.err
    line = r.err_lines[0]
    assert line.startswith("错误：") and name in line, line
    for w in words:
        assert w in line, line
    return line


def test_cap_is_the_acceptance_cap():
    assert AS_LIMIT == int(2.5 * 2 ** 30) and TIMEOUT == 60


# --- F01 control characters, U+FFFF, NUL, odd file names ---------------------------------------------------

def test_f01_control_characters_are_dropped_with_a_warning(cli, h, tmp_path):
    d = h / "F01-control-char-import-traceback"
    ok_run(cli.run(["import", "ctrl.txt", "ok.md", "uFFFF-0046.txt", "agency-nul.json", "-o", tmp_path / "out"], d))
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["2019-ab.xlsx", "2019-石狮市商务局.xlsx", "2020-厦门市人民政府.xlsx", "2020-福建省商务厅.xlsx"]
    ok_run(cli.run(["import", "fuzzed-pdf-0118.pdf", "-o", tmp_path / "pdf"], d))  # its text layer: controls
    assert len(list((tmp_path / "pdf").iterdir())) == 1
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "out" / "2019-ab.xlsx")
    assert wb["封面"]["B3"].value == "ab"  # the NUL is gone, the rest kept
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("控制字符" in t for t in texts)
    r = cli.run(["rollup", "rollup-a-esc-agency.md", "rollup-b.md", "-o", tmp_path / "t.xlsx", "--agency", "T",
                 "--year", "2019"], d)
    ok_run(r)
    assert "2 份报告" in r.out


def test_f01_f17_odd_file_names_give_one_line(cli, h, tmp_path):
    ok = (h / "F01-control-char-import-traceback" / "ok.md").read_bytes()
    esc = tmp_path / "esc\x1b[31mname.md"
    esc.write_bytes(ok)
    r = cli.run(["import", esc.name, "-o", "out"], tmp_path)
    ok_run(r)
    assert "\x1b" not in r.out and "esc\\x1b[31mname.md" in r.out  # an escape sequence is shown, not obeyed
    two = tmp_path / "two\nlines.txt"
    two.write_bytes(b"garbage\x00")
    line = refused(cli.run(["check", two.name], tmp_path), "two\\nlines.txt", "二进制")
    assert "\x1b" not in line


def test_f01_non_utf8_file_name(cli, h, tmp_path):
    import os

    name = b"bad\xff\xfename.md"
    Path(os.fsdecode(bytes(tmp_path) + b"/" + name)).write_bytes(
        (h / "F01-control-char-import-traceback" / "ok.md").read_bytes())
    ok_run(cli.run(["import", os.fsdecode(name), "-o", "out"], tmp_path))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["2019-石狮市商务局.xlsx"]


# --- F02 a 400-digit number ---------------------------------------------------------------------------------

def test_f02_huge_number_is_blank_with_a_warning(cli, h, tmp_path):
    d = h / "F02-huge-number-overflow"
    r = cli.run(["extract", "huge-number.md", "good.txt", "--json"], d)
    ok_run(r)
    first = json.loads(r.out.splitlines()[0])
    assert first["values"]["active.regulations.new_made"] is None
    assert any(w["code"] == "value_out_of_range" for w in first["warnings"])
    ok_run(cli.run(["import", "huge-number.md", "good.txt", "-o", tmp_path / "o"], d))
    assert len(list((tmp_path / "o").iterdir())) == 2


# --- F03 the title's backtracking (fixed in recognize/meta.py; here: it ends in time) ------------------------

def test_f03_long_title_lines_end_in_time(cli, h):
    d = h / "F03-title-regex-redos"
    r = cli.run(["check", "redos-title-8000.txt", "good.md"], d)
    ok_run(r)
    assert r.seconds < 20
    r = cli.run(["check", "fuzzed-html-0057-nested-div.html"], d)
    assert r.killed is None and "Traceback" not in r.err and r.code in (0, 1, 2)


# --- F04 a cell at XFD1048576 ---------------------------------------------------------------------------------

def test_f04_far_cells_cost_nothing(cli, h, tmp_path):
    d = h / "F04-xlsx-far-cell-abort-and-memory"
    for name in ("far-cell-XFD1048576.xlsx", "far-cell-AAA200000.xlsx"):
        r = cli.run(["extract", name, "good.md", "--json"], d)
        ok_run(r)
        obj = json.loads(r.out.splitlines()[0])
        assert obj["meta"]["agency"] == "石狮市商务局" and obj["values"]["requests.new.total"] == 0
    r = cli.run(["rollup", "rollup-parallel", "-o", tmp_path / "t.xlsx", "--agency", "T", "--year", "2019",
                 "--workers", "2"], d)
    ok_run(r)
    assert "21 份报告" in r.out


# --- F05 zip bombs -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bomb-docx-ws-2.5GB.docx", "bomb-docx-30M-paragraphs.docx", "bomb-sheet-3GB.xlsx",
                                  "bomb-workbookxml-3GB.xlsx", "bomb-sheet-rows.xlsx"])
def test_f05_zip_bombs_are_refused_before_inflating(cli, h, name):
    r = cli.run(["check", name], h / "F05-zip-bombs-docx-xlsx")
    refused(r, name, "解压后过大", "unzipped_member_mb")
    assert r.seconds < 10


def test_f05_excel_actions_refuse_bombs_too(cli, h, tmp_path):
    wb = tmp_path / "bomb.xlsx"
    wb.write_bytes((h / "F05-zip-bombs-docx-xlsx" / "bomb-workbookxml-3GB.xlsx").read_bytes())
    refused(cli.run(["excel", "validate", "--workbook", wb], tmp_path), "bomb.xlsx", "解压后过大")


def test_openpyxl_is_never_handed_a_million_cells(h, tmp_path, monkeypatch):
    from xlsuite import limits
    from xlsuite.errors import SourceError
    from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter

    monkeypatch.setattr(limits, "_loaded", limits.Limits(xlsx_cells=100))
    with pytest.raises(SourceError, match="xlsx_cells"):
        OpenpyxlAdapter(h / recipes.WORKBOOK_BASE)


# --- F06 giant pages, many pages, a flate bomb, giant pictures --------------------------------------------------------

@pytest.mark.parametrize("name,words", [
    ("pdf-1-blank-page-14400pt.pdf", ("尺寸过大", "page_area_pt2")),
    ("pdf-1-blank-page-100000pt.pdf", ("尺寸过大",)),
    ("pdf-2000-blank-pages.pdf", ("2000 页", "pdf_pages")),
    ("pdf-flate-bomb-3GB.pdf", ("解压后过大",)),
    ("png-12000x12000.png", ("12000 × 12000", "image_pixels")),
    ("png-bomb-30000x30000.png", ("image_pixels",)),
    ("pdf-10-blank-pages.pdf", ("没有找到",)),  # read (blank pages skip the engine), and nothing in it
])
def test_f06_resource_exhaustion_is_one_line(cli, h, name, words):
    refused(cli.run(["check", name], h / "F06-pdf-png-resource-exhaustion"), name, *words)


# --- F07 200 MiB pages ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,limit", [("report-200MiB.html", "html_mb"), ("report-200MiB-exact.txt", "text_mb"),
                                        ("report-200MiB-plus1.txt", "text_mb")])
def test_f07_giant_text_is_refused_by_kind(cli, h, name, limit):
    r = cli.run(["check", name], h / "F07-200MiB-html-memory")
    refused(r, name, "过大", limit)
    assert r.seconds < 5


# --- F08 CSV injection -------------------------------------------------------------------------------------------------

PAYLOADS = ("=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)", "=1+1")


@pytest.fixture(scope="module")
def csvs(cli, h, tmp_path_factory):
    d = h / "F08-csv-injection-rollup-dataset"
    out = tmp_path_factory.mktemp("f08")
    inputs = [f"payload{i}.md" for i in range(5)]
    ok_run(cli.run(["import", *inputs, "payload-json.json", "-o", out / "wb"], d))
    ok_run(cli.run(["rollup", out / "wb", "-o", out / "total.xlsx", "--csv", out / "total.csv", "--agency", "全市",
                    "--year", "2019"], d))
    ok_run(cli.run(["dataset", *inputs, "-o", out / "ds"], d), code=0)
    return out


def test_f08_csv_text_never_starts_a_formula_numbers_stay_numbers(csvs):
    rows = list(csv.reader(open(csvs / "total.csv", encoding="utf-8")))
    agencies = {r[0] for r in rows[1:]}
    assert all(not a.startswith(("=", "+", "-", "@")) for a in agencies)
    assert {"'=1+1", "'+1+1", "'@SUM(1"} <= agencies
    values = [r[2] for r in rows[1:] if r[2]]
    assert values and all(v.lstrip("-").replace(".", "", 1).isdigit() for v in values)
    for name in ("values.csv", "reports.csv"):
        rows = list(csv.DictReader(open(csvs / "ds" / name, encoding="utf-8-sig")))
        assert all(not (v or " ")[0] in "=+-@\t\r" for r in rows for k, v in r.items() if k != "value"), name
    values = [r["value"] for r in csv.DictReader(open(csvs / "ds" / "values.csv", encoding="utf-8-sig"))]
    assert any(v.startswith("-") for v in values) or all(v == "" or float(v) >= 0 for v in values)


def test_f08_libreoffice_opens_the_csv_agencies_as_text(csvs, tmp_path):
    from xlsuite.workbook.recalc import convert

    for name in ("reports.csv",):
        src = tmp_path / name
        src.write_bytes((csvs / "ds" / name).read_bytes())
    src2 = tmp_path / "total.csv"
    src2.write_bytes((csvs / "total.csv").read_bytes())
    convert([tmp_path / "reports.csv", src2], tmp_path / "lo", "xlsx")
    from openpyxl import load_workbook

    for name, col_name in (("reports.xlsx", "agency"), ("total.xlsx", "agency")):
        ws = load_workbook(tmp_path / "lo" / name).active
        header = [c.value for c in ws[1]]
        col = header.index(col_name) + 1
        cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
        assert cells and all(c.data_type != "f" for c in cells), [(c.value, c.data_type) for c in cells]


def test_f08_rollup_detail_text_keeps_quote_prefix(csvs):
    from openpyxl import load_workbook

    ws = load_workbook(csvs / "total.xlsx")["明细"]
    cells = [c for row in ws.iter_rows(min_col=1, max_col=1) for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


# --- F09 import over its own input --------------------------------------------------------------------------------------

def test_f09_import_never_writes_over_an_input(cli, h, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    target = folder / "2019-石狮市商务局.xlsx"
    target.write_bytes((h / recipes.WORKBOOK_BASE).read_bytes())
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    r = cli.run(["import", target, "-o", folder, "--overwrite"], tmp_path)
    refused(r, "2019-石狮市商务局.xlsx", "输入文件")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


# --- F10 校验 and a staff text box -------------------------------------------------------------------------------------

def test_f10_validate_keeps_a_backup_of_what_it_cannot_keep(cli, h, tmp_path):
    wb = tmp_path / "staff.xlsx"
    wb.write_bytes((h / "F10-excel-validate-drops-staff-content" / "staff-textbox.orig.xlsx").read_bytes())
    r = cli.run(["excel", "validate", "--workbook", wb], tmp_path)
    ok_run(r)
    backups = list(tmp_path.glob("staff.备份-*.xlsx"))
    assert len(backups) == 1 and "文本框" in r.out and backups[0].name in r.out
    with zipfile.ZipFile(backups[0]) as z:
        assert b"STAFF NOTE" in z.read("xl/drawings/drawing1.xml")
    # 导入 the same way: its backup holds the text box, and the message says it is not in the new workbook.
    wb.write_bytes((h / "F10-excel-validate-drops-staff-content" / "staff-textbox.orig.xlsx").read_bytes())
    r = cli.run(["excel", "reimport", "--workbook", wb, "--file", EXAMPLES / "shishi-commerce-2019.md"], tmp_path)
    assert r.killed is None and "Traceback" not in r.err and r.code in (0, 1), r.err
    [new] = [b for b in tmp_path.glob("staff.备份-*.xlsx") if b not in backups]
    assert "文本框" in r.out and new.name in r.out
    with zipfile.ZipFile(new) as z:
        assert b"STAFF NOTE" in z.read("xl/drawings/drawing1.xml")


# --- F11 killed runs leave no temporary file for good -----------------------------------------------------------------

def test_f11_leftover_temp_file_is_not_a_report_and_stale_ones_go(cli, h, tmp_path):
    d = tmp_path / "wb"
    d.mkdir()
    (d / ".2019-x.xlsx.0000beef-999999.abc123.tmp").write_bytes(
        (h / "F11-sigkill-leaves-tmp-files" / "example-left-over.tmp").read_bytes())
    import os
    import time

    old = time.time() - 7200
    os.utime(d / ".2019-x.xlsx.0000beef-999999.abc123.tmp", (old, old))
    ok_run(cli.run(["import", h / "F01-control-char-import-traceback" / "ok.md", "-o", d], tmp_path))
    assert sorted(p.name for p in d.iterdir()) == ["2019-石狮市商务局.xlsx"]


# --- F12 pictures outside the page's folder -------------------------------------------------------------------------------

def test_f12_images_outside_the_page_folder_are_not_read(cli, h, tmp_path):
    r = cli.run(["import", "page/report.html", "-o", tmp_path / "o", "--json"], h / "F12-html-img-path-traversal-ocr")
    ok_run(r)
    from openpyxl import load_workbook

    [out] = (tmp_path / "o").iterdir()
    texts = [c.value for ws in load_workbook(out) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("hunter2" in t for t in texts)
    assert any("以外" in t for t in texts)


# --- F13 send: CR/LF in the agency ------------------------------------------------------------------------------------------

def test_f13_crlf_agency_gives_a_clean_subject(cli, h, tmp_path):
    d = h / "F13-send-crlf-traceback-and-macros"
    r = cli.run(["send", "crlf.xlsx", "--config", "xlsuite.toml", "--eml", tmp_path / "c.eml"], d)
    ok_run(r)
    import email

    import email.header

    m = email.message_from_bytes((tmp_path / "c.eml").read_bytes())
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
    assert m["Bcc"] is None and "\n" not in subject and "\r" not in subject and subject.startswith("【政府信息公开年报】某机关")


def test_f13_macros_links_and_hidden_sheets_need_force(cli, h, tmp_path):
    import email.header

    d = h / "F13-send-crlf-traceback-and-macros"
    r = cli.run(["send", "macro-renamed.xlsx", "--config", "xlsuite.toml", "--eml", tmp_path / "m.eml"], d)
    ok_run(r, 1)
    assert "含宏" in r.err and "含外部链接" in r.err and "--force" in r.err and not (tmp_path / "m.eml").exists()
    ok_run(cli.run(["send", "macro-renamed.xlsx", "--config", "xlsuite.toml", "--eml", tmp_path / "m.eml", "--force"],
                   d))
    m = email.message_from_bytes((tmp_path / "m.eml").read_bytes())
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
    assert subject.endswith("（已校验；含宏、含外部链接）")
    from openpyxl import load_workbook

    wb = load_workbook(h / recipes.WORKBOOK_BASE)
    wb.create_sheet("旧数据").sheet_state = "veryHidden"
    wb.save(tmp_path / "hidden.xlsx")
    r = cli.run(["send", tmp_path / "hidden.xlsx", "--config", "xlsuite.toml", "--dry-run"], d)
    ok_run(r, 1)
    assert "含隐藏工作表“旧数据”" in r.err


def test_f13_standard_hidden_sheet_is_fine():
    import io

    from xlsuite.mail.vouch import concerns

    def book(sheets: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", f'<workbook><sheets>{sheets}</sheets></workbook>')
        return buf.getvalue()

    assert concerns(book('<sheet name="看板" sheetId="1"/><sheet name="看板数据" sheetId="2" state="hidden"/>')) == []
    assert concerns(book('<sheet name="x" state="veryHidden" sheetId="3"/>')) == ["含隐藏工作表“x”"]


# --- F14 an agency whose name contains ".备份-" ----------------------------------------------------------------------------

def test_f14_backup_like_agency_is_rolled_up(cli, h, tmp_path):
    import shutil

    d = h / "F14-backup-named-agency-skipped-in-rollup"
    wb = tmp_path / "wb"
    ok_run(cli.run(["import", "a.md", "b.md", "-o", wb], d))
    # Whatever agency the title gave a.md, its workbook now bears names a backup could have: an agency
    # "甲局.备份-1", and the exact backup form whose original is not beside it (the only copy). A real
    # backup (its original beside it) is left out.
    a, b = sorted(wb.iterdir(), key=lambda p: "乙局" in p.name)
    assert "乙局" in b.name
    shutil.copy(a, wb / "2019-石狮市丙局.备份-20240101-120000.xlsx")
    a.rename(wb / "2019-石狮市甲局.备份-1.xlsx")
    shutil.copy(b, wb / (b.stem + ".备份-20240101-120000.xlsx"))
    r = cli.run(["rollup", wb, "-o", tmp_path / "t.xlsx", "--agency", "全市", "--year", "2019"], d)
    assert r.killed is None and "Traceback" not in r.err and r.code in (0, 1), r.err
    assert "3 份报告" in r.out, r.out


# --- F15, F16 library exceptions and chatter ---------------------------------------------------------------------------------

SAMPLES = [
    "00-IndexError-pdf-0012.pdf", "01-NotImplementedError-xlsx-0140.xlsx", "02-OSError-docx-0007.docx",
    "03-RecursionError-html-0003.html", "04-TypeError-docx-0256.docx", "05-PdfminerException-pdf-0052.pdf",
    "06-PdfiumError-pdf-0006.pdf", "07-CalamineError-xlsx-0047.xlsx", "08-WorksheetNotFound-xlsx-0055.xlsx",
    "09-XmlError-xlsx-0004.xlsx", "10-ZipError-docx-0002.docx", "11-error-docx-0008.docx", "h-nested-div-100k.html",
    "h-pdf-1-blank-page-100000pt.pdf", "h-pdf-cyclic-page-tree.pdf", "h-pdf-page-tree-depth-5000.pdf",
    "h-png-bomb-30000x30000.png"]


# pdfminer raised on these two; it no longer reads pages (the PDF reader's one pass is pdfium's,
# readers/pdf_tables.py), and pdfium reads what is left of them: a clean run, checked as any report.
READ_BY_PDFIUM = {"00-IndexError-pdf-0012.pdf", "05-PdfminerException-pdf-0052.pdf"}


@pytest.mark.parametrize("name", SAMPLES)
def test_f15_library_exceptions_are_one_line(cli, h, name):
    r = cli.run(["check", name], h / "F15-non-project-exceptions-from-readers" / "samples")
    if name in READ_BY_PDFIUM:
        assert r.code in (0, 1) and not r.err_lines and "Traceback" not in r.err, (r.code, r.err[-500:])
        return
    line = refused(r, name)
    assert "Error:" not in line  # a reason in words, not a library's exception text


@pytest.mark.parametrize("name,code", [("fuzzed-pdf-0095.pdf", 2), ("fuzzed-pdf-0118.pdf", 0),
                                       ("xhtml-page.html", 0), ("png-12000x12000.png", 2)])
def test_f16_stderr_is_one_line_per_problem(cli, h, name, code):
    r = cli.run(["check", name], h / "F16-stderr-noise-not-one-line")
    ok_run(r, code)
    assert len(r.err_lines) == (1 if code == 2 else 0), r.err


def test_f16_a_parallel_batch_keeps_one_line_per_file(cli, h, tmp_path):
    """Workers log where the command logs: a damaged PDF read by a worker gives its one line, not
    pdfminer's chatter and a traceback (thousands of lines before the workers were set up)."""
    (tmp_path / "noisy.pdf").write_bytes((h / "F16-stderr-noise-not-one-line" / "fuzzed-pdf-0095.pdf").read_bytes())
    names = ["noisy.pdf"] + [f"e{i:02d}.txt" for i in range(15)]
    for n in names[1:]:
        (tmp_path / n).write_bytes(b"")  # refused at once: the batch is big enough for two workers
    r = cli.run(["check", *names], tmp_path)
    ok_run(r, 2)
    # its one line names the file and the reason (pdfminer's IndexError before the PDF reader read pages
    # with pdfium alone; now: no report in what is left of it)
    assert len(r.err_lines) == 16 and sum(line.startswith("错误：noisy.pdf：") for line in r.err_lines) == 1, \
        r.err[-3000:]


# --- isolation: a reader that kills its process costs one file -------------------------------------------------------------

TEST_PROCESS = os.getpid()


def abort_on_marked(path, report):
    """``then`` of a batch read: dies like a crashing native parser on a file named crash*
    (in a worker; in the test's own process it raises instead, so that the test fails, not pytest)."""
    if Path(path).name.startswith("crash"):
        if os.getpid() == TEST_PROCESS:
            raise AssertionError("read in the batch's own process: a crash would end the batch")
        os.abort()
    return report.meta.agency


def test_a_reader_crashing_its_process_costs_one_file_in_a_small_batch(tmp_path):
    """A batch too small for parallel workers still reads in one forked worker (a parallel batch:
    tests/test_dataset.py), so that a native crash costs the file it was reading."""
    from xlsuite.errors import SourceError
    from xlsuite.readers import read_many

    good = (EXAMPLES / "shishi-commerce-2019.md").read_bytes()
    paths = []
    n_files = 3
    for i in range(n_files):
        p = tmp_path / (f"crash{i}.md" if i == 1 else f"r{i}.md")
        p.write_bytes(good)
        paths.append(str(p))
    got = dict(read_many(paths, then=abort_on_marked))
    assert list(got) == paths
    assert isinstance(got[paths[1]], SourceError) and got[paths[1]].code == "worker_lost"
    assert [got[p] for p in paths if p != paths[1]] == ["石狮市商务局"] * (n_files - 1)

# --- F17 a long agency, a right-to-left override ---------------------------------------------------------------------------

def test_f17_long_and_rtl_agencies_get_safe_file_names(cli, h, tmp_path):
    d = h / "F17-odd-names-and-long-agency"
    ok_run(cli.run(["import", "long85.md", "rtl.md", "-o", tmp_path / "o"], d))
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert len(names) == 2
    assert all(len(n.encode()) <= 150 and "\u202e" not in n and n.endswith(".xlsx") for n in names)
