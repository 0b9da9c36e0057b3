"""Reader behaviour beyond the seeds: encodings, layout tables, image tables, pages, odd cells."""
from __future__ import annotations

from pathlib import Path

import pytest

from xlsuite.readers import html, markdown, read_report, sniff, text
from xlsuite.recognize import recognize

from .conftest import SEEDS

HTML_WITH_IMAGES = """<html><head><title>2021年某某县人民政府政府信息公开工作年度报告</title></head><body>
<table><tr><td><table><tr><td>layout</td></tr></table>
<p>一、总体情况</p><p>本年共收到申请 5 件。</p>
<p>二、主动公开政府信息情况</p><p><img src="t1.png"></p>
<p>三、收到和处理政府信息公开申请情况</p><p><img src="t2.png"></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="t3.png"></p>
<p>五、存在的主要问题及改进情况</p><p>问题。</p><p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
</td></tr></table></body></html>"""


def test_html_with_table_images_gives_nulls_and_says_why():
    r = recognize(html.parse(HTML_WITH_IMAGES, "page.html"))
    assert (r.meta.agency, r.meta.year, r.meta.form) == ("某某县人民政府", 2021, "gov2021")
    assert all(v.value is None for v in r.values.values())
    assert {w.code for w in r.warnings} >= {"table_absent", "images"}
    assert r.narrative["other"] == "本年度未收取信息处理费。"


def test_gb18030_text_and_form_feed_pages(tmp_path):
    src = (SEEDS / "fj-industry-2020.pdf.txt").read_text(encoding="utf-8")
    paged = src.replace("三、收到和处理政府信息公开申请情况", "\f三、收到和处理政府信息公开申请情况")
    p = tmp_path / "gbk.txt"
    p.write_bytes(paged.encode("gb18030"))
    assert sniff(p) == "text"
    r = read_report(p)
    assert r.meta.agency == "福建省工业和信息化厅"
    assert r.number("requests.new.total") == 12
    assert r.values["requests.new.total"].provenance.page == 2
    assert r.values["active.regulations.new_made"].provenance.page == 1


def test_markdown_slash_and_dash_cells_are_null_with_warnings():
    md = (SEEDS / "shishi-commerce-2019.md").read_text(encoding="utf-8")
    md = md.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | / | — | 0 |")
    r = recognize(markdown.parse(md, "x.md"))
    assert r.number("active.regulations.new_made") is None
    assert r.number("active.regulations.new_published") is None
    assert r.number("active.regulations.total_published") == 0
    warned = {w.key for w in r.warnings if w.code == "blank_cell"}
    assert {"active.regulations.new_made", "active.regulations.new_published"} <= warned


def test_full_width_digits_thousands_and_units():
    src = (SEEDS / "xiamen-city-2020.pdf.txt").read_text(encoding="utf-8")
    src = src.replace("政府集中采购 44 378349191", "政府集中采购 ４４ 37,834.9191万元")
    r = recognize(text.parse(src, "x.txt"))
    assert r.number("active.procurement.projects") == 44
    assert r.number("active.procurement.amount_yuan") == 378349191


GOV2021_TEXT = """某某市某某局
2022 年政府信息公开工作年度报告
一、总体情况
本年度共收到政府信息公开申请 3 件。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 2
行政规范性文件 4 1 20
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 120
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 7
行政强制 0
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 1.25
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
三、本年度办理结果 （一）予以公开 1 0 0 0 0 0 1
（二）部分公开 0 0 0 0 0 0 0
（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供 1.本机关不掌握相关政府信息 1 0 0 0 0 0 1
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理 1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理 1 0 0 0 0 0 1
（七）总计 3 0 0 0 0 0 3
四、结转下年度继续办理 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
五、存在的主要问题及改进情况
问题。
六、其他需要报告的事项
本年度未收取信息处理费。
"""


def test_gov2021_one_row_other_is_recorded_under_other_misc_with_a_warning():
    r = recognize(text.parse(GOV2021_TEXT, "x.txt"))
    assert (r.meta.agency, r.meta.year, r.meta.form) == ("某某市某某局", 2022, "gov2021")
    assert r.number("active.normative_docs.in_force") == 20
    assert r.number("active.licensing.decisions") == 120
    assert r.number("active.fees.amount_10k_yuan") == 1.25
    assert r.number("requests.other_misc.natural") == 1
    assert r.number("requests.other_no_correction.natural") == 0
    assert r.number("requests.other_no_fee.total") == 0
    assert any(w.code == "other_one_row" for w in r.warnings)
    from xlsuite.assessment import assess
    assert assess(r).hard_failures == []


def test_gov2021_three_other_rows():
    src = GOV2021_TEXT.replace("（六）其他处理 1 0 0 0 0 0 1", "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1\n"
                              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0\n3.其他 0 0 0 0 0 0 0")
    r = recognize(text.parse(src, "x.txt"))
    assert r.number("requests.other_no_correction.natural") == 1
    assert r.number("requests.other_misc.natural") == 0
    assert not any(w.code == "other_one_row" for w in r.warnings)


def test_a_row_never_borrows_a_number_across_another_groups_heading(tmp_path):
    """pdftotext's reading order of a plain PDF puts 55 (政府集中采购's 采购项目数量) after the
    第二十条第（九）项 heading, right after 行政事业性收费's numbers: not a cell of that row."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pdf = Path(__file__).parent / "fixtures" / "generated" / "fj-commerce-2020.pdf.plain.pdf"
    dump = tmp_path / "fj.txt"
    subprocess.run(["pdftotext", str(pdf), str(dump)], check=True)
    r = read_report(dump)
    assert r.number("active.fees.change") in (None, 0)
    assert r.number("active.fees.prev_items") in (None, 0)
    # Said either way: the numbers straddle the heading, or could as well be 政府集中采购's
    # (since a money amount may not be a count, the alignment itself doubts the row).
    said = [w for w in r.warnings if w.code in ("straddling_row", "uncertain_row") and w.key == "active.fees.prev_items"]
    assert len(said) == 1 and ("第二十条第（九）项" in said[0].message or "政府集中采购" in said[0].message)


def test_tabs_in_a_text_dump_are_cell_borders_and_indents_are_not():
    """A table copied out of Word or a web page keeps a tab per cell, blank cells included;
    a paragraph indented by a tab stays a paragraph."""
    doc = text.parse("\t一、总体情况\n规章\t\t0\t5\t\n\t（二）部分公开\t3\t\n")
    assert [(l.text, l.cells) for l in doc.lines] == [
        ("\t一、总体情况", None),
        ("规章 0 5", ["规章", "", "0", "5", ""]),
        ("（二）部分公开 3", ["（二）部分公开", "3", ""]),
    ]


def test_a_count_with_its_unit_in_the_cell_reads_as_the_count(tmp_path):
    """Some reports print the unit in every cell (12件): the table reads as without it. Before,
    every such cell was text and the tables came out null."""
    import re

    from .fixtures import zoo_score as zs

    e = next(e for e in zs.entries(categories=("markdown",)) if e.name.endswith("shishi-commerce-2019.pergroup.md"))
    plain = e.path.read_text(encoding="utf-8")
    with_units = re.sub(r"\|\s*(\d+)\s*(?=\|)", lambda m: f"| {m.group(1)}件 ", plain)
    assert with_units.count("件 |") > 50
    path = tmp_path / "units.md"
    path.write_text(with_units, encoding="utf-8")
    got, want = read_report(path).numbers(), read_report(e.path).numbers()
    assert got == want and sum(v is not None for v in got.values()) > 150
