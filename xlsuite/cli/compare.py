"""xlsuite compare: one agency's report against its report of the year before."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import SourceError, XlsuiteError
from .common import EXIT_BAD_INPUT, EXIT_OK, echo_err, emit_json, error_line, ocr_option

@click.command("compare")
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
            overwrite: bool, ocr: str) -> None:
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
        echo_err("错误：--pdf 需要同时用 -o 指定对比工作簿，PDF 写在它旁边")
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        cmp = compare(previous, current, force=force, ocr=ocr)
    except SourceError as e:
        echo_err(error_line(e))
        raise SystemExit(EXIT_BAD_INPUT)
    except CompareError as e:
        echo_err(f"错误：{previous} 与 {current}：{e}")
        raise SystemExit(EXIT_BAD_INPUT)
    written = []
    try:
        if output:
            written.append(str(write_comparison(cmp, output, overwrite=overwrite)))
        if pdf:
            written.append(str(write_pdf(cmp, Path(output).with_suffix(".pdf"), overwrite=overwrite)))
    except FileExistsError as e:
        echo_err(f"错误：{e}：文件已存在，未覆盖（需要覆盖请加 --overwrite）")
        raise SystemExit(EXIT_BAD_INPUT)
    except (OSError, XlsuiteError) as e:
        echo_err(f"错误：无法写入 {output}：{e}")
        raise SystemExit(EXIT_BAD_INPUT)
    if as_json:
        d = cmp.to_dict()
        d["outputs"] = written
        emit_json(d)
    else:
        for line in summary_lines(cmp):
            click.echo(line)
        for path in written:
            click.echo(f"已写入：{path}")
    raise SystemExit(EXIT_OK)
