"""How long `rollup` takes on 1000 agency workbooks, against a plain openpyxl loop in the same run.

The agencies are the Xiamen 2020 golden values split ``--distinct`` ways
(each split keeps relations 1-5), written as standard workbooks by
``write_workbook``; the remaining workbooks are byte copies of those with the
agency name on the cover changed, so 1000 files take a minute to make, not
ten. The total must then be ``n / distinct`` times Xiamen, and both methods
must agree with it before any time is printed.

Targets: 1000 workbooks in under 30 s on 2 cores, and at least 5x
faster than ``openpyxl.load_workbook`` + summing the defined names.

Also printed: the CPU cost of reading one workbook's named cells against python-calamine, the
way the roll-up read them before issue 19's sparse reader, and the peak memory of the roll-up.

Run: .venv/bin/python benchmarks/rollup.py [--n 1000] [--dir DIR] [--baseline-sample K]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from xlsuite.forms import get_form  # noqa: E402
from xlsuite.model import Meta, Report, Value  # noqa: E402
from xlsuite.rollup import rollup, write_total  # noqa: E402
from xlsuite.rollup.core import exact_sum  # noqa: E402
from xlsuite.rollup.synth import synthetic_reports  # noqa: E402
from xlsuite.workbook import write_workbook  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
XIAMEN = json.loads((GOLDEN / "xiamen-city-2020.pdf.json").read_text(encoding="utf-8"))["values"]


def cpu() -> float:
    """CPU seconds of this process and its finished children: the cost a busy machine cannot hide."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def name(i: int) -> str:
    return f"厦门市第{i:04d}号机关"  # fixed width: a copy differs from its original in these bytes only


def _write(job) -> None:
    report, path = job
    write_workbook(report, path, overwrite=True)


def _charrefs(text: str) -> bytes:
    """Text as openpyxl writes it inside XML: non-ASCII characters as &#NNNN; references."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def _renamed_copy(src: Path, dst: Path, old: str, new: str) -> None:
    hits = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):  # inline or shared strings
                for a, b in ((old.encode(), new.encode()), (_charrefs(old), _charrefs(new))):
                    hits += data.count(a)
                    data = data.replace(a, b)
            zout.writestr(info, data)
    assert hits, f"{src}: agency name {old} not found"


def generate(folder: Path, n: int, distinct: int, workers: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"2020-{name(i)}.xlsx" for i in range(n)]
    if all(p.exists() for p in paths):
        return paths
    total = Report(Meta(agency="厦门市人民政府", year=2020, form="gov2019"), {k: Value(v) for k, v in XIAMEN.items()})
    originals = synthetic_reports(total, distinct, seed=1, names=[name(i) for i in range(distinct)])
    t = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_write, [(r, paths[i]) for i, r in enumerate(originals)]))
    for i in range(distinct, n):
        _renamed_copy(paths[i % distinct], paths[i], name(i % distinct), name(i))
    print(f"generated {n} workbooks ({distinct} written by write_workbook) in {time.perf_counter() - t:.1f} s")
    return paths


def plain_openpyxl(paths: list[Path], keys: list[str]) -> dict:
    """The obvious loop: open every workbook with openpyxl, add the defined-name cells."""
    sums: dict[str, list] = {k: [] for k in keys}
    for p in paths:
        wb = openpyxl.load_workbook(p)
        for k in keys:
            sheet, ref = next(iter(wb.defined_names[k].destinations))
            v = wb[sheet][ref.replace("$", "")].value
            if v is not None:
                sums[k].append(v)
    return {k: exact_sum(v) if v else None for k, v in sums.items()}


def reader_cost(paths: list[Path]) -> tuple[float, float | None]:
    """CPU ms per workbook of reading the named cells, in this process: the sparse reader the roll-up
    uses, and the way it read them before issue 19 (the names from workbook.xml by ElementTree, each
    named sheet as a python-calamine grid; None when calamine is not installed). Same files, same values."""
    from xml.etree import ElementTree as ET

    from xlsuite.workbook.layout import defined_name
    from xlsuite.workbook.reader import _REF, _col_index, read_workbook

    t = time.process_time()
    ours = [read_workbook(p, narrative=False).values for p in paths]
    sparse_ms = (time.process_time() - t) / len(paths) * 1000
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return sparse_ms, None
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    t = time.process_time()
    theirs = []
    for p in paths:
        with zipfile.ZipFile(p) as z:
            root = ET.fromstring(z.read("xl/workbook.xml"))
        names = {}
        for dn in root.iter(f"{ns}definedName"):
            m = _REF.match((dn.text or "").strip()) if dn.get("localSheetId") is None else None
            if m:
                names[dn.get("name")] = ((m.group(1) or "").replace("''", "'") or m.group(2),
                                         int(m.group(4)) - 1, _col_index(m.group(3)))
        wb = CalamineWorkbook.from_path(str(p))
        grids: dict[str, list] = {}
        values = {}
        for key in ours[0]:
            sheet, r, c = names[defined_name(key)]
            if sheet not in grids:
                grids[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            rows = grids[sheet]
            v = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
            values[key] = int(v) if isinstance(v, float) and v.is_integer() else (None if v == "" else v)
        theirs.append(values)
    calamine_ms = (time.process_time() - t) / len(paths) * 1000
    assert theirs == ours, "calamine and the sparse reader disagree"
    return sparse_ms, calamine_ms


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child (the roll-up's workers)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="agency workbooks (default 1000)")
    ap.add_argument("--distinct", type=int, default=50, help="workbooks written by write_workbook (divides --n)")
    ap.add_argument("--dir", type=Path, default=None, help="keep the workbooks here and reuse them next run")
    ap.add_argument("--baseline-sample", type=int, default=0,
                    help="time the openpyxl loop on this many files and scale up (default: all files)")
    ap.add_argument("--workers", type=int, default=None, help="roll-up processes (default: all cores)")
    args = ap.parse_args()
    if args.n % args.distinct:
        ap.error("--distinct must divide --n")
    tmp = Path(tempfile.mkdtemp(prefix="xlsuite-rollup-bench-"))
    folder = args.dir or tmp / "agencies"
    try:
        paths = generate(folder, args.n, args.distinct, args.workers or os.cpu_count() or 1)
        keys = get_form("gov2019").keys()
        expected = {k: v * (args.n // args.distinct) for k, v in XIAMEN.items()}

        t, c = time.perf_counter(), cpu()
        result = rollup([str(folder)], agency="厦门市（基准测试）", year=2020, workers=args.workers)
        # The workers are the children of multiprocessing's worker server, which reaps them: stopped and
        # reaped here, its CPU time and its largest worker's memory count among this process's children.
        from multiprocessing import forkserver

        forkserver._forkserver._stop()
        ours_read, ours_read_cpu = time.perf_counter() - t, cpu() - c
        parent_mb, worker_mb = peak_mb()
        t, c = time.perf_counter(), cpu()
        write_total(result, tmp / "total.xlsx")
        ours_write, ours_write_cpu = time.perf_counter() - t, cpu() - c
        t, c = time.perf_counter(), cpu()
        write_total(result, tmp / "plain.xlsx", dashboard=False)
        plain_write, plain_write_cpu = time.perf_counter() - t, cpu() - c
        assert result.total.numbers() == expected, "roll-up total differs from the expected sum"

        sparse_ms, calamine_ms = reader_cost(paths[:200])
        sample = paths if not args.baseline_sample else paths[:args.baseline_sample]
        t, c = time.perf_counter(), cpu()
        plain = plain_openpyxl(sample, keys)
        scale = len(paths) / len(sample)
        plain_s, plain_cpu = (time.perf_counter() - t) * scale, (cpu() - c) * scale
        if len(sample) == len(paths):
            assert plain == expected, "the openpyxl loop disagrees with the expected sum"

        ours = ours_read + ours_write
        load = os.getloadavg()[0]
        print(f"workbooks: {len(paths)}   cores: {os.cpu_count()}   roll-up processes: "
              f"{args.workers or os.cpu_count()}   load average at the end: {load:.1f}")
        print("                                              wall s     CPU s")
        print(f"xlsuite rollup, read + add + check inputs:  {ours_read:8.2f}  {ours_read_cpu:8.2f}"
              f"   ({ours_read / len(paths) * 1000:.1f} ms wall per workbook)")
        print(f"xlsuite rollup, write total with 明细 + 看板: {ours_write:8.2f}  {ours_write_cpu:8.2f}")
        print(f"  the same without the 看板 (--no-dashboard): {plain_write:8.2f}  {plain_write_cpu:8.2f}")
        print(f"xlsuite rollup, total:                      {ours:8.2f}  {ours_read_cpu + ours_write_cpu:8.2f}"
              f"   target < 30 s wall: {'met' if ours < 30 else 'NOT met'}")
        note = "" if len(sample) == len(paths) else f"   (timed on {len(sample)} files, scaled)"
        print(f"openpyxl.load_workbook + summing loop:      {plain_s:8.2f}  {plain_cpu:8.2f}{note}")
        print(f"speed-up, reading and adding (same work):   {plain_s / ours_read:7.1f}x  {plain_cpu / ours_read_cpu:7.1f}x"
              f"   target >= 5x: {'met' if plain_s / ours_read >= 5 else 'NOT met'}")
        print(f"reading one workbook's named cells, CPU ms: sparse reader {sparse_ms:.1f}" +
              (f", as before issue 19 (python-calamine) {calamine_ms:.1f}"
               if calamine_ms else " (python-calamine not installed: no comparison)"))
        print(f"peak memory after the roll-up's reading: this process {parent_mb:.0f} MB, largest worker "
              f"{worker_mb:.0f} MB" + ("" if args.dir else " (the workbooks' writers included)"))
        if load > (os.cpu_count() or 1):
            print(f"note: the machine was busy (load {load:.1f} on {os.cpu_count()} cores); wall times are "
                  "inflated, CPU seconds are not")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
