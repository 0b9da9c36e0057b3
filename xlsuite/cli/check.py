"""xlsuite check: the reconciliation relations of each report, and the audit beyond them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from collections import Counter

import click

from ..errors import ExitCode
from .common import echo_err, emit_json, expand_sources, ocr_option, read_each, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions

_EXCERPT = 36  # characters shown on each side of a figure in a quoted sentence


@xlsuite_command("check")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source: verdict and every result.")
@click.option("--previous", type=click.Path(), default=None,
              help="The same agency's report of the year before: adds the cross-year relations.")
@click.option("--strict", is_flag=True, help="Warnings count as failures for the exit code.")
@ocr_option
def command(sources: tuple[str, ...], as_json: bool, previous: str | None, strict: bool,
            options: ReadOptions) -> ExitCode:
    """校验报告的勾稽关系与内容审核。Check each report's relations and audit its content.

    Prints each failing relation with its keys and values, then the audit
    warnings: figures in the text that contradict the tables (R11), missing
    sections, tables and blank cells (R12), and for the 2021 form the
    信息处理费 statement (R13). When the same agency's report of the year
    before is among the sources (or given with --previous), the cross-year
    relations R8-R10 are checked too.

    A standard workbook's 核实 marks (the 校验 sheet's 核实/说明) are shown with
    their findings: a hard failure marked 已核实 reads 不通过（已说明） and still
    fails; a marked warning no longer counts for --strict.

    Exit code 1 when any hard relation fails (any warning not marked 已核实
    too, with --strict), 2 when a source cannot be read, 0 otherwise.

    \b
    Example:
        xlsuite check examples/xiamen-city-2020.pdf.txt
        xlsuite check report-2024.pdf --previous report-2023.pdf --json
        xlsuite check reports/ --strict
    """
    from ..assessment import assess, merge
    from ..audit import figures, pair_years
    from ..checks import STATUS_ZH, Status
    from ..model import Report, Severity
    from ..readers import read_report

    prev_report = read_report(previous, options) if previous else None
    code = ExitCode.OK
    read: list[tuple[str, Report]] = []
    for path, report in read_each(expand_sources(sources), options):
        if isinstance(report, str):
            echo_err(report)
            code = ExitCode.BAD_INPUT
            continue
        read.append((path, report))
    # Without --previous, a source's previous year is found among the other sources.
    paths = {id(r): p for p, r in read}
    paired = {id(cur): prev for prev, cur in pair_years(r for _, r in read)} if prev_report is None else {}
    assessed = []
    for path, report in read:
        prev = prev_report or paired.get(id(report))
        a = assess(report, prev)
        assessed.append(a)
        prev_path = (previous if prev is prev_report else paths.get(id(prev))) if prev is not None else None
        if as_json:
            emit_json({"source": path, "meta": {"agency": report.meta.agency, "year": report.meta.year,
                                                "form": report.meta.form},
                       "previous": prev_path, **a.to_dict(), "figures": [f.to_dict() for f in figures(report)]})
            continue
        m = report.meta
        click.echo(f"{path}：{m.agency or '（未识别机关）'} {m.year or ''}年度 {m.form} —— {a.headline}")
        if prev_path:
            click.echo(f"  上年报告：{prev_path}")
        for r in a.hard_failures + a.soft_failures:
            level = "错误" if r.severity == Severity.ERROR else "警告"
            click.echo(f"  [{level}] {r.id} {r.message}")
            click.echo("         " + "，".join(f"{k}={v}" for k, v in r.values.items()))
            _print_mark(a.marks.get(r.id))
        unchecked = [r for r in a.relations if r.status == Status.NOT_CHECKABLE]
        if unchecked:
            click.echo(f"  {STATUS_ZH[Status.NOT_CHECKABLE]}：{len(unchecked)} 项（数据空缺）：" +
                       "、".join(r.id for r in unchecked[:8]) + ("……" if len(unchecked) > 8 else ""))
        _print_audit(a.flagged, a.marks)
    if code == ExitCode.BAD_INPUT:
        return code
    return merge(assessed).exit_code(strict)


def _print_mark(mark) -> None:
    if mark is not None and (mark.explained or mark.note):
        click.echo(f"         核实：{mark.text}")


def _print_audit(flagged, marks) -> None:
    from ..audit.result import SECTION_NAMES

    blanks = [r for r in flagged if r.id.startswith(("R12.completeness.blank.", "R12.completeness.unread."))]
    for r in flagged:
        if r in blanks:
            continue
        click.echo(f"  [审核] {r.id} {r.message}")
        click.echo(f"         位置：{r.where()}")
        if r.sentence:
            click.echo(f"         原文：{_excerpt(r.sentence, r.left)}")
        _print_mark(marks.get(r.id))
    if blanks:
        # Dozens of blank cells are one fact about a table: count them per section, name a few.
        per = Counter(r.section for r in blanks)
        click.echo(f"  [审核] R12.completeness.blank 空白或未读到的单元格 {len(blanks)} 个（" +
                   "，".join(f"“{SECTION_NAMES.get(s, s)}”{n} 个" for s, n in per.items()) + "）：" +
                   "、".join(r.keys[0] for r in blanks[:6]) + ("……（--json 列出全部）" if len(blanks) > 6 else ""))


def _excerpt(sentence: str, figure) -> str:
    at = sentence.find(str(figure)) if figure is not None else -1
    if at < 0 or len(sentence) <= 2 * _EXCERPT:
        return sentence if len(sentence) <= 2 * _EXCERPT else sentence[:2 * _EXCERPT] + "……"
    start, end = max(0, at - _EXCERPT), at + _EXCERPT
    return ("……" if start else "") + sentence[start:end] + ("……" if end < len(sentence) else "")
