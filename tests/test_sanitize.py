"""Text for strict destinations: workbook cells, mail headers, file names, CSV, one-line messages."""
from __future__ import annotations

from xlsuite.backups import backup_path, is_backup
from xlsuite.model import Meta, Report
from xlsuite.readers.discover import expand_sources
from xlsuite.sanitize import clean_report, csv_text, for_filename, for_header, for_xml, printable


def test_workbook_text_loses_only_what_xml_refuses():
    assert for_xml("a\x00b\x1b[31mc\x07\ufffe\uffff\ud800d\te\nf\r") == "ab[31mcd\te\nf\r"
    r = Report(Meta(agency="某\x00局", source="x\x1b.md"), narrative={"overview": "正文\x0c一段"})
    clean = clean_report(r)
    assert (clean.meta.agency, clean.meta.source, clean.narrative["overview"]) == ("某局", "x.md", "正文一段")
    assert [w.code for w in clean.warnings] == ["control_characters"]
    assert "机关名称" in clean.warnings[0].message and r.meta.agency == "某\x00局"  # the input is untouched
    fine = Report(Meta(agency="某局"))
    assert clean_report(fine) is fine


def test_header_is_one_line():
    assert for_header("某机关\r\nBcc: evil@x\u202e") == "某机关 Bcc: evil@x"


def test_file_names():
    assert for_filename("2019-某局\u202excod.exe", ".xlsx") == "2019-某局xcod.exe.xlsx"
    assert for_filename('a/b\\c:d*e?"<>|', ".xlsx") == "a_b_c_d_e_.xlsx"
    assert for_filename("CON", ".xlsx") == "_CON.xlsx"
    long_a, long_b = "2019-" + "某" * 85 + "甲", "2019-" + "某" * 85 + "乙"
    a, b = for_filename(long_a, ".xlsx"), for_filename(long_b, ".xlsx")
    assert a != b and len(a.encode()) <= 150 and a.startswith("2019-某某") and a.endswith(".xlsx")


def test_messages_show_odd_names_escaped():
    assert printable("two\nlines\x1b.txt") == "two\\nlines\\x1b.txt"
    assert printable("bad\udcffname") == "bad\\udcffname"


def test_csv_text():
    assert [csv_text(s) for s in ("=1+1", "+1", "-1+1", "@SUM(1)", "\tx", "\rx", "某局", "", None)] == \
        ["'=1+1", "'+1", "'-1+1", "'@SUM(1)", "'\tx", "'\rx", "某局", "", ""]


def test_backups_are_known_by_how_they_are_made(tmp_path):
    from datetime import datetime

    report = tmp_path / "2019-某局.xlsx"
    report.write_bytes(b"x")
    backup = backup_path(str(report), datetime(2025, 1, 31, 9, 30))
    assert backup.endswith("2019-某局.备份-20250131-093000.xlsx")
    open(backup, "wb").close()
    agency = tmp_path / "2019-某局.备份-1.xlsx"  # an agency named 某局.备份-1
    agency.write_bytes(b"x")
    orphan = tmp_path / "2019-乙局.备份-20250131-093000.xlsx"  # its original is gone: the only copy
    orphan.write_bytes(b"x")
    assert is_backup(backup) and not is_backup(agency) and not is_backup(orphan)
    assert sorted(p.rsplit("/", 1)[1] for p in expand_sources([str(tmp_path)])) == \
        ["2019-乙局.备份-20250131-093000.xlsx", "2019-某局.xlsx", "2019-某局.备份-1.xlsx"]


def test_agency_list_csv_is_safe_for_excel(tmp_path):
    """Every CSV the project writes: the 名单.csv too (a formula-like name is text, the rest as it was)."""
    import csv

    from xlsuite.collect.agencies import Agency, write_csv

    path = write_csv([Agency("=HYPERLINK(\"http://x\",\"y\")", "@张三", ("a@b.cn",), "+1", 2),
                      Agency("石狮市商务局", "李四", ("c@d.cn",), "", 3)], tmp_path / "名单.csv")
    rows = list(csv.reader(open(path, encoding="utf-8-sig")))
    assert rows[1] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@张三", "a@b.cn", "'+1"]
    assert rows[2] == ["石狮市商务局", "李四", "c@d.cn", ""]
