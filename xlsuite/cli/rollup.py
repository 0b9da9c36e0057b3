"""xlsuite rollup: add agency reports into a city or province total workbook."""
from __future__ import annotations

import click

from ..errors import ExitCode
from .common import Bar, ChoiceOf, emit_json, ocr_option, xlsuite_command


def on_invalid_modes() -> tuple[str, ...]:
    from ..rollup import ON_INVALID

    return ON_INVALID


def on_missing_modes() -> tuple[str, ...]:
    from ..rollup import ON_MISSING

    return ON_MISSING



@xlsuite_command("rollup")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="The total as a standard workbook (.xlsx) with a 明细 sheet.")
@click.option("--agency", required=True, help="Name of the total, e.g. 厦门市.")
@click.option("--year", type=int, default=None, help="Report year to add up (default: the latest year given).")
@click.option("--on-invalid", type=ChoiceOf(on_invalid_modes), default="stop", show_default=True,
              help="Inputs failing hard relations: stop, skip them, or include them anyway.")
@click.option("--dedupe", is_flag=True, help="The same agency twice: keep the newest by import time.")
@click.option("--json", "as_json", is_flag=True, help="Print the total as `extract --json` does.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), default=None,
              help="Write the breakdown as a tidy table: agency, key, value.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("--workers", type=int, default=None, help="Processes reading inputs (default: all cores).")
@click.option("--expect", "expect_path", type=click.Path(dir_okay=False), default=None, metavar="名单.csv",
              help="The agency list (名单.csv/.xlsx, or collect's 报送情况.xlsx): name the agencies without a report.")
@click.option("--on-missing", type=ChoiceOf(on_missing_modes), default="stop", show_default=True,
              help="Agencies of --expect without a report: stop (exit 1), or warn and add up the rest.")
@click.option("--no-dashboard", is_flag=True, help="Leave out the 看板 sheet (indicators, ranking, charts).")
@click.option("--previous", multiple=True, type=click.Path(),
              help="Last year's city total, or last year's agency workbooks (files or folders): "
                   "the 看板 gains a year-over-year column and chart. Repeatable.")
@ocr_option
def command(sources, output, agency, year, on_invalid, dedupe, as_json, csv_path, force, workers, expect_path,
            on_missing, no_dashboard, previous, options) -> ExitCode:
    """汇总各机关报告。Add agency reports of one year and form into a total.

    SOURCES are standard workbooks, reports in any supported format, or folders
    of them. Every count and amount adds up key by key; a cell left blank by
    some agencies is summed over the others and named in a warning. Refused,
    naming the files: mixed forms or years, the same agency twice (see
    --dedupe), a file that is not a report, and inputs failing hard relations
    (see --on-invalid).

    With --expect, the agencies of the list without a report stop the roll-up
    (or, with --on-missing warn, are named in a warning); agencies not on the
    list are named too.

    The workbook opens on 看板: the city's indicators (公开率, 不予公开率 …),
    a ranking of the agencies, a heat map over 明细 and native charts, all
    formulas over 明细, so a corrected agency row updates them.

    Exit code 0 when the total passes its checks, 1 when it or an input fails
    hard relations or listed agencies are missing, 2 when the inputs cannot be
    added up.

    \b
    Example:
        xlsuite rollup inbox/ -o 2020-厦门市.xlsx --agency 厦门市 --year 2020
        xlsuite rollup a.xlsx b.pdf c.docx --agency 某市 --json
        xlsuite rollup inbox/ --agency 某市 --csv breakdown.csv --on-invalid skip
        xlsuite rollup 收件/2024/ --agency 某市 --expect 名单.csv --on-missing warn
        xlsuite rollup inbox/ -o 2024-某市.xlsx --agency 某市 --previous 2023-某市.xlsx
    """
    from ..assessment import assess
    from ..export import report_to_dict
    from ..rollup import previous_year, rollup, write_total
    from ..rollup.tidy import write_csv

    expect = None
    if expect_path:
        from ..collect.agencies import read_list

        expect = read_list(expect_path).names
    with Bar("读取报告") as bar:
        result = rollup(sources, agency=agency, year=year, on_invalid=on_invalid, dedupe=dedupe,
                        workers=workers, options=options, on_progress=bar, expect=expect,
                        on_missing=on_missing)
    last = None
    if previous and output and not no_dashboard:
        last = previous_year(previous, agency=agency, year=result.total.meta.year, workers=workers,
                             options=options)
    if output:
        write_total(result, output, overwrite=force, dashboard=not no_dashboard, previous=last)
    if csv_path:
        write_csv(result, csv_path, overwrite=force)
    assessment = assess(result.total)
    if as_json:
        emit_json(report_to_dict(result.total, assessment))
    else:
        _summary(result, assessment, output, csv_path, no_dashboard)
    return assessment.exit_code()


def _summary(result, assessment, output, csv_path, no_dashboard=False) -> None:
    from ..forms.headline import headline_keys

    m = result.total.meta
    form = result.form
    click.echo(f"汇总：{m.agency} {m.year}年度 {m.form}（{form.title}），{len(result.entries)} 份报告")
    for key in headline_keys():
        v = result.total.number(key)
        click.echo(f"  {form.label_of(key)}：{'空' if v is None else v}")
    bad = assessment.hard_failures
    click.echo(f"  校验：{assessment.verdict}" + (f"（{len(bad)} 项不通过）" if bad else ""))
    for w in result.total.warnings[:10]:
        click.echo(f"  提示：{w.message}")
    if len(result.total.warnings) > 10:
        click.echo(f"  ……另有 {len(result.total.warnings) - 10} 条提示，见汇总工作簿“封面”或 --json")
    if output:
        click.echo(f"已写入汇总工作簿：{output}" + ("" if no_dashboard else "（打开即为“看板”：指标、排名与图表）"))
    if csv_path:
        click.echo(f"已写入明细表：{csv_path}")

