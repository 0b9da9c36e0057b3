"""Every ribbon action through the openpyxl adapter on seed workbooks, and the same through
``xlsuite excel``: values by defined name, fills, the 校验 sheet, backups, the alert text."""
from __future__ import annotations

import json
import shutil
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsuite import __version__
from xlsuite.cli import cli
from xlsuite.excel import book
from xlsuite.excel.actions import checking
from xlsuite.excel.actions.base import BAD_INPUT, CANCELLED, DONE, FAILED, REFUSED
from xlsuite.excel.dispatch import dispatch
from xlsuite.excel.openpyxl_adapter import BACKUP_TAG, OpenpyxlAdapter
from xlsuite.forms import get_form
from xlsuite.model import Meta, Report, Value
from xlsuite.readers import read_report
from xlsuite.relations import instances
from xlsuite.workbook import layout as L
from xlsuite.workbook import write_workbook
from xlsuite.workbook.narrative import paragraphs
from xlsuite.workbook.writer import CHECK_FIRST_ROW, CHECK_HEADERS

from .conftest import GOLDEN, SEEDS, golden_for

XIAMEN = SEEDS / "xiamen-city-2020.pdf.txt"  # gov2019, 2020, the city total
FJ_COMMERCE = SEEDS / "fj-commerce-2020.pdf.txt"  # gov2019, 2020
FJ_INDUSTRY = SEEDS / "fj-industry-2020.pdf.txt"  # gov2019, 2020
RESULT_COL = CHECK_HEADERS.index(checking.RESULT_HEADER) + 1


def _golden_report(stem: str) -> Report:
    g = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    m = g["meta"]
    return Report(Meta(agency=m.get("agency"), year=m.get("year"), form=m.get("form")),
                  {k: Value(v) for k, v in g["values"].items()})


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("seeds")
    out = {}
    for name, src in (("xiamen", XIAMEN), ("commerce", FJ_COMMERCE), ("industry", FJ_INDUSTRY)):
        out[name] = write_workbook(read_report(src), d / f"{name}.xlsx")
    out["hongze"] = write_workbook(_golden_report("huaian-hongze-2024"), d / "hongze.xlsx")  # gov2021
    return out


@pytest.fixture
def wb(seeds, tmp_path):
    """A fresh copy of a seed workbook: wb("xiamen")."""
    def make(name: str, folder: str = "") -> Path:
        target = tmp_path / folder if folder else tmp_path
        target.mkdir(exist_ok=True)
        return Path(shutil.copy(seeds[name], target / f"{name}.xlsx"))
    return make


def _adapter(where) -> OpenpyxlAdapter:
    return where if isinstance(where, OpenpyxlAdapter) else OpenpyxlAdapter(where)


def values(where) -> dict:
    a = _adapter(where)
    return {k: book.value(a, k) for k in book.form_of(a).keys()}


def fills(where) -> dict:
    a = _adapter(where)
    return {k: book.fill_of(a, k) for k in book.form_of(a).keys()}


def check_column(where) -> dict:
    a = _adapter(where)
    out = {}
    for inst in instances(book.form_of(a).id):
        place = a.locate(L.check_name(inst.id))
        out[inst.id] = a.get(place.sheet, place.row, RESULT_COL)
    return out


def tamper(path: Path, key: str, value) -> None:
    w = openpyxl.load_workbook(path)
    sheet, ref = next(iter(w.defined_names[key].destinations))
    w[sheet][ref.replace("$", "")].value = value
    w.save(path)


def run(path, tag, **answers):
    a = OpenpyxlAdapter(path, answers)
    return dispatch(tag, a), a


# --- 校验 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["xiamen", "commerce", "hongze"])
def test_validate_a_clean_seed(wb, name):
    path = wb(name)
    outcome, a = run(path, "validate")
    assert outcome.status == DONE
    assert outcome.alert.startswith("校验结论：通过")
    assert a.alerts == [("info", "政务公开年报", outcome.alert)]
    after = OpenpyxlAdapter(path)
    assert set(fills(after).values()) == {checking.INPUT}
    col = check_column(after)
    assert set(col.values()) <= {"通过", "空白"}
    assert after.get(L.CHECKS, CHECK_FIRST_ROW - 1, RESULT_COL) == checking.REFRESHED_HEADER


def test_validate_colours_the_cells_of_failing_relations(wb):
    path = wb("xiamen")
    before = values(path)["requests.new.total"]
    tamper(path, "requests.new.total", before + 5)
    outcome, _ = run(path, "validate")
    assert outcome.status == FAILED and outcome.exit_code == 1
    assert outcome.alert.startswith("校验结论：不通过")
    assert "不通过 2 项（错误 2，警告 0）" in outcome.alert
    assert f"左边 {before + 5}" in outcome.alert or f"右边 {before + 5}" in outcome.alert
    after = OpenpyxlAdapter(path)
    f = fills(after)
    # Relation 1 on the 总计 column and relation 2 on the 本年新收 row involve these cells.
    red = {"requests.new.total", "requests.carried_in.total", "requests.total.total", "requests.carried_out.total",
           "requests.new.natural", "requests.new.org_commercial", "requests.new.org_research",
           "requests.new.org_social", "requests.new.org_legal", "requests.new.org_other"}
    assert {k for k, v in f.items() if v == checking.RED} == red
    assert f["appeals.review.total"] == checking.INPUT
    col = check_column(after)
    assert col["R1.requests.total"] == "不通过" and col["R2.requests.new"] == "不通过"
    assert col["R1.requests.natural"] == "通过"
    # Fixing the cell and checking again clears the colours.
    tamper(path, "requests.new.total", before)
    outcome, _ = run(path, "validate")
    assert outcome.status == DONE
    assert set(fills(path).values()) == {checking.INPUT}


def test_validate_leaves_the_look_of_passing_cells_alone(wb):
    path = wb("xiamen")
    a = OpenpyxlAdapter(path)
    book.set_fill(a, "requests.new.natural", "E2EFDA")  # e.g. a roll-up total's formula cells
    a.save()
    run(path, "validate")
    assert fills(path)["requests.new.natural"] == "E2EFDA"


def test_validate_marks_warnings_yellow_and_still_passes(wb):
    path = wb("xiamen")
    v = values(path)
    tamper(path, "active.regulations.new_published", v["active.regulations.total_published"] + 1)
    outcome, _ = run(path, "validate")
    assert outcome.status == DONE and outcome.alert.startswith("校验结论：通过")
    assert "警告 1" in outcome.alert and "[警告]" in outcome.alert
    f = fills(path)
    assert {k for k, c in f.items() if c == checking.YELLOW} == {
        "active.regulations.new_published", "active.regulations.total_published"}


def test_validate_reports_text_in_value_cells(wb):
    path = wb("commerce")
    tamper(path, "appeals.review.upheld", "无")
    outcome, _ = run(path, "validate")
    assert "已按空白处理" in outcome.alert and "appeals.review.upheld" in outcome.alert


def test_validate_refuses_a_workbook_that_is_not_standard(tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(book.NotStandardWorkbook, match="不是标准年报工作簿"):
        run(path, "validate")
    r = CliRunner().invoke(cli, ["excel", "validate", "-w", str(path)])
    assert r.exit_code == 2 and "不是标准年报工作簿" in r.output


# --- 导入 -------------------------------------------------------------------------------------

def test_reimport_writes_values_and_narrative_by_name_with_a_backup(wb):
    path = wb("commerce")
    original = path.read_bytes()
    old = values(path)
    outcome, a = run(path, "reimport", file=str(FJ_INDUSTRY))
    assert outcome.status == DONE
    # Values by defined name now equal the golden values of the imported report.
    golden = golden_for(FJ_INDUSTRY)["values"]
    new = values(path)
    assert new == {k: golden[k] for k in new}
    # The backup is the workbook as it was, beside it.
    backup = Path(outcome.files["backup"])
    assert backup.parent == path.parent and f".{BACKUP_TAG}-" in backup.name
    assert backup.read_bytes() == original
    # The alert lists what changed.
    changed = [k for k in new if new[k] != old[k]]
    assert f"改动了 {len(changed)} 个数值单元格" in outcome.alert
    k = changed[0]
    assert f"（{k}）：{old[k] if old[k] is not None else '空白'} → {new[k] if new[k] is not None else '空白'}" \
        in outcome.alert
    assert f"备份为：{backup}" in outcome.alert
    # Narrative: one paragraph per row, and the name re-aimed at exactly those rows.
    report = read_report(FJ_INDUSTRY)
    a = OpenpyxlAdapter(path)
    assert book.read_paragraphs(a, "overview") == paragraphs(report.narrative["overview"])
    place = a.locate(L.narrative_name("overview"))
    assert place.last_row - place.row + 1 == len(paragraphs(report.narrative["overview"]))
    assert book.value(a, L.meta_name("agency")) == report.meta.agency
    assert book.value(a, L.meta_name("source")) == str(FJ_INDUSTRY)


def test_reimport_refuses_another_form_and_changes_nothing(wb):
    path = wb("hongze")  # gov2021
    original = path.read_bytes()
    outcome, a = run(path, "reimport", file=str(XIAMEN))  # gov2019
    assert outcome.status == BAD_INPUT and outcome.exit_code == 2
    assert "gov2019" in outcome.alert and "gov2021" in outcome.alert and "模板" in outcome.alert
    assert path.read_bytes() == original
    assert not list(path.parent.glob(f"*{BACKUP_TAG}*"))


def test_reimport_of_an_unreadable_file_changes_nothing(wb, tmp_path):
    path = wb("commerce")
    original = path.read_bytes()
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    outcome, _ = run(path, "reimport", file=str(bad))
    assert outcome.status == BAD_INPUT and outcome.exit_code == 2 and "文件为空" in outcome.alert
    assert path.read_bytes() == original


def test_reimport_cancelled_changes_nothing(wb):
    path = wb("commerce")
    original = path.read_bytes()
    outcome, _ = run(path, "reimport")
    assert outcome.status == CANCELLED and "已取消" in outcome.alert
    assert path.read_bytes() == original


def _snapshot(path: Path) -> dict:
    a = OpenpyxlAdapter(path)
    form = book.form_of(a)
    meta = {f: book.value(a, L.meta_name(f)) for f, _ in L.META_FIELDS if f != "imported_at"}
    narrative = {s.id: book.read_paragraphs(a, s.id) for s in form.sections if s.kind == "narrative"}
    return {"values": values(a), "fills": fills(a), "checks": check_column(a), "meta": meta,
            "narrative": narrative}


@pytest.mark.parametrize("tag,answers,cli_args", [
    ("reimport", {"file": str(FJ_INDUSTRY)}, ["--file", str(FJ_INDUSTRY)]),
    ("validate", {}, []),
])
def test_the_cli_gives_the_same_workbook(wb, tag, answers, cli_args):
    a_path, b_path = wb("commerce", "a"), wb("commerce", "b")
    tamper(a_path, "requests.new.natural", 77)
    tamper(b_path, "requests.new.natural", 77)
    outcome, _ = run(a_path, tag, **answers)
    r = CliRunner().invoke(cli, ["excel", tag, "--workbook", str(b_path), *cli_args])
    assert r.exit_code == outcome.exit_code, r.output
    assert _snapshot(a_path) == _snapshot(b_path)
    assert outcome.alert.splitlines()[0] in r.output


# --- 汇总 -------------------------------------------------------------------------------------

def test_rollup_adds_up_a_folder_and_skips_backups(wb, tmp_path):
    inputs = [wb(n, "inbox") for n in ("commerce", "industry")]
    run(inputs[0], "reimport", file=str(FJ_COMMERCE))  # leaves a backup in the folder
    assert list((tmp_path / "inbox").glob(f"*{BACKUP_TAG}*"))
    out = tmp_path / "total.xlsx"
    outcome, a = run(inputs[1], "rollup", folder=str(tmp_path / "inbox"), text="福建省", save_path=str(out))
    assert outcome.status == DONE, outcome.alert
    assert a.opened == [str(out)]
    total = read_report(out)
    parts = [read_report(FJ_COMMERCE), read_report(FJ_INDUSTRY)]
    for key in get_form("gov2019").keys():
        nums = [p.number(key) for p in parts if p.number(key) is not None]
        assert total.number(key) == (sum(nums) if nums else None), key
    assert "已汇总 2 个单位" in outcome.alert
    label = get_form("gov2019").label_of("requests.new.total")
    assert f"{label}：{total.number('requests.new.total')}" in outcome.alert


def test_rollup_refuses_mixed_forms_naming_the_files(wb, tmp_path):
    wb("commerce", "mixed")
    wb("hongze", "mixed")
    outcome, _ = run(wb("xiamen"), "rollup", folder=str(tmp_path / "mixed"), save_path=str(tmp_path / "t.xlsx"))
    assert outcome.status == BAD_INPUT and outcome.alert.startswith("没有汇总")
    assert "--" not in outcome.alert and "再点“汇总”" in outcome.alert  # the button, never a flag
    assert "commerce.xlsx" in outcome.alert and "hongze.xlsx" in outcome.alert
    assert not (tmp_path / "t.xlsx").exists()


# --- 模板 / 关于 ----------------------------------------------------------------------------

@pytest.mark.parametrize("form_id", ["gov2019", "gov2021"])
def test_template_makes_a_blank_workbook_of_the_chosen_form(tmp_path, form_id):
    out = tmp_path / "blank.xlsx"
    outcome, a = run(None, "template", choice=form_id, save_path=str(out))
    assert outcome.status == DONE and a.opened == [str(out)]
    vals = values(out)
    assert set(vals) == set(get_form(form_id).keys())
    assert all(v is None for v in vals.values())
    assert book.form_of(OpenpyxlAdapter(out)).id == form_id
    again, _ = run(None, "template", choice=form_id, save_path=str(out))
    assert again.status == BAD_INPUT and "已经存在" in again.alert


def test_template_through_the_cli(tmp_path):
    out = tmp_path / "t.xlsx"
    r = CliRunner().invoke(cli, ["excel", "template", "--form", "gov2021", "-o", str(out)])
    assert r.exit_code == 0 and "已新建 gov2021" in r.output
    assert book.form_of(OpenpyxlAdapter(out)).id == "gov2021"
    r = CliRunner().invoke(cli, ["excel", "template", "-o", str(tmp_path / "u.xlsx")])
    assert r.exit_code == 2 and "已取消" in r.output


def test_about_names_version_and_python(wb):
    import sys

    outcome, _ = run(wb("xiamen"), "about")
    assert f"xlsuite {__version__}" in outcome.alert and sys.executable in outcome.alert


# --- 发送 -------------------------------------------------------------------------------------

@pytest.fixture
def smtp():
    from .test_mail_smtp import SmtpServer

    srv = SmtpServer().start()
    yield srv
    srv.stop()


def _config(folder: Path, port: int) -> None:
    (folder / "xlsuite.toml").write_text(f"""
[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
user = ""
sender = "gkb@example.gov.cn"
timeout = 5
[send]
to = ["city-gkb@example.gov.cn"]
outbox = "outbox"
""", encoding="utf-8")


def test_send_validates_then_mails_the_saved_workbook(wb, smtp):
    path = wb("xiamen", "out")
    _config(path.parent, smtp.port)
    outcome, _ = run(path, "send")
    assert outcome.status == DONE, outcome.alert
    assert outcome.alert.startswith("已发送")
    assert len(smtp.received) == 1
    msg = message_from_bytes(smtp.received[0].content, policy=policy.default)
    attachment = next(msg.iter_attachments())
    assert attachment.get_content() == path.read_bytes()  # the file as validated and saved
    assert "厦门市人民政府" in msg["Subject"]


def test_send_refuses_a_failing_workbook_and_sends_nothing(wb, smtp):
    path = wb("xiamen", "out")
    _config(path.parent, smtp.port)
    tamper(path, "requests.new.total", 1)
    outcome, _ = run(path, "send")
    assert outcome.status == REFUSED and outcome.exit_code == 1
    assert outcome.alert.startswith("没有发送：工作簿未通过校验")
    assert smtp.received == []
    assert fills(path)["requests.new.total"] == checking.RED


def test_send_without_mail_settings_says_where_it_looked(wb, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "nothing"))
    path = wb("xiamen", "nomail")
    outcome, _ = run(path, "send")
    assert outcome.status == BAD_INPUT and "找不到邮件配置文件" in outcome.alert


def test_reimport_from_another_standard_workbook(wb):
    target, source = wb("commerce", "t"), wb("industry", "s")
    outcome, _ = run(target, "reimport", file=str(source))
    assert outcome.status == DONE, outcome.alert
    assert values(target) == values(source)
    assert outcome.files["backup"]


def test_validate_a_rollup_total_reads_and_keeps_its_computed_values(wb, tmp_path):
    for n in ("commerce", "industry"):
        wb(n, "inbox2")
    out = tmp_path / "total.xlsx"
    run(wb("xiamen"), "rollup", folder=str(tmp_path / "inbox2"), text="福建省", save_path=str(out))
    before = read_report(out).numbers()
    outcome, _ = run(out, "validate")  # the total's value cells are formulas over 明细
    assert outcome.status == DONE and "无法校验 0 项" in outcome.alert and "文字" not in outcome.alert
    assert read_report(out).numbers() == before  # cached results survive the save
    assert fills(out)["requests.new.total"] != checking.INPUT  # the total's own look stays
