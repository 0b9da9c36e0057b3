"""xlsuite extract: the numbers of each report, with warnings and relation checks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import ExitCode
from .common import echo_err, emit_json, expand_sources, ocr_option, read_each, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions


@xlsuite_command("extract")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source, one per line.")
@click.option("--all-checks", is_flag=True, help="With --json: list passing per-cell checks too.")
@click.option("--provenance", is_flag=True, help="With --json: add where each value was printed (page, line, text).")
@ocr_option
def command(sources: tuple[str, ...], as_json: bool, all_checks: bool, provenance: bool,
            options: ReadOptions) -> ExitCode:
    """提取报告中的全部数字。Extract every value of each report.

    SOURCES are report files (PDF, DOCX, HTML, text, Markdown, standard
    workbook) or folders of them. The kind of file is found from its content.
    Values are keyed by the IDs of the national form (docs/forms.md); a table that is
    absent gives null for its keys, never 0.

    Exit code 2 when any source cannot be read (the others are still done).

    \b
    Example:
        xlsuite extract examples/fj-commerce-2020.pdf.txt --json
        xlsuite extract examples/
    """
    from ..assessment import assess
    from ..export import provenance_to_dict, report_to_dict

    code = ExitCode.OK
    for path, report in read_each(expand_sources(sources), options):
        if isinstance(report, str):
            echo_err(report)
            code = ExitCode.BAD_INPUT
            continue
        assessment = assess(report)
        if as_json:
            obj = report_to_dict(report, assessment, all_checks=all_checks)
            if provenance:
                obj["provenance"] = provenance_to_dict(report)
            emit_json(obj)
        else:
            _print_summary(report, assessment)
    return code


def _print_summary(report, assessment) -> None:
    from ..forms import get_form
    from ..forms.headline import headline_keys

    m = report.meta
    form = get_form(m.form)
    filled = sum(1 for v in report.values.values() if v.value is not None)
    click.echo(f"{m.source}")
    click.echo(f"  机关：{m.agency or '（未识别）'}  年度：{m.year or '（未识别）'}  表式：{m.form}（{form.title}）")
    click.echo(f"  已读取数值：{filled}/{len(report.values)}  提示：{len(report.warnings)} 条")
    for key in headline_keys():
        click.echo(f"  {form.label_of(key)}：{_fmt(report.number(key))}")
    bad = assessment.hard_failures
    click.echo(f"  校验：{assessment.headline}" + (f"（{len(bad)} 项不通过）" if bad else ""))
    if assessment.flagged:
        click.echo(f"  内容审核：{len(assessment.flagged)} 项提示（xlsuite check 列出）")
    for w in report.warnings[:10]:
        click.echo(f"  提示：{w.message}")
    if len(report.warnings) > 10:
        click.echo(f"  ……另有 {len(report.warnings) - 10} 条提示，用 --json 查看全部")


def _fmt(v) -> str:
    return "空" if v is None else str(v)
