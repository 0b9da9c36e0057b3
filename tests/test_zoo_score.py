"""The layout zoo as a yardstick: its manifest, the variants its files really show, and the
scoring (exact / null / WRONG, flagged, SILENT) that benchmarks/zoo.py and test_zoo.py use."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xlsuite.forms import get_form
from xlsuite.model import Finding, Meta, Provenance, Report, Value

from .conftest import SEEDS
from .fixtures import zoo_score as zs

MANIFEST = zs.manifest()
STEMS = sorted({e["golden"] for e in MANIFEST.values()})


def _zoo_files() -> set[str]:
    """The zoo's own files; markitdown/ holds a converter's copies of them, scored by
    tests/test_converted_markdown.py against the files they came from."""
    return {str(p.relative_to(zs.ZOO)) for p in zs.ZOO.rglob("*") if p.is_file() and p.name != "manifest.json"
            and p.relative_to(zs.ZOO).parts[0] != "markitdown"}


def test_manifest_and_files_agree_and_every_golden_exists():
    committed = {n for n, e in MANIFEST.items() if e["category"] not in zs.SCAN_CATEGORIES}
    assert committed == _zoo_files()
    assert len(STEMS) == 7
    for name, e in MANIFEST.items():
        assert e["category"] in zs.CATEGORIES, name
        keys = set(get_form(zs.golden(e["golden"])["meta"]["form"]).keys())
        assert set(e.get("overrides", {})) <= keys and set(e.get("blank_keys", [])) <= keys, name
        if "from" in e:
            assert MANIFEST[e["from"]]["golden"] == e["golden"]


def test_every_sample_is_in_every_kind_of_file():
    by_cat: dict[str, set[str]] = {}
    for e in MANIFEST.values():
        by_cat.setdefault(e["category"], set()).add(e["golden"])
    for cat in ("pdf", "pdftotext-layout", "markdown", "html", "scan150", "scan100"):
        assert by_cat[cat] == set(STEMS), cat
    reading = by_cat["pdftotext-reading"] | by_cat["pdftotext-column-major"]
    assert reading == set(STEMS) and by_cat["pdftotext-column-major"]
    layouts = {e["layout"] for e in MANIFEST.values() if e["category"] == "pdf"}
    assert len(layouts) >= 3
    # each resolution of scans sees each layout
    for cat in zs.SCAN_CATEGORIES:
        assert {e["layout"] for e in MANIFEST.values() if e["category"] == cat} == layouts


def _text(name: str) -> str:
    return (zs.ZOO / name).read_text(encoding="utf-8")


def test_the_pdfs_show_the_variants_the_generator_promises():
    # （四）无法提供 cut by the page break: "（四）无" ends one page, "法提供" opens the next
    pages = _text("text/xiamen-city-2020.pdf.centred.layout.txt").split("\f")
    cut = next(i for i, p in enumerate(pages) if "（四）无" in p and "法提供" not in p)
    assert "法提供" in pages[cut + 1]
    # the vertical group label, one character per line
    narrow = _text("text/xiamen-city-2020.pdf.narrow.layout.txt")
    lone = iter(l.split()[0] for l in narrow.splitlines() if l.split() and len(l.split()[0]) == 1)
    assert all(ch in lone for ch in "三、本年度办理结果") and "1、属于国家" in narrow
    # a 4-digit number wrapped inside its narrow cell: 1534 prints as 153 over 4
    squeeze = _text("text/xiamen-city-2020.pdf.squeeze.layout.txt")
    assert "1534" not in squeeze and re.search(r"\b153\b", squeeze)
    # tables without headings; numbering restarting at 一 for the tables
    assert "主动公开政府信息情况" not in squeeze
    assert "一、主动公开政府信息情况" in _text("text/xiamen-city-2020.pdf.centred.reading.txt")
    # blank cells printed / and —
    assert MANIFEST["pdf/shanghai-office-2019.centred.pdf"]["features"].count("blank cells printed /") == 1
    assert "—" in _text("text/shanghai-office-2019.squeeze.layout.txt")
    # gov2021 （六）其他处理 as one row
    huaian = _text("text/huaian-hongze-2024.narrow.layout.txt")
    assert "（六）其他处理" in huaian and "逾期不补正" not in huaian


def test_markdown_and_html_look_like_converters_and_word_wrote_them():
    md = _text("markdown/xiamen-city-2020.pdf.pergroup.md")
    assert "| 列1 |" in md and "<br>" in md and "## 2. 主动公开政府信息情况" in md
    assert re.search(r"^\| 1 \| 2 \| 3 \|", md, re.M)
    floating = _text("markdown/xiamen-city-2020.pdf.floating.md")
    assert "| 数据1 |" in floating
    # a wrapping label comes after its row: the first row's numbers precede 一、本年新收
    assert floating.index("| 1534 |") < floating.index("一、本年新收政府信息公开申请数量")
    page = (zs.ZOO / "html/huaian-hongze-2024.word.html").read_text(encoding="utf-8")
    assert "mso-" in page and "<o:p>" in page and "淮安市洪泽区人民政府办公室" in page
    # 9487 printed with its digits split over two spans
    assert re.search(r">(&nbsp;)?9\d{0,2}</span><span[^>]*>\d{1,3}(&nbsp;)?</span>", page)
    gb = (zs.ZOO / "html/xiamen-city-2020.pdf.word.html").read_bytes()
    assert b"charset=gb2312" in gb and "厦门市人民政府".encode("gb18030") in gb


# --- scoring -------------------------------------------------------------------------------------

def _report(stem: str, **changes) -> Report:
    gold = zs.golden(stem)
    values = {k: Value(v, Provenance("x")) for k, v in gold["values"].items()}
    for k, v in changes.items():
        values[k.replace("__", ".")] = Value(v, Provenance("x"))
    return Report(Meta(agency=gold["meta"]["agency"], year=gold["meta"]["year"], form=gold["meta"]["form"]),
                  values=values)


def _entry(stem: str, **kw) -> zs.Entry:
    return zs.Entry("t", Path("t"), "pdf", stem, **kw)


def test_golden_report_is_all_exact_and_passes():
    s = zs.score_report(_report("xiamen-city-2020.pdf"), _entry("xiamen-city-2020.pdf"))
    assert (s.exact, s.null, s.wrong, s.verdict, s.silent, s.meta) == (198, 0, [], "通过", False, {})


def test_a_swap_inside_a_group_is_wrong_and_silent_until_a_warning_names_it():
    # the rows 1.属于国家秘密 (3 0 0 0 0 0 3) and 2.其他法律… (8 0 1 0 0 0 9) swapped: every
    # relation still holds
    gold = zs.golden("xiamen-city-2020.pdf")["values"]
    cols = [c.id for c in get_form("gov2019").table("requests").columns]
    swap = {f"requests__{a}__{c}": gold[f"requests.{b}.{c}"]
            for a, b in (("denied_secret", "denied_law"), ("denied_law", "denied_secret")) for c in cols}
    r = _report("xiamen-city-2020.pdf", **swap)
    s = zs.score_report(r, _entry("xiamen-city-2020.pdf"))
    assert s.exact == 192 and len(s.wrong) == 6 and s.verdict == "通过" and s.silent
    r.warnings.append(Finding("row_uncertain", "…", key="requests.denied_secret"))  # names the row
    r.warnings.append(Finding("cell_uncertain", "…", key="requests.denied_law.natural"))
    s = zs.score_report(r, _entry("xiamen-city-2020.pdf"))
    assert len(s.flagged) == 4 and "requests.denied_secret.total" in s.flagged
    assert s.silent_keys == ["requests.denied_law.org_research", "requests.denied_law.total"] and s.silent
    r.warnings.append(Finding("row_uncertain", "…", key="requests.denied_law"))
    assert not zs.score_report(r, _entry("xiamen-city-2020.pdf")).silent


def test_null_is_not_wrong_and_blank_keys_may_be_null_or_zero():
    r = _report("xiamen-city-2020.pdf", requests__new__natural=None, requests__new__total=0)
    s = zs.score_report(r, _entry("xiamen-city-2020.pdf", blank_keys=frozenset({"requests.new.total"})))
    assert (s.exact, s.null, len(s.wrong)) == (197, 1, 0)
    # the relations now fail: 不通过, and a wrong cell under 不通过 is not silent
    r = _report("xiamen-city-2020.pdf", requests__new__natural=1543)
    s = zs.score_report(r, _entry("xiamen-city-2020.pdf"))
    assert s.verdict == "不通过" and len(s.wrong) == 1 and not s.silent
    # a golden null (a blank cell) read as a number is wrong
    gold = zs.golden("shanghai-office-2019")
    blank = next(k for k, v in gold["values"].items() if v is None)
    s = zs.score_report(_report("shanghai-office-2019", **{blank.replace(".", "__"): 5}),
                        _entry("shanghai-office-2019"))
    assert s.wrong == [(blank, 5, None)]


def test_overrides_replace_golden_values():
    e = _entry("huaian-hongze-2024", overrides={"requests.other_misc.total": 5})
    s = zs.score_report(_report("huaian-hongze-2024"), e)
    assert s.wrong == [("requests.other_misc.total", 0, 5)]


def test_a_cell_to_review_without_a_warning_is_silent():
    r = _report("xiamen-city-2020.pdf")
    r.values["requests.new.natural"] = Value(1534, Provenance("x", text="1534", confidence=0.5))
    s = zs.score_report(r, _entry("xiamen-city-2020.pdf"))
    assert not s.wrong and s.silent_keys == ["requests.new.natural"] and s.silent


def test_score_file_reads_in_process_and_an_unreadable_file_is_all_null(tmp_path):
    seed = SEEDS / "shishi-commerce-2019.md"
    s = zs.score_file(zs.Entry(seed.name, seed, "markdown", "shishi-commerce-2019"))
    assert (s.exact, s.null, s.wrong, s.verdict, s.error) == (198, 0, [], "通过", None)
    junk = tmp_path / "junk.txt"
    junk.write_text("没有表格的一段话。\n", encoding="utf-8")
    s = zs.score_file(zs.Entry("junk", junk, "pdftotext-layout", "shishi-commerce-2019"))
    assert s.error and s.null == s.cells == 198 and s.verdict is None


def test_reading_order_class_tells_column_major_dumps_from_row_wise_ones():
    gen = zs.GENERATED
    assert zs.reading_order_class(gen / "xiamen-city-2020.pdf.plain.pdf")[0] == "row-wise"
    kind, share = zs.reading_order_class(gen / "fj-commerce-2020.pdf.ruled.pdf")
    assert kind == "column-major" and share < 0.5
    for name, e in MANIFEST.items():
        if "row_successions" in e:
            assert (e["row_successions"] >= zs.ROW_WISE_SHARE) == (e["category"] == "pdftotext-reading"), name


@pytest.mark.parametrize("cat", ["pdf", "markdown"])
def test_entries_resolve_to_files(cat):
    es = zs.entries(categories=(cat,))
    assert es and all(e.path.is_file() for e in es)
    assert json.dumps(zs.Score("a", cat).to_dict())
