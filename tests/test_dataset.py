"""The dataset builder: tidy rows, the manifest, and a 500-file national batch end to end."""
from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("pyarrow")

from xlsuite.assessment import assess
from xlsuite.cli import cli
from xlsuite.dataset import build_dataset, load_dataset
from xlsuite.dataset.corpus import make_corpus, read_samples
from xlsuite.dataset.manifest import (Entry, Manifest, _closure, extractor_version, load_manifest,
                                      write_manifest)
from xlsuite.dataset.run import Task, extract_one, rows_of, run_dask, run_local
from xlsuite.dataset.store import output_paths
from xlsuite.dataset.tidy import REPORT_COLUMNS, VALUE_COLUMNS, error_row, report_row, value_rows
from xlsuite.forms import get_form
from xlsuite.model import Value
from xlsuite.readers import read_report

from .conftest import REALPDF, SEEDS, golden_for

XIAMEN = SEEDS / "xiamen-city-2020.pdf.txt"
SHANGHAI = SEEDS / "shanghai-office-2019.html"


# --- tidy rows ---------------------------------------------------------------------------------

def test_value_rows_are_the_golden_values_in_form_order():
    report = read_report(XIAMEN)
    rows = value_rows(assess(report), "x.txt")
    gold = golden_for(XIAMEN)
    assert [r["key"] for r in rows] == get_form("gov2019").keys()
    assert {r["key"]: r["value"] for r in rows} == gold["values"]
    first = rows[0]
    assert set(first) == set(VALUE_COLUMNS)
    assert (first["source"], first["agency"], first["year"], first["form"]) == ("x.txt", "厦门市人民政府", 2020, "gov2019")
    # Provenance travels with the value: the printed text and its line in the source.
    assert first["text"] == "2" and first["line"] is not None


def test_flags_name_nulls_warnings_and_failed_relations():
    report = read_report(SHANGHAI)
    rows = {r["key"]: r for r in value_rows(assess(report), "s.html")}
    blank = [w.key for w in report.warnings if w.code == "blank_cell"]
    assert blank and rows[blank[0]]["value"] is None
    assert rows[blank[0]]["flags"].split(";")[:2] == ["null", "blank_cell"]
    assert rows["requests.new.natural"]["flags"] is None

    web = read_report(SEEDS / "fj-commerce-2020.web.txt")  # headings, but the tables were images
    rows = {r["key"]: r for r in value_rows(assess(web), "w.txt")}
    assert rows["requests.new.total"]["flags"] == "null;table_absent"

    # Break relation 2 (row total = sum of applicants) on one row: its keys carry R2.
    report = read_report(XIAMEN)
    key = "requests.new.total"
    report.values[key] = replace(report.values[key], value=report.number(key) + 1)
    assessment = assess(report)
    rows = {r["key"]: r for r in value_rows(assessment, "x.txt")}
    assert "R2" in rows[key]["flags"].split(";")
    assert "R2" in rows["requests.new.natural"]["flags"].split(";")
    assert rows["requests.granted.natural"]["flags"] is None
    meta = report_row(assessment, source="x.txt", sha256="ab", size=3, version="v")
    assert meta["verdict"] == "不通过" and meta["checks_failed"] >= 1
    assert "R2.requests.new" in meta["failed_checks"].split(";")
    assert any(c["id"] == "R2.requests.new" for c in json.loads(meta["checks_json"]))


def test_report_row_and_error_row():
    report = read_report(SHANGHAI)
    row = report_row(assess(report), source="s.html", sha256="ab", size=3, version="v1")
    assert set(row) == set(REPORT_COLUMNS)
    assert row["status"] == "ok" and row["error_code"] is None
    assert row["agency"] == "上海市人民政府办公厅" and row["year"] == 2019 and row["form"] == "gov2019"
    assert row["values_total"] == len(get_form("gov2019").keys())
    assert row["values_null"] == sum(1 for v in report.values.values() if v.value is None) > 0
    assert row["warnings"] == len(report.warnings)
    assert "blank_cell" in row["warning_codes"].split(";")
    assert len(json.loads(row["warnings_json"])) == len(report.warnings)
    assert row["verdict"] == "通过"

    err = error_row(source="b.pdf", code="corrupt", reason="PDF 文件已损坏", sha256=None, size=None, version="v1")
    assert set(err) == set(REPORT_COLUMNS)
    assert (err["status"], err["error_code"], err["agency"], err["verdict"]) == ("failed", "corrupt", None, None)


def test_pages_fall_back_to_the_last_page_cited():
    report = read_report(XIAMEN)
    key = next(iter(report.values))
    report.values[key] = Value(1, replace(report.values[key].provenance, page=7))
    assert report_row(assess(report), source="x", sha256=None, size=None, version="v")["pages"] == 7


# --- manifest and version ----------------------------------------------------------------------

def test_manifest_round_trip_and_unchanged(tmp_path):
    m = Manifest("run1", {"a.txt": Entry("h1", 10, "v1", "ok"),
                          "gone.txt": Entry("h2", 0, "v1", "failed", "unreadable")})
    write_manifest(tmp_path, m)
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temp file left behind
    back = load_manifest(tmp_path)
    assert back == m
    assert back.unchanged("a.txt", "h1", "v1")
    assert not back.unchanged("a.txt", "h1", "v2")  # a parser change
    assert not back.unchanged("a.txt", "h9", "v1")  # the file changed
    assert not back.unchanged("new.txt", "h1", "v1")
    assert not back.unchanged("gone.txt", "h2", "v1")  # a transient failure is always retried
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert load_manifest(tmp_path) is None


def test_version_covers_the_code_that_reads_and_nothing_else(tmp_path):
    files = {
        "dataset/__init__.py": "from .store import x\n",
        "dataset/run.py": "from ..readers import read_report\nfrom .tidy import rows\n",
        "dataset/tidy.py": "from ..checks import check\n",
        "dataset/store.py": "import pyarrow\n",
        "readers/__init__.py": "MODULES = {'pdf': 'xlsuite.readers.pdf'}\ndef f():\n    from ..recognize import r\n",
        "readers/pdf.py": "from ..layout.rows import x\n",
        "layout/__init__.py": "", "layout/rows.py": "import xlsuite.model\n",
        "recognize/__init__.py": "", "checks.py": "", "model.py": "",
        "cli/__init__.py": "from ..dataset import build\n", "excel.py": "from .model import x\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    got = {p.relative_to(tmp_path).as_posix() for p in _closure(tmp_path, [tmp_path / "dataset/run.py"])}
    assert got == {"dataset/run.py", "dataset/tidy.py", "readers/__init__.py", "readers/pdf.py",
                   "layout/__init__.py", "layout/rows.py", "recognize/__init__.py", "checks.py", "model.py"}
    from xlsuite import __version__
    assert re.fullmatch(re.escape(__version__) + r"\+[0-9a-f]{12}", extractor_version())


# --- the batch ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def samples():
    """The samples this installation reads (the real PDFs once a PDF reader exists), read once."""
    return read_samples([SEEDS, REALPDF])


@pytest.fixture(scope="module")
def national(tmp_path_factory, samples):
    """500 files: the samples under 480-odd agency names, and 20 broken files; read once."""
    root = tmp_path_factory.mktemp("national")
    corpus = make_corpus(root / "in", samples, n=500, pdf_copies=1)
    out = root / "out"
    first = build_dataset([corpus.folder], out, workers=2)
    return corpus, out, first


def test_national_batch_rows_and_failures(national, samples):
    corpus, out, ds = national
    assert len(corpus.files) == 500
    reports, values = ds.reports, ds.values
    assert len(reports) == 500 and set(reports["source"]) == {str(p) for p in corpus.files}
    # Every broken file is in the reports table with the reason the readers give.
    failed = reports[reports["status"] == "failed"]
    assert Counter(failed["error_code"]) == corpus.expected_failures == Counter(
        {"empty": 4, "corrupt": 4, "binary": 4, "unsupported": 4, "no_report": 4})
    assert failed["error_reason"].str.len().min() > 0
    assert {str(p): c for p, c in corpus.broken.items()} == dict(zip(failed["source"], failed["error_code"]))
    ok = reports[reports["status"] == "ok"].set_index("source")
    assert len(ok) == 480
    # The agencies really differ: each copy names the agency written into it.
    assert {str(p): a for p, a in corpus.agency.items()} == ok.loc[[str(p) for p in corpus.agency], "agency"].to_dict()
    assert ok.loc[[str(p) for p in corpus.agency], "agency"].nunique() == len(corpus.agency) > 400
    # One value row per key of each report's form, none for a failed file.
    expected_rows = sum(len(get_form(f).keys()) for f in ok["form"])
    assert len(values) == expected_rows
    assert set(values["source"]) == set(ok.index)
    assert ds.summary.ok == 480 and ds.summary.failed == corpus.expected_failures
    assert ds.summary.read == 500 and ds.summary.reused == 0


def test_national_batch_values_equal_their_samples(national, samples):
    corpus, out, ds = national
    if set(ds.reports["xlsuite_version"]) != {extractor_version()}:
        pytest.skip("the reading code changed between reading the samples and the batch (shared checkout)")
    truth = {s: {k: (float("nan") if v is None else float(v)) for k, v in report.numbers().items()}
             for s, report in samples.items()}
    expected = pd.DataFrame([(str(p), k, v) for p, origin in corpus.origin.items()
                             for k, v in truth[origin].items()], columns=["source", "key", "expected"])
    merged = ds.values.merge(expected, on=["source", "key"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    same = (merged["value"] == merged["expected"]) | (merged["value"].isna() & merged["expected"].isna())
    assert same.all(), merged[~same].head()


def test_outputs_on_disk_match_the_frames(national):
    corpus, out, ds = national
    assert sorted(p.name for p in out.iterdir()) == sorted([*output_paths(out), "manifest.json"])
    back = load_dataset(out)
    pd.testing.assert_frame_equal(back.values, ds.values)
    pd.testing.assert_frame_equal(back.reports, ds.reports)
    csv = pd.read_csv(out / "values.csv", encoding="utf-8-sig")
    assert list(csv.columns) == list(VALUE_COLUMNS) and len(csv) == len(ds.values)
    assert csv["value"].sum() == ds.values["value"].sum()
    rcsv = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert Counter(rcsv["error_code"].dropna()) == corpus.expected_failures


def test_second_run_redoes_nothing_then_only_what_changed(national, tmp_path):
    corpus, out, first = national
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = build_dataset([corpus.folder], out, workers=2)
    for attempt in range(2):
        if not again.summary.read:
            break
        # Only a change of the reading code may cause that (colleagues edit a shared checkout):
        # every row is then rebuilt, and a run with the code unchanged must read nothing.
        assert set(again.reports["xlsuite_version"]) != set(first.reports["xlsuite_version"])
        assert again.summary.read == 500
        if attempt:
            pytest.skip("the reading code kept changing while the test ran (shared checkout)")
        first, stamps = again, {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
        again = build_dataset([corpus.folder], out, workers=2)
    assert (again.summary.read, again.summary.reused, again.summary.written) == (0, 500, False)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    pd.testing.assert_frame_equal(again.values, first.values)
    pd.testing.assert_frame_equal(again.reports, first.reports)

    # Work on a copy so the other tests keep the pristine output.
    import shutil
    work = tmp_path / "out"
    shutil.copytree(out, work)
    changed = next(p for p in corpus.agency if "shishi" in p.name)
    original = changed.read_text(encoding="utf-8")
    try:
        changed.write_text(original.replace(corpus.agency[changed], "鹰潭市档案馆"), encoding="utf-8")
        third = build_dataset([corpus.folder], work, workers=2)
    finally:
        changed.write_text(original, encoding="utf-8")
    if set(third.reports["xlsuite_version"]) != set(first.reports["xlsuite_version"]):
        pytest.skip("the reading code changed while the test ran (shared checkout)")
    assert (third.summary.read, third.summary.reused) == (1, 499)
    row = third.reports.set_index("source").loc[str(changed)]
    assert row["agency"] == "鹰潭市档案馆"
    assert (third.values[third.values["source"] == str(changed)]["agency"] == "鹰潭市档案馆").all()
    # Everything else is carried over unchanged, in the same order.
    others = first.values["source"] != str(changed)
    pd.testing.assert_frame_equal(third.values[others].reset_index(drop=True),
                                  first.values[others].reset_index(drop=True))



def test_a_dropped_source_leaves_the_dataset_without_rereading(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("xiamen-city-2020.pdf.txt", "shishi-commerce-2019.md"):
        (src / name).write_bytes((SEEDS / name).read_bytes())
    out = tmp_path / "out"
    build_dataset([src], out, workers=1)
    (src / "shishi-commerce-2019.md").unlink()
    ds = build_dataset([src], out, workers=1)
    assert (ds.summary.read, ds.summary.written) == (0, True)
    assert list(ds.reports["source"]) == [str(src / "xiamen-city-2020.pdf.txt")]
    assert list(load_dataset(out).reports["source"]) == [str(src / "xiamen-city-2020.pdf.txt")]
    forced = build_dataset([src], out, workers=1, force=True, csv=False)
    assert (forced.summary.read, forced.summary.reused) == (1, 0)
    # Without CSV, the CSVs of the earlier run go: they would no longer match the Parquet files.
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "reports.parquet", "values.parquet"]


# --- executors ---------------------------------------------------------------------------------

def crash_on_marked(source: str, report) -> dict:
    """Rows made in a worker that dies on one file, as a segfaulting parser would."""
    if "crash" in source:
        os._exit(3)
    return rows_of(source, report)


def test_a_dying_worker_costs_one_file_not_the_batch(tmp_path):
    paths = []
    for i, name in enumerate(["xiamen-city-2020.pdf.txt", "shishi-commerce-2019.md", "crash.txt",
                              "fj-industry-2020.pdf.txt"]):
        p = tmp_path / name
        p.write_bytes((SEEDS / (name if name != "crash.txt" else "xiamen-city-2020.pdf.txt")).read_bytes())
        paths.append(Task(i, str(p), str(p), None, None))
    results = sorted(run_local(paths, 2, crash_on_marked), key=lambda r: r["index"])
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["report"]["status"] for r in results] == ["ok", "ok", "failed", "ok"]
    assert results[2]["report"]["error_code"] == "worker_lost"
    assert results[0]["report"]["agency"] == "厦门市人民政府"


def fail_batches_with_marked(tasks: list[Task]) -> list[dict]:
    """A cluster task that fails for any batch holding the marked file, as a lost worker would."""
    if any("crash" in t.source for t in tasks):
        raise RuntimeError("worker died")
    return [extract_one(t) for t in tasks]


def test_dask_cluster_equals_local_run_row_for_row(tmp_path, samples):
    distributed = pytest.importorskip("distributed")
    corpus = make_corpus(tmp_path / "in", samples, n=30, broken_each=1, pdf_copies=1)
    # The in-process workers run the code this process imported, as the one-process local run
    # does: the comparison holds even while colleagues edit the readers of a shared checkout.
    local = build_dataset([corpus.folder], tmp_path / "local", workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        remote = build_dataset([corpus.folder], tmp_path / "dask", scheduler=cluster.scheduler_address)
        via_cli = CliRunner().invoke(cli, ["dataset", str(corpus.folder), "-o", str(tmp_path / "cli"),
                                           "--scheduler", cluster.scheduler_address, "--no-progress"])
        # A failed batch is retried file by file: only the culprit is lost.
        tasks = [Task(i, str(p), str(p), None, None) for i, p in enumerate(corpus.files[:6])]
        tasks[3] = replace(tasks[3], source=tasks[3].source + ".crash")
        with distributed.Client(cluster.scheduler_address) as client:
            results = sorted(run_dask(tasks, client, batch=3, fn=fail_batches_with_marked),
                             key=lambda r: r["index"])
    assert [r["report"]["error_code"] for r in results] == [None, None, None, "worker_lost", None, None]
    assert [r["report"]["agency"] for r in results[:3]] == [corpus.agency[p] for p in corpus.files[:3]]
    assert remote.summary.runner.startswith("Dask") and remote.summary.read == 30
    assert via_cli.exit_code == 2 and "运行：Dask 集群" in via_cli.output  # exit 2: the broken files
    pd.testing.assert_frame_equal(load_dataset(tmp_path / "cli").values, local.values)
    pd.testing.assert_frame_equal(remote.values, local.values)
    pd.testing.assert_frame_equal(remote.reports, local.reports)
    assert len(local.values) > 20 * 198


# --- CLI ---------------------------------------------------------------------------------------

def test_cli_writes_dataset_and_names_bad_files(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "shishi-commerce-2019.md").write_bytes((SEEDS / "shishi-commerce-2019.md").read_bytes())
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["dataset", str(src), "-o", str(out), "-j", "1", "--no-progress"])
    assert result.exit_code == 2, result.output
    assert "报告：2 份" in result.output and "失败原因：empty 1 份" in result.output
    assert f"错误：{src / 'empty.txt'}：文件为空" in result.output
    assert (out / "values.parquet").exists() and (out / "reports.csv").exists()
    # -j 1 again: the same process, so the same code version, whatever colleagues edit meanwhile.
    again = CliRunner().invoke(cli, ["dataset", str(src), "-o", str(out), "-j", "1", "--no-progress"])
    assert "本次读取 0，未变化沿用 2" in again.output and "无变化，未重写" in again.output


def test_cli_refuses_to_overwrite_a_foreign_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "values.csv").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["dataset", str(SEEDS), "-o", str(out), "--no-progress"])
    assert result.exit_code == 2
    assert "为免覆盖" in result.output
    assert (out / "values.csv").read_text(encoding="utf-8") == "mine"


# --- the walkthrough ---------------------------------------------------------------------------

def test_walkthrough_share_granted_per_agency(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("xiamen-city-2020.pdf.txt", "fj-commerce-2020.web.txt", "shishi-commerce-2019.md"):
        (src / name).write_bytes((SEEDS / name).read_bytes())
    import runpy
    walkthrough = runpy.run_path(str(Path(__file__).resolve().parent.parent / "examples" / "dataset_walkthrough.py"))
    share = walkthrough["main"]([str(src), "--out", str(tmp_path / "out"), "--workers", "1", "--no-chart"])
    by_agency = share.set_index("agency")
    gold = golden_for(XIAMEN)["values"]
    assert by_agency.loc["厦门市人民政府", "granted_share"] == pytest.approx(
        gold["requests.granted.total"] / gold["requests.total.total"])
    # No table, no share (null, not 0); nothing handled, no share either.
    assert pd.isna(by_agency.loc["福建省商务厅", "granted_share"])
    assert by_agency.loc["石狮市商务局", "handled"] == 0 and pd.isna(by_agency.loc["石狮市商务局", "granted_share"])
    assert (tmp_path / "out" / "granted_share.csv").exists()


def test_docs_show_the_real_help():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "dataset.md").read_text(encoding="utf-8")
    shown = docs.split("## `xlsuite dataset --help`", 1)[1].split("```")[1].strip("\n")
    real = CliRunner().invoke(cli, ["dataset", "--help"], terminal_width=80, prog_name="xlsuite").output
    assert shown == real.strip("\n")
