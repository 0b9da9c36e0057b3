"""The fuzz campaign shared by tests/test_fuzz.py (about two minutes) and benchmarks/fuzz.py (thousands).

Seeds are real reports of every kind the readers take (PDF, Word, the standard
workbook, HTML, Markdown, text, a picture); ``fixtures/mutate.py`` damages them.
Each mutant runs in a forked child under the acceptance caps (2.5 GB address
space, a kill after ``timeout`` seconds) through what ``xlsuite import`` does:
read, check, build the workbook and save it. A child ends in one of:

- ``ok``: a report, checked and saved;
- ``source_error`` / ``project_error``: the project's own one-line refusal;
- ``other``: any other exception (a finding, with its type and place);
- ``hang``: killed after ``timeout`` seconds of CPU time (or four times that on the clock, for a
  process stuck without working); a child the busy machine merely slowed down is waited for, as the
  readers' own budget counts CPU time (``Limits.seconds``);
- ``crash``: ended by a signal (a native abort).

The parent imports the readers once, so a child costs a fork, not an interpreter.
"""
from __future__ import annotations

import json
import os
import random
import select
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .capped import AS_LIMIT
from .fixtures import mutate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GENERATED = ROOT / "tests" / "fixtures" / "generated"
EXT = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "html": ".html", "md": ".md", "txt": ".txt", "png": ".png"}
# How often each kind is drawn: a picture goes through OCR (seconds), so it is drawn less.
WEIGHTS = {"pdf": 3, "docx": 3, "xlsx": 3, "html": 3, "md": 3, "txt": 3, "png": 1}
PROJECT_OUTCOMES = ("ok", "source_error", "project_error")


def seeds(workdir: Path) -> dict[str, list[bytes]]:
    """Real files of every kind; the workbook and the picture are made from the examples."""
    from xlsuite.readers import read_report
    from xlsuite.workbook import write_workbook

    out: dict[str, list[bytes]] = {
        "pdf": [p.read_bytes() for p in [EXAMPLES / "huaian-hongze-2024.pdf",
                                         *sorted(GENERATED.glob("*.ruled.pdf"))[:2], *sorted(GENERATED.glob("*.plain.pdf"))[:1]]],
        "docx": [p.read_bytes() for p in sorted(GENERATED.glob("*.docx"))[:4]],
        "html": [(EXAMPLES / "shanghai-office-2019.html").read_bytes()],
        "md": [(EXAMPLES / "shishi-commerce-2019.md").read_bytes()],
        "txt": [(EXAMPLES / n).read_bytes() for n in ("xiamen-city-2020.pdf.txt", "fj-industry-2020.pdf.txt",
                                                       "fj-commerce-2020.web.txt")],
    }
    workdir.mkdir(parents=True, exist_ok=True)
    books = []
    for name in ("shishi-commerce-2019.md", "xiamen-city-2020.pdf.txt"):
        target = workdir / f"seed-{name}.xlsx"
        write_workbook(read_report(EXAMPLES / name), target, overwrite=True)
        books.append(target.read_bytes())
    out["xlsx"] = books
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(sorted(GENERATED.glob("*.ruled.pdf"))[0]))
    try:
        png = workdir / "seed-page.png"
        pdf[1].render(scale=100 / 72, grayscale=True).to_pil().save(png)
    finally:
        pdf.close()
    out["png"] = [png.read_bytes()]
    return out


# --- one input, in a child ----------------------------------------------------------------------------------------


def _child(path: str, w: int, seconds: int) -> None:
    import io
    import resource
    import traceback

    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    from dataclasses import replace

    from xlsuite.checks import check
    from xlsuite.errors import SourceError, XlsuiteError
    from xlsuite.limits import current
    from xlsuite.readers import read_report
    from xlsuite.workbook.writer import build_workbook

    res: dict = {}
    stage = "read"
    try:
        report = read_report(path, limits=replace(current(), seconds=seconds))
        stage = "check"
        results = check(report)
        stage = "workbook"
        build_workbook(report, results).save(io.BytesIO())
        res = {"outcome": "ok"}
    except SourceError as e:
        res = {"outcome": "source_error", "code": e.code, "one_line": "\n" not in str(e)}
    except XlsuiteError as e:
        res = {"outcome": "project_error", "message": str(e)[:200]}
    except BaseException as e:  # noqa: BLE001 - exactly what the campaign looks for
        tb = traceback.extract_tb(e.__traceback__)
        res = {"outcome": "other", "stage": stage, "type": f"{type(e).__module__}.{type(e).__qualname__}",
               "message": str(e)[:200], "where": [f"{Path(f.filename).name}:{f.lineno}" for f in tb[-3:]]}
    os.write(w, json.dumps(res, ensure_ascii=False).encode()[:8000])
    os._exit(0)


@dataclass
class Result:
    kind: str
    path: str
    mutation: list[str]
    outcome: str
    seconds: float
    detail: dict = field(default_factory=dict)


def _start(path: str, seconds: int) -> tuple[int, int]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _child(path, w, seconds)
        finally:
            os._exit(3)
    os.close(w)
    return pid, r


def _finish(pid: int, r: int, status: int | None) -> tuple[str, dict]:
    data = b""
    while True:
        try:
            chunk = os.read(r, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    os.close(r)
    if status is None:
        return "hang", {}
    if os.WIFSIGNALED(status):
        return "crash", {"signal": os.WTERMSIG(status)}
    if not data:
        return "crash", {"exit": os.WEXITSTATUS(status)}
    detail = json.loads(data)
    return detail.pop("outcome"), detail


# --- a campaign ----------------------------------------------------------------------------------------------------


def campaign(workdir: Path, *, count: int | None = None, seconds: float | None = None, seed: int = 0,
             jobs: int = 2, timeout: float = 40.0, budget: int = 25, on_result=None) -> list[Result]:
    """Mutants of the seeds until ``count`` inputs ran or ``seconds`` passed, ``jobs`` at a time.

    ``budget``: the readers' own time limit (``Limits.seconds``) for each input;
    ``timeout``: CPU seconds (four times that on the clock) after which a child is killed and counted
    as a hang.
    """
    import xlsuite.readers.docx, xlsuite.readers.html, xlsuite.readers.pdf  # noqa: F401,E401 - before forking
    import xlsuite.readers.workbook, xlsuite.workbook.writer, xlsuite.checks  # noqa: F401,E401

    rng = random.Random(seed)
    pool = seeds(workdir / "seeds")
    kinds = [k for k in WEIGHTS for _ in range(WEIGHTS[k])]
    inputs = workdir / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    running: dict[int, tuple] = {}
    results: list[Result] = []
    n = 0

    def more() -> bool:
        if count is not None and n >= count:
            return False
        return seconds is None or time.monotonic() - start < seconds

    while running or more():
        while len(running) < jobs and more():
            kind = rng.choice(kinds)
            data, how = mutate.mutant(kind, rng.choice(pool[kind]), rng)
            path = inputs / f"{n:05d}{EXT[kind]}"
            path.write_bytes(data)
            pid, r = _start(str(path), budget)
            os.set_blocking(r, False)
            running[pid] = (kind, str(path), how, time.monotonic(), r)
            n += 1
        select.select([], [], [], 0.02)
        for pid, (kind, path, how, t0, r) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                wall = time.monotonic() - t0
                if wall <= timeout:
                    continue
                used = cpu_seconds(pid)
                if wall <= 4 * timeout and used is not None and used <= timeout:
                    continue  # slowed down by a busy machine, still working within its time
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = None
            del running[pid]
            outcome, detail = _finish(pid, r, status)
            res = Result(kind, path, how, outcome, round(time.monotonic() - t0, 2), detail)
            results.append(res)
            if outcome in PROJECT_OUTCOMES:
                Path(path).unlink(missing_ok=True)  # keep only the findings
            if on_result:
                on_result(res)
    return results


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds a running process has used (all its threads), from /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def counts(results: list[Result]) -> dict:
    by_kind = Counter(r.kind for r in results)
    outcomes = Counter(r.outcome for r in results)
    return {"inputs": len(results), "by_kind": dict(sorted(by_kind.items())), "outcomes": dict(sorted(outcomes.items())),
            "not_project": outcomes["other"], "hangs": outcomes["hang"], "crashes": outcomes["crash"],
            "too_slow": sum(1 for r in results if r.detail.get("code") == "too_slow"),
            "multi_line": sum(1 for r in results if r.outcome == "source_error" and not r.detail.get("one_line"))}
