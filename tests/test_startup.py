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


def printed(code: str) -> set[str]:
    """The words a fresh interpreter running ``code`` prints on stderr."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(run.stderr.split())


def loaded(code: str) -> set[str]:
    """Every module in ``sys.modules`` after a fresh interpreter runs ``code`` (``-X importtime`` would miss
    the modules loaded through ``importlib.import_module``, as the CLI loads its commands)."""
    return printed(code + "\nimport sys\nprint('\\n'.join(sys.modules), file=sys.stderr)")


def imported(code: str) -> set[str]:
    """The top-level packages a fresh interpreter running ``code`` loads."""
    return {name.split(".")[0] for name in loaded(code)}


HELP = "from xlsuite.cli import cli\ntry:\n    cli.main(['--help'], prog_name='xlsuite')\nexcept SystemExit:\n    pass"


def test_the_cli_imports_no_heavy_library():
    got = imported("import xlsuite.cli")
    assert "xlsuite" in got and "click" in got  # the measurement works
    assert not got & HEAVY


def test_help_loads_every_command_and_no_heavy_library():
    got = imported(HELP)
    assert not got & (HEAVY | {"numpy", "xlwings", "docx"})


def test_help_loads_the_commands_and_nothing_of_the_library():
    """Listing the commands reads each command's module, whose imports of the library wait for the command
    to run: no reader, model, limits or sanitizer (nor zipfile, logging, hashlib or tomllib under them)."""
    got = loaded(HELP)
    assert {"xlsuite.cli.extract", "xlsuite.cli.importcmd", "xlsuite.cli.excel"} <= got  # the measurement works
    library = {m for m in got if m.startswith("xlsuite.") and m != "xlsuite.cli" and not m.startswith("xlsuite.cli.")}
    assert library == {"xlsuite.errors"}
    assert not got & {"zipfile", "logging", "hashlib", "tomllib"}


def test_extracting_a_markdown_report_loads_neither_pandas_nor_a_pdf_library():
    """Nor a process pool (one file is read in this process) nor the log file's rotation (nothing was logged)."""
    md = SEEDS / "shishi-commerce-2019.md"
    got = loaded("from xlsuite.cli import cli\n"
                 f"try:\n    cli.main(['extract', {str(md)!r}, '--json'], prog_name='xlsuite')\n"
                 "except SystemExit:\n    pass")
    assert {"numpy", "xlsuite.assessment"} <= got  # the alignment and the checks ran
    assert not {name.split(".")[0] for name in got} & HEAVY
    assert not got & {"multiprocessing", "concurrent.futures", "logging.handlers"}


# A ribbon click as RunPython makes it: a fresh interpreter imports these, then runs the button's action.
CLICK = ("import importlib, xlsuite.excel\n"
         "from xlsuite.excel.dispatch import BY_TAG, dispatch\n"
         "from xlsuite.excel.xlwings_adapter import XlwingsAdapter\n"
         "importlib.import_module('xlsuite.excel.actions.' + BY_TAG['validate'].module)\n")


def test_a_ribbon_click_through_xlwings_loads_no_openpyxl(tmp_path):
    """The workbook is open in Excel: 校验 through the xlwings adapter needs neither openpyxl nor numpy,
    neither for its imports nor for what the action imports while it runs (seen through ``__import__``
    on the tests' stand-in Book, which loads openpyxl itself)."""
    from xlsuite.readers import read_report
    from xlsuite.workbook import write_workbook

    got = loaded(CLICK)
    assert {"xlsuite.excel.xlwings_adapter", "xlsuite.excel.actions.checking"} <= got  # the measurement works
    assert not {name.split(".")[0] for name in got} & {"openpyxl", "numpy", "pandas"}

    book = write_workbook(read_report(SEEDS / "xiamen-city-2020.pdf.txt"), tmp_path / "book.xlsx")
    asked_while_running = printed(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n" + CLICK +
        "import builtins, importlib.util\n"
        "from tests.test_excel_xlwings_adapter import Book\n"
        f"book = Book({str(book)!r})\n"
        "asked, real = set(), builtins.__import__\n"
        "def hook(name, globals=None, locals=None, fromlist=(), level=0):\n"
        "    g = globals or {}\n"
        "    if g.get('__name__', '').startswith('xlsuite'):\n"
        "        full = importlib.util.resolve_name('.' * level + name, g['__package__']) if level else name\n"
        "        asked.update([full, *(f'{full}.{f}' for f in fromlist or ())])\n"
        "    return real(name, globals, locals, fromlist, level)\n"
        "builtins.__import__ = hook\n"
        "dispatch('validate', XlwingsAdapter(book, message_box=book.app.message_box))\n"
        "builtins.__import__ = real\n"
        "print('\\n'.join(m for m in asked if m in sys.modules), file=sys.stderr)"
    )
    assert asked_while_running <= got, asked_while_running - got
