"""Start-up loads only what the command needs: no heavy library for the CLI, its help, or a text report.

How fast that is gets measured by ``benchmarks/startup.py``; here, what is imported.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"pandas", "openpyxl", "pdfplumber", "pypdfium2", "onnxruntime"}


def imported(code: str) -> set[str]:
    """The top-level packages ``python -X importtime -c code`` loads."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in run.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_the_cli_imports_no_heavy_library():
    got = imported("import xlsuite.cli")
    assert "xlsuite" in got and "click" in got  # the measurement works
    assert not got & HEAVY


def test_help_loads_every_command_and_no_heavy_library():
    got = imported("from xlsuite.cli import cli\n"
                   "try:\n    cli.main(['--help'], prog_name='xlsuite')\nexcept SystemExit:\n    pass")
    assert not got & (HEAVY | {"numpy", "xlwings", "docx"})


def test_extracting_a_markdown_report_loads_neither_pandas_nor_a_pdf_library():
    md = SEEDS / "shishi-commerce-2019.md"
    got = imported("from xlsuite.cli import cli\n"
                   f"try:\n    cli.main(['extract', {str(md)!r}, '--json'], prog_name='xlsuite')\n"
                   "except SystemExit:\n    pass")
    assert "numpy" in got  # the alignment ran
    assert not got & HEAVY
