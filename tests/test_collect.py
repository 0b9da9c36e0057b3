"""`xlsuite collect`, the tracker, `rollup --expect`, replies and reminders, end to end.

A real Dovecot IMAP server on loopback holds the office mailbox (the messages are
APPENDed as a sender's mail server would deliver them); a real aiosmtpd server
takes the replies and reminders. The 30 messages of ``collect_mail`` are built
once for the module with the code ``send`` uses.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.collect.config import PASSWORD_ENV
from xlsuite.collect.imap import encode_folder
from xlsuite.collect.tracker_xlsx import HEADER_ROW, HEADERS

from .collect_mail import NAMINGS, STRANGER, T0, YEAR, build_corpus, legacy_mail, office_mail, write_eml
from .dovecot import Dovecot, DovecotUnavailable, free_port
from .test_mail_smtp import SmtpServer, tls_files  # noqa: F401 - tls_files is a fixture

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USERS = {"city": "pw-city", "kill": "pw-kill", "move": "pw-move", "gkb": "口令-2021", "tls": "pw-tls",
         "window": "pw-window"}
PASSED, FAILED2, MISSING, OUTSIDE = "已报送（通过）", "已报送（未通过，2 项）", "未报送", "名单外来件"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def _start(server: Dovecot) -> Dovecot:
    try:
        return server.start()
    except DovecotUnavailable as e:
        pytest.skip(f"IMAP tests need a Dovecot server on loopback, which cannot start here: {e}")


@pytest.fixture(scope="module")
def dovecot():
    server = _start(Dovecot(USERS))
    yield server
    server.stop()


def config(where: Path, imap: Dovecot | None = None, user: str | None = None, smtp: SmtpServer | None = None,
           **collect) -> Path:
    lines = []
    if user is not None:
        collect["user"] = user
    if imap is not None:
        collect = {"host": "127.0.0.1", "port": imap.port, "security": "none", **collect}
    if collect:
        lines.append("[collect]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in collect.items()]
    if smtp is not None:
        lines += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp.port}", 'security = "none"',
                  'sender = "city-gkb@xm.gov.cn"', "timeout = 5", "[send]", 'outbox = "outbox"']
    where.mkdir(parents=True, exist_ok=True)
    p = where / "xlsuite.toml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def run(*args, password: str | None = None):
    env = {PASSWORD_ENV: password} if password else {PASSWORD_ENV: ""}
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def tracker_rows(out: Path) -> dict[str, dict]:
    ws = openpyxl.load_workbook(out / "报送情况.xlsx")["报送情况"]
    rows = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        values = {h: ws.cell(r, n).value for n, h in enumerate(HEADERS, start=1)}
        values["link"] = ws.cell(r, HEADERS.index("文件") + 1).hyperlink
        rows[values["机关名称"]] = values
    return rows


def tiles(out: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(out / "报送情况.xlsx")["报送情况"]
    return {ws.cell(3, c).value: ws.cell(4, c).value for c in range(2, 12, 2)}


def ledger(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / ".xlsuite" / "ledger.jsonl").read_text(encoding="utf-8").splitlines()]


def stored(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / str(YEAR)).iterdir())}


def expected_files(corpus) -> dict[str, bytes]:
    return {f"{YEAR}-{name}.xlsx": data for name, data in corpus.workbooks.items()}


# --- the acceptance run over IMAP --------------------------------------------------------

def test_thirty_messages_over_imap(corpus, dovecot, tmp_path):
    dovecot.append("city", corpus.messages)
    cfg = config(tmp_path, dovecot, "city")
    out = tmp_path / "收件"
    r = run("collect", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg, password="pw-city")
    assert r.exit_code == 0, r.output

    # 27 current workbooks, byte for byte what was sent; the resubmitter's first version in history
    assert stored(out) == expected_files(corpus)
    [old] = (out / "历史" / str(YEAR)).iterdir()
    assert old.name.startswith(f"{YEAR}-{corpus.resubmitter}.") and old.read_bytes() == corpus.first_version
    assert not (out / "名单外").exists()

    # the two junk messages are named, with their reasons
    junk = [line for line in r.output.splitlines() if line.startswith("未收取")]
    assert len(junk) == 2
    assert junk[0].startswith("未收取（不是年报）：《报送联系人信息》← " + STRANGER)
    damaged_from = corpus.agencies[27].emails[0]
    assert junk[1].startswith(f"未收取（附件损坏）：《【政府信息公开年报】{corpus.damaged} {YEAR}年度（已校验）》← {damaged_from}")
    assert junk[1].endswith("），请对方重新发送")
    assert f"{YEAR} 年度报送情况：名单 28 个机关：已报送（通过）25，已报送（未通过）2，未报送 1，名单外来件 1" in r.output

    # the tracker: 25 通过, 2 未通过, 1 未报送, the stranger's row
    rows = tracker_rows(out)
    states = Counter(row["状态"] for row in rows.values())
    assert states == {PASSED: 25, FAILED2: 2, MISSING: 1, OUTSIDE: 1}
    assert {n for n, row in rows.items() if row["状态"] == PASSED} == set(corpus.valid)
    assert {n for n, row in rows.items() if row["状态"] == FAILED2} == set(corpus.invalid)
    missing = rows[corpus.damaged]
    assert missing["状态"] == MISSING and "来件未收取（附件损坏）" in missing["说明"] and missing["文件"] is None
    [outside] = [row for row in rows.values() if row["状态"] == OUTSIDE]
    assert outside["机关名称"] == "赵六" and outside["发件人"] == STRANGER and "不是年报" in outside["说明"]
    first = rows[corpus.resubmitter]
    assert first["link"].target == f"{YEAR}/{YEAR}-{corpus.resubmitter}.xlsx"
    assert (out / first["link"].target).read_bytes() == corpus.workbooks[corpus.resubmitter]
    assert first["报送时间"] == T0.astimezone().strftime("%Y-%m-%d %H:%M")
    assert first["发件人"] == corpus.agencies[0].emails[0]
    assert first["说明"] == f"另有 1 个较早版本，存于 历史/{YEAR}/"
    bad = rows[corpus.invalid[0]]
    assert "[错误] R1.requests.total" in bad["问题"] and "[错误] R2.requests.new" in bad["问题"]
    assert tiles(out) == {"名单机关": 28, PASSED: 25, "已报送（未通过）": 2, MISSING: 1, OUTSIDE: 1}
    # the colours: one conditional rule per state over the rows, the first whose prefix the 状态 starts with
    ws = openpyxl.load_workbook(out / "报送情况.xlsx")["报送情况"]
    [(area, rules)] = [(str(cf.sqref), cf.rules) for cf in ws.conditional_formatting]
    assert area == f"A{HEADER_ROW + 1}:L{HEADER_ROW + 29}"
    colour = {}
    for rule in rules:
        [(n, prefix)] = re.findall(rf'^LEFT\(\$F{HEADER_ROW + 1},(\d+)\)="(.+)"$', rule.formula[0])
        assert len(prefix) == int(n) and rule.stopIfTrue
        colour[prefix] = rule.dxf.fill.bgColor.rgb[-6:]
    shown = Counter(next(colour[p] for p in colour if row["状态"].startswith(p)) for row in rows.values())
    assert shown == {"C6EFCE": 25, "FFC7CE": 2, "FFEB9C": 1, "F8CBAD": 1}  # green, red, yellow, orange

    # nothing changed on the server: every message still there, none marked read
    assert dovecot.count("city") == 30
    assert not any(b"\\Seen" in f for f in dovecot.flags("city"))

    # a second run fetches nothing and changes nothing
    before = (out / ".xlsuite" / "ledger.jsonl").read_bytes()
    times = {p: p.stat().st_mtime_ns for p in (out / str(YEAR)).iterdir()}
    again = run("collect", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg, password="pw-city")
    assert again.exit_code == 0, again.output
    assert again.output.startswith("没有新邮件")
    assert (out / ".xlsuite" / "ledger.jsonl").read_bytes() == before
    assert {p: p.stat().st_mtime_ns for p in (out / str(YEAR)).iterdir()} == times

    # the roll-up of the year folder names the agency that has not reported
    stop = run("rollup", out / str(YEAR), "--agency", "厦门市", "--expect", corpus.list_csv)
    assert stop.exit_code == 1
    assert f"名单中 1 个机关没有报告，已停止汇总" in stop.stderr and corpus.damaged in stop.stderr
    warn = run("rollup", out / str(YEAR), "--agency", "厦门市", "--expect", out / "报送情况.xlsx",
               "--on-missing", "warn", "--on-invalid", "skip", "--json")
    assert warn.exit_code == 0, warn.output
    total = json.loads(warn.stdout)
    messages = [w["message"] for w in total["warnings"]]
    assert f"名单中 1 个机关未报送，汇总数不含这些机关：{corpus.damaged}" in messages
    # the 25 valid workbooks added up: the synthetic figures they were written from
    assert total["values"]["requests.new.total"] == sum(corpus.reports[n].number("requests.new.total")
                                                        for n in corpus.valid)


def test_killed_mid_run_loses_nothing_and_duplicates_nothing(corpus, dovecot, tmp_path):
    """Killed after a few of the first 12 messages (a resubmission among them), then run again."""
    messages = corpus.messages[:12]
    dovecot.append("kill", messages)
    cfg = config(tmp_path, dovecot, "kill")
    out = tmp_path / "收件"
    args = ["collect", "--list", str(corpus.list_csv), "-o", str(out), "--year", str(YEAR), "--config", str(cfg)]
    env = {**os.environ, PASSWORD_ENV: "pw-kill", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "from xlsuite.cli import main; main()", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    path = out / ".xlsuite" / "ledger.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= 4:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    done = path.read_bytes().count(b"\n")
    assert 4 <= done < 12, "the run had to be killed mid-way"

    again = run(*args, password="pw-kill")
    assert again.exit_code == 0, again.output
    records = [r for r in ledger(out) if r["type"] == "message"]
    assert len(records) == 12 and len({r["ref"] for r in records}) == 12
    assert len({r["message_id"] for r in records}) == 12
    sent = corpus.valid[:11]  # agency 1 twice (its first, broken version in history), then agencies 2 to 11
    assert stored(out) == {f"{YEAR}-{n}.xlsx": corpus.workbooks[n] for n in sent}
    assert [p.read_bytes() for p in (out / "历史" / str(YEAR)).iterdir()] == [corpus.first_version]
    assert not [p for p in out.rglob("*.tmp")] and not list((out / ".xlsuite" / "tmp").iterdir())
    assert Counter(row["状态"] for row in tracker_rows(out).values()) == {PASSED: 11, MISSING: 17}
    third = run(*args, password="pw-kill")
    assert third.output.startswith("没有新邮件") and len(ledger(out)) == len(records)


def test_move_to_a_chinese_folder(corpus, dovecot, tmp_path):
    dovecot.append("move", corpus.messages[1:4])
    cfg = config(tmp_path, dovecot, "move")
    out = tmp_path / "收件"
    r = run("collect", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg, "--move-to", "已收取",
            password="pw-move")
    assert r.exit_code == 0, r.output
    assert "已把 3 封已收取的邮件移到邮箱文件夹" in r.output
    assert dovecot.count("move") == 0
    assert dovecot.count("move", encode_folder("已收取")) == 3
    assert len(stored(out)) == 3
    again = run("collect", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg, "--move-to",
                "已收取", password="pw-move")
    assert again.output.startswith("没有新邮件") and dovecot.count("move", encode_folder("已收取")) == 3


def test_search_window(corpus, dovecot, tmp_path):
    """Only mail the server received in the last window_days (180) is looked at, unless --since says otherwise."""
    from datetime import datetime, timedelta

    dovecot.append("window", corpus.messages[2:4], received=datetime.now().astimezone() - timedelta(days=400))
    dovecot.append("window", corpus.messages[4:5])
    cfg = config(tmp_path, dovecot, "window")
    out = tmp_path / "收件"
    base = ["collect", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg]
    recent = run(*base, password="pw-window")
    assert recent.exit_code == 0, recent.output
    assert list(stored(out)) == [f"{YEAR}-{corpus.valid[3]}.xlsx"]
    since = (datetime.now() - timedelta(days=500)).strftime("%Y-%m-%d")
    older = run(*base, "--since", since, password="pw-window")
    assert older.exit_code == 0, older.output
    assert sorted(stored(out)) == sorted(f"{YEAR}-{n}.xlsx" for n in corpus.valid[1:4])


def test_chinese_password_logs_in(corpus, dovecot, tmp_path):
    dovecot.append("gkb", corpus.messages[5:6])
    r = run("collect", "--list", corpus.list_csv, "-o", tmp_path / "out", "--year", YEAR,
            "--config", config(tmp_path, dovecot, "gkb"), password="口令-2021")
    assert r.exit_code == 0, r.output
    assert len(stored(tmp_path / "out")) == 1


def test_mailbox_problems_are_one_line(corpus, dovecot, tmp_path):
    def attempt(cfg, password):
        r = run("collect", "--list", corpus.list_csv, "-o", tmp_path / "out", "--year", YEAR, "--config", cfg,
                password=password)
        assert r.exit_code == 2
        assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
        return r.output.strip()

    wrong = attempt(config(tmp_path / "a", dovecot, "city"), "not-the-password")
    assert wrong.startswith(f"错误：邮箱服务器 127.0.0.1:{dovecot.port} 拒绝登录（用户 city")
    assert "not-the-password" not in wrong
    none = attempt(config(tmp_path / "b", dovecot, "city"), None)
    assert none.startswith("错误：没有邮箱密码（用户 city）：请设置环境变量 XLSUITE_IMAP_PASSWORD")
    port = free_port()
    down = attempt(config(tmp_path / "c", None, host="127.0.0.1", port=port, security="none", user="city"), "x")
    assert down == f"错误：无法连接邮箱服务器 127.0.0.1:{port}（连接被拒绝，服务器未运行或端口不对）"
    folder = attempt(config(tmp_path / "d", dovecot, "city", folder="年报"), "pw-city")
    assert folder.startswith("错误：邮箱中没有文件夹“年报”")
    assert not (tmp_path / "out" / "报送情况.xlsx").exists()


def test_tls_and_starttls_with_a_private_ca(corpus, tls_files, tmp_path):  # noqa: F811
    server = _start(Dovecot(USERS, tls=tls_files))
    try:
        server.append("tls", corpus.messages[2:3])
        cert = str(tls_files[0])
        for n, (security, port) in enumerate((("ssl", server.ssl_port), ("starttls", server.port))):
            cfg = config(tmp_path / security, None, host="127.0.0.1", port=port, security=security, user="tls",
                         cafile=cert)
            r = run("collect", "--list", corpus.list_csv, "-o", tmp_path / security / "out", "--year", YEAR,
                    "--config", cfg, password="pw-tls")
            assert r.exit_code == 0, r.output
            assert len(stored(tmp_path / security / "out")) == 1
        cfg = config(tmp_path / "untrusted", None, host="127.0.0.1", port=server.ssl_port, security="ssl", user="tls")
        r = run("collect", "--list", corpus.list_csv, "-o", tmp_path / "untrusted" / "out", "--year", YEAR,
                "--config", cfg, password="pw-tls")
        assert r.exit_code == 2
        assert r.output.startswith(f"错误：邮箱服务器 127.0.0.1:{server.ssl_port} 的证书校验失败")
        assert "collect.cafile" in r.output
    finally:
        server.stop()


# --- offline: an exported folder, replies and reminders over a real SMTP server --------------

@pytest.fixture
def smtp():
    srv = SmtpServer().start()
    yield srv
    srv.stop()


def received(srv) -> list:
    return [message_from_bytes(e.content, policy=policy.default) for e in srv.received]


def test_exported_folder_with_replies(corpus, smtp, tmp_path):
    folder = write_eml(corpus.messages, tmp_path / "导出")
    cfg = config(tmp_path, None, smtp=smtp, office="厦门市政务公开办")
    out = tmp_path / "收件"
    r = run("collect", "--from", folder, "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg,
            "--reply")
    assert r.exit_code == 0, r.output
    assert stored(out) == expected_files(corpus)
    msgs = received(smtp)
    assert len(msgs) == 29  # every sender on the list; the stranger gets no reply
    by_to: dict[str, list] = {}
    for m in msgs:
        by_to.setdefault(str(m["To"]), []).append(m)
        assert m["From"] == "city-gkb@xm.gov.cn"
    assert STRANGER not in by_to
    # A long Message-ID may be folded onto a line of its own: compare the IDs, not the folds.
    sources = {str(message_from_bytes(raw, policy=policy.default)["Message-ID"]).strip(): raw
               for raw in corpus.messages}

    ok = by_to[corpus.agencies[2].emails[0]][0]
    assert ok["Subject"] == f"【政府信息公开年报】回执：已收到{corpus.valid[2]} {YEAR}年度报告（通过）"
    assert str(ok["In-Reply-To"]).strip() in sources
    body = ok.get_body(("plain",)).get_content()
    assert body.startswith(f"{corpus.agencies[2].contact}同志：\n\n厦门市政务公开办已于 ")
    assert f"附件 {YEAR}-{corpus.valid[2]}.xlsx：{corpus.valid[2]} {YEAR}年度报告，已收取。\n  校验结论：通过。" in body

    bad = by_to[corpus.agencies[25].emails[0]][0]
    assert bad["Subject"] == f"【政府信息公开年报】回执：已收到{corpus.invalid[0]} {YEAR}年度报告（未通过，2 项勾稽关系不成立）"
    body = bad.get_body(("plain",)).get_content()
    assert "校验结论：未通过，下列 2 项勾稽关系不成立，请改正后重新报送" in body
    assert "[错误] R1.requests.total" in body and "[错误] R2.requests.new" in body

    first, second = sorted(by_to[corpus.agencies[0].emails[0]], key=lambda m: "通过）" in str(m["Subject"]))
    assert "未通过" in first["Subject"] and second["Subject"].endswith("（通过）")
    assert first["In-Reply-To"] != second["In-Reply-To"]

    [damaged] = by_to[corpus.agencies[27].emails[0]]
    assert damaged["Subject"] == "【政府信息公开年报】回执：来件未能收取（附件损坏）"
    body = damaged.get_body(("plain",)).get_content()
    name = f"{YEAR}-{corpus.damaged}.xlsx"
    assert f"附件 {name}：未能收取（附件损坏）：附件 {name} 已损坏（压缩包结构损坏" in body
    assert "）。\n  请重新发送。\n" in body and "请对方" not in body  # the sender is the one to send again

    rows = tracker_rows(out)
    assert rows[corpus.valid[3]]["回执"] == "已发送"
    assert list((tmp_path / "outbox").glob("*.eml")) == [] and len(list((tmp_path / "outbox" / "sent").iterdir())) == 29

    again = run("collect", "--from", folder, "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg,
                "--reply")
    assert again.exit_code == 0 and again.output.startswith("没有新邮件")
    assert len(smtp.received) == 29


def test_reminders_dry_run_then_send(corpus, smtp, tmp_path):
    folder = write_eml(corpus.messages[:5] + corpus.messages[-1:], tmp_path / "导出")
    cfg = config(tmp_path, None, smtp=smtp, office="厦门市政务公开办")
    out = tmp_path / "收件"
    assert run("collect", "--from", folder, "--list", corpus.list_csv, "-o", out, "--year", YEAR,
               "--config", cfg).exit_code == 0
    base = ["remind", "--list", corpus.list_csv, "-o", out, "--year", YEAR, "--config", cfg, "--deadline", "2021-01-31"]
    dry = run(*base)
    assert dry.exit_code == 0, dry.output
    assert smtp.received == [] and not (tmp_path / "outbox").exists()
    missing = corpus.agencies[4:]  # 4 agencies have reported
    for a in missing:
        assert f"演示：将催报 {a.name} → {a.emails[0]}（【政府信息公开年报】催报：请报送{a.name} {YEAR}年度报告）" in dry.output
    assert f"（演示，没有发送。共 {len(missing)} 封；确认后加 --send 发送。第一封如下：）" in dry.output
    machine = run(*base, "--json")
    assert machine.exit_code == 0, machine.output
    plan = json.loads(machine.stdout)
    assert (plan["year"], plan["agencies"], plan["sent"]) == (YEAR, 28, False)
    assert [(x["agency"], x["status"], x["to"]) for x in plan["reminders"]] == \
        [(a.name, "preview", a.emails[0]) for a in missing]
    assert plan["reminders"][-1]["subject"] == f"【政府信息公开年报】催报：请报送{corpus.damaged} {YEAR}年度报告"
    assert "请于 2021年01月31日 前将校验通过的标准工作簿报送至 city-gkb@xm.gov.cn" in plan["reminders"][-1]["body"]
    assert smtp.received == [] and not (tmp_path / "outbox").exists()

    sent = run(*base, "--send")
    assert sent.exit_code == 0, sent.output
    msgs = {str(m["To"]): m for m in received(smtp)}
    assert set(msgs) == {a.emails[0] for a in missing}
    m = msgs[corpus.agencies[27].emails[0]]
    assert m["Subject"] == f"【政府信息公开年报】催报：请报送{corpus.damaged} {YEAR}年度报告"
    body = m.get_body(("plain",)).get_content()
    assert body.startswith(f"{corpus.agencies[27].contact}同志：\n\n您好！截至 ")
    assert f"厦门市政务公开办尚未收到{corpus.damaged} {YEAR}年度政府信息公开工作年度报告" in body
    assert "请于 2021年01月31日 前将校验通过的标准工作簿报送至 city-gkb@xm.gov.cn" in body
    assert "已催报" in tracker_rows(out)[corpus.damaged]["说明"]

    twice = run(*base, "--send")
    assert twice.exit_code == 0
    assert f"今天已催报过 {corpus.damaged}" in twice.output
    assert len(smtp.received) == len(missing)


def test_offline_folder_edge_cases(corpus, tmp_path):
    """Maildir, the same message twice, an older version arriving last, an agency off the list, a wrong year."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    first_old, first_new = corpus.messages[0], corpus.messages[1]
    (maildir / "cur" / "1.host:2,S").write_bytes(first_new)    # the correction is read first,
    (maildir / "cur" / "2.host:2,S").write_bytes(first_old)    # the earlier version after it
    (maildir / "cur" / "3.host:2,S").write_bytes(corpus.messages[2])
    (maildir / "new" / "4.host:2,").write_bytes(corpus.messages[2])  # the same message twice
    short = tmp_path / "名单.csv"
    short.write_text("机关名称,联系人,邮箱\n" + "\n".join(f"{a.name},{a.contact},{a.emails[0]}"
                                                     for a in corpus.agencies[:1]) + "\n", encoding="gbk")
    out = tmp_path / "收件"
    r = run("collect", "--from", maildir, "--list", short, "-o", out, "--year", YEAR)
    assert r.exit_code == 0, r.output
    lines = [line for line in r.output.splitlines() if line.startswith(("收取", "名单外", "未收取", "重复"))]
    assert len(lines) == 3  # the duplicate is collected once
    assert lines[0] == f"收取：{YEAR}/{YEAR}-{corpus.resubmitter}.xlsx ← {corpus.agencies[0].emails[0]}（通过）"
    assert lines[1].startswith(f"收取（比已收版本旧，存入历史）：历史/{YEAR}/{YEAR}-{corpus.resubmitter}.")
    assert lines[2].startswith(f"名单外：{YEAR}-{corpus.valid[1]}.xlsx ← {corpus.agencies[1].emails[0]}：机关“{corpus.valid[1]}”不在名单中")
    assert stored(out) == {f"{YEAR}-{corpus.resubmitter}.xlsx": corpus.workbooks[corpus.resubmitter]}
    assert [p.read_bytes() for p in (out / "历史" / str(YEAR)).iterdir()] == [corpus.first_version]
    assert (out / "名单外" / str(YEAR) / f"{YEAR}-{corpus.valid[1]}.xlsx").read_bytes() == corpus.workbooks[corpus.valid[1]]
    rows = tracker_rows(out)
    assert rows[corpus.valid[1]]["状态"] == OUTSIDE and rows[corpus.resubmitter]["状态"] == PASSED

    later = run("collect", "--from", maildir, "-o", tmp_path / "2021", "--year", YEAR + 1)
    assert later.exit_code == 0
    assert sum(line.startswith("未收取（年度不符）") for line in later.output.splitlines()) == 3
    assert f"是{corpus.resubmitter}的报告，{YEAR} 年度，不是 {YEAR + 1} 年度" in later.output
    assert not (tmp_path / "2021" / str(YEAR + 1)).exists()


def test_tracker_is_an_agency_list(corpus, tmp_path):
    from xlsuite.collect import read_list

    folder = write_eml(corpus.messages[:3], tmp_path / "导出")
    out = tmp_path / "收件"
    assert run("collect", "--from", folder, "--list", corpus.list_csv, "-o", out, "--year", YEAR).exit_code == 0
    again = read_list(out / "报送情况.xlsx")
    assert [(a.name, a.contact, a.emails) for a in again] == [(a.name, a.contact, a.emails) for a in corpus.agencies]


def test_collect_help_and_bad_inputs(tmp_path):
    r = run("collect", "--help")
    assert r.exit_code == 0 and "Example:" in r.output
    assert run("remind", "--help").exit_code == 0
    missing = run("collect", "--from", tmp_path, "--list", tmp_path / "无.csv", "-o", tmp_path / "o")
    assert missing.exit_code == 2 and missing.output.strip() == f"错误：找不到机关名单：{tmp_path / '无.csv'}"
    nofolder = run("collect", "--from", tmp_path / "无", "-o", tmp_path / "o")
    assert nofolder.exit_code == 2 and "找不到邮件文件夹" in nofolder.output
    noconfig = CliRunner().invoke(cli, ["collect", "-o", str(tmp_path / "o"), "--config", str(tmp_path / "x.toml")])
    assert noconfig.exit_code == 2 and "找不到邮件配置文件" in noconfig.output
    (tmp_path / "x.toml").write_text("[collect]\n", encoding="utf-8")
    nolist = run("remind", "-o", tmp_path / "o", "--config", tmp_path / "x.toml")
    assert nolist.exit_code == 2
    assert nolist.output == "错误：没有机关名单；请在配置文件 [collect] list 中填写名单文件；或用 --list 给出\n"


def test_ribbon_collect_button(corpus, tmp_path):
    from xlsuite.excel.actions.base import DONE
    from xlsuite.excel.dispatch import dispatch
    from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter

    folder = write_eml(corpus.messages[:4] + corpus.messages[-1:], tmp_path / "导出")
    shutil.copy(corpus.list_csv, tmp_path / "名单.csv")
    config(tmp_path, None, list="名单.csv", year=YEAR)
    book = tmp_path / "汇总.xlsx"
    openpyxl.Workbook().save(book)
    adapter = OpenpyxlAdapter(book, answers={"folder": str(folder)})
    outcome = dispatch("collect", adapter)
    assert outcome.status == DONE, outcome.alert
    tracker = tmp_path / "收件" / "报送情况.xlsx"
    assert adapter.opened == [str(tracker)]
    progress = [s for s in adapter.statuses if s and s.startswith("收集：收取邮件")]
    assert progress == [f"收集：收取邮件：{n}/5……" for n in range(1, 6)]
    assert f"名单 28 个机关：已报送（通过）3，已报送（未通过）0，未报送 25，名单外来件 0。" in outcome.alert
    assert "· 未收取（附件损坏）" in outcome.alert
    assert len(stored(tmp_path / "收件")) == 3
    again = dispatch("collect", OpenpyxlAdapter(book, answers={"folder": str(folder)}))
    assert again.alert.startswith(f"{YEAR} 年度：没有新邮件。")
    assert dispatch("collect", OpenpyxlAdapter(book, answers={})).status == "cancelled"


def test_ordinary_mail_is_counted_not_listed(corpus, tmp_path):
    from email.message import EmailMessage

    from xlsuite.mail.smtp import message_bytes

    def plain(subject: str, sender: str, n: int) -> bytes:
        m = EmailMessage()
        m["Subject"], m["From"], m["To"], m["Message-ID"] = subject, sender, "city-gkb@xm.gov.cn", f"<m{n}@x.cn>"
        m["Date"] = "Mon, 11 Jan 2021 09:00:00 +0800"
        m.set_content("请查收。")
        return message_bytes(m)

    folder = write_eml([plain("关于召开周例会的通知", "office@example.com", 1),
                        plain("2020年度年报什么时候交？", "someone@example.com", 2),
                        plain("年报已发", corpus.agencies[3].emails[0], 3)], tmp_path / "导出")
    out = tmp_path / "收件"
    r = run("collect", "--from", folder, "--list", corpus.list_csv, "-o", out, "--year", YEAR)
    assert r.exit_code == 0, r.output
    assert "周例会" not in r.output
    assert "另有 1 封与年报无关的邮件（没有 Excel 附件，发件人不在名单中），未收取" in r.output
    assert sum(line.startswith("未收取（不是年报）") for line in r.output.splitlines()) == 2
    rows = tracker_rows(out)
    assert [n for n, row in rows.items() if row["状态"] == OUTSIDE] == ["someone@example.com"]
    assert "来件未收取（不是年报）：邮件没有附件" in rows[corpus.agencies[3].name]["说明"]
    log = openpyxl.load_workbook(out / "报送情况.xlsx")["来件记录"]
    assert [log.cell(r, 4).value for r in range(2, 5)] == ["关于召开周例会的通知", "2020年度年报什么时候交？", "年报已发"]


def test_odd_messages_of_a_real_mailbox(corpus, tmp_path):
    """Two workbooks in one mail, file names and subjects as older Chinese mail programs write them,
    an old .xls, a mail without attachment; --json gives what the lines say."""
    a, books = corpus.agencies, corpus.workbooks
    legacy = a[3:3 + len(NAMINGS)]
    messages = [office_mail("两份年报", a[1].emails[0], 1, [(f"{YEAR}-{a[1].name}.xlsx", books[a[1].name]),
                                                        (f"{YEAR}-{a[2].name}.xlsx", books[a[2].name])]),
                office_mail("年报（旧格式）", a[10].emails[0], 2, [("年报.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))]),
                office_mail("年报", a[11].emails[0], 3)]
    messages += [legacy_mail(f"{x.name}年报", x.emails[0], 10 + n, f"{YEAR}-{x.name}.xlsx", books[x.name], naming)
                 for n, (x, naming) in enumerate(zip(legacy, NAMINGS))]
    out = tmp_path / "收件"
    r = run("collect", "--from", write_eml(messages, tmp_path / "导出"), "--list", corpus.list_csv, "-o", out,
            "--year", YEAR, "--json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    by_subject = {m["subject"]: m for m in got["received"]}
    assert list(by_subject) == ["两份年报", "年报（旧格式）", "年报"] + [f"{x.name}年报" for x in legacy]

    two = by_subject["两份年报"]
    assert two["lines"] == [f"收取：{YEAR}/{YEAR}-{x.name}.xlsx ← {a[1].emails[0]}（通过）" for x in a[1:3]]
    assert [(i["agency"], i["outcome"], i["placed"]) for i in two["items"]] == [(x.name, "stored", "new") for x in a[1:3]]
    assert by_subject["年报（旧格式）"]["lines"] == [
        f"未收取（不是年报）：《年报（旧格式）》← {a[10].emails[0]}：邮件中没有 Excel 工作簿附件（附件：年报.xls）；"
        "旧版 .xls 不是标准工作簿，请用 xlsuite import 生成 .xlsx"]
    assert by_subject["年报"]["lines"] == [f"未收取（不是年报）：《年报》← {a[11].emails[0]}：邮件没有附件"]
    for x in legacy:  # every naming gives the name that was sent
        [item] = by_subject[f"{x.name}年报"]["items"]
        assert (item["attachment"], item["agency"], item["verdict"]) == (f"{YEAR}-{x.name}.xlsx", x.name, "通过")

    names = [x.name for x in a[1:3] + legacy]
    assert stored(out) == {f"{YEAR}-{n}.xlsx": books[n] for n in names}
    assert got["counts"] == {"pass": len(names), "missing": 28 - len(names)}
    rows = {row["agency"]: row for row in got["rows"]}
    assert rows[a[2].name]["sender"] == a[1].emails[0] and rows[a[2].name]["path"] == f"{YEAR}/{YEAR}-{a[2].name}.xlsx"
    assert rows[a[10].name]["status"] == "未报送" and "年报.xls" in rows[a[10].name]["notes"][0]
    assert tracker_rows(out)[a[11].name]["说明"] == "2021-01-10 12:00 来件未收取（不是年报）：邮件没有附件"


def test_last_years_workbook_on_file_is_the_previous_year(corpus, tmp_path):
    """An agency's workbook collected last year (in <-o>/<年度-1>/) is its previous year: the cross-year
    relations are checked as `xlsuite check --previous` checks them."""
    from dataclasses import replace

    from xlsuite.model import Value
    from xlsuite.workbook import write_workbook

    one, two = corpus.valid[1], corpus.valid[2]
    now = corpus.reports[one]
    before = replace(now, meta=replace(now.meta, year=YEAR - 1), values=dict(now.values))
    for col in ("natural", "org_commercial", "org_research", "org_social", "org_legal", "org_other", "total"):
        before.values[f"requests.carried_out.{col}"] = now.values[f"requests.carried_in.{col}"]
    for col in ("natural", "total"):  # last year's report carried three more cases over than this one took in
        before.values[f"requests.carried_out.{col}"] = Value(now.number(f"requests.carried_in.{col}") + 3)
    out = tmp_path / "收件"
    (out / str(YEAR - 1)).mkdir(parents=True)
    write_workbook(before, out / str(YEAR - 1) / f"{YEAR - 1}-{one}.xlsx")
    r = run("collect", "--from", write_eml(corpus.messages[2:4], tmp_path / "导出"), "--list", corpus.list_csv,
            "-o", out, "--year", YEAR, "--json")
    assert r.exit_code == 0, r.output
    [[first], [second]] = [m["items"] for m in json.loads(r.stdout)["received"]]
    assert (first["agency"], second["agency"]) == (one, two)
    cross = [w for w in first["warnings"] if w.startswith("R8.")]
    assert len(cross) == 2 and all("本年“上年结转”应等于上年报告的“结转下年度继续办理”" in w for w in cross)
    assert first["verdict"] == "通过"  # a warning, as in check
    assert not [w for w in second["warnings"] if w.startswith("R8.")]  # no workbook of last year on file


def test_replies_wait_in_the_outbox_when_the_server_is_down(corpus, tmp_path):
    """The mail server down: collecting goes on, the replies are kept (exit 3) and go with the next run."""
    smtp = SmtpServer()  # not started yet
    folder = write_eml(corpus.messages[2:5], tmp_path / "导出")
    cfg = config(tmp_path, None, smtp=smtp)
    args = ["collect", "--from", folder, "--list", corpus.list_csv, "-o", tmp_path / "收件", "--year", YEAR,
            "--config", cfg, "--reply"]
    down = run(*args)
    assert down.exit_code == 3, down.output
    assert len(stored(tmp_path / "收件")) == 3
    assert len(list((tmp_path / "outbox").glob("回执-*.eml"))) == 3
    assert {row["回执"] for n, row in tracker_rows(tmp_path / "收件").items() if n in corpus.valid[1:4]} == \
        {"待发（见待发箱）"}
    smtp.start()
    try:
        up = run(*args)
        assert up.exit_code == 0, up.output
        assert up.output.startswith("没有新邮件")
        assert sorted(str(m["To"]) for m in received(smtp)) == [a.emails[0] for a in corpus.agencies[1:4]]
        assert {row["回执"] for n, row in tracker_rows(tmp_path / "收件").items() if n in corpus.valid[1:4]} == \
            {"已发送"}
        assert run(*args).exit_code == 0 and len(smtp.received) == 3  # sent once
    finally:
        smtp.stop()


def test_tracker_that_cannot_be_written_loses_nothing(corpus, tmp_path):
    """报送情况.xlsx cannot be replaced (open in Excel on Windows; here a folder in its place): the workbooks
    are collected all the same, one error line and exit 2; the next run writes the tracker."""
    out = tmp_path / "收件"
    (out / "报送情况.xlsx").mkdir(parents=True)
    args = ["collect", "--from", write_eml(corpus.messages[2:4], tmp_path / "导出"), "--list", corpus.list_csv,
            "-o", out, "--year", YEAR]
    blocked = run(*args)
    assert blocked.exit_code == 2
    [error] = blocked.stderr.splitlines()
    assert error.startswith(f"错误：无法更新 {out / '报送情况.xlsx'}（") and \
        error.endswith("）：若它正在 Excel 中打开，请关闭后重新运行 xlsuite collect（已收取的邮件不会重复收取）")
    assert len(stored(out)) == 2
    (out / "报送情况.xlsx").rmdir()
    again = run(*args)
    assert again.exit_code == 0 and again.output.startswith("没有新邮件")
    assert Counter(row["状态"] for row in tracker_rows(out).values()) == {PASSED: 2, MISSING: 26}
