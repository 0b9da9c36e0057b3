"""xlsuite forms: the declared forms, keys and relations."""
from __future__ import annotations

import click

from .common import emit_json


@click.command("forms")
@click.option("--markdown", is_flag=True, help="The whole declaration as Markdown (docs/forms.md).")
@click.option("--metrics", is_flag=True, help="The declared metrics (指标) as Markdown (docs/metrics.md).")
@click.option("--json", "as_json", is_flag=True, help="Keys per form as JSON.")
def command(markdown: bool, metrics: bool, as_json: bool) -> None:
    """列出两种表式的字段、勾稽关系和指标。Show the two national forms, their keys and relations.

    \b
    Example:
        xlsuite forms
        xlsuite forms --markdown > docs/forms.md
        xlsuite forms --metrics > docs/metrics.md
    """
    from ..formdoc import forms_markdown, metrics_markdown
    from ..forms import FORMS

    if markdown:
        click.echo(forms_markdown())
    elif metrics:
        click.echo(metrics_markdown())
    elif as_json:
        emit_json({fid: f.keys() for fid, f in FORMS.items()})
    else:
        for f in FORMS.values():
            click.echo(f"{f.id}  {f.title}  {len(f.keys())} 个字段  {len(f.rules)} 条关系")
