"""xlsuite dataset: many reports into one tidy dataset (Parquet and CSV)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, XlsuiteError
from .common import Bar, echo_err, expand_sources, ocr_option, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions

NEED_EXTRA = "数据集功能需要 pyarrow（集群运行还需要 dask[distributed]）：请运行 pip install 'xlsuite[dataset]'"


@xlsuite_command("dataset")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False),
              help="Output folder: values/reports .parquet and .csv, manifest.json.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Local processes (default: all cores; 1 reads in this process). Ignored with --scheduler.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run on an existing Dask distributed cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--force", is_flag=True, help="Read every source again, even the unchanged ones.")
@click.option("--csv/--no-csv", "csv", default=True,
              help="Also write the tables as CSV (UTF-8 with BOM, for Excel). Parquet is always written.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@ocr_option
def command(sources: tuple[str, ...], out: str, workers: int | None, scheduler: str | None, force: bool,
            csv: bool, progress: bool | None, options: ReadOptions) -> ExitCode:
    """批量提取为数据集。Build one tidy dataset from many reports.

    SOURCES are report files or folders (searched recursively). Writes to OUT:
    values.parquet/.csv (one row per report and key: agency, year, form, key,
    value, source, page, flags …) and reports.parquet/.csv (one row per file:
    meta, warnings, check verdict, or the reason it could not be read).

    Runs on all local cores, or with --scheduler on a Dask cluster whose
    workers see the same paths. Re-running into the same OUT reads again only
    the files whose SHA-256 or xlsuite version changed.

    Exit code 2 when any source could not be read (its row says why; all the
    others are in the dataset), 0 otherwise.

    \b
    Example:
        xlsuite dataset reports/ -o dataset/
        xlsuite dataset reports/ -o dataset/ --scheduler tcp://10.0.0.5:8786
    """
    try:
        from ..dataset import build_dataset
        from ..dataset.run import connect
    except ImportError:
        raise XlsuiteError(NEED_EXTRA, code="missing_extra") from None
    if not expand_sources(sources):
        raise XlsuiteError("没有找到报告文件（支持 PDF、DOCX、XLSX、HTML、TXT、MD）：" + "、".join(sources),
                           code="no_inputs")
    client = None
    if scheduler:
        try:
            client = connect(scheduler)
        except (OSError, RuntimeError) as e:
            raise XlsuiteError(f"无法连接 Dask 调度器 {scheduler}：{e}", code="no_scheduler") from None
    try:
        with Bar("读取报告", enabled=progress, minimum=1) as bar:
            ds = build_dataset(sources, out, workers=workers, client=client, force=force, options=options,
                               on_progress=bar, csv=csv)
    except OSError as e:  # the output folder cannot be used or written
        raise XlsuiteError(f"{out}：无法写入数据集（{e.strerror or e}）", code="unwritable") from None
    finally:
        if client is not None:
            client.close()
    for line in ds.summary.lines():
        click.echo(line)
    failed = ds.reports[ds.reports["status"] != "ok"]
    for row in failed.head(20).itertuples():
        echo_err(f"错误：{row.source}：{row.error_reason}")
    if len(failed) > 20:
        echo_err(f"……另有 {len(failed) - 20} 个文件失败，见 {out} 中 reports 表的 error_reason 列")
    click.echo(f"输出：{out}" + ("" if ds.summary.written else "（无变化，未重写）"))
    return ExitCode.BAD_INPUT if failed.shape[0] else ExitCode.OK
