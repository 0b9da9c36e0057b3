"""Recognition records facts (absent tables, blank cells) that the audit reads; warning codes live in one module."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from click.testing import CliRunner

from xlsuite import codes
from xlsuite.audit import audit
from xlsuite.cli import cli
from xlsuite.readers import read_report
from xlsuite.workbook.sources import reports_from_json

from .conftest import SEEDS

PACKAGE = Path(__file__).resolve().parent.parent / "xlsuite"
WEB = SEEDS / "fj-commerce-2020.web.txt"  # headings, but the tables were pictures on the site
SHANGHAI = SEEDS / "shanghai-office-2019.html"  # blank cells printed as such


def test_absent_tables_and_blank_cells_are_data_on_the_report():
    web = read_report(WEB)
    assert web.tables_absent == {"active": codes.NO_TABLE, "requests": codes.NO_TABLE, "appeals": codes.NO_TABLE}
    report = read_report(SHANGHAI)
    blank = [w.key for w in report.warnings if w.code == codes.BLANK_CELL]
    assert blank and set(report.blank_cells) == set(blank)
    assert all(report.number(k) is None for k in report.blank_cells)


def test_the_audit_reads_the_facts_not_the_messages():
    report = read_report(SHANGHAI)
    before = [r.to_dict() for r in audit(report)]
    report.warnings = []  # the words go; the facts stay
    assert [r.to_dict() for r in audit(report)] == before
    web = read_report(WEB)
    web.warnings = []
    [table] = [r for r in audit(web) if r.id == "R12.completeness.table.requests"]
    assert table.failed and codes.ABSENT_WHY[codes.NO_TABLE] in table.message


def test_facts_travel_through_extract_json_and_back(tmp_path):
    out = CliRunner().invoke(cli, ["extract", str(SHANGHAI), str(WEB), "--json"]).stdout
    path = tmp_path / "r.jsonl"
    path.write_text(out, encoding="utf-8")
    shanghai, web = reports_from_json(str(path))
    assert shanghai.blank_cells == read_report(SHANGHAI).blank_cells
    assert web.tables_absent == read_report(WEB).tables_absent
    # JSON written before the facts were: they come back from the warnings' codes.
    old = [{k: v for k, v in json.loads(line).items() if k not in ("tables_absent", "blank_cells")}
           for line in out.splitlines()]
    path.write_text("\n".join(json.dumps(o, ensure_ascii=False) for o in old), encoding="utf-8")
    shanghai, web = reports_from_json(str(path))
    assert set(shanghai.blank_cells) == set(read_report(SHANGHAI).blank_cells)
    assert web.tables_absent == {s: codes.UNKNOWN for s in ("active", "requests", "appeals")}


def _emitted_codes() -> set[str]:
    """The first argument of every ``.warn("…")`` and ``Finding("…")`` in the package."""
    found = set()
    for f in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("warn", "Finding"):
                    found.add(node.args[0].value)
    return found


def test_every_warning_code_is_declared_once():
    emitted = _emitted_codes()
    assert emitted and emitted <= codes.ALL, sorted(emitted - codes.ALL)
