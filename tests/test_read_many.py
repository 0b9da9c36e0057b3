"""readers.read_many: every path once, in input order, a bad file as its SourceError, never a stop."""
from __future__ import annotations

import shutil

from xlsuite.errors import SourceError
from xlsuite.readers import read_many, read_report
from xlsuite.readers.batch import READER_ERROR, map_isolated

from .conftest import SEEDS

SAMPLES = [SEEDS / "xiamen-city-2020.pdf.txt", SEEDS / "shishi-commerce-2019.md", SEEDS / "shanghai-office-2019.html"]


def _agency(path, report) -> str:
    """A ``then`` hook: runs in the worker, its result comes back instead of the report."""
    return report.meta.agency


def test_in_order_with_errors_in_place_in_one_process_and_in_a_pool(tmp_path):
    paths = []
    for i in range(6):
        p = tmp_path / f"{i:02d}-{SAMPLES[i % 3].name}"
        shutil.copy(SAMPLES[i % 3], p)
        paths.append(str(p))
    (tmp_path / "empty.txt").write_bytes(b"")
    paths.insert(2, str(tmp_path / "empty.txt"))
    want = [None if "empty" in p else read_report(p).meta.agency for p in paths]
    for workers in (1, 2):
        seen = []
        got = list(read_many(paths, workers=workers, then=_agency, on_progress=lambda d, t: seen.append((d, t))))
        assert [p for p, _ in got] == paths
        assert [None if isinstance(g, SourceError) else g for _, g in got] == want
        assert isinstance(got[2][1], SourceError) and got[2][1].code == "empty"
        assert seen[-1] == (len(paths), len(paths)) and len(seen) == len(paths)


def _broken_hook(path, report):
    raise ZeroDivisionError("bug")


def test_a_bug_is_one_files_error(monkeypatch, tmp_path):
    import xlsuite.readers.text as text_reader

    def broken(*_a, **_k):
        raise ZeroDivisionError("bug")

    # in a reader: the readers' own guard names the file (corrupt), the batch goes on
    monkeypatch.setattr(text_reader, "load", broken)
    got = dict(read_many([str(SAMPLES[0]), str(SAMPLES[1])], workers=1))
    assert isinstance(got[str(SAMPLES[0])], SourceError) and "ZeroDivisionError" in got[str(SAMPLES[0])].reason
    assert not isinstance(got[str(SAMPLES[1])], SourceError)
    # in the work done beside the reading: the batch's guard, a program error to report
    [(_p, err)] = list(read_many([str(SAMPLES[1])], workers=1, then=_broken_hook))
    assert isinstance(err, SourceError) and err.code == READER_ERROR and "ZeroDivisionError" in err.reason


def _die_on_two(n: int) -> int:
    if n == 2:
        import os

        os._exit(3)
    return n * 10


def test_the_worker_boundary_costs_only_the_crashing_item():
    got = dict(map_isolated(_die_on_two, [0, 1, 2, 3], 2))
    assert {i: v for i, v in got.items() if i != 2} == {0: 0, 1: 10, 3: 30}
    assert type(got[2]).__name__ == "Lost"
