"""xlsuite import: one standard workbook per report."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..checks import check, verdict
from ..compare.core import CompareError
from ..errors import SourceError, XlsuiteError
from ..workbook import write_workbook
from ..workbook.sources import read_reports, workbook_filename
from ..sanitize import printable
from .common import EXIT_BAD_INPUT, EXIT_OK, echo_err, emit_json, error_line, expand_sources, ocr_option

PROGRESS_FROM = 5  # files; fewer finish before a bar would help


@click.command("import")
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
            force: bool, ocr: str) -> None:
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
    out = Path(outdir)
    files = expand_sources(sources)
    last_year = None
    if previous:
        try:
            last_year = read_reports(previous, ocr=ocr)[0]
        except SourceError as e:
            echo_err(error_line(e))
            raise SystemExit(EXIT_BAD_INPUT)
    rows: list[dict] = []
    written: dict[Path, str] = {}
    code = EXIT_OK
    inputs = {os.path.realpath(f) for f in files}  # never written over, even with --overwrite
    with _progress(len(files), quiet=as_json) as (advance, say):
        for path in files:
            try:
                reports = read_reports(path, ocr=ocr)
            except SourceError as e:
                code = _fail(rows, path, error_line(e), as_json, say)
                advance(path)
                continue
            except Exception as e:  # noqa: BLE001 - one broken file must not end a batch
                code = _fail(rows, path, error_line(e, path), as_json, say)
                advance(path)
                continue
            for report in reports:
                target = out / workbook_filename(report)
                if target in written:
                    code = _fail(rows, path, f"错误：{printable(path)}：与 {printable(written[target])} 同为“{target.name}”"
                                             f"（同一机关同一年度），未写入", as_json, say)
                    continue
                if os.path.realpath(target) in inputs:
                    code = _fail(rows, path, f"错误：{printable(path)}：输出文件 {target} 是本次的输入文件之一，不能覆盖输入"
                                             f"（即使加了 --overwrite）；请用 -o 另选一个文件夹", as_json, say)
                    continue
                results = check(report)
                try:
                    if last_year is not None:
                        _write_compared(last_year, report, target, results, overwrite, force)
                    else:
                        write_workbook(report, target, results=results, overwrite=overwrite)
                except FileExistsError:
                    code = _fail(rows, path, f"错误：{printable(path)}：{target} 已存在，未覆盖（需要覆盖请加 --overwrite）",
                                 as_json, say)
                    continue
                except CompareError as e:
                    code = _fail(rows, path, f"错误：{printable(path)} 与上年报告 {previous}：{e}", as_json, say)
                    continue
                except (OSError, XlsuiteError) as e:
                    code = _fail(rows, path, f"错误：{printable(path)}：无法写入 {target}（{e}）", as_json, say)
                    continue
                written[target] = path
                row = {"source": path, "output": str(target), "agency": report.meta.agency,
                       "year": report.meta.year, "form": report.meta.form, "verdict": verdict(results),
                       "warnings": len(report.warnings)}
                rows.append(row)
                if not as_json:
                    say(f"{target}  ←  {printable(path)}（{row['verdict']}）")
            advance(path)
    if as_json:
        emit_json({"outdir": str(out), "written": sum(1 for r in rows if "output" in r),
                   "failed": sum(1 for r in rows if "error" in r), "files": rows})
    elif len(files) > 1:
        n_ok = sum(1 for r in rows if "output" in r)
        click.echo(f"共 {len(files)} 个来源：写入 {n_ok} 个工作簿，失败 {sum(1 for r in rows if 'error' in r)} 个。")
    raise SystemExit(code)


def _write_compared(previous, report, target: Path, results, overwrite: bool, force: bool) -> None:
    """The standard workbook with the comparison against last year's report (CompareError if refused)."""
    from ..compare import compare_reports
    from ..compare.workbook import add_comparison
    from ..workbook import build_workbook, save_atomic

    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    cmp = compare_reports(previous, report, force=force)
    wb = build_workbook(report, results)
    add_comparison(wb, cmp, first=False)
    save_atomic(wb, target, overwrite=overwrite)


def _fail(rows: list[dict], path: str, line: str, as_json: bool, say) -> int:
    rows.append({"source": path, "error": line.removeprefix("错误：")})
    if not as_json:
        say(line, err=True)
    return EXIT_BAD_INPUT


class _progress:
    """A rich progress bar on stderr for many files at a terminal; silent otherwise."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total = total
        self.enabled = not quiet and total >= PROGRESS_FROM and sys.stderr.isatty()
        self._bar = None

    def __enter__(self):
        """(advance(path), say(line, err=False)): lines print above the bar while it runs."""
        if not self.enabled:
            return (lambda _path: None), (lambda line, err=False: echo_err(line) if err else click.echo(line))
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("导入"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                             TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
        self._bar.__enter__()
        task = self._bar.add_task("", total=self.total)
        console = self._bar.console

        def say(line: str, err: bool = False) -> None:
            console.print(line, markup=False, highlight=False, soft_wrap=True)

        return (lambda path: self._bar.update(task, advance=1, description=Path(path).name[:40])), say

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
