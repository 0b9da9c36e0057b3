"""The readers' budgets (xlsuite.limits): each one refuses with a line naming the limit, and settings adjust it."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from xlsuite import limits as L
from xlsuite.errors import SourceError
from xlsuite.readers import guard, html, read_report, sniff
from xlsuite.readers.guard import deadline

from .conftest import SEEDS
from .fixtures import hostile as recipes

SHISHI = SEEDS / "shishi-commerce-2019.md"


def test_defaults_and_settings(tmp_path, monkeypatch):
    assert L.current() == L.DEFAULT or isinstance(L.current(), L.Limits)
    custom = L.from_settings({"limits": {"pdf_pages": 2000, "seconds": 1800}})
    assert (custom.pdf_pages, custom.seconds, custom.html_mb) == (2000, 1800, L.DEFAULT.html_mb)
    with pytest.raises(L.LimitsSettingError, match="pdf_page"):
        L.from_settings({"limits": {"pdf_page": 3}})
    with pytest.raises(L.LimitsSettingError, match="正整数"):
        L.from_settings({"limits": {"seconds": -1}})
    (tmp_path / "xlsuite.toml").write_text("[limits]\ntext_mb = 1\n", encoding="utf-8")
    assert L.load(tmp_path).text_mb == 1


def test_size_budget_by_kind(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(SHISHI.read_bytes() * 100)  # 1.2 MB of a real report
    assert sniff(big) == "markdown"
    with pytest.raises(SourceError) as e:
        read_report(big, limits=L.Limits(text_mb=1))
    assert e.value.code == "too_large" and "text_mb" in e.value.reason and "1 MB" in e.value.reason


def _zip_with(member: str, size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        z.writestr(member, b" " * size)
    return buf.getvalue()


def test_zip_members_checked_before_inflating(tmp_path):
    p = tmp_path / "bomb.docx"
    p.write_bytes(_zip_with("word/media/x.bin", 3 * L.MB))
    with pytest.raises(SourceError, match="unzipped_member_mb") as e:
        read_report(p, limits=L.Limits(unzipped_member_mb=2))
    assert "word/media/x.bin" in e.value.reason
    with pytest.raises(SourceError, match="unzipped_total_mb"):
        read_report(p, limits=L.Limits(unzipped_member_mb=5, unzipped_total_mb=2))


def test_docx_elements_counted_while_streaming(tmp_path):
    p = tmp_path / "many.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document><w:body>" + b"<w:p/>" * 5000 + b"</w:body></w:document>")
    p.write_bytes(buf.getvalue())
    with pytest.raises(SourceError, match="xml_elements"):
        sniff(p, L.Limits(xml_elements=1000))


def test_pdf_pages_area_and_stream_bomb(tmp_path):
    bomb = recipes.pdf_flate_bomb(tmp_path / "bomb.pdf", megabytes=30)
    with pytest.raises(SourceError, match="unzipped_member_mb"):
        read_report(bomb, limits=L.Limits(unzipped_member_mb=20))
    with pytest.raises(SourceError, match="pdf_pages"):
        guard.check_pages("x.pdf", [(595, 842)] * 11, L.Limits(pdf_pages=10))
    with pytest.raises(SourceError, match="page_area_pt2") as e:
        guard.check_pages("x.pdf", [(595, 842), (14400, 14400)], L.DEFAULT)
    assert "第 2 页" in e.value.reason


def test_ocr_scale_keeps_pixels_within_budget():
    small = L.Limits(ocr_pixels=1_000_000)
    assert guard.ocr_scale(595, 842, 150 / 72, L.DEFAULT) == 150 / 72  # A4 at 150 dpi: untouched
    s = guard.ocr_scale(2384, 3370, 150 / 72, small)
    assert 2384 * 3370 * s * s == pytest.approx(1_000_000)


def test_image_pixels_read_from_the_header(tmp_path):
    from PIL import Image

    p = tmp_path / "huge.png"
    Image.new("1", (9000, 9000), 1).save(p)
    with pytest.raises(SourceError, match="image_pixels") as e:
        read_report(p, limits=L.Limits(image_pixels=50_000_000))
    assert "9000 × 9000" in e.value.reason


def test_html_nodes_and_depth(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000 + "</body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="html_depth"):
        read_report(page)
    with pytest.raises(SourceError, match="html_nodes"):
        read_report(page, limits=L.Limits(html_nodes=1000))
    # the walk needs no recursion: deeper than Python's recursion limit, within the budget
    doc = html.parse("<html><body>" + "<div>" * 2500 + "一、总体情况" + "</div>" * 2500 + "</body></html>",
                     limits=L.Limits(html_depth=5000))
    assert [ln.text for ln in doc.lines] == ["一、总体情况"]


def test_long_lines_are_split_not_lost(tmp_path):
    text = SHISHI.read_text(encoding="utf-8")
    para = "本机关坚持以公开为常态。" * 3000  # 36,000 characters in one line
    p = tmp_path / "long.md"
    p.write_text(text.replace("一、总体情况\n", "一、总体情况\n" + para + "\n", 1), encoding="utf-8")
    r = read_report(p, limits=L.Limits(line_chars=5000))
    assert r.narrative["overview"].replace("\n", "").count("本机关坚持以公开为常态。") == 3000
    assert r.number("requests.new.total") == read_report(SHISHI).number("requests.new.total")


def _spin(cpu_seconds: float) -> None:
    end = time.process_time() + cpu_seconds
    while time.process_time() < end:
        pass


def test_time_budget_interrupts_python_code():
    t = time.process_time()
    with pytest.raises(SourceError) as e:
        with deadline("slow.txt", 1):
            _spin(30)
    assert e.value.code == "too_slow" and "seconds" in e.value.reason and time.process_time() - t < 3
    with deadline("fast.txt", 1):  # a block that ends in time leaves no alarm behind
        pass
    _spin(1.2)


def test_ocr_pages_extend_the_budget():
    with pytest.raises(SourceError) as e:
        with deadline("scan.pdf", 1):
            guard.allow_more(1)  # one page to recognise
            _spin(1.5)  # within 1 + 1
            _spin(30)
    assert "2 秒" in e.value.reason


def test_far_cell_workbook_reads_only_named_cells(tmp_path):
    root = recipes.unpack(tmp_path)
    far = root / "F04-xlsx-far-cell-abort-and-memory" / "far-cell-XFD1048576.xlsx"
    good = read_report(root / recipes.WORKBOOK_BASE)
    r = read_report(far)
    assert r.numbers() == good.numbers() and r.meta.agency == good.meta.agency == "石狮市商务局"
    assert r.narrative == good.narrative
    with pytest.raises(SourceError, match="xlsx_cells"):
        read_report(far, limits=L.Limits(xlsx_cells=100))


def test_numbers_no_report_holds_are_blank_with_a_warning(tmp_path):
    text = SHISHI.read_text(encoding="utf-8").replace("| 规章 | 0 |", "| 规章 | " + "9" * 400 + " |", 1)
    p = tmp_path / "huge.md"
    p.write_text(text, encoding="utf-8")
    r = read_report(p)
    assert r.number("active.regulations.new_made") is None
    assert [w.key for w in r.warnings if w.code == "value_out_of_range"] == ["active.regulations.new_made"]


def test_far_cell_in_an_agency_list_and_the_marks(tmp_path):
    """Every .xlsx the project reads goes through the sparse reader: a 名单.xlsx and a 校验 sheet too."""
    from openpyxl import Workbook

    from xlsuite.collect.agencies import read_list
    from xlsuite.workbook.marks import read_marks

    wb = Workbook()
    ws = wb.active
    ws.append(["机关名称", "联系人", "邮箱"])
    ws.append(["某某局", "张三", "a@example.gov.cn"])
    ws["XFD1048576"] = 1
    wb.save(tmp_path / "名单.xlsx")
    assert read_list(tmp_path / "名单.xlsx").names == ["某某局"]
    root = recipes.unpack(tmp_path / "h")
    assert read_marks(root / "F04-xlsx-far-cell-abort-and-memory" / "far-cell-XFD1048576.xlsx") == {}
