"""xlsuite compare: one agency's report against its report of the year before."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import SourceError, XlsuiteError
from .common import EXIT_BAD_INPUT, EXIT_OK, echo_err, emit_json, error_line, ocr_option

SHOWN_FIGURES = 12


@click.command("compare")
@click.argument("previous", type=click.Path())
@click.argument("current", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="This year's standard workbook with the 上年对比, 文字对比 and 上年数据 sheets (.xlsx).")
@click.option("--pdf", "pdf", is_flag=True,
              help="Also print 上年对比 and 文字对比 to PDF through LibreOffice, beside -o (same name, .pdf).")
@click.option("--json", "as_json", is_flag=True, help="The whole comparison as one JSON object.")
@click.option("--force", is_flag=True,
              help="Compare even two different agencies or years that are not consecutive; replace outputs.")
@ocr_option
def command(previous: str, current: str, output: str | None, pdf: bool, as_json: bool, force: bool,
            ocr: str) -> None:
    """与上年报告对比。Compare a report with the same agency's report of the year before.

    PREVIOUS and CURRENT are any readable reports or standard workbooks. For
    every value and indicator (指标) the comparison gives 上年, 本年, 增减 and
    增减率; relations 8-10 across the years; the sentences of 一、五、六 that
    were added, removed or changed, with the figures restated in them; and the
    repetition rate (重复率): the share of this year's text carried over from
    last year's, per section and overall, and for the tables the share of cells
    unchanged.

    Two different agencies, or years that are not consecutive, are refused
    (exit code 2) unless --force. An existing output is kept unless --force.

    \b
    Example:
        xlsuite compare 2023-洪泽区.pdf 2024-洪泽区.pdf
        xlsuite compare 2023.xlsx 2024.xlsx -o 对比.xlsx --pdf
        xlsuite compare 2023.pdf 2024.pdf --json
    """
    from ..compare import CompareError, compare, write_comparison, write_pdf

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
            written.append(str(write_comparison(cmp, output, overwrite=force)))
        if pdf:
            written.append(str(write_pdf(cmp, Path(output).with_suffix(".pdf"), overwrite=force)))
    except FileExistsError as e:
        echo_err(f"错误：{e}：文件已存在，未覆盖（需要覆盖请加 --force）")
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


def summary_lines(cmp) -> list[str]:
    """The comparison for a terminal (and the ribbon's message box): the essentials first."""
    from ..audit.result import SECTION_NAMES
    from ..compare.text import ADDED, CHANGED, FIGURES, REMOVED
    from ..compare.workbook import pct

    p, c = cmp.previous.meta, cmp.current.meta
    rep = cmp.repetition()
    lines = [f"对比：{c.agency or '（机关未识别）'}　{p.year}年度 → {c.year}年度（{p.form} → {c.form}）"]
    lines += [f"  警告：{w}（--force）" for w in cmp.warnings]
    lines.append(f"重复率：文字 {pct(rep['text'])}；表格未变单元格 {pct(rep['tables']['all'])}")
    for section, d in cmp.narrative.items():
        n = d.counts()
        lines.append(f"  {SECTION_NAMES[section]}：{pct(d.repetition)}（新增 {n[ADDED]} 句，删除 {n[REMOVED]} 句，"
                     f"改写 {n[CHANGED]} 句，仅数字变化 {n[FIGURES]} 句）")
    lines.append("指标（上年 → 本年）：")
    for mc in cmp.metrics.values():
        fmt = pct if mc.metric.kind == "ratio" else (lambda v: "—" if v is None else f"{v:,}")
        prev = mc.previous.value if mc.previous else None
        note = "；".join(f"{'上年' if k == 'previous' else '本年'}{v}" for k, v in mc.notes().items())
        lines.append(f"  {mc.metric.name}：{fmt(prev)} → {fmt(mc.current.value)}" + (f"（{note}）" if note else ""))
    figs = [(section, s, f) for section, d in cmp.narrative.items() for s in d.sentences for f in s.figures]
    if figs:
        lines.append("文字中变化的数字：")
        for section, _s, f in figs[:SHOWN_FIGURES]:
            lines.append(f"  {SECTION_NAMES[section].split('、')[0]}、{f.text()}")
        if len(figs) > SHOWN_FIGURES:
            lines.append(f"  ……另有 {len(figs) - SHOWN_FIGURES} 处，见 --json 或对比工作簿“文字对比”表")
    failed = [r for r in cmp.cross_year if r.failed]
    lines.append(f"跨年度勾稽关系（R8–R10）：{len(cmp.cross_year)} 项，不一致 {len(failed)} 项")
    lines += [f"  {r.message}" for r in failed[:6]]
    return lines
