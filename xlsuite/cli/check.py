"""xlsuite check: the reconciliation relations of each report."""
from __future__ import annotations

import click

from ..checks import STATUS_ZH, check, check_years, hard_failures, verdict
from ..errors import SourceError
from ..readers import read_report
from .common import (EXIT_BAD_INPUT, EXIT_CHECKS_FAILED, EXIT_OK, echo_err, emit_json, error_line,
                     expand_sources, read_each)


@click.command("check")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source: verdict and every result.")
@click.option("--previous", type=click.Path(), default=None,
              help="The same agency's report of the year before: adds the cross-year relations.")
@click.option("--strict", is_flag=True, help="Warnings count as failures for the exit code.")
def command(sources: tuple[str, ...], as_json: bool, previous: str | None, strict: bool) -> None:
    """校验报告的勾稽关系。Check each report's reconciliation relations.

    Prints each failing relation with its keys and values. Exit code 1 when any
    hard relation fails (any warning too, with --strict), 2 when a source cannot
    be read, 0 otherwise.

    \b
    Example:
        xlsuite check examples/xiamen-city-2020.pdf.txt
        xlsuite check report-2024.pdf --previous report-2023.pdf --json
    """
    prev_report = None
    if previous:
        try:
            prev_report = read_report(previous)
        except SourceError as e:
            echo_err(error_line(e))
            raise SystemExit(EXIT_BAD_INPUT)
    code = EXIT_OK
    for path, report, error in read_each(expand_sources(sources)):
        if error:
            echo_err(error)
            code = max(code, EXIT_BAD_INPUT)
            continue
        results = check(report)
        if prev_report is not None:
            results += check_years(prev_report, report)
        failed = hard_failures(results)
        warned = [r for r in results if r.failed and r.severity != "error"]
        if failed or (strict and (warned or report.warnings)):
            code = max(code, EXIT_CHECKS_FAILED) if code != EXIT_BAD_INPUT else code
        if as_json:
            emit_json({"source": path, "meta": {"agency": report.meta.agency, "year": report.meta.year,
                                                "form": report.meta.form},
                       "verdict": verdict(results),
                       "results": [r.to_dict() for r in results if r.rule != "R5" or r.failed],
                       "warnings": [w.to_dict() for w in report.warnings]})
            continue
        m = report.meta
        click.echo(f"{path}：{m.agency or '（未识别机关）'} {m.year or ''}年度 {m.form} —— {verdict(results)}")
        for r in failed + warned:
            level = "错误" if r.severity == "error" else "警告"
            click.echo(f"  [{level}] {r.id} {r.message}")
            click.echo("         " + "，".join(f"{k}={v}" for k, v in r.values.items()))
        unchecked = [r for r in results if r.status == "not_checkable"]
        if unchecked:
            click.echo(f"  {STATUS_ZH['not_checkable']}：{len(unchecked)} 项（数据空缺）：" +
                       "、".join(r.id for r in unchecked[:8]) + ("……" if len(unchecked) > 8 else ""))
    raise SystemExit(code)
