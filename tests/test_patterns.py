"""No pattern applied to untrusted text backtracks badly: worst cases from hypothesis, timed.

Every regular expression that reads report text, file names, workbook XML or
mail text is reached here through the function that applies it. Hypothesis
builds inputs from each pattern's own characters, as a short unit repeated
into thousands of characters: the shape that makes a backtracking pattern
quadratic or cubic (the old title pattern took 74 s on 4,000 characters, and
up to 36 s on 2,000 characters of this test's title inputs). A linear pattern
answers in milliseconds; each call must end within ``BOUND`` seconds, or
``HEAVY`` for functions that build an object per match (a Decimal per number):
generous for a busy machine, hopeless for anything worse than linear. Line
lengths are those the readers let through (``Limits.line_chars``). No
shrinking: a slow example is reported as found.
"""
from __future__ import annotations

import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from xlsuite.limits import DEFAULT

LONG = DEFAULT.line_chars  # the longest line a reader hands on
BOUND = 2.0  # seconds
HEAVY = 5.0


def repeated(alphabet: str, longest: int = LONG, units: tuple[str, ...] = ()):
    """prefix + unit * n + suffix, about ``longest`` characters, from ``alphabet``; ``units`` are the
    pieces of the pattern's own structure, tried among the random ones."""
    unit = st.one_of(st.sampled_from(units), st.text(alphabet, min_size=1, max_size=8)) if units else \
        st.text(alphabet, min_size=1, max_size=8)
    edge = st.text(alphabet, max_size=12)
    return st.builds(lambda p, u, s: p + u * max(1, (longest - len(p) - len(s)) // len(u)) + s, edge, unit, edge)


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


worst = settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- recognize: titles, numbers, headings (issue 20 rewrote the title; this is its worst-case test) ----------------

TITLE_CHARS = "2019年度政府务信息公开工作报告关于某市局省|｜-—_《》“”（）。，：: 0"


@worst
@given(repeated(TITLE_CHARS, units=("2019年", "2019年度", "19", "年", "政府信息公开", "报告", "关于", "某市", "|", "—")))
def test_title_patterns(s):
    from xlsuite.recognize.meta import agency_and_year, parse_title

    assert timed(parse_title, s) < BOUND
    assert timed(agency_and_year, [s, s[:LONG // 2], s[::-1]], s) < BOUND


NUMBER_CHARS = "0123456789,.-+−万元% 第页共/—_~一"


@worst
@given(repeated(NUMBER_CHARS, units=("1", "1,", ",123", "1.", " ", "万元", "-", "1 ", "第1页")))
def test_number_patterns(s):
    from xlsuite.recognize.numbers import is_page_number, parse_cell, split_text

    assert timed(parse_cell, s) < BOUND
    assert timed(split_text, s) < HEAVY
    assert timed(is_page_number, s) < BOUND


LABEL_CHARS = "一二三四五六七、（）()总体情况主动公开收到和处理申请行政复议诉讼金额单位：:万元|# *>0123"


@worst
@given(repeated(LABEL_CHARS, 4000), st.sampled_from(["text", "markdown"]))
def test_whole_recognition_of_a_hostile_line(s, kind):
    from xlsuite.readers import markdown, text
    from xlsuite.recognize import recognize

    parse = text.parse if kind == "text" else markdown.parse
    # the hostile line inside a real report, and as a table row
    doc = parse("2020年某局政府信息公开工作年度报告\n一、总体情况\n" + s + "\n|" + s[:200] + "| 1 | 2 |\n", "x")
    assert timed(recognize, doc) < HEAVY


# --- readers ------------------------------------------------------------------------------------------------------

MD_CHARS = "|-: *_`#\\\n1一"


@worst
@given(repeated(MD_CHARS, units=("|", "--", "-", "| --", ":-", " ", "**", "\\|")))
def test_markdown_patterns(s):
    from xlsuite.readers import markdown

    assert timed(markdown.parse, s, "x.md") < BOUND


@worst
@given(repeated("<>/diva p=\"'!- ", 200_000))
def test_html_start_tag_count(s):
    from xlsuite.readers.guard import check_html_nodes

    assert timed(lambda: check_html_nodes("x.html", s, DEFAULT.__class__(html_nodes=10 ** 9))) < BOUND


@worst
@given(repeated("endstream\r\n obj/Subtype/Image<>x\x78\x9c", 200_000))
def test_pdf_stream_scan(tmp_path_factory, s):
    from xlsuite.readers.guard import check_pdf_streams

    p = tmp_path_factory.mktemp("pdf") / "x.pdf"
    p.write_bytes(b"%PDF-1.4\n" + s.encode("latin-1"))
    assert timed(check_pdf_streams, str(p), DEFAULT) < BOUND


# --- workbooks: defined names, cell references, escapes, cover text, narrative headings ----------------------------

@worst
@given(repeated("'!$A1:'' 封面Z9", 2000))
def test_defined_name_reference(s):
    from xlsuite.workbook.reader import _REF

    assert timed(_REF.match, s) < BOUND


@worst
@given(repeated("_x0D0aF_ A1Z9"))
def test_cell_reference_and_escapes(s):
    from xlsuite.workbook.cells import _REF, _unescape

    assert timed(_unescape, s) < BOUND
    assert timed(_REF.match, s) < BOUND


@worst
@given(repeated("（(一二三四五六七八九十1234567890)）、.． ,，\n"))
def test_cover_sections_and_narrative_headings(s):
    from xlsuite.workbook.narrative import paragraphs
    from xlsuite.workbook.reader import sections_from_cover

    assert timed(sections_from_cover, "gov2021", s) < BOUND
    assert timed(paragraphs, s) < BOUND


@worst
@given(repeated("0123456789-—–_~ ()（）·"))
def test_layout_page_numbers(s):
    from xlsuite.layout.rows import _BARE_PAGE_NUMBER

    assert timed(_BARE_PAGE_NUMBER.match, s) < BOUND


# --- audit: every narrative rule and the fee rule over one long sentence ------------------------------------------------

AUDIT_CHARS = "0123456789,共计合计总计累计总数数量均为达到了是件起宗个收到受理申请政府信息公开上年结转予以部分及和（）()闽商务号元万信息处理费未收取"


@worst
@given(repeated(AUDIT_CHARS, 10_000, units=("共", "共计", "为", "达到", "1", "12,", "(", "((", "()", "申请", "件",
                                              "收到申请", "累计", "上年结转")))
def test_audit_rules(s):
    from xlsuite.audit import audit
    from xlsuite.forms import get_form
    from xlsuite.model import Meta, Report, Value

    for form in ("gov2019", "gov2021"):
        report = Report(Meta(agency="某局", year=2021, form=form), {k: Value(1) for k in get_form(form).keys()},
                        narrative={"overview": s, "other": s[::-1]})
        assert timed(audit, report) < HEAVY


# --- file names, mail, CSV, temporary files, backups ----------------------------------------------------------------------

NAME_CHARS = ".备份-0123456789xlsx \u202e\x1b\n/\\:*?\"<>|_~"


@worst
@given(repeated(NAME_CHARS, 5000))
def test_names_and_headers(s):
    from xlsuite.atomic import _TEMP_NAME
    from xlsuite.backups import original_of
    from xlsuite.mail.message import title_of
    from xlsuite.mail.outbox import _slug
    from xlsuite.model import Meta, Report
    from xlsuite.sanitize import csv_text, for_filename, for_header, for_xml, printable

    for fn in (for_filename, for_header, for_xml, printable, csv_text, original_of, _TEMP_NAME.match, _slug):
        assert timed(fn, s) < BOUND
    assert timed(title_of, Report(Meta(agency=s, year=2020))) < BOUND


@worst
@given(repeated('<sheet name="x" state="hidden"/ >=\'', 200_000, units=("<sheet ", 'state="', "<", "=", '"')))
def test_send_workbook_scan(s):
    import io
    import zipfile

    from xlsuite.mail.vouch import concerns

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", s)
    assert timed(concerns, buf.getvalue()) < BOUND
