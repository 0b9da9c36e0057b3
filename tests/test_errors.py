"""One error boundary: every command given one unreadable input exits 2 with one line naming it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from xlsuite.cli import cli
from xlsuite.errors import ExitCode, SourceError, XlsuiteError
from xlsuite.workbook import write_workbook
from xlsuite.workbook.writer import blank_report

from .conftest import SEEDS

CONFIG = Path(__file__).resolve().parent.parent / "examples" / "xlsuite.toml"
# Commands that take no input file at all.
NO_INPUT = {"forms", "addin install", "excel about", "shortcuts install"}
# Commands that run others and print what they run: they pass the exit code on.
WRAPPERS = {"shortcuts run"}


def _invocations(tmp: Path) -> dict[str, list[str]]:
    """Each command with one input it cannot read (an empty file); outputs go to ``tmp``."""
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    workbook = tmp / "ok.xlsx"
    write_workbook(blank_report("gov2021"), workbook, template=True)
    existing = tmp / "existing.xlsx"
    existing.write_bytes(b"keep me")
    e, w = str(empty), str(workbook)
    return {
        "extract": ["extract", e],
        "check": ["check", e],
        "check --previous": ["check", str(SEEDS / "xiamen-city-2020.pdf.txt"), "--previous", e],
        "compare": ["compare", e, str(SEEDS / "xiamen-city-2020.pdf.txt")],
        "import": ["import", e, "-o", str(tmp / "out")],
        "rollup": ["rollup", e, "--agency", "某市"],
        "send": ["send", e, "--config", str(CONFIG), "--dry-run"],
        "dataset": ["dataset", e, "-o", str(tmp / "ds")],
        "template": ["template", "-o", str(existing)],  # its one file is the output: never overwritten
        "addin build": ["addin", "build", "-o", str(existing)],
        "excel reimport": ["excel", "reimport", "--workbook", w, "--file", e],
        "excel validate": ["excel", "validate", "--workbook", e],
        "excel send": ["excel", "send", "--workbook", e],
        "excel rollup": ["excel", "rollup", "--folder", str(tmp / "nothing-here"), "-o", str(tmp / "t.xlsx")],
        "excel template": ["excel", "template", "--form", "gov2021", "-o", str(existing)],
        "publish": ["publish", e, "-o", str(tmp / "年报.docx")],
        "collect": ["collect", "--from", str(tmp), "--list", e, "-o", str(tmp / "收件")],
        "remind": ["remind", "--list", e, "-o", str(tmp / "收件"), "--config", str(CONFIG)],
        "excel publish": ["excel", "publish", "--workbook", e, "-o", str(tmp / "年报.docx")],
        "excel compare": ["excel", "compare", "--workbook", w, "--file", e, "-o", str(tmp / "对比.xlsx")],
        "excel collect": ["excel", "collect", "--workbook", w, "--file", e, "--folder", str(tmp)],
    }


def _all_commands(group: click.Group = cli, prefix: str = "") -> set[str]:
    out = set()
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out |= _all_commands(cmd, f"{prefix}{name} ")
        elif name == "excel":
            out |= {f"excel {tag}" for tag in cmd.params[0].type.choices}
        else:
            out.add(prefix + name)
    return out


def test_the_walk_covers_every_command(tmp_path):
    walked = {name.split(" --")[0] for name in _invocations(tmp_path)}
    assert walked | NO_INPUT | WRAPPERS == _all_commands()


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("walk")
    return {name: CliRunner().invoke(cli, args) for name, args in _invocations(tmp).items()}, tmp


@pytest.mark.parametrize("name", [
    "extract", "check", "check --previous", "compare", "import", "rollup", "send", "dataset", "template", "addin build",
    "excel reimport", "excel validate", "excel send", "excel rollup", "excel template", "publish", "collect",
    "remind", "excel publish", "excel compare", "excel collect"])
def test_one_unreadable_input_is_exit_2_and_one_line(walk, name):
    results, tmp = walk
    r = results[name]
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception  # no traceback
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert str(tmp) in lines[0] or "--workbook" in lines[0], lines[0]
    assert "Traceback" not in r.output
    assert (tmp / "existing.xlsx").read_bytes() == b"keep me"  # nothing of the user's is overwritten


def test_excel_reimport_of_an_empty_file_exits_2(tmp_path):
    """The acceptance command, as a user runs it."""
    workbook = tmp_path / "2024-某局.xlsx"
    write_workbook(blank_report("gov2021"), workbook, template=True)
    (tmp_path / "empty.txt").write_bytes(b"")
    before = workbook.read_bytes()
    r = subprocess.run([sys.executable, "-c", "from xlsuite.cli import main; main()", "excel", "reimport", "--workbook", str(workbook),
                        "--file", str(tmp_path / "empty.txt")], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "文件为空" in r.stderr and "Traceback" not in r.stderr
    assert workbook.read_bytes() == before


def test_library_errors_carry_a_code_and_a_remedy_without_flags():
    e = XlsuiteError("同一机关出现多次", code="duplicate_agency", remedy="每个机关只留一份", details=["甲：a、b"])
    assert e.code == "duplicate_agency" and e.exit_code == ExitCode.BAD_INPUT
    assert str(e) == "同一机关出现多次；每个机关只留一份：\n甲：a、b"
    assert e.text("加 --dedupe") == "同一机关出现多次；每个机关只留一份；加 --dedupe：\n甲：a、b"
    s = SourceError("a.pdf", "文件为空", "empty")
    assert (s.path, s.reason, s.code, str(s)) == ("a.pdf", "文件为空", "empty", "a.pdf：文件为空")


def test_source_errors_survive_a_worker_process():
    import pickle

    e = pickle.loads(pickle.dumps(SourceError("a.pdf", "文件为空", "empty", remedy="换一份")))
    assert (e.path, e.reason, e.code, e.remedy) == ("a.pdf", "文件为空", "empty", "换一份")


def test_a_wrapper_passes_the_exit_code_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    r = CliRunner().invoke(cli, ["shortcuts", "run", "validate", str(tmp_path / "empty.txt")])
    assert r.exit_code == ExitCode.BAD_INPUT and "文件为空" in r.output and "Traceback" not in r.output
