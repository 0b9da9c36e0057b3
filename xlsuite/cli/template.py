"""xlsuite template: a blank standard workbook of a form."""
from __future__ import annotations

import click

from ..errors import XlsuiteError
from .common import ChoiceOf, xlsuite_command


def form_ids() -> list[str]:
    from ..forms import FORMS

    return sorted(FORMS)


@xlsuite_command("template", hints={"output_exists": "需要覆盖请加 --overwrite"})
@click.option("--form", "form_id", type=ChoiceOf(form_ids), default="gov2021", show_default=True,
              help="gov2019: report years 2019-2020; gov2021: 2021 and later.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx to write.")
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
def command(form_id: str, output: str, overwrite: bool) -> None:
    """生成空白标准工作簿。Write a blank standard workbook for hand entry.

    Same sheets, defined names, data validation and live 校验 formulas as an
    imported workbook, with every value cell empty.

    \b
    Example:
        xlsuite template --form gov2021 -o 空白-2024.xlsx
    """
    from ..workbook.templates import write_template

    try:
        path = write_template(form_id, output, overwrite=overwrite)
    except FileExistsError:
        raise XlsuiteError(f"{output} 已存在，未覆盖", code="output_exists") from None
    click.echo(str(path))
