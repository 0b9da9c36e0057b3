"""The CLI's contract: JSON lines, exit codes, one-line errors that do not stop a batch."""
from __future__ import annotations

import json

from click.testing import CliRunner

from xlsuite.cli import cli

from .conftest import SEEDS


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_bad_inputs_get_one_line_each_and_the_batch_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    noreport = tmp_path / "notes.txt"
    noreport.write_text("今天开会。\n明天下雨。\n", encoding="utf-8")
    missing = tmp_path / "missing.pdf"
    result = run("extract", empty, SEEDS / "fj-industry-2020.pdf.txt", binary, missing, noreport, "--json")
    assert result.exit_code == 2
    out = [json.loads(l) for l in result.stdout.splitlines() if l.startswith("{")]
    assert [o["meta"]["agency"] for o in out] == ["福建省工业和信息化厅"]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 4
    for path, reason in ((empty, "文件为空"), (binary, "二进制"), (missing, "文件不存在"), (noreport, "没有找到")):
        line = next(e for e in errors if str(path) in e)
        assert reason in line


def test_inputs_are_never_touched(tmp_path):
    src = tmp_path / "r.md"
    data = (SEEDS / "shishi-commerce-2019.md").read_bytes()
    src.write_bytes(data)
    before = src.stat().st_mtime_ns
    assert run("extract", src, "--json").exit_code == 0
    assert run("check", src).exit_code == 0
    assert src.read_bytes() == data and src.stat().st_mtime_ns == before


def test_folder_input_and_readable_summary():
    result = run("extract", SEEDS)
    assert "厦门市人民政府" in result.stdout and "校验：通过" in result.stdout
    assert "福建省商务厅" in result.stdout


def test_check_json_lists_verdict_and_failures(tmp_path):
    text = (SEEDS / "fj-industry-2020.pdf.txt").read_text(encoding="utf-8")
    p = tmp_path / "t.txt"
    p.write_text(text.replace("（七）总计 10 1 0 0 0 1 12", "（七）总计 10 1 0 0 0 1 13"), encoding="utf-8")
    result = run("check", p, "--json")
    assert result.exit_code == 1
    obj = json.loads(result.stdout.splitlines()[0])
    assert obj["verdict"] == "不通过"
    failed = {r["id"] for r in obj["checks"] if r["status"] == "fail"}
    assert {"R1.requests.total", "R2.requests.total", "R3.requests.total"} <= failed


def test_help_explains_with_examples():
    for cmd in ("extract", "check"):
        out = run(cmd, "--help").stdout
        assert "Example:" in out and "--json" in out


def test_json_provenance_names_line_and_printed_text():
    result = run("extract", SEEDS / "fj-industry-2020.pdf.txt", "--json", "--provenance")
    obj = json.loads(result.stdout.splitlines()[0])
    amount = obj["provenance"]["active.procurement.amount_yuan"]
    assert amount["text"] == "731107元" and amount["unit"] == "元" and amount["line"] == 304
    assert obj["values"]["active.procurement.amount_yuan"] == 731107


def test_folders_skip_lock_files_and_backups(tmp_path):
    from xlsuite.cli.common import expand_sources
    for name in ("a.xlsx", "~$a.xlsx", "a.备份-20250131-093000.xlsx", ".hidden.txt", "b.pdf", "notes.docx", "x.png"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.rsplit("/", 1)[1] for p in expand_sources((str(tmp_path),))] == ["a.xlsx", "b.pdf", "notes.docx", "x.png"]
