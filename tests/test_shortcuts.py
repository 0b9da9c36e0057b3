"""`xlsuite shortcuts`: the Explorer 发送到 entries, written here and read back the way cmd.exe
reads them (code page 936, %VAR% and %* expanded, the command line split as Windows does),
then the very command line they hold run on real workbooks."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsuite import shortcuts, winpath
from xlsuite.cli import cli
from xlsuite.cli import shortcuts as sc
from xlsuite.excel import book
from xlsuite.excel.actions.checking import RED
from xlsuite.excel.openpyxl_adapter import OpenpyxlAdapter
from xlsuite.readers import read_report
from xlsuite.workbook import layout as L
from xlsuite.workbook import write_workbook

from .conftest import SEEDS
from .test_excel_actions import tamper

USER = r"C:\Users\张伟"
ENV = {"USERPROFILE": USER, "APPDATA": USER + r"\AppData\Roaming", "LOCALAPPDATA": USER + r"\AppData\Local"}
PYTHON = USER + r"\AppData\Local\Programs\Python\Python311\python.exe"


def batch_expand(line: str, environ: dict[str, str], args: str) -> str:
    """A batch-file line after cmd's percent expansion: %%, %*, %NAME% (undefined: empty)."""
    out, i = [], 0
    while i < len(line):
        if line.startswith("%%", i):
            out.append("%")
            i += 2
        elif line.startswith("%*", i):
            out.append(args)
            i += 2
        elif line[i] == "%" and "%" in line[i + 1:]:
            j = line.index("%", i + 1)
            out.append({k.upper(): v for k, v in environ.items()}.get(line[i + 1:j].upper(), ""))
            i = j + 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def split_command_line(line: str) -> list[str]:
    """Split like CommandLineToArgvW (and Python on Windows): quotes group, backslashes escape quotes."""
    args, cur, quoted, have, i = [], [], False, False, 0
    while i < len(line):
        c = line[i]
        if c == "\\":
            n = len(line[i:]) - len(line[i:].lstrip("\\"))
            if line.startswith('"', i + n):
                cur.append("\\" * (n // 2))
                if n % 2:
                    cur.append('"')
                    i += n + 1
                else:
                    i += n
            else:
                cur.append("\\" * n)
                i += n
            have = True
            continue
        if c == '"':
            quoted, have = not quoted, True
        elif c in " \t" and not quoted:
            if have:
                args.append("".join(cur))
            cur, have = [], False
        else:
            cur.append(c)
            have = True
        i += 1
    if have:
        args.append("".join(cur))
    return args


def read_entry(path: Path, files: list[str], environ=ENV) -> list[str]:
    """The argv the entry's Python receives when ``files`` are sent to it."""
    raw = path.read_bytes()
    text = raw.decode("cp936")  # as cmd.exe reads a batch file on Chinese Windows
    lines = [ln for ln in text.split("\r\n") if ln and not ln.lower().startswith(("rem ", "@echo"))]
    assert lines[-1] == "pause"  # the window stays open to be read
    (command,) = lines[:-1]
    args = " ".join(f'"{f}"' for f in files)  # Explorer quotes each selected file
    return split_command_line(batch_expand(command, environ, args))


@pytest.fixture
def entries(tmp_path) -> dict[str, Path]:
    p = shortcuts.plan(tmp_path / "SendTo", python=PYTHON, environ=ENV)
    shortcuts.install(p, folder_given=True)
    return {e.action: path for path, e in p.files().items()}


def test_entries_are_ascii_batch_files_with_chinese_names(entries):
    assert {p.name for p in entries.values()} == {"年报-导入为标准工作簿.cmd", "年报-校验.cmd", "年报-汇总.cmd",
                                                 "年报-报送.cmd"}
    for path in entries.values():
        raw = path.read_bytes()
        assert raw.isascii() and raw.endswith(b"pause\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
        assert rb"%LOCALAPPDATA%\Programs\Python\Python311\python.exe" in raw


@pytest.mark.parametrize("action", ["import", "validate", "rollup", "send"])
def test_each_entry_runs_this_python_on_the_selected_files(entries, action):
    files = [r"D:\年报 2024\某某局.pdf", r"D:\年报 2024\b&c (2).xlsx", r"\\server\共享\汇总"]
    argv = read_entry(entries[action], files)
    assert argv == [PYTHON, "-m", "xlsuite", "shortcuts", "run", action, *files]


def test_every_entry_is_an_action_of_shortcuts_run():
    run = cli.commands["shortcuts"].commands["run"]
    choice = next(p for p in run.params if p.name == "action").type
    assert list(choice.choices) == [e.action for e in shortcuts.ENTRIES]


def test_a_path_without_an_ascii_form_is_written_in_gbk(tmp_path):
    python = r"D:\张伟的工具\python.exe"
    p = shortcuts.plan(tmp_path, python=python, environ=ENV)
    shortcuts.install(p, folder_given=True)
    path = next(iter(p.files()))
    assert not path.read_bytes().isascii()
    assert read_entry(path, ["a.pdf"])[0] == python


def test_a_percent_sign_in_the_path_survives_cmd(tmp_path):
    p = shortcuts.plan(tmp_path, python=r"D:\100%工具\python.exe", environ={})
    shortcuts.install(p, folder_given=True)
    assert read_entry(next(iter(p.files())), ["a.pdf"], environ={})[0] == r"D:\100%工具\python.exe"


def test_install_explains_itself_off_windows_and_fails_on_a_bad_folder(tmp_path):
    r = CliRunner().invoke(cli, ["shortcuts", "install"])
    if sys.platform != "win32":
        assert r.exit_code == 2 and "年报-校验.cmd" in r.output and "SendTo" in r.output
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    r = CliRunner().invoke(cli, ["shortcuts", "install", "--sendto", str(blocker / "SendTo")])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1 and r.output.startswith("错误：")
    assert "Traceback" not in r.output


def test_unrepresentable_python_path_is_one_line(tmp_path):
    with pytest.raises(shortcuts.ShortcutError, match="只含英文字母"):
        shortcuts.install(shortcuts.plan(tmp_path, python=r"D:\한글\python.exe", environ={}), folder_given=True)
    assert list(tmp_path.iterdir()) == []


# --- what the entries do ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("某市各单位")
    for name in ("fj-commerce-2020.pdf.txt", "fj-industry-2020.pdf.txt"):
        write_workbook(read_report(SEEDS / name), folder / name.replace(".pdf.txt", ".xlsx"))
    return folder


def test_the_validate_entry_marks_a_wrong_workbook_through_its_own_command_line(entries, workbooks, tmp_path):
    wb = shutil.copy(workbooks / "fj-commerce-2020.xlsx", tmp_path / "某某局 2020.xlsx")
    key = "requests.new.natural"
    tamper(wb, key, 99999)
    argv = read_entry(entries["validate"], [str(wb)])
    r = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr  # a hard relation fails
    assert "不通过" in r.stdout and f"已打开：{wb}" in r.stdout
    assert book.fill_of(OpenpyxlAdapter(wb), L.defined_name(key)) == RED


class Recorder:
    def __init__(self, invoke=None):
        self.calls, self.shown, self.invoke = [], [], invoke

    def __call__(self, args):
        self.calls.append(args)
        return self.invoke(args) if self.invoke else 0


def test_the_import_entry_writes_beside_the_report_and_opens_the_workbook(tmp_path):
    report = shutil.copy(SEEDS / "xiamen-city-2020.pdf.txt", tmp_path / "厦门市 2020 年报.txt")
    rec = Recorder(sc._invoke)
    code = sc.run_action("import", [str(report)], invoke=rec, show=rec.shown.append)
    assert code == 0
    (written,) = (tmp_path / sc.IMPORT_FOLDER).glob("*.xlsx")
    assert rec.shown == [written]
    assert book.form_of(OpenpyxlAdapter(written)).id == read_report(report).meta.form


def test_the_rollup_entry_asks_for_the_name_and_opens_the_total(workbooks, tmp_path):
    folder = Path(shutil.copytree(workbooks, tmp_path / "某市各单位"))
    files = sorted(str(p) for p in folder.glob("*.xlsx"))
    rec = Recorder(sc._invoke)
    asked = []
    code = sc.run_action("rollup", files, invoke=rec, show=rec.shown.append,
                         ask=lambda prompt: asked.append(prompt) or "")
    assert code == 0 and "某市各单位" in asked[0]  # the folder's name is offered
    output = tmp_path / "某市各单位-汇总.xlsx"  # above the inputs' folder, not among them
    assert rec.shown == [output]
    parts = [OpenpyxlAdapter(f) for f in files]
    name = L.defined_name("requests.new.natural")
    assert book.value(OpenpyxlAdapter(output), name) == sum(book.value(a, name) for a in parts)
    # The folder sent a second time: the first total is not among the inputs, so it is not counted.
    assert sc.run_action("rollup", [str(folder)], agency="某市", invoke=sc._invoke, show=rec.shown.append) == 0
    assert book.value(OpenpyxlAdapter(tmp_path / "某市-汇总.xlsx"), name) == sum(book.value(a, name) for a in parts)


def test_the_send_entry_sends_through_the_send_command():
    rec = Recorder()
    assert sc.run_action("send", ["a.xlsx", "b.xlsx"], invoke=rec, show=rec.shown.append) == 0
    assert rec.calls == [["send", "a.xlsx", "b.xlsx"]] and rec.shown == []


def test_python_dash_m_xlsuite_is_the_cli():
    r = subprocess.run([sys.executable, "-m", "xlsuite", "shortcuts", "run", "--help"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Example:" in r.stdout
