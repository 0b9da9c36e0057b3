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
