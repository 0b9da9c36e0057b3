"""The e-mail built for one workbook: subject, figures, verdict, attachment encoding."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest

from xlsuite.assessment import assess
from xlsuite.forms import get_form
from xlsuite.mail import Attachment, build_message, key_figures
from xlsuite.mail.message import KEY_FIGURES, MISSING
from xlsuite.mail.smtp import message_bytes
from xlsuite.model import Value
from xlsuite.readers import read_report

from .conftest import SEEDS, golden_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA = b"PK\x03\x04" + bytes(range(256)) * 40  # binary, with every byte value


def _build(report, name="2020-厦门市人民政府.xlsx", **kw):
    return build_message(assess(report), Attachment(name, DATA), sender="gkb@example.gov.cn",
                         to=["city-gkb@example.gov.cn"], **kw)


def _reparse(msg):
    return message_from_bytes(message_bytes(msg), policy=policy.default)


def body_figures(text: str) -> dict[str, str]:
    """label -> printed value, from the plain body's indented figure lines."""
    return dict(re.findall(r"^ {4}(.+?)：(\S+)$", text, re.M))


def expected_figures(gold: dict) -> dict[str, str]:
    form = get_form(gold["meta"]["form"])
    out = {}
    for _heading, keys in KEY_FIGURES:
        for k in keys:
            v = gold["values"][k]
            out[form.label_of(k)] = MISSING if v is None else str(v)
    return out


def test_body_figures_equal_golden_for_every_seed(seed):
    report = read_report(seed)
    msg = _reparse(_build(report))
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    want = expected_figures(golden_for(seed))
    assert body_figures(plain) == want
    for label, value in want.items():
        assert re.search(rf"<td>{re.escape(label)}</td><td[^>]*>{re.escape(value)}</td>", html), label


def test_xiamen_subject_headers_and_attachment():
    report = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    now = datetime(2026, 1, 20, 9, 30, tzinfo=timezone.utc)
    raw = message_bytes(_build(report, now=now))
    assert raw.isascii()  # every header and body part is encoded for any relay
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（已校验）"
    assert msg["From"] == "gkb@example.gov.cn"
    assert msg["To"] == "city-gkb@example.gov.cn"
    assert parsedate_to_datetime(msg["Date"]) == now
    assert re.fullmatch(r"<[^@<>\s]+@example\.gov\.cn>", msg["Message-ID"])
    assert msg["X-Xlsuite-Verdict"] == "pass"
    assert msg.get_content_type() == "multipart/mixed"
    [att] = list(msg.iter_attachments())
    assert att.get_content_type() == XLSX
    assert att.get_filename() == "2020-厦门市人民政府.xlsx"
    assert re.search(rb"filename\*(0\*)?=utf-8''2020-%E5%8E%A6%E9%97%A8", raw)  # RFC 2231, not RFC 2047
    assert att.get_content() == DATA
    plain = msg.get_body(("plain",)).get_content()
    assert "校验结论：通过" in plain
    assert "未通过" not in plain
    assert body_figures(plain)["一、本年新收政府信息公开申请数量·总计"] == "1609"
    assert hashlib.sha256(DATA).hexdigest() in plain


def test_message_ids_differ_between_messages():
    report = read_report(SEEDS / "shishi-commerce-2019.md")
    assert _build(report)["Message-ID"] != _build(report)["Message-ID"]


def test_cc_header_and_macro_workbook_type():
    report = read_report(SEEDS / "shishi-commerce-2019.md")
    msg = _reparse(build_message(assess(report), Attachment("石狮.xlsm", DATA), sender="a@x.cn",
                                 to=["b@y.cn", "c@y.cn"], cc=["d@y.cn"]))
    assert msg["To"] == "b@y.cn, c@y.cn" and msg["Cc"] == "d@y.cn"
    assert next(msg.iter_attachments()).get_content_type() == "application/vnd.ms-excel.sheet.macroenabled.12"


def test_failing_report_is_marked_and_lists_the_failures():
    report = read_report(SEEDS / "xiamen-city-2020.pdf.txt")
    old = report.values["requests.new.total"]
    report.values["requests.new.total"] = Value(old.value + 5, old.provenance)
    results = assess(report).relations
    msg = _reparse(_build(report))
    assert msg["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（未通过校验）"
    assert msg["X-Xlsuite-Verdict"] == "fail"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    failed = [r for r in results if r.failed and r.severity == "error"]
    assert {r.id for r in failed} == {"R1.requests.total", "R2.requests.new"}
    assert "校验结论：未通过校验（2 项勾稽关系不成立" in plain
    for r in failed:
        assert f"[错误] {r.id} {r.message}" in plain
        assert r.id in html
    assert "未通过" in html
    # The figure shown is the one in the workbook, not a corrected one.
    assert body_figures(plain)["一、本年新收政府信息公开申请数量·总计"] == "1614"


def test_key_figures_use_form_labels_and_keep_nulls():
    report = read_report(SEEDS / "fj-commerce-2020.web.txt")  # a web page without tables: all null
    figs = key_figures(report)
    assert [f.key for f in figs] == [k for _h, keys in KEY_FIGURES for k in keys]
    assert all(f.value is None and f.text == MISSING for f in figs)
    assert figs[0].label == get_form("gov2019").label_of("requests.new.total")


@pytest.mark.parametrize("agency,year,title", [(None, 2021, "（未识别机关） 2021年度"),
                                               ("某某局", None, "某某局 （年度未识别）")])
def test_subject_without_agency_or_year_says_so(agency, year, title):
    report = read_report(SEEDS / "shishi-commerce-2019.md")
    report.meta.agency, report.meta.year = agency, year
    assert _build(report)["Subject"] == f"【政府信息公开年报】{title}（已校验）"


def test_html_body_escapes_text_from_the_workbook():
    report = read_report(SEEDS / "shishi-commerce-2019.md")
    report.meta.agency = "<b>某局</b>&"
    msg = _reparse(_build(report))
    html = msg.get_body(("html",)).get_content()
    assert "&lt;b&gt;某局&lt;/b&gt;&amp;" in html and "<b>某局</b>" not in html
    assert "<b>某局</b>&" in msg.get_body(("plain",)).get_content()
