"""xlsuite compare: one agency's report against its report of the year before."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, XlsuiteError
from .common import emit_json, ocr_option, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions

# Refusals that --force overrides (xlsuite.compare.core.identity_problems).
FORCE = {code: "加 --force 仍然比较" for code in ("unknown_agency", "different_agency", "unknown_year", "year_gap")}


@xlsuite_command("compare", hints={**FORCE, "output_exists": "需要覆盖请加 --overwrite"})
@click.argument("previous", type=click.Path())
@click.argument("current", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="This year's standard workbook with the 上年对比, 文字对比 and 上年数据 sheets (.xlsx).")
@click.option("--pdf", "pdf", is_flag=True,
              help="Also print 上年对比 and 文字对比 to PDF through LibreOffice, beside -o (same name, .pdf).")
@click.option("--json", "as_json", is_flag=True, help="The whole comparison as one JSON object.")
@click.option("--force", is_flag=True, help="Compare even two different agencies or years that are not consecutive.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output workbook or PDF.")
@ocr_option
def command(previous: str, current: str, output: str | None, pdf: bool, as_json: bool, force: bool,
            overwrite: bool, options: ReadOptions) -> ExitCode:
    """与上年报告对比。Compare a report with the same agency's report of the year before.

    PREVIOUS and CURRENT are any readable reports or standard workbooks. For
    every value and indicator (指标) the comparison gives 上年, 本年, 增减 and
    增减率; relations 8-10 across the years; the sentences of 一、五、六 that
    were added, removed or changed, with the figures restated in them; and the
    repetition rate (重复率): the share of this year's text carried over from
    last year's, per section and overall, and for the tables the share of cells
    unchanged.

    Two different agencies, or years that are not consecutive, are refused
    (exit code 2) unless --force. An existing output is kept unless --overwrite.

    \b
    Example:
        xlsuite compare 2023-洪泽区.pdf 2024-洪泽区.pdf
        xlsuite compare 2023.xlsx 2024.xlsx -o 对比.xlsx --pdf
        xlsuite compare 2023.pdf 2024.pdf --json
    """
    from ..compare import CompareError, compare, write_comparison, write_pdf
    from ..compare.summary import summary_lines

    if pdf and not output:
        raise XlsuiteError("--pdf 需要同时用 -o 指定对比工作簿，PDF 写在它旁边", code="usage")
    try:
        cmp = compare(previous, current, force=force, options=options)
    except CompareError as e:
        e.message = f"{previous} 与 {current}：{e.message}"
        raise
    written = []
    try:
        if output:
            written.append(str(write_comparison(cmp, output, overwrite=overwrite)))
        if pdf and output:
            written.append(str(write_pdf(cmp, Path(output).with_suffix(".pdf"), overwrite=overwrite)))
    except FileExistsError as e:
        raise XlsuiteError(f"{e}：文件已存在，未覆盖", code="output_exists") from None
    except OSError as e:
        raise XlsuiteError(f"无法写入 {output}：{e}", code="unwritable") from None
    if as_json:
        d = cmp.to_dict()
        d["outputs"] = written
        emit_json(d)
    else:
        for line in summary_lines(cmp):
            click.echo(line)
        for path in written:
            click.echo(f"已写入：{path}")
    return ExitCode.OK
