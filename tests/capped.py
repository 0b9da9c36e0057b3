"""Run ``xlsuite`` commands under a memory cap and a timeout, cheaply: a fork server.

The server is a fresh Python that imports xlsuite once; each request is a forked
child that sets ``RLIMIT_AS`` (address space), points stdout/stderr at files,
runs the command line as ``xlsuite`` would and exits with its code. The parent
kills a child that runs past its timeout. Forking costs milliseconds, starting
Python and importing the readers about two seconds: fifty hostile inputs would
otherwise take minutes.

Use ``CappedCli`` (a context manager); ``run(args, cwd)`` returns a ``Run``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

AS_LIMIT = int(2.5 * (1 << 30))  # the acceptance's 2.5 GB of address space
TIMEOUT = 60.0


@dataclass
class Run:
    code: int | None  # None: killed (timeout) or a signal
    out: str
    err: str
    seconds: float
    killed: str | None = None  # "timeout" | "signal N"

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


class CappedCli:
    def __init__(self, as_limit: int = AS_LIMIT, timeout: float = TIMEOUT, env: dict | None = None) -> None:
        self.as_limit, self.timeout = as_limit, timeout
        self.env = {**os.environ, **(env or {})}

    def __enter__(self) -> "CappedCli":
        self.proc = subprocess.Popen([sys.executable, "-c", "import tests.capped as c; c._serve()"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=self.env,
                                     cwd=str(Path(__file__).resolve().parent.parent))
        return self

    def run(self, args: list, cwd: str | os.PathLike, timeout: float | None = None) -> Run:
        req = {"args": [str(a) for a in args], "cwd": str(cwd), "as_limit": self.as_limit,
               "timeout": timeout or self.timeout}
        self.proc.stdin.write(json.dumps(req) + "\n")  # ASCII: a file name may hold surrogates
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the capped runner died")
        return Run(**json.loads(line))

    def __exit__(self, *exc) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --- the server side -----------------------------------------------------------------------------------


def _child(req: dict, out_path: str, err_path: str) -> None:
    import resource

    os.chdir(req["cwd"])
    resource.setrlimit(resource.RLIMIT_AS, (req["as_limit"], req["as_limit"]))
    for fd, path in ((1, out_path), (2, err_path)):
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(f, fd)
        os.close(f)
    code = 0
    try:
        from xlsuite.cli import main

        sys.argv = ["xlsuite", *req["args"]]
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - a traceback is a finding: the test sees it on stderr
        import traceback

        traceback.print_exc()
        code = 99
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _serve() -> None:
    import select
    import signal
    import tempfile
    import time

    import xlsuite.cli  # noqa: F401 - imported once, before forking
    import xlsuite.readers.docx, xlsuite.readers.html, xlsuite.readers.pdf  # noqa: F401,E401
    import xlsuite.workbook.writer  # noqa: F401

    tmp = tempfile.mkdtemp(prefix="xlsuite-capped-")
    out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    for line in sys.stdin:
        req = json.loads(line)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(req, out_path, err_path)
        killed = None
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > req["timeout"]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                killed, status = "timeout", None
                break
            select.select([], [], [], 0.02)
        code = None
        if status is not None:
            if os.WIFSIGNALED(status):
                killed = f"signal {os.WTERMSIG(status)}"
            else:
                code = os.WEXITSTATUS(status)
        with open(out_path, encoding="utf-8", errors="replace") as f:
            out = f.read()
        with open(err_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        print(json.dumps({"code": code, "out": out, "err": err, "seconds": round(time.monotonic() - start, 2),
                          "killed": killed}, ensure_ascii=False), flush=True)
