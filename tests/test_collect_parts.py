"""The pieces of `collect` that need no mailbox: the agency list, IMAP names, settings, the ledger, placing files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from xlsuite.collect.agencies import ListError, read_list
from xlsuite.collect.config import parse_collect_config
from xlsuite.collect.imap import encode_folder, imap_date, uid_set
from xlsuite.collect.inbox import NEW, OLDER, REPLACED, SAME, Inbox, safe_name
from xlsuite.mail.config import MailConfigError

TZ = timezone(timedelta(hours=8))


def test_list_from_gbk_csv_and_from_a_workbook_with_a_title(tmp_path):
    csv = tmp_path / "名单.csv"
    csv.write_bytes("机关名称,联系人,邮箱,上级\n厦门市教育局,张伟,jyj@xm.gov.cn；jyj2@xm.gov.cn,厦门市人民政府\n\n"
                    "厦门市 公安局,王芳,,\n".encode("gbk"))
    agencies = read_list(csv)
    assert [a.name for a in agencies] == ["厦门市教育局", "厦门市 公安局"]
    assert agencies.agencies[0].emails == ("jyj@xm.gov.cn", "jyj2@xm.gov.cn")
    assert agencies.find("厦门市公安局").contact == "王芳"  # spaces and full-width letters do not matter
    assert agencies.by_email("JYJ2@xm.gov.cn").name == "厦门市教育局"

    book = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["2024 年度报送名单"])
    wb.active.append([])
    wb.active.append(["序号", "单位名称", "电子邮箱", "联系人"])
    wb.active.append([1, "某某区人民政府", "gkb@mm.gov.cn", "李娜"])
    wb.save(book)
    [a] = read_list(book)
    assert (a.name, a.emails, a.contact, a.row) == ("某某区人民政府", ("gkb@mm.gov.cn",), "李娜", 4)


@pytest.mark.parametrize("text, message", [
    ("名称错,邮箱\n甲,a@b.cn\n", "中找不到“机关名称”列"),
    ("机关名称,邮箱\n甲局,a@b.cn\n乙局,\n甲局,\n", "第 2 行与第 4 行是同一机关“甲局”"),
    ("机关名称,邮箱\n甲局,不是邮箱\n", "第 2 行（甲局）的邮箱“不是邮箱”不是邮件地址"),
    ("机关名称,邮箱\n", "中没有机关"),
])
def test_list_problems_are_one_line(tmp_path, text, message):
    p = tmp_path / "名单.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ListError) as e:
        read_list(p)
    assert message in str(e.value) and str(p) in str(e.value)
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ListError, match="无法读取机关名单"):
        read_list(bad)


def test_imap_names_and_sets():
    assert encode_folder("台北/日本語") == '"&U,BTFw-/&ZeVnLIqe-"'  # the example of RFC 3501 5.1.3
    assert encode_folder("A&B \"x\"") == '"A&-B \\"x\\""'
    assert uid_set([7, 1, 2, 3, 5, 9, 10]) == "1:3,5,7,9:10"
    assert imap_date(datetime(2025, 3, 4).date()) == "4-Mar-2025"


def test_settings(tmp_path):
    cfg = parse_collect_config({"collect": {"host": "imap.x.gov.cn", "security": "starttls", "user": "gkb",
                                            "list": "名单.csv", "window_days": 30, "office": "某市政务公开办"}},
                               tmp_path / "xlsuite.toml")
    assert (cfg.port, cfg.folder, cfg.list, cfg.window_days, cfg.office) == \
        (143, "INBOX", tmp_path / "名单.csv", 30, "某市政务公开办")
    assert parse_collect_config({"collect": {"security": "ssl"}}).port == 993
    for bad, message in (({"password": "x"}, "不能写密码"), ({"security": "tls"}, "collect.security"),
                         ({"port": 0}, "collect.port"), ({"year": "2024"}, "collect.year")):
        with pytest.raises(MailConfigError, match=message):
            parse_collect_config({"collect": bad})


def test_ledger_survives_a_torn_line(tmp_path):
    inbox = Inbox(tmp_path)
    inbox.append({"ref": "a"})
    with open(inbox.ledger, "ab") as f:
        f.write(b'{"ref": "b", "ite')  # the machine went down mid-write
    inbox.append({"ref": "c"})
    assert [r["ref"] for r in inbox.records()] == ["a", "c"]


def test_placing_versions(tmp_path):
    inbox = Inbox(tmp_path)
    t = datetime(2025, 1, 10, 9, 0, tzinfo=TZ)
    first = inbox.place(b"v1", 2024, "某局", ".xlsx", t, latest=None, dates={})
    assert first == (NEW, tmp_path / "2024" / "2024-某局.xlsx")
    assert inbox.place(b"v1", 2024, "某局", ".xlsx", t, latest=t, dates={}) == (SAME, first[1])
    from xlsuite.collect.inbox import sha256
    dates = {sha256(b"v1"): t}
    status, path = inbox.place(b"v2", 2024, "某局", ".xlsm", t + timedelta(days=1), latest=t, dates=dates)
    assert (status, path.name) == (REPLACED, "2024-某局.xlsm")
    assert not first[1].exists()  # one current version per agency, whatever its suffix
    [kept] = (tmp_path / "历史" / "2024").iterdir()
    assert kept.name == f"2024-某局.{t.astimezone():%Y%m%d-%H%M%S}.xlsx" and kept.read_bytes() == b"v1"
    status, old = inbox.place(b"v0", 2024, "某局", ".xlsx", t - timedelta(days=1), latest=t + timedelta(days=1),
                              dates=dates)
    assert status == OLDER and old.parent == kept.parent and old.read_bytes() == b"v0"
    assert path.read_bytes() == b"v2"
    assert safe_name('某局:"总"/分局. ') == "某局_总_分局"


def test_one_collector_per_folder(tmp_path):
    """A second collect (another window, the ribbon) on the same folder stops with one line; the first goes on."""
    from click.testing import CliRunner

    from xlsuite.cli import cli

    (tmp_path / "导出").mkdir()
    with Inbox(tmp_path / "收件").lock():
        r = CliRunner().invoke(cli, ["collect", "--from", str(tmp_path / "导出"), "-o", str(tmp_path / "收件")])
        assert r.exit_code == 2
        assert r.output == f"错误：另一个收集（xlsuite collect）正在使用 {tmp_path / '收件'}：请等它结束后再运行\n"
    again = CliRunner().invoke(cli, ["collect", "--from", str(tmp_path / "导出"), "-o", str(tmp_path / "收件")])
    assert again.exit_code == 0 and again.output.startswith("没有新邮件")
