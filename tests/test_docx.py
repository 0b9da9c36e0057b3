"""Word reports: the generated fixtures in two styles, merged cells, and the generator itself."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from xlsuite.cli import cli
from xlsuite.errors import SourceError
from xlsuite.readers import load_document, read_report

from .conftest import GOLDEN, SEEDS
from .fixtures import make_fixtures
from .fixtures.make_fixtures import OUT as GENERATED, golden_of

FIXTURE_DOCX = sorted(GENERATED.glob("*.docx"))


def test_fixtures_cover_every_table_seed_in_both_styles():
    assert len(FIXTURE_DOCX) == 10
    assert {p.name.split(".")[-2] for p in FIXTURE_DOCX} == {"ruled", "plain"}


@pytest.mark.parametrize("path", FIXTURE_DOCX, ids=lambda p: p.name)
def test_generated_docx_matches_golden(path: Path):
    gold = json.loads((GOLDEN / f"{golden_of(path)}.json").read_text(encoding="utf-8"))
    report = read_report(path)
    assert report.meta.source_kind == "docx"
    assert {"agency": report.meta.agency, "year": report.meta.year, "form": report.meta.form} == gold["meta"]
    got = report.numbers()
    assert {k: (got.get(k), v) for k, v in gold["values"].items() if got.get(k) != v} == {}
    # a blank golden cell is printed blank and read back as a blank, with a warning naming it
    blanks = [k for k, v in gold["values"].items() if v is None]
    warned = {w.key for w in report.warnings if w.code == "blank_cell"}
    assert set(blanks) <= warned


def test_merged_cells_are_one_cell_and_vertical_continuations_are_skipped(tmp_path):
    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "申请人情况"  # gridSpan over two columns
    t.cell(1, 0).merge(t.cell(2, 0)).text = "（三）不予公开"  # vMerge over two rows
    for r, (label, a, b) in enumerate([("1.属于国家秘密", "1", ""), ("2.其他法律行政法规禁止公开", "0", "3")], 1):
        t.cell(r, 1).text, t.cell(r, 2).text, t.cell(r, 3).text = label, a, b
    path = tmp_path / "merged.docx"
    d.save(path)
    doc = load_document(path)
    rows = [l.cells for l in doc.lines if l.cells]
    assert rows == [
        ["申请人情况", "", ""],
        ["（三）不予公开", "1.属于国家秘密", "1", ""],
        ["2.其他法律行政法规禁止公开", "0", "3"],
    ]
    assert doc.lines[0].text == "三、收到和处理政府信息公开申请情况" and doc.lines[0].cells is None


def _content(path: Path) -> list[str]:
    """The document's text in body order: paragraphs, then each table row's cells."""
    d = docx.Document(path)
    out = []
    for block in d.element.body.iterchildren():
        if block.tag.endswith("}p"):
            out.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif block.tag.endswith("}tbl"):
            for tr in block.iter():
                if tr.tag.endswith("}tr"):
                    out.append("|".join("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t"))
                                        for tc in tr if tc.tag.endswith("}tc")))
    return out


@pytest.mark.skipif(not (SEEDS / "shishi-commerce-2019.md").exists(), reason="seeds not at hand")
@pytest.mark.parametrize("style", make_fixtures.STYLES)
def test_generator_recreates_the_committed_docx(tmp_path, style):
    seed, golden = SEEDS / "shishi-commerce-2019.md", GOLDEN / "shishi-commerce-2019.json"
    made = make_fixtures.make_docx(seed, golden, style, tmp_path)
    committed = GENERATED / made.name
    assert _content(made) == _content(committed)


def test_corrupt_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body><w:p>not closed")
    with pytest.raises(SourceError) as e:
        read_report(path)
    assert e.value.code == "corrupt"
    result = CliRunner().invoke(cli, ["extract", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(path) in result.stderr


def test_a_form_table_inside_a_layout_table_is_read_row_by_row(tmp_path):
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1).cell(0, 0)
    frame.text = "二、主动公开政府信息情况"
    inner = frame.add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "规章", "3"
    path = tmp_path / "nested.docx"
    d.save(path)
    assert [l.cells for l in load_document(path).lines] == [["二、主动公开政府信息情况"], ["规章", "3"]]


# --- Word's own markup: text python-docx's ``text`` properties do not see ----------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _r(text: str, tag: str = "w:t") -> str:
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def _tc(*paragraphs: str) -> str:
    return "<w:tc>" + "".join(paragraphs) + "</w:tc>"


def _p(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def _sdt(inner: str, placeholder: bool = False) -> str:
    pr = "<w:sdtPr><w:alias w:val=\"数字\"/>" + ("<w:showingPlcHdr/>" if placeholder else "") + "</w:sdtPr>"
    return f"<w:sdt>{pr}<w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def _rows(tmp_path: Path, rows: str) -> list[list[str]]:
    """Load a document holding one table made of these ``<w:tr>``s (raw WordprocessingML)."""
    from docx.oxml import parse_xml

    d = docx.Document()
    d.element.body.insert(0, parse_xml(f"<w:tbl {W}><w:tblGrid/>{rows}</w:tbl>"))
    path = tmp_path / "markup.docx"
    d.save(path)
    return [line.cells for line in load_document(path).lines if line.cells]


def _tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


LABEL = _tc(_p(_r("规章")))
INS, DEL = "<w:ins w:id='1' w:author='a'>{}</w:ins>", "<w:del w:id='2' w:author='a'>{}</w:del>"
FIELD = ("<w:r><w:fldChar w:fldCharType='begin'/></w:r>" + _r(" =SUM(LEFT) ", "w:instrText")
         + "<w:r><w:fldChar w:fldCharType='separate'/></w:r>{}<w:r><w:fldChar w:fldCharType='end'/></w:r>")
MARKUP = {
    # a number typed into a plain-text content control (agency templates): was read as blank
    "content control around a number": (_tr(LABEL, _tc(_p(_sdt(_r("37"))))), ["规章", "37"]),
    # 137 typed as 13, the 7 added with track changes on: was read as 13
    "tracked insertion": (_tr(LABEL, _tc(_p(_r("13") + INS.format(_r("7"))))), ["规章", "137"]),
    # the deleted 15 is not shown: only the 9 typed over it counts (was read as blank)
    "tracked deletion": (_tr(LABEL, _tc(_p(DEL.format(_r("15", "w:delText")) + INS.format(_r("9"))))), ["规章", "9"]),
    # a content control around a whole cell: the cell was dropped and the next one moved left
    "content control around a cell": (_tr(LABEL, _sdt(_tc(_p(_r("4")))), _tc(_p(_r("6")))), ["规章", "4", "6"]),
    # a repeating-section content control around a row: the row was lost
    "content control around a row": (_sdt(_tr(LABEL, _tc(_p(_r("8"))))), ["规章", "8"]),
    # a table formula as a simple field, its result shown: was read as blank
    "simple field": (_tr(LABEL, _tc(_p("<w:fldSimple w:instr=' =SUM(LEFT) '>" + _r("52") + "</w:fldSimple>"))),
                     ["规章", "52"]),
    # the same as a field with begin/separate/end: its instruction is not text
    "complex field": (_tr(LABEL, _tc(_p(FIELD.format(_r("52"))))), ["规章", "52"]),
    # a content control left on its placeholder: the cell is blank, not text (was blank by luck)
    "placeholder": (_tr(LABEL, _tc(_p(_sdt(_r("单击或点击此处输入文字。"), placeholder=True)))), ["规章", ""]),
    # the same control saved by LibreOffice: a FILLIN field whose text is the prompt; still
    # nothing typed in (was read as text in a number cell: its whole row left null)
    "placeholder kept as text": (
        _tr(LABEL, _tc(_p(FIELD.replace(" =SUM(LEFT) ", ' FILLIN "" ').format(_r("单击或点击此处输入文字。"))))),
        ["规章", ""]),
    # a label whose paragraph sits in a content control: the label was lost
    "content control around a paragraph": (_tr(_tc(_sdt(_p(_r("（四）无法提供"))), "<w:p/>"), _tc(_p(_r("2")))),
                                           ["（四）无法提供", "2"]),
    # hidden text (a note the template hides) is neither shown nor printed: was read as "12（上年）"
    "hidden text": (_tr(LABEL, _tc(_p(_r("12") + "<w:r><w:rPr><w:vanish/></w:rPr><w:t>（上年）</w:t></w:r>"))),
                    ["规章", "12"]),
    # a run written for two versions of Word: one of them counts, not both (was read as blank)
    "alternate content": (_tr(LABEL, _tc(_p(
        "<mc:AlternateContent xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'>"
        "<mc:Choice Requires='w14'>" + _r("5") + "</mc:Choice><mc:Fallback>" + _r("5") + "</mc:Fallback>"
        "</mc:AlternateContent>"))), ["规章", "5"]),
    # a label wrapped with Shift+Enter is one label, as if wrapped by the cell
    "soft line break": (_tr(_tc(_p("<w:r><w:t>（四）无法</w:t><w:br/><w:t>提供</w:t></w:r>")), _tc(_p(_r("2")))),
                        ["（四）无法提供", "2"]),
}


@pytest.mark.parametrize("case", MARKUP)
def test_word_markup_reads_as_word_shows_it(tmp_path, case):
    rows, want = MARKUP[case]
    assert _rows(tmp_path, rows) == [want]


def test_a_report_typed_with_track_changes_and_content_controls_reads_its_golden(tmp_path):
    """The report level, on a generated fixture: every number of 2 digits or more has its last
    digit a tracked insertion (1534 typed as 153, then the 4), and every third number cell is
    in a content control around the cell. The old reader read 153 and moved the next cells
    one column left: wrong numbers."""
    from docx.oxml import parse_xml

    src = next(p for p in FIXTURE_DOCX if p.name.startswith("shishi-commerce-2019"))
    d = docx.Document(src)
    n = 0
    for tc in d.element.body.iter(qn("w:tc")):
        text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
        if not re.fullmatch(r"\d+", text):
            continue
        n += 1
        if len(text) >= 2:
            t = next(t for t in tc.iter(qn("w:t")) if t.text)
            t.text = t.text[:-1]
            t.getparent().addnext(parse_xml(f'<w:ins {W} w:id="{n}" w:author="a"><w:r><w:t>{text[-1]}</w:t></w:r></w:ins>'))
        if n % 3 == 0:
            sdt = parse_xml(f"<w:sdt {W}><w:sdtPr/><w:sdtContent/></w:sdt>")
            tc.addprevious(sdt)
            sdt[1].append(tc)
    assert n > 100
    path = tmp_path / "tracked.docx"
    d.save(path)
    gold = json.loads((GOLDEN / f"{golden_of(src)}.json").read_text(encoding="utf-8"))
    got = read_report(path).numbers()
    assert {k: (got.get(k), v) for k, v in gold["values"].items() if got.get(k) != v} == {}


MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PACKAGES = {
    # Office 365 and SharePoint save some files with their body in word/document2.xml:
    # was refused as "a zip that is neither a Word document nor a workbook"
    "document2": ("word/document2.xml", MAIN),
    # a macro-enabled document and a template: python-docx's Document() refuses both (was "corrupt")
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "dotx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
}


@pytest.mark.parametrize("kind", PACKAGES)
def test_word_packages_of_every_kind_read_their_golden(tmp_path, kind):
    main, content_type = PACKAGES[kind]
    src = next(p for p in FIXTURE_DOCX if p.name.startswith("shishi-commerce-2019"))
    path = tmp_path / f"report.{kind}"
    renamed = {"word/document.xml": main, "word/_rels/document.xml.rels": main.replace("word/", "word/_rels/") + ".rels"}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"word/document.xml", main.encode()).replace(MAIN.encode(), content_type.encode())
            zout.writestr(renamed.get(info.filename, info.filename), data)
    gold = json.loads((GOLDEN / f"{golden_of(src)}.json").read_text(encoding="utf-8"))
    report = read_report(path)
    assert report.meta.source_kind == "docx"
    got = report.numbers()
    assert {k: (got.get(k), v) for k, v in gold["values"].items() if got.get(k) != v} == {}


def _in_text_box(paragraphs: list) -> object:
    """A paragraph drawing a text box that holds ``paragraphs``, as Word 2010 on writes it:
    the box as a shape, and again as a VML fallback for older versions."""
    from docx.oxml import parse_xml

    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = "<w:txbxContent>{}</w:txbxContent>".format("".join(p.xml if hasattr(p, "xml") else p for p in paragraphs))
    return parse_xml(
        f"<w:p {ns}><w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:inline>"
        "<wp:extent cx='5400000' cy='900000'/><wp:docPr id='1' name='文本框 1'/>"
        "<a:graphic><a:graphicData uri='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'>"
        f"<wps:wsp><wps:cNvSpPr txBox='1'/><wps:spPr/><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape type='#_x0000_t202'><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>")


def test_a_title_in_a_text_box_is_read_once(tmp_path):
    """The title (agency, year) drawn in a text box on the first page: read, once, where the
    box stands. Without it the report had no agency and no year."""
    src = next(p for p in FIXTURE_DOCX if p.name.startswith("shishi-commerce-2019"))
    d = docx.Document(src)
    title = d.paragraphs[:2]
    assert [p.text for p in title] == ["石狮市商务局", "2019年政府信息公开工作年度报告"]
    for p in title:
        p._p.getparent().remove(p._p)
    # the opening words name the agency and year too: not this time
    d.paragraphs[0].text = "根据《中华人民共和国政府信息公开条例》要求编制本报告。"
    d.element.body.insert(0, _in_text_box([p._p for p in title]))
    path = tmp_path / "boxed.docx"
    d.save(path)
    lines = [line.text for line in load_document(path).lines]
    assert lines[:2] == ["石狮市商务局", "2019年政府信息公开工作年度报告"]
    assert lines.count("石狮市商务局") == 1
    report = read_report(path)
    assert (report.meta.agency, report.meta.year) == ("石狮市商务局", 2019)
