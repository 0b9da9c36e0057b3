"""Scanned reports read by OCR: image-only PDFs made from the text PDFs, against the golden values.

The image-only PDFs are made at test time from the committed PDFs
(``tests/fixtures/make_ocr_fixtures.py``: 150 and 200 dpi, and one turned by
0.7 degree with noise and strong JPEG compression). Every value must equal its
golden value or be flagged (a warning on its cell, or on its table for a count
that does not fit); a wrong value without a flag fails the test. The share of
exact and flagged cells is printed for each fixture.

OCR takes seconds a page on two cores, so the default run reads a few fixtures
(the two real reports, three seeds, one per variant); ``XLSUITE_OCR_FULL=1``
reads every seed in both layouts and all variants.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from xlsuite.assessment import assess
from xlsuite.ocr import available, unavailable_reason
from xlsuite.readers import read_report, sniff

from .conftest import REALPDF, ROOT, golden_for

# The OCR acceptance tests: real scans through the engine, minutes in all. CI runs them;
# day to day, `pytest -m "not slow"` leaves them out.
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not available(),
                                 reason=f"OCR not available (pip install xlsuite[ocr]): {unavailable_reason()}")]

sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from make_ocr_fixtures import VARIANTS, make_image_pdf  # noqa: E402

GENERATED = ROOT / "tests" / "fixtures" / "generated"
FULL = os.environ.get("XLSUITE_OCR_FULL") == "1"
# Warnings that put a whole table's numbers in doubt.
TABLE_FLAGS = {"flat_count", "missing_numbers", "extra_numbers", "unmatched_numbers", "duplicate_row",
               "table_absent"}

DEFAULT_CASES = [
    (REALPDF / "huaian-hongze-2023.pdf", "150dpi"),
    (REALPDF / "huaian-hongze-2024.pdf", "150dpi"),
    (GENERATED / "shishi-commerce-2019.ruled.pdf", "150dpi"),
    (GENERATED / "fj-industry-2020.pdf.ruled.pdf", "200dpi"),
    (GENERATED / "xiamen-city-2020.pdf.ruled.pdf", "rotated-noisy"),
]
FULL_CASES = [(p, v) for p in sorted(GENERATED.glob("*.pdf")) + sorted(REALPDF.glob("*.pdf")) for v in VARIANTS
              if (p, v) not in DEFAULT_CASES]
CASES = DEFAULT_CASES + (FULL_CASES if FULL else [])


def golden_of(pdf: Path) -> dict:
    # fj-commerce-2020.pdf.ruled.pdf -> fj-commerce-2020.pdf.json; shishi-commerce-2019.plain.pdf -> shishi-commerce-2019.json
    name = pdf.name
    for style in (".ruled.pdf", ".plain.pdf"):
        if name.endswith(style):
            name = name[: -len(style)] + ".x"
    return golden_for(Path(name))


def score(report, golden: dict) -> dict:
    """Each golden cell: exact, flagged (its cell, or its table), or wrong without a flag."""
    by_key = {w.key for w in report.warnings if w.key} | {k for w in report.warnings for k in w.keys}
    by_table = {w.section for w in report.warnings if w.code in TABLE_FLAGS}
    out = {"exact": 0, "flagged": 0, "wrong": []}
    for key, want in golden["values"].items():
        got = report.values[key].value
        same = got == want or (isinstance(got, (int, float)) and isinstance(want, (int, float)) and abs(got - want) < 1e-9)
        if key in by_key or (not same and key.split(".")[0] in by_table):
            out["flagged"] += 1
        if same:
            out["exact"] += 1
        elif key not in by_key and key.split(".")[0] not in by_table:
            out["wrong"].append((key, got, want, report.values[key].provenance))
    return out


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")

    def make(source: Path, variant: str) -> Path:
        out = folder / f"{source.stem}.{variant}.pdf"
        if not out.exists():
            make_image_pdf(source, out, VARIANTS[variant])
        return out
    return make


@pytest.mark.parametrize("source,variant", CASES, ids=[f"{p.stem}-{v}" for p, v in CASES])
def test_scanned_pdf_reads_to_golden_or_flags(source, variant, scans, capsys):
    if not source.exists():
        pytest.skip(f"{source} not present")
    pdf = scans(source, variant)
    assert sniff(pdf) == "pdf"
    with pytest.raises(Exception) as refused:
        read_report(pdf, ocr="never")
    assert getattr(refused.value, "code", None) == "ocr_off"  # a scan, and OCR turned off

    pages_done = []
    report = read_report(pdf, on_progress=lambda done, total: pages_done.append((done, total)))
    golden = golden_of(source)
    s = score(report, golden)
    n = len(golden["values"])
    with capsys.disabled():
        print(f"\n  OCR {pdf.name}: {s['exact']}/{n} exact ({100 * s['exact'] / n:.0f}%), "
              f"{s['flagged']} flagged ({100 * s['flagged'] / n:.0f}%), {len(s['wrong'])} wrong unflagged; "
              f"checks: {assess(report).verdict}")
    assert pages_done and pages_done[-1][0] == pages_done[-1][1] == len(pages_done)  # one tick a page
    assert {k: getattr(report.meta, k) for k in golden["meta"]} == golden["meta"]
    assert not s["wrong"], "silently wrong: " + "; ".join(f"{k}={g!r} (golden {w!r}) at {p.where()}"
                                                          for k, g, w, p in s["wrong"][:8])
    # OCR must mostly work, not merely flag everything; a rough scan may leave more to review.
    assert s["exact"] >= (0.8 if VARIANTS[variant].noise else 0.9) * n
    assert any(w.code == "ocr_pages" for w in report.warnings)
    printed = [v for v in report.values.values() if v.provenance.text]  # not the zeros the rules fill in
    assert printed and all(v.provenance.confidence is not None for v in printed)


def _table_picture(path: Path) -> Path:
    """Table 二 as a picture: the lower part of page 2 of the 2024 report, at 150 dpi."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(REALPDF / "huaian-hongze-2024.pdf"))
    img = doc[1].render(scale=150 / 72, grayscale=True).to_pil()
    doc.close()
    img.crop((0, int(470 * 150 / 72), img.width, img.height)).save(path)
    return path


def _active_part(report) -> dict:
    golden = golden_for(REALPDF / "huaian-hongze-2024.pdf")["values"]
    got = {k: report.number(k) for k in golden if k.startswith("active.") and report.number(k) is not None}
    assert len(got) >= 6, got  # the rows of the picture (the rest of the table is on page 3)
    return {k: (v, golden[k]) for k, v in got.items() if v != golden[k]}


def test_table_picture_reads_to_golden(tmp_path):
    png = _table_picture(tmp_path / "table.png")
    assert sniff(png) == "image"
    report = read_report(png)
    assert _active_part(report) == {}
    assert report.meta.source_kind == "image"


def test_web_page_table_pictures_next_to_it_are_read(tmp_path):
    _table_picture(tmp_path / "t2.png")
    page = tmp_path / "report.html"
    page.write_text("""<html><head><title>淮安市洪泽区人民政府2024年政府信息公开工作年度报告</title></head><body>
<p>一、总体情况</p><p>概述。</p><p><img src="logo.png"></p>
<p>二、主动公开政府信息情况</p><p><img src="t2.png" width="600"></p>
<p>三、收到和处理政府信息公开申请情况</p><p><img src="missing.png"></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、存在的主要问题及改进情况</p><p>问题。</p><p>六、其他需要报告的事项</p><p>无。</p>
</body></html>""", encoding="utf-8")
    report = read_report(page)
    assert (report.meta.agency, report.meta.year) == ("淮安市洪泽区人民政府", 2024)
    assert _active_part(report) == {}
    assert report.values["active.regulations.issued"].provenance.confidence is not None
    assert any(w.code == "ocr_images" and "t2.png" in w.message for w in report.warnings)
    never = read_report(page, ocr="never")
    assert all(v.value is None for k, v in never.values.items() if k.startswith("active."))
