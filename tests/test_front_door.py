"""`import xlsuite` offers the library's verbs, lazily: nothing heavy loads until it is used."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import xlsuite

from .conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout.strip()


def test_the_verbs_load_without_pandas():
    assert _run("import xlsuite, sys; xlsuite.read; xlsuite.assess; print('pandas' in sys.modules)") == "False"
    heavy = ("pandas", "openpyxl", "pdfplumber", "pypdfium2", "xlwings", "docx")
    assert _run(f"import xlsuite, sys; print([m for m in {heavy!r} if m in sys.modules])") == "[]"


def test_every_name_resolves():
    for name in xlsuite.__all__:
        assert getattr(xlsuite, name) is not None, name
    assert set(xlsuite.__all__) <= set(dir(xlsuite))
    assert {"read", "read_many", "assess", "write_workbook", "rollup", "build_dataset", "Report",
            "XlsuiteError"} <= set(xlsuite.__all__)


def test_the_readme_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(import xlsuite\n.*?)```", readme, re.S).group(1)
    assert len(code.strip().splitlines()) <= 6
    code = code.replace("2024年报.pdf", str(SEEDS / "xiamen-city-2020.pdf.txt")).replace(
        "2024-某局.xlsx", str(tmp_path / "out.xlsx"))
    out = _run(code)
    assert out.startswith("通过") and (tmp_path / "out.xlsx").exists()


def test_the_roll_up_answers_to_its_name():
    total = xlsuite.rollup([str(SEEDS / "xiamen-city-2020.pdf.txt")], agency="某市").total
    assert total.number("requests.new.total") == xlsuite.read(SEEDS / "xiamen-city-2020.pdf.txt").number(
        "requests.new.total")
    assert xlsuite.rollup.write_total  # still the package
