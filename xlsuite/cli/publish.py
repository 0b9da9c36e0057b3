"""xlsuite publish: the publishable annual report (Word, and PDF) from a checked standard workbook."""
from __future__ import annotations

import click

from ..errors import ExitCode, XlsuiteError
from .common import FLAG_HINTS, echo_err, emit_json, error_line, xlsuite_command

HINTS = {**FLAG_HINTS, "output_exists": "需要覆盖请加 --overwrite"}


@xlsuite_command("publish", hints=HINTS)
@click.argument("workbook", type=click.Path())
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The Word document to write (.docx).")
@click.option("--pdf", is_flag=True, help="Also write the PDF beside it (LibreOffice headless).")
@click.option("--force", is_flag=True,
              help="Publish even when hard relations fail; every page then says 未通过校验.")
@click.option("--overwrite", is_flag=True, help="Replace a document that already exists.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: outputs, failures, fonts.")
def command(workbook: str, output: str, pdf: bool, force: bool, overwrite: bool, as_json: bool) -> ExitCode:
    """生成年报：由标准工作簿生成 Word / PDF 年度报告。Publish the annual report.

    Writes <机关><年度>年政府信息公开工作年度报告 from the standard WORKBOOK:
    the six sections in order with the narrative as staff edited it, and the
    three tables of 二、三、四 in the official layout of the workbook's form
    (gov2019 / gov2021). Blank cells print blank, never 0.

    A workbook whose hard relations fail (or whose cells hold text that is no
    number) is refused: exit code 1, the failing relations listed. A failure
    marked 已核实无误 on the 校验 sheet, with its reason in 说明, does not block
    (the reason is not printed). With --force it is published anyway, and
    every page carries a red 未通过校验 line. Exit code 2 when the workbook cannot be read or an output exists
    (use --overwrite).

    \b
    Example:
        xlsuite import report.pdf -o 工作簿/
        xlsuite publish 工作簿/2024-某某区人民政府.xlsx -o 年报.docx --pdf
        xlsuite publish 工作簿.xlsx -o 草稿.docx --force     # marked 未通过校验
    """
    from ..publish import Refused, publish

    try:
        done = publish(workbook, output, pdf=pdf, force=force, overwrite=overwrite)
    except Refused as e:
        if as_json:
            emit_json({"source": workbook, "published": False, "failures": e.gate.lines()})
        else:
            echo_err(f"错误：{e}")
            for line in e.gate.lines():
                echo_err(f"  {line}")
            echo_err("  请在工作簿中改正后重新生成；确需先出草稿可加 --force（每页标注“未通过校验”）。")
        return ExitCode.CHECKS_FAILED
    except FileExistsError as e:
        return _fail(XlsuiteError(f"{e} 已存在，未覆盖", code="output_exists"), workbook, as_json)
    except OSError as e:
        return _fail(XlsuiteError(f"{workbook}：{e}", code="unwritable"), workbook, as_json)
    except XlsuiteError as e:
        return _fail(e, workbook, as_json)
    if as_json:
        emit_json({"source": workbook, "published": True, **done.to_dict()})
        return ExitCode.OK
    click.echo(f"{done.docx}  ←  {workbook}" + ("（未通过校验，已标注）" if done.forced else ""))
    for line in done.gate.verified_lines():
        click.echo(f"已核实，不阻止发布：{line}")
    if done.pdf:
        click.echo(f"{done.pdf}")
    fallback = [f.name for f in (done.fonts.title, done.fonts.heading, done.fonts.body) if not f.official]
    if fallback:
        click.echo(f"提示：本机没有公文字体（方正小标宋、黑体、仿宋_GB2312），已用 {'、'.join(dict.fromkeys(fallback))} 代替。")
    for note in done.notes:
        click.echo(f"提示：{note}")
    return ExitCode.OK


def _fail(e: XlsuiteError, workbook: str, as_json: bool) -> ExitCode:
    """With --json the error is part of the JSON answer; otherwise the one error line."""
    if not as_json:
        raise e
    emit_json({"source": workbook, "published": False, "error": error_line(e, hints=HINTS).removeprefix("错误：")})
    return e.exit_code

