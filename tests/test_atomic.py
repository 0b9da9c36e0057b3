"""Outputs appear whole or not at all, and never replace a file unless asked."""
from __future__ import annotations

import os

import pytest

from xlsuite.atomic import atomic_path, write_bytes


def test_no_clobber_and_no_leftovers(tmp_path):
    target = tmp_path / "out" / "a.xlsx"
    write_bytes(target, b"first", overwrite=False)
    with pytest.raises(FileExistsError):
        write_bytes(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first"
    write_bytes(target, b"third")
    assert target.read_bytes() == b"third"
    assert os.listdir(target.parent) == ["a.xlsx"]


def test_failure_inside_leaves_the_old_file(tmp_path):
    target = tmp_path / "r.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["r.csv"]


def test_a_name_that_appears_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "t.xlsx"
    with pytest.raises(FileExistsError):
        with atomic_path(target, overwrite=False) as tmp:
            tmp.write_bytes(b"ours")
            target.write_bytes(b"someone else's")
    assert target.read_bytes() == b"someone else's"


_KILLED_MID_WRITE = """
import os, signal, sys
from xlsuite.atomic import atomic_path
if sys.argv[2] == "TERM":
    from xlsuite.cli.runtime import setup
    setup()
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_bytes(b"half a workbook")
    os.kill(os.getpid(), getattr(signal, "SIG" + sys.argv[2]))
    import time; time.sleep(5)
"""


def _killed_mid_write(target, how: str) -> int:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(target), how],
                          env={**os.environ, "XLSUITE_LOG": os.devnull}).returncode


def test_sigterm_mid_write_leaves_nothing(tmp_path):
    code = _killed_mid_write(tmp_path / "a.xlsx", "TERM")
    assert code == 128 + 15 and os.listdir(tmp_path) == []


def test_sigkill_leftover_is_removed_by_the_next_write(tmp_path):
    assert _killed_mid_write(tmp_path / "a.xlsx", "KILL") == -9
    [left] = os.listdir(tmp_path)
    assert left.startswith(".a.xlsx.") and left.endswith(".tmp")
    other = tmp_path / ".notes.txt.tmp"  # not ours: left alone
    other.write_bytes(b"x")
    write_bytes(tmp_path / "b.xlsx", b"whole")
    assert sorted(os.listdir(tmp_path)) == [".notes.txt.tmp", "b.xlsx"]
