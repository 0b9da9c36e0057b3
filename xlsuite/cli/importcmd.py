"""xlsuite import: one standard workbook per report."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, SourceError, XlsuiteError
from .common import Bar, emit_json, error_line, expand_sources, ocr_option, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions

OVERWRITE = {"output_exists": "需要覆盖请加 --overwrite", "output_is_input": "用 -o 另选（--overwrite 也不会覆盖输入）"}


@xlsuite_command("import", hints=OVERWRITE)
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the workbooks (created if missing).")
@click.option("--overwrite", is_flag=True, help="Replace workbooks that already exist.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary of the whole run.")
@click.option("--previous", type=click.Path(), default=None,
              help="Last year's report or workbook: each workbook gains 上年对比, 文字对比 and 上年数据 sheets.")
@click.option("--force", is_flag=True, help="With --previous: compare even another agency or a non-consecutive year.")
@ocr_option
def command(sources: tuple[str, ...], outdir: str, overwrite: bool, as_json: bool, previous: str | None,
            force: bool, options: ReadOptions) -> ExitCode:
    """导入报告，生成标准工作簿。Write one standard workbook per report.

    SOURCES are report files (PDF, DOCX, HTML, text, Markdown), folders of
    them, or JSON written by `xlsuite extract --json`. Each report becomes
    OUTDIR/<年度>-<机关>.xlsx with one sheet per section, defined names for
    every value and a 校验 sheet whose formulas check the relations live.

    An existing workbook is never replaced without --overwrite. A file that
    cannot be read gives one error line and exit code 2; the others are still
    imported.

    With --previous, each workbook also compares the report with last year's
    (see `xlsuite compare`); a report of another agency or year is refused.

    \b
    Example:
        xlsuite import examples/ -o workbooks/
        xlsuite import 2024-洪泽区.pdf --previous 2023-洪泽区.pdf -o workbooks/
        xlsuite extract report.pdf --json > r.json && xlsuite import r.json -o out/
    """
    from ..assessment import assess
    from ..compare.core import CompareError
    from ..readers import read_many, read_report
    from ..sanitize import printable
    from ..workbook import write_workbook
    from ..workbook.sources import is_json_source, reports_from_json, workbook_filename

    out = Path(outdir)
    files = expand_sources(sources)
    last_year = None
    if previous:
        last_year = reports_from_json(previous)[0] if is_json_source(previous) else read_report(previous, options)
    rows: list[dict] = []
    written: dict[Path, str] = {}
    code = ExitCode.OK
    inputs = {os.path.realpath(f) for f in files}  # never written over, even with --overwrite
    # Report files through the batch reader (in parallel for many), JSON in order among them.
    documents = read_many([p for p in files if not is_json_source(p)], options)
    with Bar("导入", enabled=None if not as_json else False) as bar:
        say = bar.echo
        for done, path in enumerate(files, start=1):
            try:
                got = reports_from_json(path) if is_json_source(path) else next(documents)[1]
            except SourceError as e:
                got = e
            bar(done, len(files))
            if isinstance(got, SourceError):
                code = _fail(rows, path, error_line(got), as_json, say)
                continue
            for report in got if isinstance(got, list) else [got]:
                target = out / workbook_filename(report)
                if target in written:
                    code = _fail(rows, path, f"错误：{printable(path)}：与 {printable(written[target])} 同为“{target.name}”"
                                             f"（同一机关同一年度），未写入", as_json, say)
                    continue
                if os.path.realpath(target) in inputs:
                    is_input = XlsuiteError(f"{printable(path)}：输出文件 {target} 是本次的输入文件之一，不能覆盖输入",
                                            code="output_is_input", remedy="请另选一个输出文件夹")
                    code = _fail(rows, path, error_line(is_input, hints=OVERWRITE), as_json, say)
                    continue
                assessment = assess(report)
                try:
                    if last_year is not None:
                        _write_compared(last_year, report, target, assessment, overwrite, force)
                    else:
                        write_workbook(report, target, assessment=assessment, overwrite=overwrite)
                except FileExistsError:
                    exists = XlsuiteError(f"{printable(path)}：{target} 已存在，未覆盖", code="output_exists")
                    code = _fail(rows, path, error_line(exists, hints=OVERWRITE), as_json, say)
                    continue
                except CompareError as e:
                    code = _fail(rows, path, f"错误：{printable(path)} 与上年报告 {previous}：{e}", as_json, say)
                    continue
                except (OSError, XlsuiteError) as e:
                    code = _fail(rows, path, f"错误：{printable(path)}：无法写入 {target}（{e}）", as_json, say)
                    continue
                written[target] = path
                row = {"source": path, "output": str(target), "agency": report.meta.agency,
                       "year": report.meta.year, "form": report.meta.form, "verdict": assessment.verdict,
                       "passed": assessment.passed, "review": assessment.review,
                       "warnings": len(report.warnings)}
                rows.append(row)
                if not as_json:
                    say(f"{target}  ←  {printable(path)}（{assessment.headline}）")
    if as_json:
        emit_json({"outdir": str(out), "written": sum(1 for r in rows if "output" in r),
                   "failed": sum(1 for r in rows if "error" in r), "files": rows})
    elif len(files) > 1:
        n_ok = sum(1 for r in rows if "output" in r)
        click.echo(f"共 {len(files)} 个来源：写入 {n_ok} 个工作簿，失败 {sum(1 for r in rows if 'error' in r)} 个。")
    return code


def _write_compared(previous, report, target: Path, assessment, overwrite: bool, force: bool) -> None:
    """The standard workbook with the comparison against last year's report (CompareError if refused)."""
    from ..compare import compare_reports
    from ..compare.workbook import add_comparison
    from ..workbook import build_workbook, save_atomic
    from ..workbook.marks import previous_marks

    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    cmp = compare_reports(previous, report, force=force)
    wb = build_workbook(report, assessment=assessment, marks=previous_marks(target) if target.exists() else None)
    add_comparison(wb, cmp, first=False)
    save_atomic(wb, target, overwrite=overwrite)


def _fail(rows: list[dict], path: str, line: str, as_json: bool, say) -> ExitCode:
    rows.append({"source": path, "error": line.removeprefix("错误：")})
    if not as_json:
        say(line, err=True)
    return ExitCode.BAD_INPUT

