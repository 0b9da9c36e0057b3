"""xlsuite excel: run a ribbon action on a workbook file, exactly as the Excel button does."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import ExitCode, XlsuiteError
from .common import ChoiceOf, echo_err, ocr_option, xlsuite_command

if TYPE_CHECKING:
    from ..readers.options import ReadOptions


def _tags() -> list[str]:
    from ..excel.dispatch import BUTTONS

    return [b.tag for b in BUTTONS]


NO_WORKBOOK_NEEDED = {"template", "about", "rollup"}


@xlsuite_command("excel")
@click.argument("action", type=ChoiceOf(_tags))
@click.option("--workbook", "-w", type=click.Path(dir_okay=False), help="The standard workbook (the 'active' one).")
@click.option("--file", "file_", type=click.Path(), help="导入: the report to import; 对比: last year's report.")
@click.option("--folder", type=click.Path(file_okay=False), help="汇总: the folder of agency workbooks.")
@click.option("--agency", help="汇总: the name of the total (default: the folder's name).")
@click.option("--form", "form_id", help="模板: the form (gov2019 or gov2021).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="模板/汇总/对比: the workbook to write; 生成年报: the Word document.")
@ocr_option
def command(action: str, workbook: str | None, file_: str | None, folder: str | None, agency: str | None,
            form_id: str | None, output: str | None, options: ReadOptions) -> ExitCode:
    """在命令行运行功能区按钮的功能。Run a ribbon button's action on a workbook file.

    ACTION is one of the ribbon's tags: reimport (导入), validate (校验), publish
    (生成年报), rollup (汇总), compare (对比), send (发送), template (模板), about (关于). The workbook is changed
    and saved in place (导入 keeps a backup first); what Excel would show in a
    message box is printed. Exit code 1 when the checks fail or sending is
    refused, 2 for unreadable input.

    \b
    Example:
        xlsuite excel validate --workbook 2024-某某局.xlsx
        xlsuite excel reimport --workbook 2024-某某局.xlsx --file 报告.pdf
        xlsuite excel rollup --folder 各单位/ --agency 某某市 -o 2024-某某市-汇总.xlsx
        xlsuite excel template --form gov2021 -o 空白.xlsx
        xlsuite excel publish --workbook 2024-某某局.xlsx -o 年报.docx
        xlsuite excel compare --workbook 2024-某某局.xlsx --file 2023-某某局.pdf -o 对比.xlsx
    """
    from ..excel.actions.base import CANCELLED
    from ..excel.dispatch import dispatch
    from ..excel.openpyxl_adapter import OpenpyxlAdapter

    if workbook is None and action not in NO_WORKBOOK_NEEDED:
        raise XlsuiteError(f"{action} 需要用 --workbook 指定工作簿", code="no_workbook")
    answers = {"file": file_, "folder": folder, "choice": form_id, "save_path": output}
    if agency:
        answers["text"] = agency
    adapter = OpenpyxlAdapter(workbook, answers, options)
    outcome = dispatch(action, adapter)
    for level, _title, text in adapter.alerts:
        click.echo(text, err=level == "error")
    if outcome.status == CANCELLED:
        # In Excel a cancelled dialog; here a missing option.
        echo_err("（命令行中请用 --file、--folder、--form 或 -o 给出这一步需要的文件或选择）")
        return ExitCode.BAD_INPUT
    return outcome.exit_code
