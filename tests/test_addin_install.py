"""`xlsuite addin install` on a Chinese office PC, without Excel: the xlwings.conf read back as
xlwings' VBA reads it (GBK, environment variables expanded), the add-in moved whole into a
temporary XLSTART, and every file problem one Chinese line with exit code 2."""
from __future__ import annotations

from dataclasses import replace

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsuite import winpath
from xlsuite.cli import cli
from xlsuite.excel.addin import build_addin
from xlsuite.excel.addin import install as inst

USER = r"C:\Users\张伟"
ENV = {"USERPROFILE": USER, "APPDATA": USER + r"\AppData\Roaming", "LOCALAPPDATA": USER + r"\AppData\Local"}
PYTHON = USER + r"\AppData\Local\Programs\Python\Python311\python.exe"


def as_vba_reads(conf: Path) -> dict[str, str]:
    """What xlwings' GetConfig returns: the file in the ANSI code page (GBK), values expanded."""
    text = conf.read_bytes().decode("gbk")
    return {k: winpath.expand(v, ENV) for k, v in inst.read_conf(text)}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A user profile in a temporary folder; the plan's XLSTART lies inside it."""
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "profile"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "profile" / "AppData" / "Roaming"))
    return tmp_path / "profile"


def _install(home: Path, interpreter: str, environ=ENV) -> inst.Plan:
    p = inst.plan(appdata=str(home / "AppData" / "Roaming"), userprofile=str(home),
                  interpreter=interpreter, environ=environ)
    inst.install(p, xlstart_given=True)
    return p


def test_a_chinese_user_name_is_written_as_an_environment_variable(home):
    p = _install(home, PYTHON)
    assert p.interpreter == r"%LOCALAPPDATA%\Programs\Python\Python311\python.exe"
    raw = p.xlwings_conf.read_bytes()
    assert raw.isascii() and raw.endswith(b"\r\n")  # reads the same under every code page
    assert as_vba_reads(p.xlwings_conf)[inst.INTERPRETER_KEY] == PYTHON


def test_without_an_environment_variable_form_the_path_is_written_in_gbk(home):
    other = r"D:\张伟的工具\Python311\python.exe"
    p = _install(home, other)
    raw = p.xlwings_conf.read_bytes()
    assert not raw.isascii()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # not UTF-8, which VBA would have garbled
    assert as_vba_reads(p.xlwings_conf)[inst.INTERPRETER_KEY] == other


def test_portable_prefers_the_shortest_ascii_form():
    assert winpath.portable(USER + r"\AppData\Roaming\py\python.exe", ENV) == r"%APPDATA%\py\python.exe"
    assert winpath.portable(USER + r"\venv\Scripts\python.exe", ENV) == r"%USERPROFILE%\venv\Scripts\python.exe"
    assert winpath.portable(r"c:\users\张伟\appdata\local\py.exe", ENV) == r"%LOCALAPPDATA%\py.exe"  # case
    assert winpath.portable(r"C:\Python311\python.exe", ENV) == r"C:\Python311\python.exe"  # ASCII: as it is
    assert winpath.portable(USER + r"\桌面\python.exe", ENV) == USER + r"\桌面\python.exe"  # no ASCII form
    assert winpath.expand(r"%localappdata%\x;%NOPE%\y;50%", ENV) == USER + r"\AppData\Local\x;%NOPE%\y;50%"


def test_a_gbk_conf_written_by_xlwings_is_kept(home):
    conf = home / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes('"CONDA PATH","C:\\Users\\张伟\\Anaconda3"\r\n"INTERPRETER_WIN","python"\r\n'.encode("gbk"))
    _install(home, PYTHON)
    values = as_vba_reads(conf)
    assert values == {"CONDA PATH": USER + r"\Anaconda3", inst.INTERPRETER_KEY: PYTHON}


def test_a_utf8_conf_of_an_older_install_is_rewritten_readable(home):
    conf = home / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(f'"INTERPRETER_WIN","{PYTHON}"\n"PYTHONPATH","D:\\年报"\n'.encode("utf-8"))
    _install(home, PYTHON)
    assert as_vba_reads(conf) == {"PYTHONPATH": r"D:\年报", inst.INTERPRETER_KEY: PYTHON}


def test_the_addin_is_moved_whole_into_xlstart(home, tmp_path):
    xlstart = home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    xlstart.mkdir(parents=True)
    (xlstart / inst.ADDIN_NAME).write_bytes(b"an older add-in")
    (xlstart / "xlwings.xlam").write_bytes(b"xlwings")
    p = _install(home, PYTHON)
    expected = Path(build_addin(tmp_path / "expected.xlam")).read_bytes()
    assert p.addin.read_bytes() == expected  # the reproducible build, replaced in place
    assert sorted(os.listdir(xlstart)) == ["xlsuite.xlam", "xlwings.xlam"]  # nothing half-written
    assert os.listdir(xlstart.parent) == ["XLSTART"]  # the staging folder is gone
    assert sorted(os.listdir(home / ".xlwings")) == ["xlwings.conf"]


def _cli_install(xlstart: Path):
    return CliRunner().invoke(cli, ["addin", "install", "--xlstart", str(xlstart)])


def _one_line_error(r) -> str:
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit) and "Traceback" not in r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    return lines[0]


def test_a_locked_addin_is_one_chinese_line_and_nothing_changes(home, tmp_path, monkeypatch):
    xlstart = tmp_path / "XLSTART"
    xlstart.mkdir()
    locked = xlstart / inst.ADDIN_NAME
    locked.write_bytes(b"open in Excel")
    real_replace = os.replace

    def replace(src, dst):  # what Windows does to a file Excel holds open
        if Path(dst) == locked:
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(inst.os, "replace", replace)
    line = _one_line_error(_cli_install(xlstart))
    assert str(locked) in line and "请先退出 Excel 再安装" in line
    assert locked.read_bytes() == b"open in Excel"
    assert os.listdir(xlstart) == [inst.ADDIN_NAME] and os.listdir(tmp_path) == ["XLSTART"]
    assert not (home / ".xlwings").exists()  # stopped before touching xlwings.conf


def test_an_unwritable_target_is_one_chinese_line(home, tmp_path):
    xlstart = tmp_path / "XLSTART"
    (xlstart / inst.ADDIN_NAME).mkdir(parents=True)  # a folder where the file should go
    line = _one_line_error(_cli_install(xlstart))
    assert line.startswith("错误：") and inst.ADDIN_NAME in line and "请先退出 Excel 再安装" in line
    assert [p.name for p in tmp_path.iterdir()] == ["XLSTART"]


def test_a_path_gbk_cannot_hold_is_refused_in_chinese(home, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.executable", r"D:\한글\python.exe")
    line = _one_line_error(_cli_install(tmp_path / "XLSTART"))
    assert "xlwings.conf" in line and "只含英文字母" in line
    assert not (home / ".xlwings" / "xlwings.conf").exists()


def test_an_undecodable_conf_is_one_chinese_line(home, tmp_path):
    conf = home / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"INTERPRETER_WIN","\x81\x20"\r\n')  # neither UTF-8 nor GBK
    line = _one_line_error(_cli_install(tmp_path / "XLSTART"))
    assert str(conf) in line and "编码" in line
    assert conf.read_bytes() == b'"INTERPRETER_WIN","\x81\x20"\r\n'


def test_excel_present_looks_for_excel_not_for_windows():
    assert not inst.excel_present("linux")
    assert not inst.excel_present("win32", has_key=lambda key: False)  # Windows without Office (or WPS only)
    assert inst.excel_present("win32", has_key=lambda key: key.endswith("excel.exe"))
    assert inst.excel_present("win32", has_key=lambda key: key.startswith("Excel.Application"))


def test_a_mac_is_told_plainly(tmp_path):
    p = inst.plan(appdata=str(tmp_path), userprofile=str(tmp_path), interpreter="/usr/bin/python3")
    with pytest.raises(inst.InstallError, match="仅支持 Windows 版 Excel"):
        inst.check_platform(p, xlstart_given=True, platform="darwin")
    with pytest.raises(inst.InstallError, match="shortcuts install"):
        inst.check_platform(p, xlstart_given=False, platform="win32", has_key=lambda key: False)


def test_server_mode_keeps_one_python_up_between_clicks(home):
    plain = _install(home, PYTHON)
    assert inst.SERVER_KEY not in as_vba_reads(plain.xlwings_conf)  # xlwings' default: a fresh Python per click
    p = inst.plan(appdata=str(home / "AppData" / "Roaming"), userprofile=str(home), interpreter=PYTHON, environ=ENV)
    inst.install(replace(p, server=True), xlstart_given=True)
    conf = as_vba_reads(p.xlwings_conf)
    assert conf[inst.SERVER_KEY] == "True" and conf[inst.INTERPRETER_KEY] == PYTHON
    assert any(inst.SERVER_KEY in line for line in replace(p, server=True).lines())
