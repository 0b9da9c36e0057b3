"""`xlsuite send` end to end: real seed workbooks through a real SMTP server on loopback."""
from __future__ import annotations

import re
import shutil
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.forms import get_form
from xlsuite.mail import HELD, INTERRUPTED, REFUSED, SENT, MailConfig, resend_outbox, send_workbooks
from xlsuite.mail import outbox as box
from xlsuite.mail.config import PASSWORD_ENV
from xlsuite.mail.message import KEY_FIGURES, MISSING
from xlsuite.readers import read_report
from xlsuite.workbook import write_workbook

from .conftest import SEED_FILES, SEEDS, golden_for
from .test_mail_smtp import ASCII_PASSWORD, SmtpServer, authenticator

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def seed_workbooks(tmp_path_factory) -> dict[str, Path]:
    """Each seed as a standard workbook, named as `xlsuite import` names it: seed stem -> file."""
    d = tmp_path_factory.mktemp("workbooks")
    out = {}
    for seed in SEED_FILES:
        r = read_report(seed)
        out[seed.name.rsplit(".", 1)[0]] = write_workbook(r, d / f"{r.meta.year}-{r.meta.agency}.xlsx"
                                                          if seed.name != "fj-commerce-2020.web.txt"
                                                          else d / f"{r.meta.year}-{r.meta.agency}-网页.xlsx")
    return out


@pytest.fixture
def xiamen(seed_workbooks, tmp_path) -> Path:
    return Path(shutil.copy(seed_workbooks["xiamen-city-2020.pdf"], tmp_path))


@pytest.fixture
def broken(seed_workbooks, tmp_path) -> Path:
    """The Xiamen workbook after a staff edit that breaks relations 1 and 2 (新收·总计 1609 -> 1614)."""
    path = tmp_path / "broken" / "2020-厦门市人民政府.xlsx"
    path.parent.mkdir()
    wb = openpyxl.load_workbook(seed_workbooks["xiamen-city-2020.pdf"])
    sheet, ref = next(iter(wb.defined_names["requests.new.total"].destinations))
    wb[sheet][ref.replace("$", "")].value = 1614
    wb.save(path)
    return path


@pytest.fixture
def server():
    srv = SmtpServer().start()
    yield srv
    srv.stop()


def write_config(folder: Path, srv: SmtpServer, user: str = "") -> Path:
    p = folder / "xlsuite.toml"
    p.write_text(f"""
[smtp]
host = "127.0.0.1"
port = {srv.port}
security = "none"
user = "{user}"
sender = "gkb@example.gov.cn"
timeout = 5
[send]
to = ["city-gkb@example.gov.cn"]
outbox = "outbox"
""", encoding="utf-8")
    return p


def run(*args, env=None):
    return CliRunner().invoke(cli, ["send", *map(str, args)], env=env)


def received(srv) -> list:
    return [message_from_bytes(e.content, policy=policy.default) for e in srv.received]


def figures(plain: str) -> dict[str, str]:
    return dict(re.findall(r"^ {4}(.+?)：(\S+)$", plain, re.M))


def test_every_seed_workbook_arrives_with_golden_figures(seed_workbooks, server, tmp_path):
    cfg = write_config(tmp_path, server)
    paths = list(seed_workbooks.values())
    result = run(*paths, "--config", cfg)
    assert result.exit_code == 0, result.output
    msgs = received(server)
    assert len(msgs) == len(paths)
    for stem, path, msg in zip(seed_workbooks, paths, msgs):
        gold = golden_for(SEEDS / f"{stem}.x")
        agency, year = gold["meta"]["agency"], gold["meta"]["year"]
        assert msg["Subject"] == f"【政府信息公开年报】{agency} {year}年度（已校验）"
        assert msg["From"] == "gkb@example.gov.cn" and msg["To"] == "city-gkb@example.gov.cn"
        assert msg["Date"] and re.fullmatch(r"<\S+@example\.gov\.cn>", msg["Message-ID"])
        [att] = list(msg.iter_attachments())
        assert att.get_content_type() == XLSX
        assert att.get_filename() == path.name and path.name.startswith(f"{year}-{agency}")
        assert att.get_content() == path.read_bytes()
        form = get_form(gold["meta"]["form"])
        want = {form.label_of(k): MISSING if gold["values"][k] is None else str(gold["values"][k])
                for _h, keys in KEY_FIGURES for k in keys}
        assert figures(msg.get_body(("plain",)).get_content()) == want, stem
        assert "校验结论：通过" in msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert all(f">{v}</td>" in html for v in want.values())
    assert not (tmp_path / "outbox").exists()
    assert "已发送：2020-厦门市人民政府.xlsx → city-gkb@example.gov.cn" in result.output


def test_raw_message_carries_rfc2231_filename(xiamen, server, tmp_path):
    assert run(xiamen, "--config", write_config(tmp_path, server), "--to", "a@x.cn", "--cc", "b@x.cn").exit_code == 0
    [env] = server.received
    assert env.rcpt_tos == ["a@x.cn", "b@x.cn"]
    assert re.search(rb"filename\*(0\*)?=utf-8''2020-%E5%8E%A6%E9%97%A8", env.content)
    assert rb"Content-Type: " + XLSX.encode() in env.content


def test_broken_workbook_is_refused_and_nothing_reaches_the_server(broken, xiamen, server, tmp_path):
    cfg = write_config(tmp_path, server)
    result = run(xiamen, broken, "--config", cfg)
    assert result.exit_code == 1
    assert f"拒绝发送：{broken}（厦门市人民政府 2020年度）未通过校验，2 项勾稽关系不成立" in result.output
    assert "[错误] R1.requests.total" in result.output and "[错误] R2.requests.new" in result.output
    assert f"未发送：{xiamen}" in result.output  # the good one waits for the batch
    assert server.received == []
    assert not (tmp_path / "outbox").exists()


def test_forced_workbook_arrives_marked(broken, server, tmp_path):
    result = run(broken, "--force", "--config", write_config(tmp_path, server))
    assert result.exit_code == 0, result.output
    [msg] = received(server)
    assert msg["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（未通过校验）"
    assert msg["X-Xlsuite-Verdict"] == "fail"
    plain = msg.get_body(("plain",)).get_content()
    assert "校验结论：未通过校验（2 项勾稽关系不成立" in plain
    assert "[错误] R1.requests.total" in plain and "[错误] R2.requests.new" in plain
    assert figures(plain)["一、本年新收政府信息公开申请数量·总计"] == "1614"
    assert "未通过" in msg.get_body(("html",)).get_content()
    assert next(msg.iter_attachments()).get_content() == broken.read_bytes()


def test_server_down_keeps_the_message_then_outbox_delivers_it_once(xiamen, tmp_path):
    srv = SmtpServer()  # not started yet
    cfg = write_config(tmp_path, srv)
    result = run(xiamen, "--config", cfg)
    assert result.exit_code == 3
    lines = [l for l in result.output.splitlines() if l]
    assert len(lines) == 1
    assert lines[0].startswith(f"发送失败：{xiamen.name}：无法连接邮件服务器 127.0.0.1:{srv.port}（连接被拒绝")
    [saved] = (tmp_path / "outbox").glob("*.eml")
    assert str(saved) in lines[0] and "xlsuite send --outbox" in lines[0]
    kept = message_from_bytes(saved.read_bytes(), policy=policy.default)
    assert kept["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（已校验）"
    assert next(kept.iter_attachments()).get_content() == xiamen.read_bytes()

    srv.start()
    try:
        result = run("--outbox", "--config", cfg)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"已重发：{saved.name} → city-gkb@example.gov.cn")
        [msg] = received(srv)
        assert msg["Message-ID"] == kept["Message-ID"]  # the same message, recognisable as such
        assert next(msg.iter_attachments()).get_content() == xiamen.read_bytes()
        assert list((tmp_path / "outbox").glob("*.eml")) == []
        assert [p.name for p in (tmp_path / "outbox" / "sent").iterdir()] == [saved.name]

        again = run("--outbox", "--config", cfg)
        assert again.exit_code == 0 and "中没有邮件" in again.output
        assert len(srv.received) == 1
    finally:
        srv.stop()


def test_refused_login_is_one_line_without_the_password(xiamen, tmp_path):
    srv = SmtpServer(authenticator=authenticator, auth_required=True, auth_require_tls=False).start()
    try:
        cfg = write_config(tmp_path, srv, user="gkb")
        result = run(xiamen, "--config", cfg, env={PASSWORD_ENV: "wrong-password-42"})
        assert result.exit_code == 3
        assert result.output.startswith(f"发送失败：{xiamen.name}：邮件服务器拒绝登录（用户 gkb，535")
        assert len(result.output.strip().splitlines()) == 1
        assert "wrong-password-42" not in result.output
        assert srv.received == [] and len(list((tmp_path / "outbox").glob("*.eml"))) == 1
        assert "wrong-password-42".encode() not in next((tmp_path / "outbox").glob("*.eml")).read_bytes()

        ok = run("--outbox", "--config", cfg, env={PASSWORD_ENV: ASCII_PASSWORD})
        assert ok.exit_code == 0, ok.output
        assert len(srv.received) == 1
    finally:
        srv.stop()


def test_too_large_for_the_server(xiamen, tmp_path):
    srv = SmtpServer(data_size_limit=4096).start()
    try:
        result = run(xiamen, "--config", write_config(tmp_path, srv))
        assert result.exit_code == 3
        assert re.match(rf"发送失败：{re.escape(xiamen.name)}：邮件过大：\d+ KB（附件编码后），"
                        rf"超过邮件服务器 127\.0\.0\.1:{srv.port} 的上限 4 KB", result.output)
        assert srv.received == [] and len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    finally:
        srv.stop()


def test_refused_recipient(xiamen, tmp_path):
    srv = SmtpServer(refuse={"gone@example.gov.cn"}).start()
    try:
        result = run(xiamen, "--to", "gone@example.gov.cn", "--config", write_config(tmp_path, srv))
        assert result.exit_code == 3
        assert "邮件服务器拒绝收件人：gone@example.gov.cn（550 5.1.1 No such user here）" in result.output
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    finally:
        srv.stop()


def test_unreachable_server_keeps_every_message_of_the_batch(seed_workbooks, tmp_path):
    paths = list(seed_workbooks.values())[:3]
    result = run(*paths, "--config", write_config(tmp_path, SmtpServer()))
    assert result.exit_code == 3
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    assert result.output.count("无法连接邮件服务器") == 3


def test_refused_login_is_tried_once_per_batch(seed_workbooks, tmp_path):
    sessions = []  # smtplib tries PLAIN then LOGIN within one session: count sessions, not tries

    def counting(server, session, *args):
        sessions.append(session)  # held, so no two sessions share an id()
        return authenticator(server, session, *args)

    srv = SmtpServer(authenticator=counting, auth_required=True, auth_require_tls=False).start()
    try:
        paths = list(seed_workbooks.values())[:3]
        result = run(*paths, "--config", write_config(tmp_path, srv, user="gkb"), env={PASSWORD_ENV: "wrong"})
        assert result.exit_code == 3
        assert result.output.count("邮件服务器拒绝登录（用户 gkb") == 3
        assert len({id(x) for x in sessions}) == 1  # a locked-out account is not hammered once per workbook
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 3
    finally:
        srv.stop()


def test_eml_for_outlook_sends_nothing_and_never_overwrites(xiamen, server, tmp_path):
    cfg = write_config(tmp_path, server)
    out = tmp_path / "报送.eml"
    result = run(xiamen, "--eml", out, "--config", cfg)
    assert result.exit_code == 0, result.output
    msg = message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == "【政府信息公开年报】厦门市人民政府 2020年度（已校验）"
    assert next(msg.iter_attachments()).get_content() == xiamen.read_bytes()
    before = out.read_bytes()
    again = run(xiamen, "--eml", out, "--config", cfg)
    assert again.exit_code == 2 and "已存在，不会覆盖" in again.output
    assert out.read_bytes() == before
    assert server.received == []


def test_dry_run_shows_and_sends_nothing(xiamen, server, tmp_path):
    result = run(xiamen, "--dry-run", "--config", write_config(tmp_path, server))
    assert result.exit_code == 0, result.output
    assert "Subject: 【政府信息公开年报】厦门市人民政府 2020年度（已校验）" in result.output
    assert f"附件：{xiamen.name}（{XLSX}，{xiamen.stat().st_size} 字节）" in result.output
    assert "一、本年新收政府信息公开申请数量·总计：1609" in result.output
    assert server.received == []


def test_not_a_workbook_and_bad_usage(server, tmp_path):
    cfg = write_config(tmp_path, server)
    result = run(SEEDS / "xiamen-city-2020.pdf.txt", "--config", cfg)
    assert result.exit_code == 2 and "不是 Excel 工作簿" in result.output
    assert run(tmp_path / "missing.xlsx", "--config", cfg).exit_code == 2
    plain = tmp_path / "其他表格.xlsx"
    openpyxl.Workbook().save(plain)
    other = run(plain, "--config", cfg)
    assert other.exit_code == 2 and other.output.startswith(f"错误：{plain}：")
    assert run("--config", cfg).exit_code == 2
    assert run("x.xlsx", "--password", "abc", "--config", cfg).exit_code == 2  # no such option, by design
    assert run(tmp_path / "nowhere.toml").exit_code == 2
    assert server.received == []


def test_no_recipient_anywhere(xiamen, server, tmp_path):
    cfg = write_config(tmp_path, server)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('to = ["city-gkb@example.gov.cn"]', ""), encoding="utf-8")
    result = run(xiamen, "--config", cfg)
    assert result.exit_code == 2 and "没有收件人" in result.output


def test_library_call_as_the_ribbon_makes_it(xiamen, broken, server, tmp_path):
    cfg = MailConfig(sender="gkb@example.gov.cn", host="127.0.0.1", port=server.port, security="none",
                     to=("city-gkb@example.gov.cn",), outbox=tmp_path / "outbox", timeout=5)
    [refused] = send_workbooks([broken], cfg)
    assert refused.status == REFUSED and {r.id for r in refused.failures} == {"R1.requests.total", "R2.requests.new"}
    assert [o.status for o in send_workbooks([xiamen, broken], cfg)] == [HELD, REFUSED]
    [sent] = send_workbooks([xiamen], cfg)
    assert sent.status == SENT and sent.ok and sent.subject.endswith("（已校验）")
    assert len(server.received) == 1


def test_outbox_claims_so_two_resends_cannot_both_send(xiamen, tmp_path):
    srv = SmtpServer()
    cfg = write_config(tmp_path, srv)
    assert run(xiamen, "--config", cfg).exit_code == 3
    [saved] = box.pending(tmp_path / "outbox")
    claimed = box.claim(saved)
    assert claimed is not None and box.claim(saved) is None  # the second resend finds it taken
    # A resend that was cut off mid-send leaves its claim: reported, never sent again blindly.
    srv.start()
    try:
        result = run("--outbox", "--config", cfg)
        assert result.exit_code == 3
        assert f"注意：{claimed} 上次发送中途中断" in result.output
        assert srv.received == []
        assert [o.status for o in resend_outbox(cfg)] == [INTERRUPTED]
        box.release(claimed)  # staff confirmed it never arrived
        assert run("--outbox", "--config", cfg).exit_code == 0
        assert len(srv.received) == 1
    finally:
        srv.stop()


def test_unreadable_cell_is_noted_in_the_message(seed_workbooks, server, tmp_path):
    path = tmp_path / "2019-石狮市商务局.xlsx"
    wb = openpyxl.load_workbook(seed_workbooks["shishi-commerce-2019"])
    sheet, ref = next(iter(wb.defined_names["appeals.review.total"].destinations))
    wb[sheet][ref.replace("$", "")].value = "待核"
    wb.save(path)
    result = run(path, "--config", write_config(tmp_path, server))
    assert result.exit_code == 0, result.output
    assert "[提示] 行政复议·总计" in result.output and "“待核”不是数字" in result.output
    [msg] = received(server)
    plain = msg.get_body(("plain",)).get_content()
    assert figures(plain)["行政复议·总计"] == MISSING  # never a silent 0
    assert re.search(r"\[提示\] 行政复议·总计.*“待核”不是数字", plain)


def test_eml_for_several_workbooks_goes_to_a_folder(seed_workbooks, server, tmp_path):
    paths = list(seed_workbooks.values())[:2]
    cfg = write_config(tmp_path, server)
    assert run(*paths, "--eml", tmp_path / "x.eml", "--config", cfg).exit_code == 2
    result = run(*paths, "--eml", tmp_path / "草稿", "--config", cfg)
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "草稿").glob("*.eml"))
    assert {p.stem for p in written} == {p.stem for p in paths}
    for p in written:
        msg = message_from_bytes(p.read_bytes(), policy=policy.default)
        assert next(msg.iter_attachments()).get_filename() == p.stem + ".xlsx"
    assert server.received == []
